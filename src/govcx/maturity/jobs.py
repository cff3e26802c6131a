"""The maturity app's background work: recompute the measures catalogue."""

from __future__ import annotations

from typing import Any

from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext
from govcx.maturity.services import measures_recompute


@job_handler("maturity.recompute")
def recompute_measures(context: JobContext) -> dict[str, Any]:
    report = measures_recompute(periods=context.payload.get("periods") or None)
    return {"periods": report.periods, "service_values": report.service_values,
            "organisation_values": report.organisation_values}
