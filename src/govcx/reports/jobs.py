"""The reports app's background work: the subscribed report e-mails (jobs/schedule.py, daily)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext
from govcx.reports.services import subscriptions_send


@job_handler("reports.send")
def send_subscribed_reports(context: JobContext) -> dict[str, Any]:
    return {"reports": subscriptions_send(today=timezone.localdate())}
