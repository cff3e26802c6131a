"""Reads of the cases opened from feedback: the team's list through the user's scope, one case, the people who
may own one, and the responses whose low rating should open one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, ExpressionWrapper, F, FloatField, Min, Q, QuerySet

from govcx.accounts.models import User
from govcx.accounts.roles import Action, Role, role_allows
from govcx.accounts.scoping import ScopedQuerySet, access
from govcx.complaints.models import Case, CaseStatus
from govcx.feedback.models import Answer

OVERDUE = "overdue"  # shown in place of open / in progress once the due date has passed
STATUSES = (CaseStatus.OPEN.value, CaseStatus.IN_PROGRESS.value, CaseStatus.CLOSED.value, OVERDUE)
OWNER_ROLES = tuple(role.value for role in Role if role_allows(role.value, Action.HANDLE_COMPLAINTS)
                    and role is not Role.ADMIN)


def case_status(*, case: Case, today: dt.date) -> str:
    if case.status != CaseStatus.CLOSED and today > case.due_on:
        return OVERDUE
    return case.status


def case_list(*, user: Any, action: Action = Action.VIEW) -> ScopedQuerySet:
    return Case.objects.for_user(user, action).select_related("service", "organisation", "owner", "response")


def access_case(user: Any, case_id: Any, action: Action = Action.VIEW) -> Case:
    return access(case_list(user=user), user, case_id, action, what="case")


def _status_condition(status: str, today: dt.date) -> Q:
    if status == OVERDUE:
        return ~Q(status=CaseStatus.CLOSED) & Q(due_on__lt=today)
    if status == CaseStatus.CLOSED:
        return Q(status=status)
    return Q(status=status, due_on__gte=today)


@dataclass(frozen=True)
class CaseFilters:
    status: str = ""
    service_id: int | None = None
    mine: bool = False


def cases_for(*, user: Any, filters: CaseFilters, today: dt.date) -> QuerySet[Case]:
    queryset = case_list(user=user)
    if filters.status:
        queryset = queryset.filter(_status_condition(filters.status, today))
    if filters.service_id:
        queryset = queryset.filter(service_id=filters.service_id)
    if filters.mine:
        queryset = queryset.filter(owner_id=user.pk)
    return queryset


def case_status_counts(*, queryset: QuerySet[Case], today: dt.date) -> dict[str, int]:
    counts = queryset.aggregate(**{s: Count("id", filter=_status_condition(s, today)) for s in STATUSES})
    return {s: counts[s] for s in STATUSES}


def case_owner_candidates(*, organisation_id: int) -> QuerySet[User]:
    """The organisation's own active staff whose role handles cases, the least busy first."""
    return (User.objects.filter(organisation_id=organisation_id, is_active=True, role__in=OWNER_ROLES)
            .annotate(open_cases=Count("owned_cases", filter=~Q(owned_cases__status=CaseStatus.CLOSED)))
            .order_by("open_cases", "pk"))


def low_ratings(*, since: dt.datetime) -> dict[int, float]:
    """Response id → its lowest rating on a 1–5 scale, for the responses given and received since `since` that
    have no case yet and a rating at or below their survey's rule (`Survey.case_rating_at_most`; other scales in
    proportion). Given since: an imported history is not worth a call back. Spam is left out; a one-tap rating
    counts as soon as it is stored."""
    span = F("scale_max") - F("scale_min")
    on_five = ExpressionWrapper(1 + (F("value") - F("scale_min")) * 4.0 / span, output_field=FloatField())
    rows = (Answer.objects
            .filter(measure="rating", value__isnull=False, scale_min__isnull=False, scale_max__gt=F("scale_min"),
                    response__received_at__gte=since, response__submitted_at__gte=since,
                    response__is_spam=False, response__case__isnull=True,
                    response__survey__case_rating_at_most__gt=0)
            .annotate(on_five=on_five)
            .filter(on_five__lte=F("response__survey__case_rating_at_most"))
            .values("response_id").annotate(lowest=Min("on_five")).order_by("response_id"))
    return {row["response_id"]: row["lowest"] for row in rows}
