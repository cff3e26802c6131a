"""What each role needs first after signing in, above the common dashboard: a service owner its services' open
adjustments and weakest results, a CX analyst new complaints and recent survey results, an assessor the
assessments still to finish, a lab researcher this week's sessions, a central analyst the country's overview.
Everything comes from the apps' own selectors and is scoped to the user as those are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from govcx import labels
from govcx.accounts.roles import Role
from govcx.complaints.case_selectors import case_list, case_status_counts
from govcx.complaints.models import ComplaintStatus
from govcx.complaints.selectors import complaint_list, status_counts
from govcx.feedback.selectors import response_list
from govcx.lab.models import Session, SessionStatus
from govcx.registry.selectors import service_list
from govcx.standards.models import Adjustment, AdjustmentStatus
from govcx.standards.selectors import latest_assessments

ROWS = 8
RECENT_DAYS = 30


@dataclass
class RoleHome:
    role: str
    sections: dict[str, Any] = field(default_factory=dict)


def _open_adjustments(user: Any) -> list[Adjustment]:
    return list(Adjustment.objects.for_user(user).exclude(status=AdjustmentStatus.DONE)
                .select_related("assessment__service").order_by("due_date")[:ROWS])


def _weakest_assessments(user: Any) -> list[Any]:
    """The current assessments with the lowest scores (an unscored one has nothing assessed yet: listed first)."""
    return list(latest_assessments(user=user).select_related("service")
                .order_by(F("score").asc(nulls_first=True), "service__code")[:ROWS])


def _satisfaction(user: Any, today: dt.date) -> list[dict[str, Any]]:
    """Responses of the last RECENT_DAYS per service with the mean overall rating, lowest first."""
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=RECENT_DAYS), dt.time(0)))
    rows = list(response_list(user=user).filter(submitted_at__gte=since, is_spam=False).order_by()
                .values("service_id")
                .annotate(responses=Count("id", distinct=True),
                          mean=Avg("answers__value", filter=Q(answers__question_key="overall")))
                .order_by(F("mean").asc(nulls_last=True))[:ROWS])
    services = service_list(user=user).in_bulk([row["service_id"] for row in rows])
    return [{**row, "service": services[row["service_id"]]} for row in rows if row["service_id"] in services]


def _new_complaints(user: Any) -> list[Any]:
    return list(complaint_list(user=user).filter(status=ComplaintStatus.RECEIVED).order_by("due_on", "id")[:ROWS])


def _complaint_counts(user: Any, today: dt.date) -> list[tuple[str, str, int]]:
    """(status, its label, how many) for the complaints in the user's scope."""
    counts = status_counts(queryset=complaint_list(user=user), today=today)
    return [(status, str(labels.COMPLAINT_STATUSES[status]), n) for status, n in counts.items()]


def _case_counts(user: Any, today: dt.date) -> list[tuple[str, str, int]]:
    """(status, its label, how many) of the cases opened from feedback in the user's scope, closed ones left out."""
    counts = case_status_counts(queryset=case_list(user=user), today=today)
    return [(status, str(labels.CASE_STATUSES[status]), n) for status, n in counts.items() if status != "closed"]


def _sessions_this_week(user: Any, today: dt.date) -> list[Session]:
    monday = today - dt.timedelta(days=today.weekday())
    start = timezone.make_aware(dt.datetime.combine(monday, dt.time(0)))
    return list(Session.objects.for_user(user).filter(scheduled_at__gte=start,
                                                      scheduled_at__lt=start + dt.timedelta(days=7))
                .exclude(status=SessionStatus.ABANDONED).select_related("study__service")
                .order_by("scheduled_at")[:ROWS * 2])


def _assessments_to_finish(user: Any) -> list[Any]:
    """Current assessments with requirements still unknown (not assessed yet), the least covered first."""
    rows = [a for a in latest_assessments(user=user).select_related("service").order_by("service__code")
            if (a.result or {}).get("counts", {}).get("unknown")]
    rows.sort(key=lambda a: (a.result.get("coverage") or 0.0, a.service.code))
    return rows[:ROWS]


def _country(user: Any, today: dt.date) -> dict[str, Any]:
    latest = latest_assessments(user=user)
    verdicts = dict(latest.order_by().values_list("verdict").annotate(n=Count("id")))
    return {
        "services": service_list(user=user).count(),
        "verdicts": [(v, verdicts.get(v, 0)) for v in ("ready", "launch_with_adjustments", "not_ready")],
        "complaints": _complaint_counts(user, today),
        "overdue_adjustments": Adjustment.objects.for_user(user).filter(due_date__lt=today)
        .exclude(status=AdjustmentStatus.DONE).count(),
    }


def role_home(user: Any, today: dt.date | None = None) -> RoleHome | None:
    """The first things for the user's role, or None for roles that start from the common dashboard."""
    today = today or timezone.localdate()
    role = getattr(user, "role", "")
    if role == Role.SERVICE_OWNER:
        return RoleHome(role, {"adjustments": _open_adjustments(user), "weakest": _weakest_assessments(user),
                               "satisfaction": _satisfaction(user, today),
                               "complaints": _complaint_counts(user, today), "cases": _case_counts(user, today)})
    if role == Role.CX_ANALYST:
        return RoleHome(role, {"new_complaints": _new_complaints(user), "complaints": _complaint_counts(user, today),
                               "satisfaction": _satisfaction(user, today), "cases": _case_counts(user, today)})
    if role == Role.ASSESSOR:
        return RoleHome(role, {"to_finish": _assessments_to_finish(user), "adjustments": _open_adjustments(user)})
    if role == Role.LAB_RESEARCHER:
        return RoleHome(role, {"sessions": _sessions_this_week(user, today)})
    if role == Role.CENTRAL_ANALYST:
        return RoleHome(role, {"country": _country(user, today)})
    return None
