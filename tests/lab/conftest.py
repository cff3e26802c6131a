"""Lab fixtures: a lab organisation with its researcher, a researcher of another organisation, and a planned
study of service svc-a (owned by Ministry A) run by the lab."""

from __future__ import annotations

import pytest

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.registry.models import Organisation

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture
def lab_org(reference_data):
    return Organisation.objects.create(code="lab-centre", name_en="Usability Lab", name_ru="Лаборатория",
                                       level="federal")


@pytest.fixture
def researchers(users, lab_org, reference_data):
    return {
        "lab": User.objects.create_user(username="researcher", password=PASSWORD, role=Role.LAB_RESEARCHER,
                                        organisation=lab_org),
        "other": User.objects.create_user(username="researcher-b", password=PASSWORD, role=Role.LAB_RESEARCHER,
                                          organisation=reference_data["region"]),
    }


@pytest.fixture
def study(services, researchers, lab_org):
    researcher = researchers["lab"]
    study = study_services.study_create(
        actor=researcher, service=services["a"], lab=lab_org, title="Birth allowance, beta",
        screener=[{"key": "applied_before", "question": "Have you applied for this benefit before?",
                   "options": ["yes", "no"], "accept": ["no"]}],
    )
    for order, (key, critical) in enumerate([("find", True), ("apply", True), ("track", False)], start=1):
        study_services.task_create(actor=researcher, study=study, key=key, title=f"Task {key}", order=order,
                                   critical_path=critical)
    return study


@pytest.fixture
def run_session():
    """run_session(study, actor, outcomes={task_key: (outcome, seconds)}, sus=None, **participant) -> Session:
    recruit a participant, run a moderated session through every given attempt and finish it."""

    def run(study, actor, outcomes, *, sus=None, **participant):
        person = participant_services.participant_recruit(actor=actor, study=study,
                                                          screener_answers={"applied_before": "no"},
                                                          **participant)
        session = session_services.session_schedule(actor=actor, study=study, participant=person)
        session_services.session_start(actor=actor, session=session)
        tasks = {t.key: t for t in study.tasks.all()}
        for key, (outcome, seconds) in outcomes.items():
            session_services.attempt_record(actor=actor, session=session, task=tasks[key], outcome=outcome,
                                            seconds=seconds, seq=6)
        if sus is not None:
            session_services.questionnaire_answer(actor=actor, session=session, kind="sus", answers=sus)
        return session_services.session_finish(actor=actor, session=session)

    return run
