"""Reads of the job record, always through the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.conf import settings
from django.utils import timezone

from govcx.accounts.scoping import access
from govcx.jobs.models import Job, JobQuerySet, WorkerBeat


def job_list(*, user: Any) -> JobQuerySet:
    return cast(JobQuerySet, Job.objects.for_user(user).select_related("started_by", "organisation"))


def access_job(user: Any, job_id: Any) -> Job:
    return access(Job.objects.select_related("started_by"), user, job_id, what="job")


def job_for_subject(*, subject: str) -> Job | None:
    """The latest job working on a record (its page has already checked the user may see the record)."""
    return Job.objects.filter(subject=subject).order_by("-created_at", "-id").first()


def worker_alive(*, now: dt.datetime | None = None) -> bool:
    cutoff = (now or timezone.now()) - dt.timedelta(seconds=settings.JOBS_STALE_SECONDS)
    return WorkerBeat.objects.filter(beat_at__gte=cutoff).exists()
