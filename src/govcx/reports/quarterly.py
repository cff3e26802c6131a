"""The cross-service quarterly report: every service of an authority (or of the country, for central roles) in one
quarter, side by side: survey responses and the mean overall rating, complaints received, answered and late, the
current assessment's verdict and score, and open adjustments. Read through the apps' own scoped querysets."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Avg, Count, F, Q

from govcx.common.quarters import quarter_bounds, quarter_name
from govcx.complaints.models import ComplaintStatus
from govcx.complaints.selectors import complaint_list
from govcx.feedback.selectors import response_list
from govcx.registry.models import Organisation, Service
from govcx.registry.selectors import service_list
from govcx.standards.models import Adjustment, AdjustmentStatus
from govcx.standards.selectors import latest_assessments

HEADER = ["service_code", "service", "responses", "mean_overall_rating", "complaints_received",
          "complaints_answered", "complaints_late", "verdict", "score", "open_adjustments"]


@dataclass(frozen=True)
class ServiceQuarter:
    service: Service
    responses: int
    mean_rating: float | None
    complaints: int
    answered: int
    late: int
    verdict: str
    score: float | None
    open_adjustments: int


@dataclass(frozen=True)
class QuarterlyReport:
    organisation: Organisation | None  # None: every service the reader may see (the country for central roles)
    quarter_code: str  # "2026Q3"
    quarter_label: str  # in the reader's words
    first: dt.date
    last: dt.date
    rows: list[ServiceQuarter]

    @property
    def totals(self) -> dict[str, Any]:
        rated = [(r.mean_rating, r.responses) for r in self.rows if r.mean_rating is not None]
        weight = sum(n for _, n in rated)
        return {"responses": sum(r.responses for r in self.rows),
                "mean_rating": sum(m * n for m, n in rated) / weight if weight else None,
                "complaints": sum(r.complaints for r in self.rows), "answered": sum(r.answered for r in self.rows),
                "late": sum(r.late for r in self.rows),
                "open_adjustments": sum(r.open_adjustments for r in self.rows)}


def _late(until: dt.date) -> Q:
    """Answered after the due day, or still unanswered with the due day passed (by the quarter's end)."""
    answered = Q(status=ComplaintStatus.ANSWERED)
    return (answered & Q(answered_at__date__gt=F("due_on"))) | (~answered & Q(due_on__lt=until))


def quarterly_report(*, user: Any, organisation: Organisation | None, quarter: str) -> QuarterlyReport:
    first, last, label = quarter_bounds(quarter)
    scoped = service_list(user=user).order_by("code")
    if organisation is not None:
        scoped = scoped.filter(owner=organisation)
    services = list(scoped)
    ids = [s.pk for s in services]
    feedback = {row["service_id"]: row for row in (
        response_list(user=user).filter(service_id__in=ids, is_spam=False, submitted_at__date__gte=first,
                                        submitted_at__date__lte=last).order_by().values("service_id")
        .annotate(n=Count("id", distinct=True), mean=Avg("answers__value", filter=Q(answers__question_key="overall"))))}
    complaints = {row["service_id"]: row for row in (
        complaint_list(user=user).filter(service_id__in=ids, received_on__gte=first, received_on__lte=last)
        .order_by().values("service_id").annotate(
            n=Count("id"), answered=Count("id", filter=Q(status=ComplaintStatus.ANSWERED)),
            late=Count("id", filter=_late(min(last, dt.date.today())))))}
    assessments = {a.service_id: a for a in latest_assessments(user=user).filter(service_id__in=ids)}
    adjustments = dict(Adjustment.objects.for_user(user).filter(assessment__service_id__in=ids)
                       .exclude(status=AdjustmentStatus.DONE).order_by().values_list("assessment__service_id")
                       .annotate(n=Count("id")))
    rows = []
    for service in services:
        fb, cp, assessment = feedback.get(service.pk, {}), complaints.get(service.pk, {}), assessments.get(service.pk)
        rows.append(ServiceQuarter(
            service=service, responses=fb.get("n", 0), mean_rating=fb.get("mean"), complaints=cp.get("n", 0),
            answered=cp.get("answered", 0), late=cp.get("late", 0),
            verdict=assessment.verdict if assessment else "", score=assessment.score if assessment else None,
            open_adjustments=adjustments.get(service.pk, 0)))
    return QuarterlyReport(organisation, label.replace(" ", ""), quarter_name(label), first, last, rows)


def report_table(report: QuarterlyReport) -> list[list[Any]]:
    return [[r.service.code, r.service.name, r.responses,
             None if r.mean_rating is None else round(r.mean_rating, 2), r.complaints, r.answered, r.late,
             r.verdict, None if r.score is None else round(r.score, 1), r.open_adjustments] for r in report.rows]
