"""The measures of every service and authority per quarter, computed from the areas that exist.

Two kinds of evidence, two ways to date it:
* **states** (standards met, tested with users, ready at launch, accessible, staff trained) are read as they stood
  at the quarter's last day: the latest assessment, study verdict or audit finished by then;
* **flows** (satisfaction, complaints answered on time, proactive offers taken up) count what happened within the
  quarter: responses submitted, complaints due, offers made in it;
* **delivery** logs carry no quarter of their own here (one figure per service's whole log, `delivery.selectors.
  deadline_figures`): the figure is filed under the quarter of the service's last import.

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

from django.db.models import Max

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
    time with each quarter's bounds at local midnight (plain comparisons: SQLite has no time zones of its own)."""
    from django.db.models import Avg, Case, CharField, Count, ExpressionWrapper, F, FloatField, Q, Value, When
    from django.utils import timezone

    from govcx.feedback.models import Answer

    def local_midnight(day: dt.date) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

    bounds = {p: (local_midnight(period_bounds(p)[0]), local_midnight(period_bounds(p)[1] + dt.timedelta(days=1)))
              for p in periods}
    quarter = Case(*[When(response__submitted_at__gte=since, response__submitted_at__lt=until, then=Value(p))
                     for p, (since, until) in bounds.items()], default=None, output_field=CharField())
    share = ExpressionWrapper((F("value") - F("scale_min")) / (F("scale_max") - F("scale_min")),
                              output_field=FloatField())
    in_periods = Q()
    for since, until in bounds.values():
        in_periods |= Q(response__submitted_at__gte=since, response__submitted_at__lt=until)
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
    from govcx.complaints.models import Complaint

    out = []
    for period in periods:
        start, end = period_bounds(period)
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for service_id, due_on, answered_at in (Complaint.objects.filter(due_on__range=(start, end))
                                                .values_list("service_id", "due_on", "answered_at")):
            answered_on = answered_at.date() if answered_at else None
            if answered_on is None and due_on >= today:
                continue  # still within its term: neither on time nor late yet
            counts[service_id][0] += 1
            counts[service_id][1] += int(answered_on is not None and answered_on <= due_on)
        for service_id, (cases, on_time) in counts.items():
            out.append(ServiceFigure(service_id, owners[service_id], period, "complaints_on_time", on_time / cases,
                                     cases=cases, standard_error=_share_error(on_time, cases),
                                     evidence={"kind": "complaints"}))
    return out


def _delivery(periods: list[str], owners: dict[int, int]) -> list[ServiceFigure]:
    from govcx.delivery.models import EventLog
    from govcx.delivery.selectors import deadline_figures
    from govcx.registry.models import Service

    wanted = set(periods)
    last_imports = EventLog.objects.values("service_id").annotate(last=Max("created_at"))
    out = []
    for row in last_imports:
        period = period_of(row["last"])
        if period not in wanted:
            continue
        service = Service.objects.get(pk=row["service_id"])
        figures = deadline_figures(service=service)
        if figures is None:
            continue
        out.append(ServiceFigure(service.pk, service.owner_id, period, "deadlines_met", figures["share"],
                                 cases=figures["cases"], standard_error=_share_error(figures["on_time"],
                                                                                     figures["cases"]),
                                 evidence={"kind": "delivery"}))
    return out


def _proactive(periods: list[str]) -> list[OrganisationFigure]:
    from govcx.proactive.models import Offer

    out = []
    for period in periods:
        start, end = period_bounds(period)
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for organisation_id, state in (Offer.objects.filter(created_at__date__range=(start, end))
                                       .exclude(state="proposed").values_list("organisation_id", "state")):
            counts[organisation_id][0] += 1
            counts[organisation_id][1] += int(state in TAKEN_UP)
        out += [OrganisationFigure(organisation_id, period, "proactive_share", taken / notified, 0,
                                   _share_error(taken, notified))
                for organisation_id, (notified, taken) in counts.items()]
    return out


def _training(periods: list[str]) -> list[OrganisationFigure]:
    from govcx.training.models import Programme
    from govcx.training.selectors import roster

    people = [p for programme in Programme.objects.all()
              for p in roster(programme).values_list("organisation_id", "started_on", "left_on", "trained_on")]
    out = []
    for period in periods:
        end = period_bounds(period)[1]
        counts: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for organisation_id, started_on, left_on, trained_on in people:
            if started_on > end or (left_on is not None and left_on <= end):
                continue
            counts[organisation_id][0] += 1
            counts[organisation_id][1] += int(trained_on is not None and trained_on <= end)
        out += [OrganisationFigure(organisation_id, period, "staff_trained", trained / total, 0)
                for organisation_id, (total, trained) in counts.items()]
    return out


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
