"""Feedback API: surveys for analysts, and the public ingestion endpoints citizens' browsers and machines call."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status
from ninja.errors import AuthenticationError
from pydantic import BaseModel, model_validator

from govcx import throttle
from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.services import api_token_authenticate
from govcx.common.bounds import Count, Day, Id, Limit, Moment, Offset, refuse_nulls
from govcx.errors import Invalid
from govcx.feedback import ingest, selectors, services, survey_templates
from govcx.feedback.dashboards import figures
from govcx.feedback.models import Channel
from govcx.registry.selectors import access_service
from govcx.throttle import client_address, consume, token_key

router = Router(tags=["feedback"])


class SurveyIn(Schema):
    service_id: Id
    title: str = Field(min_length=1, max_length=200)
    template: str = ""
    definition: dict[str, Any] | None = None


class SurveyPatch(Schema):
    version: Count
    title: str | None = None
    definition: dict[str, Any] | None = None
    status: str | None = None
    allowed_origins: list[str] | None = None
    rate_limit_per_minute: Count | None = None
    opened_at: dt.datetime | None = Field(None, description="move the opening earlier, to import the answers the "
                                                            "survey took before; answers dated before it are refused")
    case_rating_at_most: int | None = Field(None, ge=0, le=4, description="a rating at or below this (of 5; other "
                                            "scales in proportion) opens a case for the service's team; 0: never")

    @model_validator(mode="after")
    def _sent_fields_hold_values(self):
        return refuse_nulls(self)


class SurveyOut(Schema):
    id: int
    service_id: int
    title: str
    template: str
    public_key: str
    status: str
    allowed_origins: list[str]
    rate_limit_per_minute: int
    case_rating_at_most: int
    version: int
    definition_version: int
    definition: dict[str, Any]


def _survey_out(survey) -> dict:
    current = selectors.survey_current_version(survey)
    return {**{f: getattr(survey, f) for f in ("id", "service_id", "title", "template", "public_key", "status",
                                               "allowed_origins", "rate_limit_per_minute", "case_rating_at_most",
                                               "version")},
            "definition_version": current.number, "definition": current.definition}


@router.get("/templates", response=list[str])
def template_list(request: SignedInRequest):
    return survey_templates.template_names()


@router.get("/surveys", response=list[SurveyOut])
def survey_list(request: SignedInRequest, service_id: Id | None = None):
    queryset = selectors.survey_list(user=request.user).prefetch_related("versions")
    if service_id is not None:
        queryset = queryset.filter(service_id=service_id)
    return [_survey_out(s) for s in queryset]


@router.post("/surveys", response={201: SurveyOut})
def survey_create(request: SignedInRequest, payload: SurveyIn):
    service = access_service(request.user, payload.service_id, Action.MANAGE_SURVEYS)
    survey = services.survey_create(service=service, title=payload.title, template=payload.template,
                                    definition=payload.definition, actor=request.user)
    return Status(201, _survey_out(survey))


@router.get("/surveys/{survey_id}", response=SurveyOut)
def survey_get(request: SignedInRequest, survey_id: Id):
    return _survey_out(selectors.access_survey(request.user, survey_id))


@router.patch("/surveys/{survey_id}", response=SurveyOut)
def survey_patch(request: SignedInRequest, survey_id: Id, payload: SurveyPatch):
    survey = selectors.access_survey(request.user, survey_id, Action.MANAGE_SURVEYS)
    fields = payload.model_dump(exclude_unset=True, exclude={"version"})
    survey = services.survey_update(survey=survey, expected_version=payload.version, actor=request.user, **fields)
    return _survey_out(survey)


# --- public: no sign-in; rate limited per survey and caller; origins checked against the survey's allow-list.
# An integrator that sends its API token (Authorization: Bearer) draws on its own allowance instead.


class PublicQuestionnaireOut(Schema):
    survey: str
    title: str
    version: int
    definition: dict[str, Any]


class ResponseIn(BaseModel):  # plain pydantic: ninja's Schema wraps every field of every request (the same OpenAPI)
    survey: str = Field(max_length=32, description="the survey's public key")
    idempotency_key: str = Field(max_length=64, description="chosen by the client; a retry sends the same key")
    answers: dict[str, Any]
    context: dict[str, str] = {}
    channel: str = Channel.API
    client_category: str = ""
    language: str = ""
    version: Count | None = Field(None, description="the survey version answered; default: the current one")
    submitted_at: dt.datetime | None = None
    elapsed_ms: Count | None = Field(None, description="time the person spent on the form, for spam scoring")
    website: str = Field("", description="honeypot: people leave it empty")
    partial: bool = Field(False, description="the first answers only (a one-tap rating), stored at once; a later "
                                             "response with the same key completes it and keeps these answers")


class AcceptedOut(BaseModel):  # plain pydantic, as ResponseIn
    id: int
    status: str  # created | completed (a partial response completed) | duplicate


class BatchIn(Schema):
    responses: list[ResponseIn]


class BatchOut(Schema):
    created: int
    duplicates: int
    results: list[AcceptedOut]


def _submission(item: ResponseIn) -> services.Submission:
    return services.Submission(
        idempotency_key=item.idempotency_key, answers=item.answers, context=item.context, channel=item.channel,
        client_category=item.client_category, language=item.language, honeypot=item.website,
        elapsed_seconds=item.elapsed_ms / 1000 if item.elapsed_ms is not None else None,
        claimed_at=item.submitted_at, version=item.version, partial=item.partial,
    )


def _take_allowance(request: HttpRequest, survey, cost: int) -> None:
    """Each response counts (a batch of n takes n): from the token's own allowance when an integrator sends one,
    else from the survey's allowance for the caller's address."""
    authorization = request.headers.get("Authorization", "")
    if not authorization.startswith("Bearer "):
        consume(f"survey:{survey.pk}", client_address(request), limit=survey.rate_limit_per_minute, cost=cost)
        return
    token = authorization.removeprefix("Bearer ").strip()
    if api_token_authenticate(token) is None:
        raise AuthenticationError()
    consume("integrator", token_key(token), limit=settings.THROTTLE_INTEGRATOR_PER_MINUTE, cost=cost)


def _public_survey(request: HttpRequest, public_key: str, *, cost: int = 1):
    survey, current = selectors.public_surveys.get(public_key)
    _take_allowance(request, survey, cost)
    services.check_origin(survey=survey, origin=request.headers.get("Origin"))
    return survey, current


def _survey_allowance(request: HttpRequest, survey) -> throttle.Allowance:
    return throttle.Allowance(f"survey:{survey.pk}", client_address(request), limit=survey.rate_limit_per_minute)


def _accepted_out(accepted: services.Accepted) -> dict:
    status = "created" if accepted.created else "completed" if accepted.completed else "duplicate"
    return {"id": accepted.response.pk, "status": status}


@router.get("/public/surveys/{public_key}", response=PublicQuestionnaireOut, auth=None)
def public_survey(request: HttpRequest, public_key: str):
    """The questions of a live survey, for the widget and other clients."""
    survey, current = _public_survey(request, public_key)
    services.accepting(survey=survey)
    definition = selectors.citizen_definition(survey, current)
    return {"survey": survey.public_key, "title": definition.title.get((get_language() or "en")[:2]),
            "version": current.number, "definition": definition.model_dump(mode="json")}


@router.post("/public/responses", response={201: AcceptedOut, 200: AcceptedOut}, auth=None)
def public_response(request: HttpRequest, payload: ResponseIn):
    """Submit one response. 201 when stored; 200 with status "duplicate" when the key was already accepted."""
    survey, current = selectors.public_surveys.get(payload.survey)
    # META rather than request.headers, which parses every header of the request into a new mapping
    if request.META.get("HTTP_AUTHORIZATION", "").startswith("Bearer "):
        _take_allowance(request, survey, 1)
        allowance = None
    else:  # taken in the same transaction as the response (group commit)
        allowance = _survey_allowance(request, survey)
    services.check_origin(survey=survey, origin=request.META.get("HTTP_ORIGIN"))
    accepted = ingest.response_submit_grouped(survey=survey, submission=_submission(payload), current=current,
                                              allowance=allowance)
    # a model instance of the declared type is dumped without being validated again
    return Status(201 if accepted.created else 200, AcceptedOut(**_accepted_out(accepted)))


@router.post("/public/responses/batch", response={200: BatchOut}, auth=None)
def public_response_batch(request: HttpRequest, payload: BatchIn):
    """Submit up to 500 responses to one survey, all or nothing; replays are reported as duplicates."""
    # Every response counts against the rate limit: a batch larger than the allowance left is refused whole (429).
    keys = {item.survey for item in payload.responses}
    if len(keys) != 1:
        raise Invalid("a batch answers one survey", details=[{"field": "responses.survey"}])
    survey, current = _public_survey(request, keys.pop(), cost=len(payload.responses))
    results = services.responses_submit_batch(
        survey=survey, submissions=[_submission(item) for item in payload.responses], current=current
    )
    created = sum(1 for r in results if r.created)
    return {"created": created, "duplicates": len(results) - created, "results": [_accepted_out(r) for r in results]}


# --- analysts: figures and responses, within the caller's scope ---


class FigureOut(Schema):
    key: Any
    n: int
    mean: float
    mean_low: float
    mean_high: float
    top_box: float
    top_box_low: float
    top_box_high: float
    signal: str
    p_value: float | None


class TrendPointOut(Schema):
    period: str
    figure: FigureOut


class DashboardOut(Schema):
    question: str
    group_by: str
    confidence: float
    total: FigureOut | None
    groups: list[FigureOut]
    trend: list[TrendPointOut]
    trend_changes: list[dict[str, Any]]
    nps: dict[str, Any] | None
    drivers: list[dict[str, Any]]


@router.get("/dashboard", response=DashboardOut)
def dashboard_figures(
    request: HttpRequest, question: str = "overall", group_by: str = "service_id", period: str = "quarter",
    service_id: Id | None = None, organisation_id: Id | None = None, channel: str = "",
    date_from: Day | None = None, date_to: Day | None = None,
):
    """Means with intervals, top-2-box shares, NPS, trend and drivers; only organisations in the caller's scope.
    A group's `signal` is above/below only when the difference from the rest is significant (Welch, Holm)."""
    if group_by not in figures.GROUPINGS or period not in figures.PERIODS:
        raise Invalid("unknown group_by or period", details=[{"field": "group_by"}, {"field": "period"}])
    if service_id is not None:
        access_service(request.user, service_id)
    board = figures.build(request.user, figures.Query(
        question=question, group_by=group_by, period=period, service_id=service_id,
        organisation_id=organisation_id, channel=channel, date_from=date_from, date_to=date_to))
    return {"question": question, "group_by": group_by, "confidence": figures.CONFIDENCE, "total": board.total,
            "groups": board.groups, "trend": [{"period": label, "figure": f} for label, f in board.trend],
            "trend_changes": board.trend_changes, "nps": board.nps, "drivers": board.drivers}


class ResponseOut(Schema):
    id: int
    survey_id: int
    survey_version: int
    service_id: int
    channel: str
    context: dict[str, Any]
    client_category: str
    submitted_at: dt.datetime
    comment: str
    is_spam: bool
    answers: dict[str, Any]


@router.get("/responses", response=list[ResponseOut])
def response_list(request: SignedInRequest, survey_id: Id | None = None, service_id: Id | None = None,
                  since: Moment | None = None, limit: Limit = 100, offset: Offset = 0):
    """Responses (personal data already masked), newest first; `limit` at most 1000."""
    queryset = selectors.response_list(user=request.user).prefetch_related("answers")
    if survey_id is not None:
        queryset = queryset.filter(survey_id=survey_id)
    if service_id is not None:
        queryset = queryset.filter(service_id=service_id)
    if since is not None:
        queryset = queryset.filter(submitted_at__gte=since)
    return [{"id": r.pk, "survey_id": r.survey_id, "survey_version": r.survey_version.number,
             "service_id": r.service_id, "channel": r.channel, "context": r.context,
             "client_category": r.client_category, "submitted_at": r.submitted_at, "comment": r.comment,
             "is_spam": r.is_spam,
             "answers": {a.question_key: a.value if a.value is not None else a.text for a in r.answers.all()}}
            for r in queryset.select_related("survey_version")[offset:offset + limit]]
