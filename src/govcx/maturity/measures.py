"""The measures of every service and authority per quarter, computed from the areas that exist.

Two kinds of evidence, two ways to date it:
* **states** (standards met, tested with users, ready at launch, accessible, staff trained) are read as they stood
  at the quarter's last day: the latest assessment, study verdict or audit finished by then;
* **flows** (satisfaction, complaints answered on time, proactive offers taken up) count what happened within the
  quarter: responses submitted, complaints due, offers made in it;
* **delivery** logs carry no quarter of their own here (one figure per service's whole log, kept at each import in
  `delivery.DeliverySummary`): the figure is filed under the quarter of the service's last import.

The flows, delivery and training are counted by the database, one grouped query per measure family (the quarter a
`CASE` over the quarters' bounds), so no rating, complaint, offer or roster row travels to Python; the states are
few rows a service and are read as they are.

Every value is a share on 0–1 (see `measure_names`). An authority's value is the plain mean of its services'
values (each service counts once, whatever its traffic: the index is about how the authority runs its services),
with `n_services` the services it rests on; where every service value is a sample estimate with a standard error
(satisfaction, complaints, deadlines), the mean's error is sqrt(Σ seᵢ²) / n (independent estimates). Shares over
the whole register of services (tested with users) are counts, not samples: no error.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from govcx.maturity.periods import period_bounds, period_of

__all__ = ["OrganisationFigure", "ServiceFigure", "compute_measures", "default_periods", "roll_up"]

SERIOUS_IMPACTS = ("critical", "serious")
TAKEN_UP = ("accepted", "payment_instructed", "paid")


@dataclass(slots=True)
class ServiceFigure:
    service_id: int
    owner_id: int
    period: str
    measure: str
    value: float
    cases: int = 0
    standard_error: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class OrganisationFigure:
    organisation_id: int
    period: str
    measure: str
    value: float
    n_services: int
    standard_error: float | None = None


def _share_error(successes: int, cases: int) -> float | None:
    if cases < 2:
        return None
    share = successes / cases
    return math.sqrt(share * (1 - share) / cases)


def _latest_by(records: Iterable[tuple[int, dt.date, Any]], end: dt.date) -> dict[int, Any]:
    """Per key, the payload of the latest record dated on or before `end` (records sorted by date)."""
    out: dict[int, Any] = {}
    for key, day, payload in records:
        if day <= end:
            out[key] = payload
    return out


def default_periods(*, today: dt.date) -> list[str]:
    """Every quarter from the earliest dated evidence in any area to the current one."""
    from govcx.maturity.periods import periods_between
    from govcx.proactive.models import Offer
    from govcx.standards.models import Assessment

    firsts: list[dt.date] = []
    for model, column in ((Assessment, "evaluated_at"), (Offer, "created_at")):
        first = model.objects.filter(**{f"{column}__isnull": False}).order_by(column).values_list(column, flat=True)
        value = first.first()
        if value is not None:
            firsts.append(value.date())
    from govcx.complaints.models import Complaint
    from govcx.feedback.models import Response

    first_due = Complaint.objects.order_by("due_on").values_list("due_on", flat=True).first()
    if first_due is not None:
        firsts.append(first_due)
    first_response = Response.objects.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    if first_response is not None:
        firsts.append(first_response.date())
    if not firsts:
        return [period_of(today)]
    return periods_between(period_of(min(firsts)), period_of(today))


def _local_midnight(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _quarters_of_moment(column: str, periods: list[str]) -> tuple[Any, Any]:
    """The quarter of a date-time column as a database expression, and the filter to the quarters asked for: the
    moment compared with the quarters' ends at local midnight, in ascending order, so a row takes one comparison per
    quarter up to its own (plain comparisons: SQLite has no time zones of its own, and a per-row time-zone function
    is slow). Quarters missing between the first and the last asked for are filtered out."""
    from django.db.models import Case, CharField, Q, Value, When

    from govcx.maturity.periods import periods_between

    cover = periods_between(min(periods), max(periods))
    ends = [_local_midnight(period_bounds(p)[1] + dt.timedelta(days=1)) for p in cover]
    quarter = Case(*[When(**{f"{column}__lt": end}, then=Value(p)) for p, end in zip(cover, ends, strict=True)],
                   default=None, output_field=CharField())
    within = Q(**{f"{column}__gte": _local_midnight(period_bounds(cover[0])[0]), f"{column}__lt": ends[-1]})
    if len(set(periods)) < len(cover):
        asked = Q()
        for p in set(periods):
            asked |= Q(**{f"{column}__gte": _local_midnight(period_bounds(p)[0]),
                          f"{column}__lt": _local_midnight(period_bounds(p)[1] + dt.timedelta(days=1))})
        within &= asked
    return quarter, within


def _quarters_of_day(column: str, periods: list[str]) -> tuple[Any, Any]:
    """As `_quarters_of_moment`, for a date column."""
    from django.db.models import Case, CharField, Q, Value, When

    quarter = Case(*[When(**{f"{column}__range": period_bounds(p)}, then=Value(p)) for p in periods], default=None,
                   output_field=CharField())
    within = Q()
    for p in periods:
        within |= Q(**{f"{column}__range": period_bounds(p)})
    return quarter, within


def _standards(periods: list[str], owners: dict[int, int]) -> list[ServiceFigure]:
    from govcx.standards.models import Assessment

    rows = sorted((a["service_id"], a["evaluated_at"].date(), (a["id"], a["score"])) for a in Assessment.objects
                  .filter(evaluated_at__isnull=False, score__isnull=False).values("id", "service_id", "evaluated_at",
                                                                                   "score"))
    out = []
    for period in periods:
        for service_id, (assessment_id, score) in _latest_by(rows, period_bounds(period)[1]).items():
            out.append(ServiceFigure(service_id, owners[service_id], period, "standards_met", score / 100,
                                     evidence={"kind": "assessment", "id": assessment_id}))
    return out


def _lab(periods: list[str], owners: dict[int, int]) -> list[ServiceFigure]:
    from govcx.lab.models import Study

    rows = sorted((s["service_id"], s["verdict_computed_at"].date(), (s["id"], s["verdict"])) for s in Study.objects
                  .filter(verdict_computed_at__isnull=False).exclude(verdict="")
                  .values("id", "service_id", "verdict_computed_at", "verdict"))
    out = []
    for period in periods:
        latest = _latest_by(rows, period_bounds(period)[1])
        for service_id, owner_id in owners.items():
            study = latest.get(service_id)
            evidence = {"kind": "study", "id": study[0]} if study else {}
            out.append(ServiceFigure(service_id, owner_id, period, "tested_with_users", 1.0 if study else 0.0,
                                     evidence=evidence))
            if study:
                out.append(ServiceFigure(service_id, owner_id, period, "ready_at_launch",
                                         1.0 if study[1] == "ready" else 0.0, evidence=evidence))
    return out


def _audits(periods: list[str], owners: dict[int, int]) -> list[ServiceFigure]:
    from govcx.audit.models import AuditIssue, AuditRun, PageAudit

    runs = sorted((r["service_id"], r["finished_at"].date(), r["id"]) for r in AuditRun.objects
                  .filter(status="done", finished_at__isnull=False).values("id", "service_id", "finished_at"))
    if not runs:
        return []
    pages: dict[int, list[int]] = defaultdict(list)
    for page in PageAudit.objects.filter(run_id__in=[r[2] for r in runs], ok=True).values("id", "run_id"):
        pages[page["run_id"]].append(page["id"])
    failing = set(AuditIssue.objects.filter(page__run_id__in=[r[2] for r in runs], kind="violation",
                                            impact__in=SERIOUS_IMPACTS).values_list("page_id", flat=True))
    out = []
    for period in periods:
        for service_id, run_id in _latest_by(runs, period_bounds(period)[1]).items():
            run_pages = pages.get(run_id, [])
            if not run_pages:
                continue
            passed = sum(1 for page in run_pages if page not in failing)
            out.append(ServiceFigure(service_id, owners[service_id], period, "accessible", passed / len(run_pages),
                                     cases=len(run_pages), evidence={"kind": "audit_run", "id": run_id}))
    return out


def _satisfaction(periods: list[str], owners: dict[int, int]) -> list[ServiceFigure]:
    """The mean rating per service and quarter on 0–1, with the error of the mean, aggregated by the database:
    count, mean and mean of squares per service and quarter (the sample variance is n/(n−1)·(mean of squares −
    mean²)), so the ratings themselves never travel to Python. The quarter is found by comparing the submission
    time with the quarters' ends at local midnight (`_quarters_of_moment`)."""
    from django.db.models import Avg, Count, ExpressionWrapper, F, FloatField

    from govcx.feedback.models import Answer

    quarter, in_periods = _quarters_of_moment("response__submitted_at", periods)
    share = ExpressionWrapper((F("value") - F("scale_min")) / (F("scale_max") - F("scale_min")),
                              output_field=FloatField())
    groups = (Answer.objects.filter(in_periods, measure="rating", value__isnull=False, scale_min__isnull=False,
                                    scale_max__isnull=False, scale_max__gt=F("scale_min"), response__is_spam=False)
              .alias(share=share).annotate(quarter=quarter)
              .values("response__service_id", "quarter")
              .annotate(n=Count("id"), mean=Avg("share"), mean_square=Avg(F("share") * F("share")))
              .order_by())
    out = []
    for row in groups:
        service_id, period, n, mean = row["response__service_id"], row["quarter"], row["n"], row["mean"]
        variance = max(0.0, row["mean_square"] - mean * mean) * n / (n - 1) if n > 1 else None
        se = math.sqrt(variance / n) if variance is not None else None
        out.append(ServiceFigure(service_id, owners[service_id], period, "satisfaction_mean", mean, cases=n,
                                 standard_error=se, evidence={"kind": "feedback"}))
    return out


def _complaints(periods: list[str], owners: dict[int, int], today: dt.date) -> list[ServiceFigure]:
    """Per service and quarter of the due day: complaints whose term has passed or that are answered, and those
    answered by the due day (the answer's local day), counted by the database in one grouped query."""
    from django.db.models import Count, F, Q
    from django.db.models.functions import TruncDate

    from govcx.complaints.models import Complaint

    quarter, within = _quarters_of_day("due_on", periods)
    groups = (Complaint.objects.filter(within).filter(Q(answered_at__isnull=False) | Q(due_on__lt=today))
              .alias(answered_on=TruncDate("answered_at")).annotate(quarter=quarter)
              .values("service_id", "quarter")
              .annotate(cases=Count("id"), on_time=Count("id", filter=Q(answered_on__lte=F("due_on"))))
              .order_by())
    return [ServiceFigure(row["service_id"], owners[row["service_id"]], row["quarter"], "complaints_on_time",
                          row["on_time"] / row["cases"], cases=row["cases"],
                          standard_error=_share_error(row["on_time"], row["cases"]), evidence={"kind": "complaints"})
            for row in groups]


def _delivery(periods: list[str], owners: dict[int, int]) -> list[ServiceFigure]:
    """Cases within the passport's term, from the summaries kept at each import (`delivery.DeliverySummary`), read
    with the quarter of the last import in one grouped query. A service whose summary is stale (events pushed and
    not yet summarised, a new term) is computed from its events instead."""
    from django.db.models import Max, Q

    from govcx.delivery.models import DeliverySummary
    from govcx.delivery.selectors import deadline_figures, summary_is_current
    from govcx.registry.models import Service

    wanted = set(periods)
    logged = (Service.objects.filter(deadline_days__gt=0)
              .annotate(last=Max("event_logs__created_at"),
                        log_version=Max("event_logs__id", filter=Q(event_logs__events_added__gt=0)))
              .filter(log_version__isnull=False).order_by())
    stale = []
    summaries = {s.service_id: s for s in DeliverySummary.objects.filter(service__in=logged.values("id"))}
    out = []
    for service in logged:
        period = period_of(service.last)
        if period not in wanted:
            continue
        summary = summaries.get(service.pk)
        if summary is None or not summary_is_current(summary, service, service.log_version):
            stale.append((service, period))
            continue
        if summary.cases and summary.on_time is not None:
            out.append(_deadline_figure(service.pk, service.owner_id, period, summary.cases, summary.on_time))
    for service, period in stale:
        figures = deadline_figures(service=service)
        if figures is not None:
            out.append(_deadline_figure(service.pk, service.owner_id, period, figures["cases"], figures["on_time"]))
    return out


def _deadline_figure(service_id: int, owner_id: int, period: str, cases: int, on_time: int) -> ServiceFigure:
    return ServiceFigure(service_id, owner_id, period, "deadlines_met", on_time / cases, cases=cases,
                         standard_error=_share_error(on_time, cases), evidence={"kind": "delivery"})


def _proactive(periods: list[str]) -> list[OrganisationFigure]:
    """Per authority and quarter of the offer: offers notified (past "proposed") and taken up, one grouped query."""
    from django.db.models import Count, Q

    from govcx.proactive.models import Offer

    quarter, within = _quarters_of_moment("created_at", periods)
    groups = (Offer.objects.filter(within).exclude(state="proposed").annotate(quarter=quarter)
              .values("organisation_id", "quarter")
              .annotate(notified=Count("id"), taken=Count("id", filter=Q(state__in=TAKEN_UP))).order_by())
    return [OrganisationFigure(row["organisation_id"], row["quarter"], "proactive_share",
                               row["taken"] / row["notified"], 0, _share_error(row["taken"], row["notified"]))
            for row in groups]


def _training(periods: list[str]) -> list[OrganisationFigure]:
    """Per authority and quarter: the people on a programme's roster at the quarter's end and those trained by then,
    counted by the database in one query over every roster (two filtered counts per quarter)."""
    import functools
    import operator

    from django.db.models import Count, Q

    from govcx.training.models import Programme
    from govcx.training.selectors import roster

    rosters = [roster(programme) for programme in Programme.objects.all()]
    if not rosters:
        return []
    counts = {}
    for i, period in enumerate(periods):
        end = period_bounds(period)[1]
        present = Q(started_on__lte=end) & (Q(left_on__isnull=True) | Q(left_on__gt=end))
        counts[f"people_{i}"] = Count("id", filter=present)
        counts[f"trained_{i}"] = Count("id", filter=present & Q(trained_on__lte=end))
    rows = functools.reduce(operator.or_, rosters).order_by().values("organisation_id").annotate(**counts)
    return [OrganisationFigure(row["organisation_id"], period, "staff_trained",
                               row[f"trained_{i}"] / row[f"people_{i}"], 0)
            for row in rows for i, period in enumerate(periods) if row[f"people_{i}"]]


def _practices(periods: list[str]) -> list[OrganisationFigure]:
    """The reviewed self-assessment of management practices (1–5, the central office's level where it differs);
    an authority without a reviewed assessment in the quarter has no value (missing, never zero)."""
    from govcx.practices.selectors import practice_scores

    return [OrganisationFigure(organisation_id, period, "management_practices", score, 0)
            for period in periods for organisation_id, score in practice_scores(period=period).items()]


def roll_up(figures: list[ServiceFigure]) -> list[OrganisationFigure]:
    """Each authority's value per measure and period: the mean of its services' values (see the module)."""
    groups: dict[tuple[int, str, str], list[ServiceFigure]] = defaultdict(list)
    for figure in figures:
        groups[(figure.owner_id, figure.period, figure.measure)].append(figure)
    out = []
    for (owner_id, period, measure), members in groups.items():
        n = len(members)
        errors = [m.standard_error for m in members]
        se = math.sqrt(sum(e * e for e in errors if e is not None)) / n if all(e is not None for e in errors) else None
        out.append(OrganisationFigure(owner_id, period, measure, sum(m.value for m in members) / n, n, se))
    return out


def compute_measures(*, periods: list[str], today: dt.date) -> tuple[list[ServiceFigure], list[OrganisationFigure]]:
    """Every service figure and every authority figure for `periods` (nothing written)."""
    if not periods:  # no dated evidence yet: nothing to compute
        return [], []
    from govcx.registry.models import Service

    owners = dict(Service.objects.values_list("id", "owner_id"))
    services = (_standards(periods, owners) + _lab(periods, owners) + _audits(periods, owners)
                + _satisfaction(periods, owners) + _complaints(periods, owners, today) + _delivery(periods, owners))
    organisations = roll_up(services) + _proactive(periods) + _training(periods) + _practices(periods)
    return services, organisations
