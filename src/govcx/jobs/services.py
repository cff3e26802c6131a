"""Use cases of the job record: queue, run, report progress, cancel, recover from a dead worker, schedule.

The only writers of Job and WorkerBeat. The task backend (django-tasks: the database in the embedded default,
django-tasks-rq at national scale) only carries `run_job(job_id)`; everything a user sees lives here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend

from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.errors import Conflict, Forbidden, Invalid
from govcx.jobs import registry, schedule
from govcx.jobs.models import Job, JobState, WorkerBeat

log = logging.getLogger("govcx.jobs")

RESULT_MAX_CHARS = 4000
WORKER_STOPPED = "the worker stopped while running this job"


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


def _dispatch(job: Job) -> None:
    """Hand the job to the task backend after the surrounding transaction commits (a broker must never see a
    job the database has not stored). A job whose dispatch was lost (crash between commit and dispatch) is
    found by the supervisor (`job_recover_stale`)."""
    from govcx.jobs.tasks import run_job

    def send() -> None:
        result = run_job.enqueue(job.pk)
        Job.objects.filter(pk=job.pk, task_id="").update(task_id=str(result.id)[:64])

    if isinstance(run_job.get_backend(), ImmediateBackend):
        send()  # tests and `GOVCX_TASKS_BACKEND=...ImmediateBackend`: run now, inside the caller's transaction
    else:
        transaction.on_commit(send)


def job_enqueue(
    *,
    kind: str,
    actor: Any,
    organisation: Any,
    payload: dict[str, Any] | None = None,
    idempotency_key: str | None = None,
    subject: str = "",
    max_attempts: int | None = None,
) -> Job:
    """Store a job and queue one `run_job` task for it. With an idempotency key, a job with the same key that
    has not finished is returned instead of queueing a second one."""
    if registry.handler_for(kind) is None:
        raise Invalid(f"no background work of kind {kind!r}")
    payload = payload or {}
    try:
        json.dumps(payload)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"the payload of a {kind} job must be JSON: {exc}") from exc
    if idempotency_key:
        existing = Job.objects.unfinished().filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind, payload=payload, subject=subject[:100], idempotency_key=idempotency_key or None,
                started_by=actor if getattr(actor, "is_authenticated", False) else None,
                organisation=organisation,
                max_attempts=max_attempts or settings.JOBS_MAX_ATTEMPTS,
            )
    except IntegrityError:  # the same key queued concurrently: that one wins
        existing = Job.objects.unfinished().filter(idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing
    _dispatch(job)
    return job


def job_cancel(*, actor: Any, job: Job) -> Job:
    """Ask a job to stop. A queued job is cancelled at once; a running one when its handler next checks."""
    if job.started_by_id != getattr(actor, "pk", None) and not can(actor, Action.MANAGE_USERS):
        raise Forbidden("only the person who started a job, or an administrator, may cancel it")
    with transaction.atomic():
        job = Job.objects.select_for_update().get(pk=job.pk)
        if job.finished:
            raise Conflict(f"the job has already {job.state}")
        job.cancel_requested = True
        fields = ["cancel_requested"]
        if job.state == JobState.QUEUED:
            job.state, job.finished_at = JobState.CANCELLED, timezone.now()
            job.step = "cancelled before it started"
            fields += ["state", "finished_at", "step"]
        job.save(update_fields=fields)
    return job


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


def job_recover_stale(*, now: dt.datetime | None = None, stale_after: float | None = None) -> dict[str, int]:
    """Jobs whose worker died: a running job whose heartbeat is older than `stale_after` seconds is queued again
    while it has attempts left, else failed with a reason; a queued job never handed to the backend is handed
    again. Nothing is lost silently."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.JOBS_STALE_SECONDS if stale_after is None else stale_after)
    counts = {"retried": 0, "failed": 0, "redispatched": 0}
    for job in Job.objects.filter(state=JobState.RUNNING, heartbeat_at__lt=cutoff):
        with transaction.atomic():
            still = Job.objects.filter(pk=job.pk, state=JobState.RUNNING, heartbeat_at=job.heartbeat_at)
            if job.attempts < job.max_attempts and not job.cancel_requested:
                if still.update(state=JobState.QUEUED, worker_id="", task_id="", heartbeat_at=None,
                                step=f"retrying: {WORKER_STOPPED}"[:200]):
                    counts["retried"] += 1
                    _dispatch(job)
            elif still.update(state=JobState.CANCELLED if job.cancel_requested else JobState.FAILED,
                              error="" if job.cancel_requested else WORKER_STOPPED, finished_at=now):
                counts["failed"] += 1
                log.error("job %s (%s): %s after %s attempt(s)", job.pk, job.kind, WORKER_STOPPED, job.attempts)
    for job in Job.objects.filter(state=JobState.QUEUED, task_id="", created_at__lt=cutoff):
        counts["redispatched"] += 1
        _dispatch(job)
    return counts


def schedule_enqueue_due(*, now: dt.datetime | None = None,
                         entries: tuple[schedule.Entry, ...] = schedule.SCHEDULE) -> list[Job]:
    """Queue a job for every schedule slot that is due and has had none yet (finished ones count too)."""
    local = timezone.localtime(now or timezone.now())
    queued = []
    for entry, slot, key in schedule.due_slots(local, entries):
        if registry.handler_for(entry.kind) is None or Job.objects.filter(idempotency_key=key).exists():
            continue
        queued.append(job_enqueue(kind=entry.kind, actor=None, organisation=None,
                                  payload={**entry.payload, "slot": slot.isoformat()}, idempotency_key=key))
    return queued


def worker_beat(*, worker_id: str, host: str = "", pid: int = 0, now: dt.datetime | None = None) -> None:
    """The worker is alive: record it, and beat the heartbeat of every job it is running."""
    now = now or timezone.now()
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"host": host[:200], "pid": pid,
                                                                       "beat_at": now})
    Job.objects.filter(state=JobState.RUNNING, worker_id=worker_id).update(heartbeat_at=now)


def worker_gone(*, worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()

