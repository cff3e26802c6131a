"""The job record: what the task backends do not keep (progress, cancel, heartbeat, attempts, who started it)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from govcx.accounts.scoping import ScopedQuerySet


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class JobQuerySet(ScopedQuerySet):
    # Jobs the system started have no organisation: the default lookup (`organisation_id`) leaves them to the
    # roles that see every organisation.

    def unfinished(self) -> JobQuerySet:
        return self.exclude(state__in=FINISHED_STATES)


class Job(models.Model):
    """One piece of background work. `kind` names its handler (`jobs.registry`); `subject` names the record it
    works on ("audit.run:42"), so that record's page can show the job's progress."""

    kind = models.CharField(max_length=64, db_index=True)
    state = models.CharField(max_length=10, choices=JobState.choices, default=JobState.QUEUED)
    payload = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=100, blank=True, db_index=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    step = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    worker_id = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    organisation = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    cancel_requested = models.BooleanField(default=False)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)  # the task backend's result id of the latest attempt
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A retried submission finds the job already queued or running instead of queueing it twice.
            models.UniqueConstraint(fields=["idempotency_key"], condition=~Q(state__in=FINISHED_STATES),
                                    name="job_idempotency_key_unfinished"),
        ]
        indexes = [models.Index(fields=["state", "heartbeat_at"])]

    def __str__(self) -> str:
        return f"job {self.pk} ({self.kind}, {self.state})"

    @property
    def finished(self) -> bool:
        return self.state in FINISHED_STATES


class WorkerBeat(models.Model):
    """A running `govcx worker`, as last seen: lets the jobs page say when no worker is taking jobs."""

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=200, blank=True)
    pid = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(auto_now_add=True)
    beat_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"worker {self.worker_id}"
