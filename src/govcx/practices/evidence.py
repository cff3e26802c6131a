"""The evidence from the other areas that a self-assessment is checked against (contradictions.py decides).

Each measure counts the authority's own records (its services: the registry's `owner`) over a window of quarters
ending with the assessment's. A measure with nothing to count from (no training roster) is None: missing, not zero.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from govcx.feedback.models import Response
from govcx.lab.models import Session
from govcx.practices.contradictions import EvidenceKey
from govcx.practices.questionnaire import Quarter
from govcx.standards.models import Assessment
from govcx.standards.scoring import Verdict
from govcx.training.models import Person, Programme
from govcx.training.selectors import roster

#: Verdicts under which a service may launch (standards/scoring.py: every gate requirement met).
LAUNCHABLE = (Verdict.READY.value, Verdict.ADJUSTMENTS.value)


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    return (dt.datetime.combine(start, dt.time.min, zone), dt.datetime.combine(end, dt.time.min, zone))


def feedback_responses(organisation_id: int, start: dt.date, end: dt.date) -> float | None:
    since, until = _bounds(start, end)
    return float(Response.objects.filter(service__owner_id=organisation_id, submitted_at__gte=since,
                                         submitted_at__lt=until).count())


def lab_studies(organisation_id: int, start: dt.date, end: dt.date) -> float | None:
    since, until = _bounds(start, end)
    held = Session.objects.filter(study__service__owner_id=organisation_id, finished_at__gte=since,
                                  finished_at__lt=until)
    return float(held.order_by().values("study_id").distinct().count())


def _assessed(organisation_id: int, start: dt.date, end: dt.date) -> QuerySet[Assessment]:
    since, until = _bounds(start, end)
    return Assessment.objects.filter(service__owner_id=organisation_id, evaluated_at__gte=since,
                                     evaluated_at__lt=until)


def services_assessed(organisation_id: int, start: dt.date, end: dt.date) -> float | None:
    return float(_assessed(organisation_id, start, end).order_by().values("service_id").distinct().count())


def services_ready_at_launch(organisation_id: int, start: dt.date, end: dt.date) -> float | None:
    ready = _assessed(organisation_id, start, end).filter(verdict__in=LAUNCHABLE)
    return float(ready.order_by().values("service_id").distinct().count())


def training_coverage(organisation_id: int, start: dt.date, end: dt.date) -> float | None:
    """Share of the authority's staff on any training roster who were trained by the end of the window."""
    people = trained = 0
    # order_by(): the roster's default ordering would otherwise make DISTINCT return one row a person
    for programme_id in Person.objects.filter(organisation_id=organisation_id).order_by().values_list(
            "programme_id", flat=True).distinct():
        counts = roster(Programme.objects.get(pk=programme_id)).filter(
            organisation_id=organisation_id, started_on__lt=end).aggregate(
            people=Count("id"), trained=Count("id", filter=Q(trained_on__lt=end)))
        people += counts["people"]
        trained += counts["trained"]
    return trained / people if people else None


MEASURES: dict[str, Callable[[int, dt.date, dt.date], float | None]] = {
    "feedback_responses": feedback_responses,
    "lab_studies": lab_studies,
    "services_assessed": services_assessed,
    "services_ready_at_launch": services_ready_at_launch,
    "training_coverage": training_coverage,
}


def gather(organisation_id: int, quarter: Quarter, needed: Iterable[EvidenceKey]) -> dict[EvidenceKey, float | None]:
    """The value of every (evidence kind, window) needed, for the authority and the quarters ending with `quarter`."""
    found: dict[EvidenceKey, float | None] = {}
    for kind, window in sorted(set(needed)):
        start, end = quarter.window(window)
        found[(kind, window)] = MEASURES[kind](organisation_id, start, end)
    return found
