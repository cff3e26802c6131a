"""Use cases of the lab: recruitment (screener, quotas), withdrawal, personal links, optimistic locking,
attempts, questionnaires, findings and closing a study."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from govcx.accounts.models import AuditEvent
from govcx.common.tokens import token_hash
from govcx.errors import Conflict, Forbidden, Gone, Invalid, NotFound
from govcx.lab import selectors
from govcx.lab.models import (
    Attempt,
    Consent,
    Incentive,
    Observation,
    Participant,
    ParticipantStatus,
    QuestionnaireResponse,
    Session,
    SessionStatus,
    StudyStatus,
)
from govcx.lab.services import finding as finding_services
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services

SUS_GOOD = [5, 1, 5, 1, 5, 1, 5, 1, 5, 2]


def recruit(study, actor, **values):
    return participant_services.participant_recruit(actor=actor, study=study,
                                                    screener_answers={"applied_before": "no"}, **values)


# ---- recruitment ---------------------------------------------------------------------------------------------


def test_codes_are_assigned_in_order_and_unique(study, researchers):
    first = recruit(study, researchers["lab"], full_name="Анна Иванова")
    second = recruit(study, researchers["lab"], full_name="John Smith")
    assert (first.code, second.code) == ("P01", "P02")
    with pytest.raises(Conflict):
        recruit(study, researchers["lab"], code="P01")


def test_screener_refuses_a_candidate_with_an_unaccepted_answer(study, researchers):
    with pytest.raises(Invalid) as error:
        participant_services.participant_recruit(actor=researchers["lab"], study=study,
                                                 screener_answers={"applied_before": "yes"})
    assert error.value.details[0]["field"] == "screener_answers.applied_before"
    with pytest.raises(Invalid):
        participant_services.participant_recruit(actor=researchers["lab"], study=study, screener_answers={})
    assert not Participant.objects.exists()


def test_full_quota_refuses_another_candidate_of_that_kind_only(study, researchers):
    researcher = researchers["lab"]
    study_services.quota_create(actor=researcher, study=study, dimension="disability", value=True, target=1)
    recruit(study, researcher, disability=True)
    with pytest.raises(Conflict, match="disability=true is full"):
        recruit(study, researcher, disability=True)
    recruit(study, researcher, disability=False)  # other kinds are not limited
    fill = {q.value: n for q, n in selectors.quota_fill(study)}
    assert fill == {"true": 1}


def test_withdrawn_participants_free_their_quota_place(study, researchers):
    researcher = researchers["lab"]
    study_services.quota_create(actor=researcher, study=study, dimension="age_band", value="65+", target=1)
    first = recruit(study, researcher, age_band="65+")
    participant_services.participant_withdraw(actor=researcher, participant=first)
    assert recruit(study, researcher, age_band="65+").code == "P02"


def test_quota_values_are_checked(study, researchers):
    with pytest.raises(Invalid):
        study_services.quota_create(actor=researchers["lab"], study=study, dimension="shoe_size", value="42", target=3)
    with pytest.raises(Invalid):
        study_services.quota_create(actor=researchers["lab"], study=study, dimension="digital_confidence", value="9",
                                    target=3)
    with pytest.raises(Invalid):
        study_services.quota_create(actor=researchers["lab"], study=study, dimension="region", value="RU-MOW", target=0)


# ---- scope -------------------------------------------------------------------------------------------------------


def test_researcher_of_another_organisation_cannot_write(study, researchers, users):
    with pytest.raises(NotFound):
        recruit(study, researchers["other"])
    with pytest.raises(Forbidden):  # the service owner sees the study but may not run it
        recruit(study, users["owner_a"])


def test_study_is_created_only_for_the_researchers_own_lab(services, researchers, reference_data):
    with pytest.raises(Forbidden):
        study_services.study_create(actor=researchers["lab"], service=services["a"], lab=reference_data["region"],
                                    title="Not my lab")


# ---- withdrawal ----------------------------------------------------------------------------------------------


def test_withdrawal_removes_personal_data_and_keeps_anonymised_results(study, researchers, run_session, settings,
                                                                       tmp_path, video):
    settings.MEDIA_ROOT = tmp_path
    researcher = researchers["lab"]
    session = run_session(study, researcher, {"find": ("success", 40.0), "apply": ("failure", 90.0)}, sus=SUS_GOOD,
                          full_name="Мария Петрова", email="maria@example.org", phone="+7 900 000-00-00",
                          age_band="35-44")
    person = session.participant
    participant_services.consent_record(actor=researcher, participant=person, text_version="v2", recording_allowed=True)
    participant_services.incentive_record(actor=researcher, participant=person, amount="1500", method="voucher")
    session_services.recording_upload(actor=researcher, session=session,
                                      upload=SimpleUploadedFile("maria.mp4", video("mp4"), content_type="video/mp4"))
    session.refresh_from_db()
    video = tmp_path / session.recording.name
    assert video.exists() and "maria" not in session.recording.name
    finding_services.observation_add(actor=researcher, session=session, text="Missed the apply button", at_seconds=12.5)

    participant_services.participant_withdraw(actor=researcher, participant=person)

    person.refresh_from_db()
    assert (person.full_name, person.email, person.phone, person.screener_answers) == ("", "", "", {})
    assert person.status == ParticipantStatus.WITHDRAWN and person.withdrawn_at is not None
    assert person.age_band == "35-44"  # anonymised attributes stay for the analysis
    assert Consent.objects.get(participant=person).withdrawn_at is not None
    assert not video.exists()
    assert Session.objects.get(pk=session.pk).recording.name == ""
    assert Attempt.objects.filter(session=session).count() == 2
    assert QuestionnaireResponse.objects.filter(session=session).count() == 1
    assert Observation.objects.filter(session=session).count() == 1
    assert Incentive.objects.get(participant=person).amount == 1500
    event = AuditEvent.objects.filter(action="participant.withdraw").get()
    assert "Мария" not in str(event.changes) + event.object_repr and event.object_repr == person.code


def test_withdrawn_participant_cannot_be_scheduled_or_edited(study, researchers):
    person = recruit(study, researchers["lab"], full_name="John Smith")
    participant_services.participant_withdraw(actor=researchers["lab"], participant=person)
    with pytest.raises(Conflict):
        session_services.session_schedule(actor=researchers["lab"], study=study, participant=person)
    with pytest.raises(Conflict):
        participant_services.participant_update(actor=researchers["lab"], participant=person, full_name="John Smith")


def test_audit_of_a_participant_update_carries_no_personal_values(study, researchers):
    person = recruit(study, researchers["lab"], full_name="John Smith")
    participant_services.participant_update(actor=researchers["lab"], participant=person, full_name="Jon Smith",
                                            region="RU-TUL")
    event = AuditEvent.objects.filter(action="participant.update").get()
    assert "Smith" not in str(event.changes) and event.changes["region"] == [None, "RU-TUL"]


# ---- personal links ------------------------------------------------------------------------------------------


def unmoderated(study, researcher):
    person = recruit(study, researcher)
    return session_services.session_schedule(actor=researcher, study=study, participant=person, mode="unmoderated")


def test_link_token_is_returned_once_stored_hashed_and_unique(study, researchers):
    session = unmoderated(study, researchers["lab"])
    session, token = session_services.session_link_issue(actor=researchers["lab"], session=session)
    assert len(token) >= 43 and token not in session.token_hash and session.token_hash == token_hash(token)
    assert selectors.session_by_token(token).pk == session.pk
    other = unmoderated(study, researchers["lab"])
    _, other_token = session_services.session_link_issue(actor=researchers["lab"], session=other)
    assert other_token != token and selectors.session_by_token(other_token).pk == other.pk


def test_reissuing_a_link_revokes_the_previous_one(study, researchers):
    session = unmoderated(study, researchers["lab"])
    _, old = session_services.session_link_issue(actor=researchers["lab"], session=session)
    _, new = session_services.session_link_issue(actor=researchers["lab"], session=session)
    with pytest.raises(NotFound):
        selectors.session_by_token(old)
    assert selectors.session_by_token(new).pk == session.pk


def test_expired_unknown_and_finished_links_are_refused(study, researchers):
    session = unmoderated(study, researchers["lab"])
    _, token = session_services.session_link_issue(actor=researchers["lab"], session=session, valid_days=1)
    with pytest.raises(NotFound, match="not valid"):
        selectors.session_by_token("x" * 43)
    Session.objects.filter(pk=session.pk).update(link_expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(Gone, match="expired"):
        selectors.session_by_token(token)
    Session.objects.filter(pk=session.pk).update(link_expires_at=timezone.now() + timedelta(days=1))
    session_services.take_finish(token=token)
    with pytest.raises(Gone, match="already finished"):
        selectors.session_by_token(token)


def test_links_are_for_unmoderated_sessions(study, researchers):
    person = recruit(study, researchers["lab"])
    session = session_services.session_schedule(actor=researchers["lab"], study=study, participant=person)
    with pytest.raises(Invalid):
        session_services.session_link_issue(actor=researchers["lab"], session=session)


def test_participant_takes_an_unmoderated_session_by_token(study, researchers):
    session = unmoderated(study, researchers["lab"])
    _, token = session_services.session_link_issue(actor=researchers["lab"], session=session)
    session_services.take_start(token=token)
    session_services.take_attempt(token=token, task_key="find", outcome="success", seconds=31.2, seq=6)
    session_services.take_attempt(token=token, task_key="find", outcome="success", seconds=31.2,
                                  seq=6)  # resent: same row
    session_services.take_questionnaire(token=token, kind="sus", answers=SUS_GOOD)
    with pytest.raises(NotFound):
        session_services.take_attempt(token=token, task_key="not-a-task", outcome="success", seconds=1)
    finished = session_services.take_finish(token=token)
    assert finished.status == SessionStatus.COMPLETED
    assert Attempt.objects.filter(session=session).count() == 1
    assert Participant.objects.get(pk=session.participant_id).status == ParticipantStatus.COMPLETED


# ---- attempts and optimistic locking -------------------------------------------------------------------------


def test_attempt_is_an_idempotent_upsert_with_an_optimistic_version(study, researchers):
    researcher = researchers["lab"]
    person = recruit(study, researcher)
    session = session_services.session_schedule(actor=researcher, study=study, participant=person)
    task = study.tasks.get(key="find")
    first = session_services.attempt_record(actor=researcher, session=session, task=task, outcome="success", seconds=30)
    again = session_services.attempt_record(actor=researcher, session=session, task=task, outcome="success", seconds=30)
    assert again.pk == first.pk and again.version == 1
    corrected = session_services.attempt_record(actor=researcher, session=session, task=task, outcome="failure",
                                                seconds=30,
                                                expected_version=1)
    assert corrected.version == 2
    with pytest.raises(Conflict, match="changed by someone else"):
        session_services.attempt_record(actor=researcher, session=session, task=task, outcome="partial", seconds=30,
                                        expected_version=1)
    assert Attempt.objects.get().outcome == "failure"


@pytest.mark.parametrize(("field", "values"), [
    ("outcome", {"outcome": "won"}),
    ("seconds", {"seconds": -1}),
    ("errors", {"errors": -2}),
    ("seq", {"seq": 8}),
    ("seq", {"seq": 0}),
])
def test_attempt_values_are_validated(study, researchers, field, values):
    researcher = researchers["lab"]
    session = session_services.session_schedule(actor=researcher, study=study, participant=recruit(study, researcher))
    arguments = {"outcome": "success", "seconds": 10.0} | values
    with pytest.raises(Invalid) as error:
        session_services.attempt_record(actor=researcher, session=session, task=study.tasks.first(), **arguments)
    assert error.value.details[0]["field"] == field


def test_study_update_detects_a_concurrent_change(study, researchers):
    study_services.study_update(actor=researchers["lab"], study=study, expected_version=1, title="Renamed")
    with pytest.raises(Conflict):
        study_services.study_update(actor=researchers["lab"], study=study, expected_version=1, title="Renamed again")


# ---- questionnaires, recordings -------------------------------------------------------------------------------


def test_questionnaire_answers_are_validated(study, researchers):
    researcher = researchers["lab"]
    session = session_services.session_schedule(actor=researcher, study=study, participant=recruit(study, researcher))
    with pytest.raises(Invalid):
        session_services.questionnaire_answer(actor=researcher, session=session, kind="sus", answers=[3] * 9)
    with pytest.raises(Invalid):
        session_services.questionnaire_answer(actor=researcher, session=session, kind="sus", answers=[3] * 9 + [6])
    with pytest.raises(Invalid, match="does not use"):
        session_services.questionnaire_answer(actor=researcher, session=session, kind="umux_lite", answers=[6, 7])
    study_services.study_update(actor=researcher, study=study, use_umux_lite=True)
    session_services.questionnaire_answer(actor=researcher, session=session, kind="umux_lite", answers=[6, 7])
    session_services.questionnaire_answer(actor=researcher, session=session, kind="umux_lite", answers=[5, 7])
    assert QuestionnaireResponse.objects.get().answers == [5, 7]


def test_recording_needs_consent_a_video_and_the_size_limit(study, researchers, settings, tmp_path, video):
    settings.MEDIA_ROOT = tmp_path
    settings.LAB_RECORDING_MAX_BYTES = 100
    researcher = researchers["lab"]
    person = recruit(study, researcher)
    session = session_services.session_schedule(actor=researcher, study=study, participant=person)
    webm = SimpleUploadedFile("s.webm", video("webm", 50), content_type="video/webm")
    with pytest.raises(Forbidden, match="consented"):
        session_services.recording_upload(actor=researcher, session=session, upload=webm)
    participant_services.consent_record(actor=researcher, participant=person, text_version="v1", recording_allowed=True)
    with pytest.raises(Invalid, match="not a video"):
        session_services.recording_upload(actor=researcher, session=session,
                                          upload=SimpleUploadedFile("s.pdf", b"%PDF", content_type="application/pdf"))
    with pytest.raises(Invalid, match="larger"):
        session_services.recording_upload(actor=researcher, session=session,
                                          upload=SimpleUploadedFile("s.mp4", b"\x00" * 101, content_type="video/mp4"))
    assert session_services.recording_upload(actor=researcher, session=session, upload=webm).recording
    assert AuditEvent.objects.filter(action="recording.upload").count() == 1


@pytest.mark.parametrize(("kind", "content_type"), [("webm", "video/webm"), ("mkv", "video/x-matroska"),
                                                    ("mp4", "video/mp4"), ("mov", "video/quicktime"),
                                                    ("ogv", "video/ogg")])
def test_a_recording_is_stored_and_served_as_what_its_bytes_are(
        client_for, study, researchers, settings, tmp_path, video, kind, content_type,
        django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    researcher = researchers["lab"]
    person = recruit(study, researcher)
    session = session_services.session_schedule(actor=researcher, study=study, participant=person)
    participant_services.consent_record(actor=researcher, participant=person, text_version="v1", recording_allowed=True)
    # the client's name and type lie; the bytes decide
    session_services.recording_upload(actor=researcher, session=session,
                                      upload=SimpleUploadedFile("clip.txt", video(kind), content_type="text/html"))
    session.refresh_from_db()
    first = tmp_path / session.recording.name
    assert session.recording.name.endswith("." + kind)
    served = client_for(researcher).get(f"/lab/sessions/{session.pk}/recording/video")
    assert served.status_code == 200 and served["Content-Type"] == content_type
    with django_capture_on_commit_callbacks(execute=True):
        session_services.recording_upload(actor=researcher, session=session,
                                          upload=SimpleUploadedFile("again.webm", video("webm")))
    assert not first.exists(), "the replaced recording leaves the disk"


@pytest.mark.parametrize("content", [b"<html><script>alert(1)</script></html>", b"%PDF-1.7", b"ID3\x04mp3 audio",
                                     b"RIFF\x00\x00\x00\x00WAVEfmt ", b"\x00" * 64, b"", b"\x1a\x45"])
def test_a_recording_whose_bytes_are_not_a_video_is_refused_whatever_its_declared_type(
        client_for, study, researchers, settings, tmp_path, content):
    settings.MEDIA_ROOT = tmp_path
    researcher = researchers["lab"]
    person = recruit(study, researcher)
    session = session_services.session_schedule(actor=researcher, study=study, participant=person)
    participant_services.consent_record(actor=researcher, participant=person, text_version="v1", recording_allowed=True)
    response = client_for(researcher).post(f"/api/lab/sessions/{session.pk}/recording",
                                           {"file": SimpleUploadedFile("s.mp4", content, content_type="video/mp4")})
    assert response.status_code == 422, response.content
    assert "not a video recording" in response.json()["message"]
    session.refresh_from_db()
    assert not session.recording


# ---- observations, findings, closing ---------------------------------------------------------------------------


def test_observations_merge_into_a_finding_with_their_participants(study, researchers, run_session):
    researcher = researchers["lab"]
    one = run_session(study, researcher, {"find": ("failure", 50.0)})
    two = run_session(study, researcher, {"find": ("success", 20.0)})
    task = study.tasks.get(key="find")
    notes = [finding_services.observation_add(actor=researcher, session=s, task=task, text="Не нашла кнопку «Подать»",
                                              tags=["Navigation", "navigation"]) for s in (one, two)]
    assert notes[0].tags == ["navigation"]
    finding = finding_services.observation_merge(actor=researcher, observations=notes, title="Apply button is hidden",
                                                 severity=3)
    assert finding.task == task and set(finding.observations.all()) == set(notes)
    from govcx.lab.selectors import study_analysis

    analysed = study_analysis(study).findings[0]
    assert analysed.affected == (one.participant.code, two.participant.code)
    assert analysed.affected_share == 1.0 and analysed.priority == 3.0


def test_closing_caches_the_verdict_and_locks_results(study, researchers, run_session):
    researcher = researchers["lab"]
    for _ in range(5):
        run_session(study, researcher, {"find": ("success", 30.0), "apply": ("success", 60.0)})
    finding = finding_services.finding_create(actor=researcher, study=study, title="Confusing date picker", severity=3,
                                              task=study.tasks.get(key="track"))
    closed = study_services.study_close(actor=researcher, study=study)
    assert closed.status == StudyStatus.CLOSED
    # 5/5 at 90 %: lower bound 0.6283 < 0.78, so the critical tasks block the launch
    assert closed.verdict == "not_ready" and closed.verdict_computed_at is not None
    with pytest.raises(Conflict, match="closed"):
        recruit(closed, researcher)
    finding_services.finding_update(actor=researcher, finding=finding, status="fixed")
    closed.refresh_from_db()
    assert closed.verdict == "not_ready"


def test_retest_copies_tasks_with_their_keys(study, researchers):
    study_services.quota_create(actor=researchers["lab"], study=study, dimension="region", value="RU-TUL", target=2)
    retest = study_services.retest_create(actor=researchers["lab"], study=study)
    assert retest.retest_of == study
    assert [(t.key, t.critical_path) for t in retest.tasks.all()] == [
        (t.key, t.critical_path) for t in study.tasks.all()]
    assert retest.quotas.get().value == "RU-TUL" and retest.screener == study.screener


def test_study_with_sessions_cannot_be_deleted(study, researchers, run_session):
    run_session(study, researchers["lab"], {"find": ("success", 30.0)})
    with pytest.raises(Conflict):
        study_services.study_delete(actor=researchers["lab"], study=study)


def test_a_misspelt_field_is_a_type_error_and_an_update_changes_only_what_it_is_given(study, researchers):
    researcher = researchers["lab"]
    task = study.tasks.get(key="find")
    with pytest.raises(TypeError):
        study_services.task_update(actor=researcher, task=task, titel="Find the service")
    study_services.task_update(actor=researcher, task=task, target_seconds=90)
    study_services.task_update(actor=researcher, task=task, title="Find the service")
    task.refresh_from_db()
    assert (task.title, task.target_seconds, task.critical_path) == ("Find the service", 90, True)
    study_services.task_update(actor=researcher, task=task, target_seconds=None)
    task.refresh_from_db()
    assert task.target_seconds is None and task.title == "Find the service"


def test_a_write_starts_from_the_stored_row_not_the_callers_copy(study, researchers):
    researcher = researchers["lab"]
    stale = study.tasks.get(key="find")
    study_services.task_update(actor=researcher, task=study.tasks.get(key="find"), title="Renamed elsewhere")
    study_services.task_update(actor=researcher, task=stale, scenario="A new scenario")
    stale.refresh_from_db()
    assert (stale.title, stale.scenario) == ("Renamed elsewhere", "A new scenario")
    with pytest.raises(NotFound):
        study_services.task_update(actor=researchers["other"], task=stale, title="Not my lab's")


def test_audit_actions_are_entity_dot_verb(study, researchers, run_session):
    researcher = researchers["lab"]
    person = recruit(study, researcher)
    session = session_services.session_schedule(actor=researcher, study=study, participant=person,
                                                 mode="unmoderated")
    session_services.session_link_issue(actor=researcher, session=session)
    participant_services.participant_withdraw(actor=researcher, participant=person)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"study.create", "task.create", "participant.recruit", "session.schedule", "session.link_issue",
            "participant.withdraw"} <= actions
    assert all(re.fullmatch(r"[a-z]+\.[a-z_]+", action) for action in actions), actions
