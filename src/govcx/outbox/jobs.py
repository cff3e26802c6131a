"""The outbox's background work: send what is due, every minute (jobs/schedule.py)."""

from __future__ import annotations

from typing import Any

from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext
from govcx.outbox.services import messages_send


@job_handler("outbox.send")
def send_messages(context: JobContext) -> dict[str, Any]:
    report = messages_send()
    return {"sent": report.sent, "retrying": report.retrying, "failed": report.failed, "erased": report.erased}
