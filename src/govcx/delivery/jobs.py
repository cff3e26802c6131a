"""The delivery app's background work: importing an uploaded event log (large files take minutes), and refreshing
a service's ranking summary after pushed events."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from govcx.delivery import services
from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext
from govcx.registry.models import Service


@job_handler("delivery.import")
def import_event_log(context: JobContext) -> dict[str, Any]:
    path = Path(context.payload["path"])
    try:
        record = services.eventlog_import(actor=context.actor, service_id=context.payload["service_id"], path=path,
                                          mapping=context.payload.get("mapping") or None, progress=context.progress)
    finally:
        if path.parent.parent == services.upload_folder():
            shutil.rmtree(path.parent, ignore_errors=True)
    return {"import_id": record.pk, "events_read": record.events_read, "events_added": record.events_added}


@job_handler("delivery.summary")
def refresh_summary(context: JobContext) -> dict[str, Any]:
    service = Service.objects.get(pk=context.payload["service_id"])
    summary = services.delivery_summary_refresh(service=service)
    return {"cases": summary.cases if summary else 0}
