"""Sessions: scheduling, running and finishing them, the participant's personal link, the video recording, and
the attempts and questionnaires recorded in them."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Router, Status
from ninja.files import UploadedFile

from govcx.accounts.roles import Action
from govcx.common.bounds import Id
from govcx.errors import Invalid
from govcx.lab import selectors
from govcx.lab.models import Attempt, QuestionnaireResponse, Session
from govcx.lab.schemas import (
    AttemptIn,
    AttemptOut,
    AttemptPatch,
    FinishIn,
    LinkIn,
    LinkOut,
    QuestionnaireIn,
    QuestionnaireOut,
    SessionIn,
    SessionOut,
)
from govcx.lab.services import session as services

router = Router(tags=["lab"])

_ATTEMPT_VALUES = ("outcome", "seconds", "errors", "assists", "seq", "note")


def _session_out(session: Session) -> dict[str, Any]:
    return {
        **{f: getattr(session, f) for f in ("id", "study_id", "participant_id", "mode", "moderator_id",
                                            "scheduled_at", "started_at", "finished_at", "status", "link_expires_at",
                                            "recording_started_at")},
        "participant_code": session.participant.code, "has_recording": bool(session.recording),
    }


def _attempt_out(attempt: Attempt) -> dict[str, Any]:
    return {
        **{f: getattr(attempt, f) for f in ("id", "session_id", "task_id", "version", *_ATTEMPT_VALUES)},
        "task_key": attempt.task.key, "participant_code": attempt.session.participant.code,
    }


def _questionnaire_out(response: QuestionnaireResponse) -> dict[str, Any]:
    return {"id": response.pk, "session_id": response.session_id, "kind": response.kind, "answers": response.answers,
            "participant_code": response.session.participant.code}


# ---- sessions -----------------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/sessions", response=list[SessionOut], operation_id="govcx_lab_api_session_list")
def session_list(request: HttpRequest, study_id: Id):
    study = selectors.access_study(request.user, study_id)
    return [_session_out(s) for s in study.sessions.select_related("participant")]


@router.post("/studies/{study_id}/sessions", response={201: SessionOut},
             operation_id="govcx_lab_api_session_schedule")
def session_schedule(request: HttpRequest, study_id: Id, payload: SessionIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    participant = selectors.access_participant(request.user, payload.participant_id, Action.RUN_LAB)
    moderator = selectors.lab_member(study, payload.moderator_id) if payload.moderator_id is not None else None
    session = services.session_schedule(actor=request.user, study=study, participant=participant, mode=payload.mode,
                                        moderator=moderator, scheduled_at=payload.scheduled_at)
    return Status(201, _session_out(session))


@router.get("/sessions/{session_id}", response=SessionOut, operation_id="govcx_lab_api_session_get")
def session_get(request: HttpRequest, session_id: Id):
    return _session_out(selectors.access_session(request.user, session_id))


@router.delete("/sessions/{session_id}", response={204: None}, operation_id="govcx_lab_api_session_delete")
def session_delete(request: HttpRequest, session_id: Id):
    services.session_delete(actor=request.user,
                            session=selectors.access_session(request.user, session_id, Action.RUN_LAB))
    return Status(204, None)


@router.post("/sessions/{session_id}/start", response=SessionOut, operation_id="govcx_lab_api_session_start")
def session_start(request: HttpRequest, session_id: Id):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    return _session_out(services.session_start(actor=request.user, session=session))


@router.post("/sessions/{session_id}/finish", response=SessionOut, operation_id="govcx_lab_api_session_finish")
def session_finish(request: HttpRequest, session_id: Id, payload: FinishIn):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    return _session_out(services.session_finish(actor=request.user, session=session, status=payload.status))


@router.post("/sessions/{session_id}/link", response={201: LinkOut}, operation_id="govcx_lab_api_session_link")
def session_link(request: HttpRequest, session_id: Id, payload: LinkIn):
    """Issue the participant's personal link of an unmoderated session. The token is in this answer only;
    issuing again revokes the previous link."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    session, token = services.session_link_issue(actor=request.user, session=session, valid_days=payload.valid_days)
    return Status(201, {"token": token, "path": f"/api/lab/take/{token}", "expires_at": session.link_expires_at})


@router.post("/sessions/{session_id}/recording", response=SessionOut,
             operation_id="govcx_lab_api_session_recording")
def session_recording(request: HttpRequest, session_id: Id, file: UploadedFile = File(...)):  # noqa: B008
    """Upload the session's video recording (needs the participant's consent to recording)."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    selectors.access_session(request.user, session_id, Action.VIEW_PARTICIPANTS)  # a recording is personal data
    return _session_out(services.recording_upload(actor=request.user, session=session, upload=file))


# ---- attempts -----------------------------------------------------------------------------------------------


@router.get("/sessions/{session_id}/attempts", response=list[AttemptOut], operation_id="govcx_lab_api_attempt_list")
def attempt_list(request: HttpRequest, session_id: Id):
    session = selectors.access_session(request.user, session_id)
    return [_attempt_out(a) for a in session.attempts.select_related("task", "session__participant")]


@router.post("/sessions/{session_id}/attempts", response=AttemptOut, operation_id="govcx_lab_api_attempt_record")
def attempt_record(request: HttpRequest, session_id: Id, payload: AttemptIn):
    """Record or correct the attempt at a task (by task_id or task_key): one per session and task."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    task = selectors.task_in_study(request.user, session.study_id, payload.task_id, payload.task_key)
    if task is None:
        raise Invalid("name the task (task_id or task_key)", details=[{"field": "task_id"}])
    attempt = services.attempt_record(actor=request.user, session=session, task=task,
                                      expected_version=payload.version,
                                      **payload.model_dump(include=set(_ATTEMPT_VALUES)))
    return _attempt_out(attempt)


@router.get("/attempts/{attempt_id}", response=AttemptOut, operation_id="govcx_lab_api_attempt_get")
def attempt_get(request: HttpRequest, attempt_id: Id):
    return _attempt_out(selectors.access_attempt(request.user, attempt_id))


@router.patch("/attempts/{attempt_id}", response=AttemptOut, operation_id="govcx_lab_api_attempt_update")
def attempt_update(request: HttpRequest, attempt_id: Id, payload: AttemptPatch):
    attempt = selectors.access_attempt(request.user, attempt_id, Action.RUN_LAB)
    values = {f: getattr(attempt, f) for f in _ATTEMPT_VALUES} | payload.model_dump(exclude_unset=True,
                                                                                    exclude={"version"})
    attempt = services.attempt_record(actor=request.user, session=attempt.session, task=attempt.task,
                                      expected_version=payload.version, **values)
    return _attempt_out(attempt)


@router.delete("/attempts/{attempt_id}", response={204: None}, operation_id="govcx_lab_api_attempt_delete")
def attempt_delete(request: HttpRequest, attempt_id: Id):
    services.attempt_delete(actor=request.user,
                            attempt=selectors.access_attempt(request.user, attempt_id, Action.RUN_LAB))
    return Status(204, None)


# ---- questionnaires -----------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/questionnaires", response=list[QuestionnaireOut],
            operation_id="govcx_lab_api_questionnaire_list")
def questionnaire_list(request: HttpRequest, study_id: Id):
    study = selectors.access_study(request.user, study_id)
    return [_questionnaire_out(r) for r in selectors.questionnaire_list(request.user, study)]


@router.put("/sessions/{session_id}/questionnaires/{kind}", response=QuestionnaireOut,
            operation_id="govcx_lab_api_questionnaire_answer")
def questionnaire_answer(request: HttpRequest, session_id: Id, kind: Literal["sus", "umux_lite"],
                         payload: QuestionnaireIn):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    return _questionnaire_out(services.questionnaire_answer(actor=request.user, session=session, kind=kind,
                                                            answers=payload.answers))


@router.delete("/questionnaires/{response_id}", response={204: None},
               operation_id="govcx_lab_api_questionnaire_delete")
def questionnaire_delete(request: HttpRequest, response_id: Id):
    response = selectors.access_questionnaire(request.user, response_id, Action.RUN_LAB)
    services.questionnaire_delete(actor=request.user, response=response)
    return Status(204, None)
