"""Running one job: the handler's context (progress, cancel), the claim that makes a twice-delivered task run its
job once, and the finish that records success, failure or cancellation. Called by the `run_job` task."""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from django.utils import timezone

from govcx.jobs import registry
from govcx.jobs.models import Job, JobState

log = logging.getLogger("govcx.jobs")

RESULT_MAX_CHARS = 4000


class JobCancelled(Exception):
    """Raised by a handler (or by `JobContext.check_cancelled`) to stop cleanly after a cancel request."""


class JobContext:
    """What a handler gets: the job's payload and starter, `progress()` and `cancelled()`. Both read or write
    the job row at most once a second, so a handler may call them for every item it processes."""

    THROTTLE_SECONDS = 1.0

    def __init__(self, job: Job) -> None:
        self.job = job
        self.payload: dict[str, Any] = dict(job.payload)
        self.actor = job.started_by
        self._last_write = 0.0
        self._last_read = 0.0
        self._cancelled = job.cancel_requested

    def progress(self, done: int, total: int, step: str = "") -> None:
        now = time.monotonic()
        if now - self._last_write < self.THROTTLE_SECONDS and done < total:
            return
        self._last_write = now
        Job.objects.filter(pk=self.job.pk).update(
            progress_done=max(0, done), progress_total=max(0, total), step=step[:200], heartbeat_at=timezone.now()
        )

    def cancelled(self) -> bool:
        now = time.monotonic()
        if not self._cancelled and now - self._last_read >= self.THROTTLE_SECONDS:
            self._last_read = now
            self._cancelled = Job.objects.filter(pk=self.job.pk, cancel_requested=True).exists()
        return self._cancelled

    def check_cancelled(self) -> None:
        if self.cancelled():
            raise JobCancelled


def _small(result: Any) -> dict[str, Any]:
    if result is None:
        return {}
    if not isinstance(result, dict):
        result = {"value": result}
    text = json.dumps(result, default=str)
    return json.loads(text) if len(text) <= RESULT_MAX_CHARS else {"truncated": text[:RESULT_MAX_CHARS]}


def _finish(job: Job, state: str, **fields: Any) -> None:
    Job.objects.filter(pk=job.pk, state=JobState.RUNNING).update(
        state=state, finished_at=timezone.now(), heartbeat_at=timezone.now(), **fields
    )


def job_execute(*, job_id: int, worker_id: str = "", task_id: str = "") -> Job | None:
    """Run a queued job's handler (called by the `run_job` task). A job that finished or is running elsewhere
    is left alone, so a task delivered twice runs its job once."""
    now = timezone.now()
    job = Job.objects.select_related("started_by").filter(pk=job_id).first()
    if job is None:
        log.warning("job %s no longer exists", job_id)
        return None
    if job.cancel_requested and job.state == JobState.QUEUED:
        Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(state=JobState.CANCELLED, finished_at=now)
        return Job.objects.get(pk=job.pk)
    claimed = Job.objects.filter(pk=job.pk, state=JobState.QUEUED).update(
        state=JobState.RUNNING, attempts=job.attempts + 1, started_at=now, heartbeat_at=now,
        worker_id=worker_id[:64], task_id=task_id[:64] or job.task_id, error="",
    )
    if not claimed:
        return job
    job.refresh_from_db()
    handler = registry.handler_for(job.kind)
    if handler is None:
        _finish(job, JobState.FAILED, error=f"no handler for jobs of kind {job.kind!r}")
        return Job.objects.get(pk=job.pk)
    context = JobContext(job)
    try:
        result = handler(context)
    except JobCancelled:
        _finish(job, JobState.CANCELLED, step="cancelled")
    except Exception as exc:  # noqa: BLE001 - the job records why it failed; the worker takes the next one
        log.exception("job %s (%s) failed", job.pk, job.kind)
        message = getattr(exc, "message", None) or str(exc) or exc.__class__.__name__
        _finish(job, JobState.FAILED, error=message[:2000])
    else:
        state = JobState.CANCELLED if context.cancelled() else JobState.SUCCEEDED
        _finish(job, state, result=_small(result))
    return Job.objects.get(pk=job.pk)


