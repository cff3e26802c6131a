"""Cases API: the service teams' cases opened from feedback (low ratings, flagged comments), their owner and due
date, start and close. Mounted at /api/cases."""

# No `from __future__ import annotations`: the paginated list's query schema must be a real class.
import datetime as dt

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.common.bounds import Count, Day, Id, Limit, Offset
from govcx.complaints import case_selectors, case_services
from govcx.complaints.case_selectors import CaseFilters, access_case
from govcx.complaints.models import Case
from govcx.errors import Invalid

router = Router(tags=["cases"])


class CaseOut(Schema):
    id: int
    service_id: int
    service_code: str
    organisation_id: int
    response_id: int
    reason: str = Field(description="low_rating | flagged_comment")
    rating: float | None = Field(description="the low rating that opened it, on a 1–5 scale")
    comment: str = Field(description="the response's comment, personal data masked")
    status: str = Field(description="open | in_progress | closed | overdue")
    owner: str | None
    owner_id: int | None
    due_on: dt.date
    days_left: int = Field(description="calendar days to the due date; negative when overdue")
    note: str
    closed_at: dt.datetime | None
    created_at: dt.datetime
    version: int

    @staticmethod
    def resolve_service_code(obj: Case) -> str:
        return obj.service.code

    @staticmethod
    def resolve_comment(obj: Case) -> str:
        return obj.response.comment

    @staticmethod
    def resolve_status(obj: Case) -> str:
        return case_selectors.case_status(case=obj, today=timezone.localdate())

    @staticmethod
    def resolve_days_left(obj: Case) -> int:
        return (obj.due_on - timezone.localdate()).days

    @staticmethod
    def resolve_owner(obj: Case) -> str | None:
        return obj.owner.username if obj.owner else None


class CaseQuery(Schema):
    status: str = Field("", description="open | in_progress | closed | overdue")
    service_id: Id | None = None
    mine: bool = Field(False, description="only the cases you own")


class CasePageInput(LimitOffsetPagination.Input):
    limit: Limit = 50
    offset: Offset = 0


class CasePages(LimitOffsetPagination):
    """Pages of at most 1,000 cases; an offset that fits the database."""

    Input = CasePageInput


class CaseFlagIn(Schema):
    response_id: Id


class CaseVersionIn(Schema):
    version: Count


class CasePlanIn(CaseVersionIn):
    owner_id: Id | None = Field(None, description="one of the organisation's staff who handle cases")
    due_on: Day | None = Field(None, description="today or later")


class CaseCloseIn(CaseVersionIn):
    note: str = Field(min_length=1, max_length=case_services.NOTE_MAX_CHARS, description="what was done")


@router.get("", response=list[CaseOut])
@paginate(CasePages)
def case_list(request: SignedInRequest, filters: Query[CaseQuery]):
    """Cases of organisations in your scope, earliest due date first."""
    if filters.status and filters.status not in case_selectors.STATUSES:
        raise Invalid(f"status must be one of {case_selectors.STATUSES}", details=[{"field": "status"}])
    return case_selectors.cases_for(user=request.user, filters=CaseFilters(**filters.dict()),
                                    today=timezone.localdate())


@router.post("", response={200: CaseOut, 201: CaseOut})
def case_flag(request: SignedInRequest, payload: CaseFlagIn):
    """Flag a response's comment as a problem: 201 with the case opened, or 200 with the one it already has."""
    case, opened = case_services.case_open_flagged(response_id=payload.response_id, actor=request.user)
    return Status(201 if opened else 200, access_case(request.user, case.pk))


@router.get("/{int:case_id}", response=CaseOut)
def case_get(request: SignedInRequest, case_id: Id):
    return access_case(request.user, case_id)


@router.post("/{int:case_id}/plan", response=CaseOut)
def case_plan(request: SignedInRequest, case_id: Id, payload: CasePlanIn):
    case = access_case(request.user, case_id, Action.HANDLE_COMPLAINTS)
    case_services.case_plan(case=case, owner_id=payload.owner_id, due_on=payload.due_on, actor=request.user,
                            expected_version=payload.version)
    return access_case(request.user, case_id)


@router.post("/{int:case_id}/start", response=CaseOut)
def case_start(request: SignedInRequest, case_id: Id, payload: CaseVersionIn):
    case = access_case(request.user, case_id, Action.HANDLE_COMPLAINTS)
    case_services.case_start(case=case, actor=request.user, expected_version=payload.version)
    return access_case(request.user, case_id)


@router.post("/{int:case_id}/close", response=CaseOut)
def case_close(request: SignedInRequest, case_id: Id, payload: CaseCloseIn):
    case = access_case(request.user, case_id, Action.HANDLE_COMPLAINTS)
    case_services.case_close(case=case, note=payload.note, actor=request.user, expected_version=payload.version)
    return access_case(request.user, case_id)
