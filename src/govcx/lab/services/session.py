"""Use cases of a session: scheduling, running and finishing it, its personal link, the attempts and
questionnaires recorded in it, its video recording, and the participant's own page of an unmoderated session
(`take_*`, scoped by the link's token instead of a user)."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from govcx.common.stored_files import delete_after_commit
from govcx.common.tokens import new_token, token_hash
from govcx.errors import Conflict, Forbidden, Invalid, NotFound
from govcx.lab import recording_types, selectors
from govcx.lab.models import (
    Attempt,
    Consent,
    Outcome,
    Participant,
    ParticipantStatus,
    QuestionnaireKind,
    QuestionnaireResponse,
    Session,
    SessionMode,
    SessionStatus,
    Study,
    Task,
)
from govcx.lab.services._common import (
    audit,
    consent_save,
    lab_study,
    open_study,
    require_owner_consent,
    rescoped,
    upsert_attempt,
)

LINK_VALID_DAYS = 14
RECORDING_MAX_BYTES_DEFAULT = 500 * 1024 * 1024
QUESTIONNAIRE_ITEMS = {QuestionnaireKind.SUS: (10, 1, 5), QuestionnaireKind.UMUX_LITE: (2, 1, 7)}
#: The consent text shown on the participant's own page (templates/lab/take.html); change both together.
ONLINE_CONSENT_VERSION = "online-v1"
_FINISHED = (SessionStatus.COMPLETED, SessionStatus.ABANDONED)


# ---- sessions and personal links ----------------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *, actor: Any, study: Study, participant: Participant, mode: str = SessionMode.MODERATED,
    moderator: Any = None, scheduled_at: datetime | None = None,
) -> Session:
    study = open_study(actor, study.pk)
    require_owner_consent(study)
    participant = rescoped(actor, participant, "participant")
    if participant.study_id != study.pk:
        raise Invalid(f"participant {participant.code} is not in study {study.pk}", details=[{"field": "participant"}])
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {participant.code} has withdrawn")
    if mode not in SessionMode.values:
        raise Invalid(f"unknown session mode {mode!r}", details=[{"field": "mode"}])
    session = Session.objects.create(study=study, participant=participant, mode=mode,
                                     moderator=moderator if mode == SessionMode.MODERATED else None,
                                     scheduled_at=scheduled_at)
    if participant.status == ParticipantStatus.RECRUITED:
        Participant.objects.filter(pk=participant.pk).update(status=ParticipantStatus.SCHEDULED)
    audit(actor, "session.schedule", session, study, {"mode": [None, mode], "participant": [None, participant.code]})
    return session


def _locked_session(actor: Any, session: Session) -> tuple[Study, Session]:
    study = open_study(actor, session.study_id)
    return study, rescoped(actor, session, "session")


def _start(session: Session) -> None:
    if session.status in _FINISHED:
        raise Conflict(f"session {session.pk} has already finished")
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.IN_PROGRESS
        session.started_at = timezone.now()
        session.save(update_fields=["status", "started_at"])


def _finish(session: Session, status: str) -> None:
    if status not in _FINISHED:
        raise Invalid("a session finishes as completed or abandoned", details=[{"field": "status"}])
    if session.status in _FINISHED:
        raise Conflict(f"session {session.pk} has already finished")
    now = timezone.now()
    session.started_at = session.started_at or now
    session.finished_at = now
    session.status = status
    session.save(update_fields=["started_at", "finished_at", "status"])
    if status == SessionStatus.COMPLETED:
        Participant.objects.filter(pk=session.participant_id).exclude(status=ParticipantStatus.WITHDRAWN).update(
            status=ParticipantStatus.COMPLETED
        )


@transaction.atomic
def session_start(*, actor: Any, session: Session) -> Session:
    study, session = _locked_session(actor, session)
    _start(session)
    audit(actor, "session.start", session, study)
    return session


@transaction.atomic
def session_finish(*, actor: Any, session: Session, status: str = SessionStatus.COMPLETED) -> Session:
    study, session = _locked_session(actor, session)
    _finish(session, status)
    audit(actor, "session.finish", session, study, {"status": [None, status]})
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: Session) -> None:
    """Delete a session with no results (scheduled by mistake)."""
    study, session = _locked_session(actor, session)
    if session.attempts.exists() or session.observations.exists() or session.questionnaire_responses.exists():
        raise Conflict(f"session {session.pk} has results and cannot be deleted; mark it abandoned")
    audit(actor, "session.delete", session, study)
    if session.recording:
        session.recording.delete(save=False)
    session.delete()


@transaction.atomic
def session_link_issue(*, actor: Any, session: Session, valid_days: int = LINK_VALID_DAYS) -> tuple[Session, str]:
    """Issue the personal link token of an unmoderated session. The raw token is returned once; only its
    SHA-256 is stored. Issuing again replaces (and so revokes) the previous link."""
    study, session = _locked_session(actor, session)
    require_owner_consent(study)
    if session.mode != SessionMode.UNMODERATED:
        raise Invalid("personal links are for unmoderated sessions", details=[{"field": "mode"}])
    if session.status in _FINISHED:
        raise Conflict(f"session {session.pk} has already finished")
    if not 1 <= valid_days <= 90:
        raise Invalid("a link is valid for 1 to 90 days", details=[{"field": "valid_days"}])
    if session.participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {session.participant.code} has withdrawn")
    token = new_token()
    session.token_hash = token_hash(token)
    session.link_expires_at = timezone.now() + timedelta(days=valid_days)
    session.save(update_fields=["token_hash", "link_expires_at"])
    audit(actor, "session.link_issue", session, study,
          {"link_expires_at": [None, session.link_expires_at.isoformat()]})
    return session, token


# ---- attempts -----------------------------------------------------------------------------------------------


def _attempt_values(outcome: Any, seconds: Any, errors: Any, assists: Any, seq: Any) -> dict[str, Any]:
    problems = []
    if outcome not in Outcome.values:
        problems.append({"field": "outcome", "message": f"{outcome!r} is not one of {', '.join(Outcome.values)}"})
    try:
        seconds = float(seconds)
        if not seconds >= 0 or seconds == float("inf"):
            raise ValueError
    except (TypeError, ValueError):
        problems.append({"field": "seconds", "message": f"{seconds!r} is not a number of seconds ≥ 0"})
    for name, value in (("errors", errors), ("assists", assists)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append({"field": name, "message": f"{value!r} is not a whole number ≥ 0"})
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 7):
        problems.append({"field": "seq", "message": f"{seq!r} is not a whole number 1–7"})
    if problems:
        raise Invalid("; ".join(f"{p['field']}: {p['message']}" for p in problems), details=problems)
    return {"outcome": outcome, "seconds": seconds, "errors": errors, "assists": assists, "seq": seq}


@transaction.atomic
def attempt_record(
    *, actor: Any, session: Session, task: Task, outcome: str, seconds: float, errors: int = 0, assists: int = 0,
    seq: int | None = None, note: str = "", expected_version: int | None = None,
) -> Attempt:
    """Record (or correct) a participant's attempt at a task: one per session and task, so recording the same
    result again changes nothing. `expected_version` guards a correction against a concurrent one."""
    study, session = _locked_session(actor, session)
    values = _attempt_values(outcome, seconds, errors, assists, seq) | {"note": note or ""}
    attempt = upsert_attempt(session, task, values, expected_version)
    audit(actor, "attempt.record", attempt, study,
          {"task": [None, task.key], "outcome": [None, attempt.outcome], "seconds": [None, attempt.seconds]})
    return attempt


@transaction.atomic
def attempt_delete(*, actor: Any, attempt: Attempt) -> None:
    study = open_study(actor, attempt.session.study_id)
    attempt = rescoped(actor, attempt, "attempt")
    audit(actor, "attempt.delete", attempt, study, {"task": [attempt.task.key, None]})
    attempt.delete()


# ---- questionnaires -----------------------------------------------------------------------------------------


def _questionnaire_values(kind: str, answers: Any) -> list[int]:
    if kind not in QuestionnaireKind.values:
        raise Invalid(f"unknown questionnaire {kind!r}; use sus or umux_lite", details=[{"field": "kind"}])
    count, low, high = QUESTIONNAIRE_ITEMS[QuestionnaireKind(kind)]
    if not isinstance(answers, list | tuple) or len(answers) != count:
        raise Invalid(f"{kind} has {count} answers", details=[{"field": "answers"}])
    for index, value in enumerate(answers):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"{kind} item {index + 1} is a whole number {low}–{high}, got {value!r}",
                          details=[{"field": f"answers[{index}]"}])
    return list(answers)


def _upsert_questionnaire(session: Session, kind: str, answers: Any) -> QuestionnaireResponse:
    clean = _questionnaire_values(kind, answers)
    study = session.study
    if (kind == QuestionnaireKind.SUS and not study.use_sus) or (
        kind == QuestionnaireKind.UMUX_LITE and not study.use_umux_lite
    ):
        raise Invalid(f"study {study.pk} does not use the {kind} questionnaire", details=[{"field": "kind"}])
    response, _ = QuestionnaireResponse.objects.update_or_create(session=session, kind=kind,
                                                                 defaults={"answers": clean})
    return response


@transaction.atomic
def questionnaire_answer(*, actor: Any, session: Session, kind: str, answers: Sequence[int]) -> QuestionnaireResponse:
    """Record a session's questionnaire (SUS: 10 items 1–5; UMUX-Lite: 2 items 1–7); again replaces it."""
    study, session = _locked_session(actor, session)
    response = _upsert_questionnaire(session, kind, list(answers))
    audit(actor, "questionnaire.answer", response, study, {"kind": [None, kind]})
    return response


@transaction.atomic
def questionnaire_delete(*, actor: Any, response: QuestionnaireResponse) -> None:
    study = open_study(actor, response.session.study_id)
    response = rescoped(actor, response, "questionnaire response")
    audit(actor, "questionnaire.delete", response, study, {"kind": [response.kind, None]})
    response.delete()


# ---- recordings ---------------------------------------------------------------------------------------------


@transaction.atomic
def recording_upload(*, actor: Any, session: Session, upload: Any, started_at: datetime | None = None) -> Session:
    """Attach the video recording of a session (uploaded afterwards). Refused without the participant's consent
    to recording, above the size limit (settings.LAB_RECORDING_MAX_BYTES), or when the file is not a video."""
    study = lab_study(actor, session.study_id)
    session = rescoped(actor, session, "session")
    consent = Consent.objects.filter(participant_id=session.participant_id).first()
    if consent is None or not consent.recording_allowed or consent.withdrawn_at is not None:
        raise Forbidden(f"participant {session.participant.code} has not consented to being recorded")
    limit = int(getattr(settings, "LAB_RECORDING_MAX_BYTES", RECORDING_MAX_BYTES_DEFAULT))
    if upload.size > limit:
        raise Invalid(f"{upload.name} is larger than {limit // (1024 * 1024)} MB", details=[{"field": "recording"}])
    upload.seek(0)
    kind = recording_types.detect(upload.read(recording_types.HEAD_BYTES))
    upload.seek(0)
    if kind is None:
        raise Invalid(f"{upload.name} is not a video recording: its content is not MP4, QuickTime, WebM, Matroska "
                      "or Ogg, whatever its name or declared type", details=[{"field": "recording"}])
    replaced = session.recording.name if session.recording else ""
    # The stored name carries no personal data: study, session and a random part; its suffix is the detected type.
    session.recording.save(f"study{study.pk}-session{session.pk}-{secrets.token_hex(4)}{kind.suffix}", upload,
                           save=False)
    delete_after_commit(session.recording.storage, replaced)
    session.recording_started_at = started_at or session.started_at
    session.save(update_fields=["recording", "recording_started_at"])
    audit(actor, "recording.upload", session, study, {"size": [None, upload.size]})
    return session


# ---- the participant's own page of an unmoderated session --------------------------------------------------


@transaction.atomic
def take_consent(*, token: str, text_version: str = ONLINE_CONSENT_VERSION) -> Consent:
    """The participant agrees on their own page: their consent is recorded before the first task starts.
    Unmoderated sessions are not recorded on video, so recording is not part of this consent."""
    session = selectors.session_by_token(token, lock=True)
    return consent_save(session.participant, text_version, False, None)


@transaction.atomic
def take_start(*, token: str) -> Session:
    session = selectors.session_by_token(token, lock=True)
    _start(session)
    return session


@transaction.atomic
def take_attempt(*, token: str, task_key: str, outcome: str, seconds: float, seq: int | None = None) -> Attempt:
    """The participant records their own attempt: whether they managed (success, or abandoned when they gave
    up), the time the page measured, and the single ease question."""
    session = selectors.session_by_token(token, lock=True)
    task = session.study.tasks.filter(key=task_key).first()
    if task is None:
        raise NotFound(f"task {task_key!r} is not part of this session")
    _start(session)
    values = _attempt_values(outcome, seconds, 0, 0, seq) | {"note": ""}
    values.pop("errors"), values.pop("assists")
    return upsert_attempt(session, task, values, None)


@transaction.atomic
def take_questionnaire(*, token: str, kind: str, answers: Sequence[int]) -> QuestionnaireResponse:
    session = selectors.session_by_token(token, lock=True)
    return _upsert_questionnaire(session, kind, list(answers))


@transaction.atomic
def take_finish(*, token: str) -> Session:
    session = selectors.session_by_token(token, lock=True)
    _finish(session, SessionStatus.COMPLETED)
    return session
