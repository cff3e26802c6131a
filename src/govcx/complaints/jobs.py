"""The complaints app's background work (jobs/schedule.py): the daily reminders (`govcx complaints remind`), telling
citizens what changed, and opening cases from low ratings."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from govcx.complaints.case_services import cases_open_from_ratings
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


@job_handler("complaints.open_cases")
def open_cases_from_low_ratings(context: JobContext) -> dict[str, Any]:
    return {"cases_opened": cases_open_from_ratings()}
