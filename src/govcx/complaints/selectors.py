"""Reads of complaints and routing rules: handlers' lists through the user's scope, the citizen's private status
link, routing, and the complaints due for a reminder.

The four statuses a person sees partition the complaints: "received" and "in work" count only those still
within their deadline, so the counts of the status chips add up to the total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.common.tokens import token_hash
from govcx.complaints import deadlines, numbers
from govcx.complaints.models import Complaint, ComplaintStatus, RoutingRule
from govcx.errors import NotFound
from govcx.feedback.selectors import public_surveys
from govcx.registry.models import Organisation, Service
from govcx.standards.models import Adjustment, AdjustmentStatus

OVERDUE = "overdue"  # shown in place of the stored status once the deadline has passed without an answer
STATUSES = (ComplaintStatus.RECEIVED.value, ComplaintStatus.IN_WORK.value, ComplaintStatus.ANSWERED.value, OVERDUE)
OPEN = "open"  # every complaint not answered yet (received, in work or overdue): what the queue opens on
REMINDER_WORKING_DAYS_BEFORE = (5, 1)


def complaint_status(*, complaint: Complaint, today: dt.date) -> str:
    """received, in_work, answered or overdue (not answered and the due date has passed)."""
    if complaint.status != ComplaintStatus.ANSWERED and today > complaint.due_on:
        return OVERDUE
    return complaint.status


def complaint_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Complaint]:
    return Complaint.objects.for_user(user, action).select_related("service", "organisation", "assignee")


def service_adjustments(*, user: Any, complaint: Complaint) -> QuerySet[Adjustment]:
    """The adjustments of the complaint's service that the user may link to it as the change made in response."""
    return (Adjustment.objects.for_user(user).filter(assessment__service_id=complaint.service_id)
            .order_by("-created_at", "-id"))


def access_complaint(user: Any, complaint_id: Any, action: Action = Action.VIEW) -> Complaint:
    return access(complaint_list(user=user), user, complaint_id, action, what="complaint")


def _status_condition(status: str, today: dt.date) -> Q:
    if status == OPEN:
        return ~Q(status=ComplaintStatus.ANSWERED)
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


def complaints_for(*, user: Any, filters: ComplaintFilters, today: dt.date) -> QuerySet[Complaint]:
    """The complaints in the user's scope that pass `filters`, earliest deadline first."""
    queryset = complaint_list(user=user)
    if filters.status in (*STATUSES, OPEN):
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


def status_counts(*, queryset: QuerySet[Complaint], today: dt.date) -> dict[str, int]:
    """How many complaints of `queryset` each status has, in STATUSES order."""
    counts = queryset.order_by().aggregate(
        **{status: Count("id", filter=_status_condition(status, today)) for status in STATUSES}
    )
    return {status: counts[status] for status in STATUSES}


def overdue_complaints(*, today: dt.date) -> QuerySet[Complaint]:
    """Every unanswered complaint past its due date, for the operators' command line (not scoped)."""
    return (
        Complaint.objects.exclude(status=ComplaintStatus.ANSWERED)
        .filter(due_on__lt=today)
        .select_related("service", "organisation", "assignee")
        .order_by("due_on", "id")
    )


# --- routing ---


def routing_rule_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[RoutingRule]:
    return RoutingRule.objects.for_user(user, action).select_related("owner", "service", "handler")


def access_routing_rule(user: Any, rule_id: Any, action: Action = Action.VIEW) -> RoutingRule:
    return access(routing_rule_list(user=user), user, rule_id, action, what="routing rule")


def complaint_route(*, service: Service, topic: str) -> Organisation:
    """The organisation that must answer: the owner's most specific routing rule wins (service and topic, then
    service, then topic, then any), and without a rule the service's owner answers itself."""
    candidates = [
        rule
        for rule in RoutingRule.objects.filter(owner_id=service.owner_id).select_related("handler")
        if rule.service_id in (None, service.pk) and rule.topic in ("", topic)
    ]
    if not candidates:
        return service.owner
    best = max(candidates, key=lambda rule: (rule.service_id is not None, rule.topic != ""))
    return best.handler


# --- the public side: citizens follow their complaint by a private link ---


def complaint_by_token(*, token: str) -> Complaint:
    """The complaint behind a citizen's private status link; an unknown token is a 404 like any other."""
    token = (token or "").strip()
    if not 16 <= len(token) <= 64:
        raise NotFound("complaint not found")
    complaint = Complaint.objects.select_related("service").filter(status_token_hash=token_hash(token)).first()
    if complaint is None:
        raise NotFound("complaint not found")
    return complaint


def complaint_by_number(*, number: str, email: str) -> Complaint:
    """The complaint with this number whose author gave this e-mail address (case does not matter); anything else,
    a wrong address included, is the same 404, so a look-up tells nothing about which half was wrong."""
    written = numbers.normalised(number)
    email = (email or "").strip()
    if written is None or not email:
        raise NotFound("complaint not found")
    complaint = Complaint.objects.select_related("service").filter(number=written).exclude(email="").first()
    if complaint is None or complaint.email.casefold() != email.casefold():
        raise NotFound("complaint not found")
    return complaint


def complaint_public_status(*, complaint: Complaint, today: dt.date) -> dict[str, Any]:
    """What the citizen's private link shows: never the contact, nothing of other complaints."""
    answered = complaint.status == ComplaintStatus.ANSWERED
    return {
        "number": complaint.number,
        "service": complaint.service.name,
        "status": complaint_status(complaint=complaint, today=today),
        "received_on": complaint.received_on,
        "due_on": complaint.due_on,
        "extended": complaint.extended,
        "extension_reason": complaint.extension_reason,
        "answer": complaint.answer if answered else "",
        "answered_at": complaint.answered_at if answered else None,
        # the change made in response, once it is done (a planned one may still change)
        "change": complaint.adjustment.action if complaint.adjustment is not None and (
            complaint.adjustment.status == AdjustmentStatus.DONE) else "",
    }


#: Client categories of internal systems (staff workstations, HR systems): not services a citizen complains about.
INTERNAL_CLIENT_CATEGORIES = ("civil_servants",)
SEARCH_RESULTS = 10


def public_services() -> QuerySet[Service]:
    """Services for the public: those with a client category other than the staff's (or none declared)."""
    for_public = Service.client_categories.through.objects.exclude(
        clientcategory__code__in=INTERNAL_CLIENT_CATEGORIES).values("service_id")
    uncategorised = Service.objects.filter(client_categories__isnull=True).values("pk")
    return (Service.objects.filter(Q(pk__in=for_public) | Q(pk__in=uncategorised)).select_related("owner")
            .order_by("code"))


def public_service_search(*, query: str) -> list[Service]:
    """Public services whose name (in either language) or code contains every word typed, best first: a name
    that starts with the words, then the rest by name. Compared in Python with `casefold`, because SQLite
    compares only ASCII letters without case."""
    words = (query or "").casefold().split()[:8]
    if not words:
        return []
    found = []
    for service in public_services():
        names = [service.name_ru.casefold(), service.name_en.casefold(), service.code]
        if all(any(w in n for n in names) for w in words):
            starts = any(n.startswith(" ".join(words)) for n in names)
            found.append((not starts, service.name.casefold(), service))
    return [service for *_order, service in sorted(found, key=lambda row: row[:2])][:SEARCH_RESULTS]


def public_service(*, service_code: str = "", survey_key: str = "") -> Service:
    """The service a public complaint is about: a public service named by its code, or the service of the survey
    the citizen just answered."""
    if survey_key:
        survey, _version = public_surveys.get(survey_key)
        return survey.service
    service = public_services().filter(code=(service_code or "").strip()).first()
    if service is None:
        raise NotFound(f"service {service_code!r} not found", details=[{"field": "service"}])
    return service


# --- reminders ---


@dataclass(frozen=True)
class Reminder:
    complaint: Complaint
    status: str  # the complaint's status today: received, in_work or overdue
    days_left: int  # calendar days to the due date; negative when overdue


def _needs_reminder(complaint: Complaint, today: dt.date) -> bool:
    """Overdue complaints are reminded of every day; others once on (or after a missed run, soon after) each
    reminder date before the deadline."""
    last = complaint.last_reminder_on
    if today > complaint.due_on:
        return last != today
    passed = [d for d in deadlines.reminder_dates(complaint.due_on, REMINDER_WORKING_DAYS_BEFORE) if d <= today]
    return bool(passed) and (last is None or last < max(passed))


def reminders_due(*, today: dt.date) -> list[Reminder]:
    """Unanswered complaints that need a reminder today and have not had one yet today."""
    horizon = today + dt.timedelta(days=31)  # further than 5 working days before any due date, holidays included
    candidates = (
        Complaint.objects.exclude(status=ComplaintStatus.ANSWERED)
        .filter(due_on__lte=horizon)
        .exclude(last_reminder_on=today)
        .select_related("service", "organisation")
        .order_by("organisation_id", "due_on", "id")
    )
    return [
        Reminder(c, complaint_status(complaint=c, today=today), (c.due_on - today).days)
        for c in candidates
        if _needs_reminder(c, today)
    ]
