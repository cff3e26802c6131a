"""Reads of the maturity area: the measures catalogue (also read by the pilots), publications and index values."""

from __future__ import annotations

from typing import Any

from govcx.maturity.models import MeasureValue


def measure_panel(*, measures: list[str], organisation_ids: list[int] | None,
                  periods: list[str] | None) -> list[dict[str, Any]]:
    """The authorities' measures as long rows (organisation_id, period, measure, value, n_services, se), ordered
    by organisation, period and measure; None for `organisation_ids` or `periods` means all of them. A measure
    with no evidence for an authority and period has no row (missing is never zero)."""
    rows = MeasureValue.objects.filter(measure__in=measures)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    if periods is not None:
        rows = rows.filter(period__in=periods)
    return [{"organisation_id": o, "period": p, "measure": m, "value": v, "n_services": n, "se": se}
            for o, p, m, v, n, se in rows.order_by("organisation_id", "period", "measure")
            .values_list("organisation_id", "period", "measure", "value", "n_services", "standard_error")]
