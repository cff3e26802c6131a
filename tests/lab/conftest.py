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

#: The first bytes of real recordings of each accepted container (an EBML header with its DocType, an ISO
#: base-media `ftyp` box, an Ogg page).
VIDEO_HEADS = {
    "webm": b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm"
            b"\x42\x87\x81\x04\x42\x85\x81\x02",
    "mkv": b"\x1a\x45\xdf\xa3\xa3\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x88matroska"
           b"\x42\x87\x81\x04\x42\x85\x81\x02",
    "mp4": b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41",
    "mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  ",
    "ogv": b"OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04\x00\x00\x00\x00",
}


@pytest.fixture
def video():
    """video(kind="webm", size=64) -> bytes: a file of `size` bytes that starts like a real `kind` recording."""
    def make(kind: str = "webm", size: int = 64) -> bytes:
        head = VIDEO_HEADS[kind]
        return (head + b"\x00" * max(0, size - len(head)))[:max(size, len(head))]

    return make


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
def study(services, researchers, lab_org, users):
    """A study of min-a's service by another authority's lab, which min-a's service owner has consented to."""
    researcher = researchers["lab"]
    study = study_services.study_create(
        actor=researcher, service=services["a"], lab=lab_org, title="Birth allowance, beta",
        screener=[{"key": "applied_before", "question": "Have you applied for this benefit before?",
                   "options": ["yes", "no"], "accept": ["no"]}],
    )
    study = study_services.study_owner_consent(actor=users["owner_a"], study=study, give=True)
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
