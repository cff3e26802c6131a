"""Scoping matrix of the lab: studies, tasks, participants, sessions, attempts, findings, recordings, exports, the
take page and the Django admin.

Study A tests Ministry A's service svc-a and is run by the usability lab (lab-centre); study B tests the Tula
region's svc-b and is run by the region itself. The rules under test (accounts/scoping.py, lab/models.py):

* a study is seen by its service's owner (and above) and by its lab; the central office and superusers see all;
* running it (RUN_LAB) goes through the lab only: a researcher of the service's owner gets 404;
* participants' personal data (names, contacts, consent, incentives, recordings) is for the running lab's
  researchers only: administrators and superusers get 403 (their role lacks the right) or 404 (a superuser whose
  role is lab researcher of another organisation: the right, but not the scope); their pages and answers never
  contain a participant's name or contact.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.accounts.conftest import (
    ACTORS,
    IN_A,
    IN_B,
    SIGNED_IN,
    acts,
    answers_read_by,
    client_as,
    everyone,
    read_matrix_test,
    row,
    sees,
    write_matrix_test,
)

from govcx.lab.models import (
    Consent,
    Finding,
    Incentive,
    Observation,
    OwnerConsent,
    Participant,
    Quota,
    Session,
    Study,
    Task,
)
from govcx.lab.services import finding as finding_services
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services

pytestmark = pytest.mark.django_db

PERSON_A = {"full_name": "Анна Кузнецова-Ильина", "email": "anna.kuznetsova@example.org", "phone": "+7 900 555-01-02"}
PERSON_B = {"full_name": "Борис Пантелеев", "email": "boris.panteleev@example.org", "phone": "+7 900 555-03-04"}

# Who sees each study, who runs it, who sees its participants' personal data.
SEES_A = IN_A | {"lab"}
SEES_B = IN_B
RUNS_A = {"lab", "admin", "superuser", "superuser_researcher_b"}  # the lab; central and superusers run any study
PERSONAL_A = {"lab"}
PERSONAL_B = {"researcher_b", "superuser_researcher_b"}  # the superuser is a researcher of this lab


def personal(scope: set[str], allowed: set[str], ok: int = 200) -> dict[str, int]:
    """Personal data: `ok` for the lab's researchers; 403 for those who see the study but whose role lacks the
    right; 404 for everyone else, a researcher of another organisation included (the right, not the scope)."""
    def cell(actor: str) -> int:
        if actor in allowed:
            return ok
        role_has_right = actor.startswith(("researcher", "lab", "superuser_researcher"))
        return 404 if role_has_right or actor not in scope else 403
    return {actor: cell(actor) for actor in SIGNED_IN}


def runs(scope: set[str], allowed: set[str], ok: int) -> dict[str, int]:
    """Running the study: `ok` for its lab and the central office; a researcher whose scope sees the study but
    does not run it gets 404 (scope), a role without RUN_LAB 403."""
    cells_ = acts(scope, allowed, ok)
    return {actor: 404 if code == 403 and actor.startswith("researcher") else code for actor, code in cells_.items()}


def build(base: dict[str, Any]) -> dict[str, Any]:
    users, services, orgs = base["users"], base["services"], base["orgs"]
    world: dict[str, Any] = {}
    for side, service, lab, researcher, person in (("a", services["a"], orgs["lab-centre"], users["lab"], PERSON_A),
                                                   ("b", services["b"], orgs["region-b"], users["researcher_b"],
                                                    PERSON_B)):
        study = study_services.study_create(actor=researcher, service=service, lab=lab, title=f"Study {side}")
        if study.owner_consent != OwnerConsent.NOT_NEEDED:  # another authority's service: its owner consents first
            study = study_services.study_owner_consent(actor=users[f"owner_{side}"], study=study, give=True)
        task = study_services.task_create(actor=researcher, study=study, key="apply", title="Apply", order=1)
        unused = study_services.task_create(actor=researcher, study=study, key="track", title="Track", order=2)
        quota = study_services.quota_create(actor=researcher, study=study, dimension="age_band", value="25-44",
                                            target=3)
        participant = participant_services.participant_recruit(actor=researcher, study=study, **person)
        participant_services.consent_record(actor=researcher, participant=participant, text_version="v1",
                                            recording_allowed=True)
        participant_services.incentive_record(actor=researcher, participant=participant, amount="500",
                                              method="voucher")
        session = session_services.session_schedule(actor=researcher, study=study, participant=participant)
        session_services.session_start(actor=researcher, session=session)
        attempt = session_services.attempt_record(actor=researcher, session=session, task=task, outcome="success",
                                                  seconds=42.0, seq=6)
        observation = finding_services.observation_add(actor=researcher, session=session, task=task,
                                                       text="Missed the button", at_seconds=3.0)
        session_services.questionnaire_answer(actor=researcher, session=session, kind="sus",
                                              answers=[4, 2, 4, 2, 4, 2, 4, 2, 4, 2])
        session_services.recording_upload(actor=researcher, session=session, upload=SimpleUploadedFile(
            "s.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, content_type="video/mp4"))
        session_services.session_finish(actor=researcher, session=session)
        # A second session without a recording, for the upload row: replacing a recording deletes its file, which
        # the rolled-back database would then point to.
        bare = session_services.session_schedule(actor=researcher, study=study, participant=participant)
        finding = finding_services.finding_create(actor=researcher, study=study, title="Button hidden", task=task,
                                                  participants=[participant])
        spare = participant_services.participant_recruit(actor=researcher, study=study, code="P99")
        remote = session_services.session_schedule(actor=researcher, study=study, participant=spare,
                                                   mode="unmoderated")
        _, token = session_services.session_link_issue(actor=researcher, session=remote)
        world |= {f"study_{side}": study.pk, f"task_{side}": task.pk, f"unused_task_{side}": unused.pk,
                  f"quota_{side}": quota.pk,
                  f"part_{side}": participant.pk, f"session_{side}": session.pk, f"attempt_{side}": attempt.pk,
                  f"observation_{side}": observation.pk, f"finding_{side}": finding.pk, f"token_{side}": token,
                  f"spare_{side}": spare.pk, f"bare_session_{side}": bare.pk}
    return world


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    """Everything a refused request must leave alone."""
    return {
        "studies": sorted(Study.objects.values_list("id", "title", "status", "version")),
        "tasks": sorted(Task.objects.values_list("id", "key", "title")),
        "quotas": sorted(Quota.objects.values_list("id", "target")),
        "participants": sorted(Participant.objects.values_list("id", "code", "full_name", "email", "status")),
        "consents": sorted(Consent.objects.values_list("id", "text_version", "recording_allowed")),
        "incentives": sorted(Incentive.objects.values_list("id", "amount")),
        "sessions": sorted(Session.objects.values_list("id", "status", "recording")),
        "observations": sorted(Observation.objects.values_list("id", "text")),
        "findings": sorted(Finding.objects.values_list("id", "title")),
    }


ADMIN_SITE = {actor: 302 for actor in SIGNED_IN}  # not staff: sent to the admin's login page


READS = [
    row("page", "study list", "/lab/", everyone()),
    row("api", "study list", "/api/lab/studies", everyone()),
    *[
        row(kind, f"{name} of {side}", url.replace("X", side), sees(scope))
        for side, scope in (("a", SEES_A), ("b", SEES_B))
        for kind, name, url in (
            ("page", "study page", "/lab/studies/{study_X}/"),
            ("page", "participant page", "/lab/participants/{part_X}/"),
            ("page", "session page", "/lab/sessions/{session_X}/"),
            ("page", "findings board", "/lab/studies/{study_X}/findings/"),
            ("page", "finding page", "/lab/findings/{finding_X}/"),
            ("page", "report", "/lab/studies/{study_X}/report/"),
            ("page", "export csv", "/lab/studies/{study_X}/results.csv"),
            ("page", "export xlsx", "/lab/studies/{study_X}/results.xlsx"),
            ("api", "study", "/api/lab/studies/{study_X}"),
            ("api", "tasks", "/api/lab/studies/{study_X}/tasks"),
            ("api", "task", "/api/lab/tasks/{task_X}"),
            ("api", "quotas", "/api/lab/studies/{study_X}/quotas"),
            ("api", "participants", "/api/lab/studies/{study_X}/participants"),
            ("api", "participant", "/api/lab/participants/{part_X}"),
            ("api", "sessions", "/api/lab/studies/{study_X}/sessions"),
            ("api", "session", "/api/lab/sessions/{session_X}"),
            ("api", "attempts", "/api/lab/sessions/{session_X}/attempts"),
            ("api", "attempt", "/api/lab/attempts/{attempt_X}"),
            ("api", "observations", "/api/lab/studies/{study_X}/observations"),
            ("api", "questionnaires", "/api/lab/studies/{study_X}/questionnaires"),
            ("api", "findings", "/api/lab/studies/{study_X}/findings"),
            ("api", "finding", "/api/lab/findings/{finding_X}"),
            ("api", "metrics", "/api/lab/studies/{study_X}/metrics"),
            ("api", "export xlsx", "/api/lab/studies/{study_X}/export?fmt=xlsx"),
            ("api", "export csv", "/api/lab/studies/{study_X}/export?fmt=csv"),
        )
    ],
    row("page", "report pdf of a", "/lab/studies/{study_a}/report.pdf", sees(SEES_A)),
    # Participants' personal data: the running lab's researchers only.
    *[
        row(kind, f"{name} of {side}", url.replace("X", side), personal(scope, allowed))
        for side, scope, allowed in (("a", SEES_A, PERSONAL_A), ("b", SEES_B, PERSONAL_B))
        for kind, name, url in (
            ("page", "recording download", "/lab/sessions/{session_X}/recording/video"),
            ("page", "consent form", "/lab/participants/{part_X}/consent/"),
            ("page", "incentive form", "/lab/participants/{part_X}/incentives/"),
            ("api", "consent", "/api/lab/participants/{part_X}/consent"),
            ("api", "incentives", "/api/lab/participants/{part_X}/incentives"),
        )
    ],
    row("page", "participant edit form of a", "/lab/participants/{part_a}/edit/", runs(SEES_A, RUNS_A, 200)),
    row("page", "withdraw form of a", "/lab/participants/{part_a}/withdraw/", runs(SEES_A, RUNS_A, 200)),
    # The participant's own page: the personal link is the only key.
    row("page", "take page", "/lab/take/{token_a}/", everyone(), anon=200),
    row("api", "take", "/api/lab/take/{token_a}", everyone(), anon=200),
    # The Django admin: read-only studies and findings for superusers; participants are not registered at all.
    row("page", "admin studies", "/admin/lab/study/", ADMIN_SITE | {"superuser": 200, "superuser_researcher_b": 200}),
    row("page", "admin study", "/admin/lab/study/{study_a}/change/",
        ADMIN_SITE | {"superuser": 200, "superuser_researcher_b": 200}),
    row("page", "admin finding", "/admin/lab/finding/{finding_a}/change/",
        ADMIN_SITE | {"superuser": 200, "superuser_researcher_b": 200}),
    *[
        row("page", f"admin {model}", f"/admin/lab/{model}/", ADMIN_SITE | {"superuser": 404,
                                                                         "superuser_researcher_b": 404})
        for model in ("participant", "consent", "incentive", "session")
    ],
]

WRITES = [
    row("api", "edit study", "/api/lab/studies/{study_a}", runs(SEES_A, RUNS_A, 200), method="patch",
        body=lambda w: {"title": "Edited"}),
    row("api", "add task", "/api/lab/studies/{study_a}/tasks", runs(SEES_A, RUNS_A, 201), method="post",
        body=lambda w: {"key": "find", "title": "Find"}),
    row("api", "recruit", "/api/lab/studies/{study_a}/participants", runs(SEES_A, RUNS_A, 201), method="post",
        body=lambda w: {"code": "P50"}),
    row("api", "edit participant", "/api/lab/participants/{part_a}", personal(SEES_A, PERSONAL_A),
        method="patch", body=lambda w: {"full_name": "Someone Else"}),
    row("api", "record consent", "/api/lab/participants/{part_a}/consent", personal(SEES_A, PERSONAL_A),
        method="put", body=lambda w: {"text_version": "v2", "recording_allowed": False}),
    row("api", "record incentive", "/api/lab/participants/{part_a}/incentives", personal(SEES_A, PERSONAL_A, 201),
        method="post", body=lambda w: {"amount": "100", "method": "cash"}),
    row("api", "upload recording", "/api/lab/sessions/{bare_session_a}/recording", personal(SEES_A, PERSONAL_A),
        method="post", multipart=True, body=lambda w: {"file": SimpleUploadedFile(
            "r.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, content_type="video/mp4")}),
    row("api", "withdraw participant", "/api/lab/participants/{spare_a}/withdraw", runs(SEES_A, RUNS_A, 200),
        method="post", body=lambda w: {}),
    row("api", "add observation", "/api/lab/sessions/{session_a}/observations", runs(SEES_A, RUNS_A, 201),
        method="post", body=lambda w: {"text": "Slow"}),
    row("api", "add finding", "/api/lab/studies/{study_a}/findings", runs(SEES_A, RUNS_A, 201), method="post",
        body=lambda w: {"title": "Another"}),
    row("api", "delete task", "/api/lab/tasks/{unused_task_b}", runs(SEES_B, {"researcher_b", "superuser_researcher_b",
                                                                        "admin", "superuser"}, 204),
        method="delete"),
    row("page", "record consent", "/lab/participants/{part_a}/consent/", personal(SEES_A, PERSONAL_A, 302),
        method="post", body=lambda w: {"text_version": "v2", "given_at": "2025-01-01T10:00"}),
    row("page", "record incentive", "/lab/participants/{part_a}/incentives/", personal(SEES_A, PERSONAL_A, 302),
        method="post", body=lambda w: {"amount": "100", "currency": "RUB", "method": "cash"}),
    row("page", "delete quota", "/lab/quotas/{quota_a}/delete/", runs(SEES_A, RUNS_A, 302), method="post",
        body=lambda w: {}),
    row("page", "add observation", "/lab/sessions/{session_a}/observations/", runs(SEES_A, RUNS_A, 302),
        method="post", body=lambda w: {"text": "Slow"}),
    row("page", "close study", "/lab/studies/{study_a}/close/", runs(SEES_A, RUNS_A, 302), method="post",
        body=lambda w: {}),
]


test_read_matrix = read_matrix_test(READS)
test_write_matrix = write_matrix_test(WRITES, state)


@pytest.mark.parametrize("actor", ACTORS)
def test_no_page_or_answer_shows_a_participant_to_anyone_but_their_lab(world, actor):
    """Iterate every read row: a participant's name and contacts appear only in answers to their lab's researchers
    (and do appear there, so the test would see a leak)."""
    seen: dict[str, set[str]] = {"a": set(), "b": set()}
    for call, body in answers_read_by(world, actor, READS):
        for side, person, allowed in (("a", PERSON_A, PERSONAL_A), ("b", PERSON_B, PERSONAL_B)):
            for value in person.values():
                if value in body:
                    assert actor in allowed, f"{call.name}: {actor} saw {value!r}"
                    seen[side].add(value)
    for side, person, allowed in (("a", PERSON_A, PERSONAL_A), ("b", PERSON_B, PERSONAL_B)):
        if actor in allowed:
            assert seen[side] == set(person.values()), f"{actor} should see {side}'s participant somewhere"


def test_every_personal_data_row_refuses_both_superusers(world):
    rows = [c for c in READS + WRITES if c.expect["lab"] in (200, 201, 302) and c.expect["superuser"] == 403
            and c.expect["superuser_researcher_b"] == 404 and c.url.count("_a")]
    assert len(rows) >= 10, [c.name for c in rows]


def test_a_superuser_researcher_sees_their_own_labs_participants_only(world):
    client = client_as(world, "superuser_researcher_b")
    own = client.get("/api/lab/studies/{study_b}/participants".format(**world)).json()
    other = client.get("/api/lab/studies/{study_a}/participants".format(**world)).json()
    assert own[0]["full_name"] == PERSON_B["full_name"]
    assert all("full_name" not in p and "email" not in p for p in other)

