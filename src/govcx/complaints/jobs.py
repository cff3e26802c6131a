"""The complaints app's background work: the daily reminders (jobs/schedule.py), as `govcx complaints remind`."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from govcx.complaints.services import loop_close_done, reminders_send
from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext


@job_handler("complaints.remind")
def send_reminders(context: JobContext) -> dict[str, Any]:
    report = reminders_send(today=timezone.localdate())
    return {"complaints": report.complaints, "emails": report.emails,
            "organisations_without_recipients": list(report.organisations_without_recipients)}


@job_handler("complaints.close_loop")
def tell_citizens_what_changed(context: JobContext) -> dict[str, Any]:
    return {"citizens_told": loop_close_done()}
