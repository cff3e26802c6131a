"""The audit app's background work: one audit run, and the nightly re-audit (jobs/schedule.py)."""

from __future__ import annotations

from typing import Any

from govcx.audit import services
from govcx.audit.models import AuditRun, RunStatus
from govcx.audit.selectors import reaudit_actor, services_due_for_reaudit
from govcx.errors import DomainError
from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobCancelled, JobContext


@job_handler("audit.run")
def run_audit(context: JobContext) -> dict[str, Any]:
    run = AuditRun.objects.select_related("service").get(pk=context.payload["run_id"])
    run = services.audit_run_execute(run=run, progress=context.progress, cancelled=context.cancelled)
    if run.status == RunStatus.FAILED:
        if run.error == services.CANCELLED:
            raise JobCancelled
        raise RuntimeError(run.error or "the audit failed")
    return {"run_id": run.pk, "pages": run.summary.get("pages", 0), "violations": run.summary.get("violations", {})}


@job_handler("audit.reaudit")
def reaudit(context: JobContext) -> dict[str, Any]:
    """Queue an audit job for every service due; each run shows its own progress on its page."""
    actor = context.actor or reaudit_actor()
    if actor is None:
        raise RuntimeError("no active administrator to run the re-audit as")
    due = services_due_for_reaudit(older_than_hours=float(context.payload.get("older_than_hours", 24)))
    queued, refused = [], {}
    for number, service in enumerate(due, start=1):
        context.check_cancelled()
        try:
            run = services.audit_run_create(actor=actor, service=service)
        except DomainError as exc:  # e.g. a passport URL the network guard refuses: the others still run
            refused[service.code] = exc.message
            continue
        queued.append(services.audit_run_start(actor=actor, run=run).pk)
        context.progress(number, len(due), service.code)
    return {"services": len(due), "jobs": queued, "refused": refused}
