"""Reads of complaints for handlers' lists: filters and counts by the status a person sees (overdue included).

The four statuses partition the complaints: "received" and "in work" count only those still within their
deadline, so the counts of the status chips add up to the total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.feedback.complaints import OVERDUE, STATUSES
from govcx.feedback.models import Complaint, ComplaintStatus, RoutingRule
from govcx.feedback.selectors import complaint_list


def _status_condition(status: str, today: dt.date) -> Q:
    if status == OVERDUE:
        return ~Q(status=ComplaintStatus.ANSWERED) & Q(due_on__lt=today)
    if status == ComplaintStatus.ANSWERED:
        return Q(status=status)
    return Q(status=status, due_on__gte=today)


@dataclass(frozen=True)
class ComplaintFilters:
    status: str = ""
    service_id: int | None = None
    organisation_id: int | None = None
    topic: str = ""
    due_before: dt.date | None = None


def complaint_filter(queryset: QuerySet[Complaint], filters: ComplaintFilters, today: dt.date) -> QuerySet[Complaint]:
    if filters.status in STATUSES:
        queryset = queryset.filter(_status_condition(filters.status, today))
    if filters.service_id is not None:
        queryset = queryset.filter(service_id=filters.service_id)
    if filters.organisation_id is not None:
        queryset = queryset.filter(organisation_id=filters.organisation_id)
    if filters.topic:
        queryset = queryset.filter(topic=filters.topic)
    if filters.due_before is not None:
        queryset = queryset.filter(due_on__lt=filters.due_before)
    return queryset


def complaints_for(user: Any, filters: ComplaintFilters, today: dt.date) -> QuerySet[Complaint]:
    return complaint_filter(complaint_list(user=user), filters, today)


def status_counts(queryset: QuerySet[Complaint], today: dt.date) -> dict[str, int]:
    """How many complaints of `queryset` each status has, in STATUSES order."""
    counts = queryset.order_by().aggregate(
        **{status: Count("id", filter=_status_condition(status, today)) for status in STATUSES}
    )
    return {status: counts[status] for status in STATUSES}


def routing_rule_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[RoutingRule]:
    return RoutingRule.objects.for_user(user, action).select_related("owner", "service", "handler")


def access_routing_rule(user: Any, rule_id: Any, action: Action = Action.VIEW) -> RoutingRule:
    return access(routing_rule_list(user=user), user, rule_id, action, what="routing rule")
