"""Use cases of the job record: queue, cancel, recover from a dead worker, schedule, worker beats.

With `jobs/runner.py` (which runs one job's handler), the only writers of Job and WorkerBeat. The task backend
(django-tasks: the database in the embedded default, django-tasks-rq at national scale) only carries
`run_job(job_id)`; everything a user sees lives here.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
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
from govcx.jobs.tasks import run_job

log = logging.getLogger("govcx.jobs")

WORKER_STOPPED = "the worker stopped while running this job"


def _dispatch(job: Job) -> None:
    """Hand the job to the task backend after the surrounding transaction commits (a broker must never see a
    job the database has not stored). A job whose dispatch was lost (crash between commit and dispatch) is
    found by the supervisor (`job_recover_stale`)."""
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

