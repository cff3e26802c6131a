"""Complaints API: handlers list and answer complaints routed to their organisation; citizens submit a complaint
and follow it by a private link (public, rate limited, never showing the contact or other complaints).

Mounted at /api/feedback/complaints/, where it was when complaints lived in feedback; every operation keeps the
operationId it had there, so clients generated from the OpenAPI document do not change."""

# No `from __future__ import annotations`: the paginated list's query schema must be a real class, not a name
# ninja would look up in its own module.
import datetime as dt

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.bounds import Count, Day, Id, Limit, Offset
from govcx.complaints import selectors, services
from govcx.complaints.models import Complaint, RoutingRule
from govcx.complaints.selectors import ComplaintFilters, access_complaint, access_routing_rule
from govcx.errors import Invalid
from govcx.registry.selectors import access_organisation, access_service
from govcx.throttle import client_address, hit

router = Router(tags=["feedback", "complaints"])  # both, as when it was a sub-router of feedback


class ComplaintOut(Schema):
    id: int
    number: str = Field(description="the citizen's reference, e.g. 2026-7K4M-9QX2")
    service_id: int
    service_code: str
    organisation_id: int
    topic: str
    text: str = Field(description="personal data masked")
    contact: str | None = Field(description="only for those who handle complaints; null for other readers")
    author_name: str | None = Field(description="only for those who handle complaints; null for other readers")
    email: str | None = Field(description="only for those who handle complaints; null for other readers")
    postal_address: str | None = Field(description="only for those who handle complaints; null for other "
                                                    "readers")
    status: str = Field(description="received | in_work | answered | overdue")
    received_on: dt.date
    day_kind: str
    due_on: dt.date
    days_left: int = Field(description="calendar days to the due date; negative when overdue")
    extended: bool
    extension_reason: str
    assignee: str | None
    answer: str
    answered_at: dt.datetime | None
    version: int

    @staticmethod
    def resolve_service_code(obj: Complaint) -> str:
        return obj.service.code

    @staticmethod
    def resolve_contact(obj: Complaint, context: dict) -> str | None:
        return obj.contact if can(context["request"].user, Action.HANDLE_COMPLAINTS) else None

    @staticmethod
    def resolve_author_name(obj: Complaint, context: dict) -> str | None:
        return obj.author_name if can(context["request"].user, Action.HANDLE_COMPLAINTS) else None

    @staticmethod
    def resolve_email(obj: Complaint, context: dict) -> str | None:
        return obj.email if can(context["request"].user, Action.HANDLE_COMPLAINTS) else None

    @staticmethod
    def resolve_postal_address(obj: Complaint, context: dict) -> str | None:
        return obj.postal_address if can(context["request"].user, Action.HANDLE_COMPLAINTS) else None

    @staticmethod
    def resolve_status(obj: Complaint) -> str:
        return selectors.complaint_status(complaint=obj, today=timezone.localdate())

    @staticmethod
    def resolve_days_left(obj: Complaint) -> int:
        return (obj.due_on - timezone.localdate()).days

    @staticmethod
    def resolve_assignee(obj: Complaint) -> str | None:
        return obj.assignee.username if obj.assignee else None


class ComplaintQuery(Schema):
    status: str = Field("", description="received | in_work | answered | overdue")
    service_id: Id | None = None
    organisation_id: Id | None = None
    topic: str = ""
    due_before: Day | None = None


class ComplaintVersionIn(Schema):
    version: Count


class AnswerIn(ComplaintVersionIn):
    answer: str = Field(min_length=1, max_length=services.ANSWER_MAX_CHARS)


class ExtendIn(ComplaintVersionIn):
    reason: str = Field(min_length=1, max_length=services.REASON_MAX_CHARS)


class RoutingRuleIn(Schema):
    owner_id: Id
    service_id: Id | None = None
    topic: str = Field("", max_length=40, description="blank: every topic")
    handler_id: Id


class RoutingRuleOut(Schema):
    id: int
    owner_id: int
    service_id: int | None
    topic: str
    handler_id: int


class ComplaintPages(LimitOffsetPagination):
    """Pages of at most 1,000 complaints; an offset that fits the database (an unbounded one was a 500)."""

    class Input(Schema):
        limit: Limit = 50
        offset: Offset = 0


@router.get("", response=list[ComplaintOut], operation_id="govcx_feedback_complaints_api_complaint_list")
@paginate(ComplaintPages)
def complaint_list(request: SignedInRequest, filters: Query[ComplaintQuery]):
    """Complaints routed to organisations in your scope, earliest deadline first."""
    if filters.status and filters.status not in selectors.STATUSES:
        raise Invalid(f"status must be one of {selectors.STATUSES}", details=[{"field": "status"}])
    return selectors.complaints_for(user=request.user, filters=ComplaintFilters(**filters.dict()),
                                    today=timezone.localdate())


# --- routing rules (before /{complaint_id} so that the path is not read as an id) ---


def _rule_targets(request: HttpRequest, payload: RoutingRuleIn) -> dict:
    owner = access_organisation(request.user, payload.owner_id, Action.HANDLE_COMPLAINTS)
    handler = access_organisation(request.user, payload.handler_id)
    service = access_service(request.user, payload.service_id) if payload.service_id is not None else None
    return {"owner": owner, "handler": handler, "service": service, "topic": payload.topic}


def _rule_out(rule: RoutingRule) -> dict:
    return {f: getattr(rule, f) for f in ("id", "owner_id", "service_id", "topic", "handler_id")}


@router.get("/routing-rules", response=list[RoutingRuleOut],
            operation_id="govcx_feedback_complaints_api_routing_rule_list_api")
def routing_rule_list_api(request: SignedInRequest):
    return [_rule_out(r) for r in selectors.routing_rule_list(user=request.user)]


@router.post("/routing-rules", response={201: RoutingRuleOut},
             operation_id="govcx_feedback_complaints_api_routing_rule_create")
def routing_rule_create(request: SignedInRequest, payload: RoutingRuleIn):
    rule = services.routing_rule_save(actor=request.user, **_rule_targets(request, payload))
    return Status(201, _rule_out(rule))


@router.put("/routing-rules/{int:rule_id}", response=RoutingRuleOut,
            operation_id="govcx_feedback_complaints_api_routing_rule_update")
def routing_rule_update(request: SignedInRequest, rule_id: Id, payload: RoutingRuleIn):
    rule = access_routing_rule(request.user, rule_id, Action.HANDLE_COMPLAINTS)
    return _rule_out(services.routing_rule_save(actor=request.user, rule=rule, **_rule_targets(request, payload)))


@router.delete("/routing-rules/{int:rule_id}", response={204: None},
               operation_id="govcx_feedback_complaints_api_routing_rule_delete")
def routing_rule_delete(request: SignedInRequest, rule_id: Id):
    rule = access_routing_rule(request.user, rule_id, Action.HANDLE_COMPLAINTS)
    services.routing_rule_delete(rule=rule, actor=request.user)
    return Status(204, None)


# --- public: no sign-in, rate limited per caller ---


class ComplaintSubmitIn(Schema):
    service: str = Field("", max_length=80, description="the service's code; or give `survey`")
    survey: str = Field("", max_length=32, description="public key of the survey the citizen answered")
    text: str = Field(min_length=1, max_length=services.TEXT_MAX_CHARS)
    contact: str = Field("", max_length=200, description="a phone (optional)")
    name: str = Field("", max_length=200, description="the citizen's name; required for an answer (59-FZ art. 7)")
    email: str = Field("", max_length=254, description="e-mail for the answer and the confirmation; this or "
                                                       "postal_address is required")
    postal_address: str = Field("", max_length=500, description="postal address for the answer")
    consent: bool = Field(False, description="the citizen agreed to the processing of their personal data "
                                             "(152-FZ art. 9); required")
    topic: str | None = Field(None, max_length=40, description="a known topic; default: found from the text")
    website: str = Field("", description="honeypot: people leave it empty")


class ComplaintSubmittedOut(Schema):
    number: str = Field(description="the complaint's number; with the e-mail given, it finds the complaint")
    status_url: str = Field(description="private link to the complaint's status; shown once, keep it")
    status: str
    due_on: dt.date


class PublicStatusOut(Schema):
    number: str
    service: str
    status: str = Field(description="received | in_work | answered | overdue")
    received_on: dt.date
    due_on: dt.date
    extended: bool
    extension_reason: str
    answer: str = Field(description="empty until answered")
    answered_at: dt.datetime | None


@router.post("/public", response={201: ComplaintSubmittedOut}, auth=None,
             operation_id="govcx_feedback_complaints_api_public_submit")
def public_submit(request: HttpRequest, payload: ComplaintSubmitIn):
    """Submit a complaint or request about a service (by its code) or about a survey's service (by the survey's
    public key). The answer is due by `due_on`; follow it at `status_url`."""
    hit("complaint-submit", client_address(request), limit=services.PUBLIC_SUBMIT_PER_MINUTE)
    if payload.website:
        raise Invalid("the form was not filled in by a person", details=[{"field": "website"}])
    service = selectors.public_service(service_code=payload.service, survey_key=payload.survey)
    status_base = request.build_absolute_uri(reverse("complaints:public_status", args=["-"]))[:-2]
    complaint, token = services.complaint_submit(
        service=service, text=payload.text, contact=payload.contact, topic=payload.topic, status_url=status_base,
        author=services.Author(name=payload.name, email=payload.email, postal_address=payload.postal_address,
                               consent=payload.consent),
    )
    today = timezone.localdate()
    return Status(201, {"number": complaint.number, "status_url": f"{status_base}{token}/",
                        "status": selectors.complaint_status(complaint=complaint, today=today),
                        "due_on": complaint.due_on})


class LookupIn(Schema):
    number: str = Field(max_length=40, description="the complaint's number, as the citizen typed it")
    email: str = Field(max_length=254, description="the e-mail address given with the complaint")


@router.post("/public/lookup", response=PublicStatusOut, auth=None,
             operation_id="govcx_feedback_complaints_api_public_lookup")
def public_lookup(request: HttpRequest, payload: LookupIn):
    """The status of one complaint, by its number and the e-mail given with it. Rate limited per caller, and wrong
    e-mails per number; an unknown pair is a 404 that does not say which half was wrong."""
    complaint = services.complaint_lookup(number=payload.number, email=payload.email,
                                          client=client_address(request))
    return selectors.complaint_public_status(complaint=complaint, today=timezone.localdate())


@router.get("/public/{token}", response=PublicStatusOut, auth=None,
            operation_id="govcx_feedback_complaints_api_public_status")
def public_status(request: HttpRequest, token: str):
    """The status of one complaint, by the private token of its status link."""
    hit("complaint-status", client_address(request), limit=services.PUBLIC_STATUS_PER_MINUTE)
    complaint = selectors.complaint_by_token(token=token)
    return selectors.complaint_public_status(complaint=complaint, today=timezone.localdate())


# --- one complaint ---


@router.get("/{int:complaint_id}", response=ComplaintOut, operation_id="govcx_feedback_complaints_api_complaint_get")
def complaint_get(request: SignedInRequest, complaint_id: Id):
    return access_complaint(request.user, complaint_id)


@router.post("/{int:complaint_id}/take", response=ComplaintOut,
             operation_id="govcx_feedback_complaints_api_complaint_take")
def complaint_take(request: SignedInRequest, complaint_id: Id, payload: ComplaintVersionIn):
    complaint = access_complaint(request.user, complaint_id, Action.HANDLE_COMPLAINTS)
    return services.complaint_take(complaint=complaint, actor=request.user, expected_version=payload.version)


@router.post("/{int:complaint_id}/answer", response=ComplaintOut,
             operation_id="govcx_feedback_complaints_api_complaint_answer")
def complaint_answer(request: SignedInRequest, complaint_id: Id, payload: AnswerIn):
    complaint = access_complaint(request.user, complaint_id, Action.HANDLE_COMPLAINTS)
    return services.complaint_answer(complaint=complaint, answer=payload.answer, actor=request.user,
                                     expected_version=payload.version)


@router.post("/{int:complaint_id}/extend", response=ComplaintOut,
             operation_id="govcx_feedback_complaints_api_complaint_extend")
def complaint_extend(request: SignedInRequest, complaint_id: Id, payload: ExtendIn):
    complaint = access_complaint(request.user, complaint_id, Action.HANDLE_COMPLAINTS)
    return services.complaint_extend(complaint=complaint, reason=payload.reason, actor=request.user,
                                     expected_version=payload.version)
