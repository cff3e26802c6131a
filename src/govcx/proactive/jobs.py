"""The proactive app's background work: one run over a snapshot, a draft's what-if totals, and the daily expiry
of unanswered offers (`govcx worker` executes them; jobs/schedule.py queues the expiry)."""

from __future__ import annotations

from typing import Any

from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext
from govcx.proactive import services
from govcx.proactive.models import DraftWhatIf, Run

WHATIF_STEP = "households computed"  # stored in English, shown translated (labels.JOB_STEPS)


@job_handler("proactive.run")
def run_rules(context: JobContext) -> dict[str, Any]:
    run = services.run_execute(run=Run.objects.select_related("snapshot").get(pk=context.payload["run_id"]))
    if run.status == "failed":
        raise RuntimeError(run.error or "the run failed")
    return {"run_id": run.pk, "evaluated": run.evaluated, "entitled": run.entitled, "offers": run.offers_created}


@job_handler("proactive.expire")
def expire_offers(context: JobContext) -> dict[str, Any]:
    return {"expired": services.offers_expire()}


@job_handler("proactive.whatif")
def draft_whatif(context: JobContext) -> dict[str, Any]:
    whatif = services.draft_whatif_execute(
        whatif=DraftWhatIf.objects.select_related("version", "snapshot").get(pk=context.payload["whatif_id"]),
        progress=lambda done, total: context.progress(done, total, WHATIF_STEP))
    if whatif.status == "failed":
        raise RuntimeError(whatif.error or "the what-if failed")
    return {"whatif_id": whatif.pk, "families_gaining": whatif.totals.get("families_gaining"),
            "families_losing": whatif.totals.get("families_losing")}
