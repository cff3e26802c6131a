from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from govcx.jobs import selectors, services

router = Router(tags=["jobs"])


class JobOut(Schema):
    id: int
    kind: str
    state: str
    subject: str
    progress_done: int
    progress_total: int
    step: str
    attempts: int
    max_attempts: int
    cancel_requested: bool
    result: dict[str, Any]
    error: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    heartbeat_at: dt.datetime | None


@router.get("/", response=list[JobOut])
def job_list(request: HttpRequest, state: str | None = None, limit: int = 50):
    """Background jobs in your scope, newest first (jobs the system started: central roles only)."""
    queryset = selectors.job_list(user=request.user)
    if state:
        queryset = queryset.filter(state=state)
    return queryset[: max(1, min(limit, 200))]


@router.get("/{job_id}", response=JobOut)
def job_get(request: HttpRequest, job_id: int):
    """A job's state and progress: poll it until `state` is succeeded, failed or cancelled."""
    return selectors.access_job(request.user, job_id)


@router.post("/{job_id}/cancel", response=JobOut)
def job_cancel(request: HttpRequest, job_id: int):
    """Ask the job to stop: a queued job is cancelled at once, a running one when its work next checks."""
    return services.job_cancel(actor=request.user, job=selectors.access_job(request.user, job_id))
