"""The public endpoints of a participant's personal link (/api/lab/take/{token}/...): no sign-in, scoped and
rate limited by the token."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from govcx.common.tokens import token_hash
from govcx.lab import selectors
from govcx.lab.models import Session
from govcx.lab.schemas import OkOut, TakeAttemptIn, TakeOut, TakeQuestionnaireIn
from govcx.lab.services import session as services
from govcx.throttle import client_address, hit

router = Router(tags=["lab"])

TAKE_REQUESTS_PER_MINUTE = 60


def _throttle(request: HttpRequest, token: str) -> None:
    hit("lab-take", f"{token_hash(token)[:16]}:{client_address(request)}", limit=TAKE_REQUESTS_PER_MINUTE)


def _take_out(session: Session) -> dict[str, Any]:
    study = session.study
    done = set(session.attempts.values_list("task__key", flat=True))
    wanted = [k for k, used in (("sus", study.use_sus), ("umux_lite", study.use_umux_lite)) if used]
    return {
        "study_title": study.display_title, "participant_code": session.participant.code, "status": session.status,
        "use_seq": study.use_seq, "questionnaires": wanted,
        "questionnaires_done": sorted(session.questionnaire_responses.values_list("kind", flat=True)),
        "tasks": [{"key": t.key, "title": t.title, "scenario": t.scenario, "done": t.key in done}
                  for t in study.tasks.all()],
    }


@router.get("/take/{token}", response=TakeOut, auth=None, operation_id="govcx_lab_api_take_get")
def take_get(request: HttpRequest, token: str):
    """What the participant's page shows: the tasks in order and which are done."""
    _throttle(request, token)
    return _take_out(selectors.session_by_token(token))


@router.post("/take/{token}/start", response=TakeOut, auth=None, operation_id="govcx_lab_api_take_start")
def take_start(request: HttpRequest, token: str):
    _throttle(request, token)
    return _take_out(services.take_start(token=token))


@router.post("/take/{token}/attempts", response=OkOut, auth=None, operation_id="govcx_lab_api_take_attempt")
def take_attempt(request: HttpRequest, token: str, payload: TakeAttemptIn):
    """The participant's own result for a task: done (success) or gave up (abandoned), the measured time and
    the single ease question. Sending it again replaces it."""
    _throttle(request, token)
    services.take_attempt(token=token, **payload.model_dump())
    return {"status": "recorded"}


@router.post("/take/{token}/questionnaires", response=OkOut, auth=None,
             operation_id="govcx_lab_api_take_questionnaire")
def take_questionnaire(request: HttpRequest, token: str, payload: TakeQuestionnaireIn):
    _throttle(request, token)
    services.take_questionnaire(token=token, kind=payload.kind, answers=payload.answers)
    return {"status": "recorded"}


@router.post("/take/{token}/finish", response=OkOut, auth=None, operation_id="govcx_lab_api_take_finish")
def take_finish(request: HttpRequest, token: str):
    _throttle(request, token)
    services.take_finish(token=token)
    return {"status": "finished"}
