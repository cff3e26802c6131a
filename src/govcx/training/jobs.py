"""The training app's background work: large roster imports (with progress) and the daily reminders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_noop

from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext
from govcx.training.models import Programme
from govcx.training.services.reminders import reminders_create
from govcx.training.services.roster_imports import roster_import


@job_handler("training.roster_import")
def import_roster(context: JobContext) -> dict[str, Any]:
    payload = context.payload
    path = Path(payload["path"])
    programme = Programme.objects.get(pk=payload["programme_id"])
    step = gettext_noop("reading the roster")
    try:
        record = roster_import(actor=context.actor, programme=programme, data=path, file_name=payload["file_name"],
                               progress=lambda done: context.progress(done, 0, step))
    finally:
        path.unlink(missing_ok=True)
    return {"roster_import": record.pk, "rows": record.rows, "joiners": record.joiners, "leavers": record.leavers,
            "moves": record.moves}


@job_handler("training.remind")
def create_reminders(context: JobContext) -> dict[str, Any]:
    report = reminders_create(today=timezone.localdate())
    return {"people": report.people, "managers": report.managers, "summaries": report.summaries}
