"""Use cases of the maturity area: recompute the measures catalogue; (later) compute, publish and freeze the
index."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from govcx.errors import InvalidInput, Problem
from govcx.maturity.measures import compute_measures, default_periods
from govcx.maturity.models import MeasureSource, MeasureValue, ServiceMeasureValue
from govcx.maturity.periods import valid_period


@dataclass(frozen=True)
class RecomputeReport:
    periods: list[str]
    service_values: int
    organisation_values: int


def measures_recompute(*, periods: list[str] | None = None) -> RecomputeReport:
    """Recompute every computed measure of `periods` (default: from the first dated evidence to this quarter).

    Idempotent and all-or-nothing: the computed rows of those periods are replaced in one transaction; imported
    values stay and win over a computed one for the same key."""
    today = timezone.localdate()
    if periods is not None:
        bad = [p for p in periods if not valid_period(p)]
        if bad:
            raise InvalidInput([Problem(f"{p!r} is not a quarter like 2026Q3", field="periods") for p in bad])
        if not periods:
            raise InvalidInput([Problem("name at least one quarter, or leave periods out for all of them",
                                        field="periods")])
        periods = sorted(set(periods))
    else:
        periods = default_periods(today=today)
    services, organisations = compute_measures(periods=periods, today=today)
    now = timezone.now()
    with transaction.atomic():
        imported_org = set(MeasureValue.objects.filter(period__in=periods, source=MeasureSource.IMPORTED)
                           .values_list("organisation_id", "period", "measure"))
        imported_svc = set(ServiceMeasureValue.objects.filter(period__in=periods, source=MeasureSource.IMPORTED)
                           .values_list("service_id", "period", "measure"))
        MeasureValue.objects.filter(period__in=periods, source=MeasureSource.COMPUTED).delete()
        ServiceMeasureValue.objects.filter(period__in=periods, source=MeasureSource.COMPUTED).delete()
        ServiceMeasureValue.objects.bulk_create([
            ServiceMeasureValue(service_id=f.service_id, period=f.period, measure=f.measure, value=f.value,
                                cases=f.cases, standard_error=f.standard_error, evidence=f.evidence, computed_at=now)
            for f in services if (f.service_id, f.period, f.measure) not in imported_svc], batch_size=2000)
        MeasureValue.objects.bulk_create([
            MeasureValue(organisation_id=f.organisation_id, period=f.period, measure=f.measure, value=f.value,
                         n_services=f.n_services, standard_error=f.standard_error, computed_at=now)
            for f in organisations if (f.organisation_id, f.period, f.measure) not in imported_org], batch_size=2000)
    return RecomputeReport(periods, len(services), len(organisations))
