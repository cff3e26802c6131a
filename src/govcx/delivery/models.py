"""Persistence of service delivery: each import of an event log and the column mapping of each service.

The events themselves live in the event store (`delivery.store`, Parquet parts per service), not in ORM rows:
a service's log runs to millions of events.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet


class EventLogQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": ALL_ACTIONS}


class EventLogSource(models.TextChoices):
    FILE = "file"
    API = "api"


class EventLog(models.Model):
    """One import into a service's event store: a file, or a batch pushed through the API."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="event_logs")
    source = models.CharField(max_length=8, choices=EventLogSource.choices, default=EventLogSource.FILE)
    file_name = models.CharField(max_length=255, blank=True)
    file_format = models.CharField(max_length=10, blank=True)
    mapping = models.JSONField(default=dict)
    events_read = models.PositiveBigIntegerField(default=0)
    events_added = models.PositiveBigIntegerField(default=0)
    events_left_out = models.PositiveBigIntegerField(default=0)  # without a case, an activity or a timestamp
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = EventLogQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.file_name or self.source} → {self.service_id}"


class MappingQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": ALL_ACTIONS}


class ColumnMapping(models.Model):
    """The columns the last import of a service used (role → column), offered again for the next file."""

    service = models.OneToOneField("registry.Service", on_delete=models.CASCADE, related_name="delivery_mapping")
    mapping = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MappingQuerySet.as_manager()

    def __str__(self) -> str:
        return f"mapping of {self.service_id}"


class SummaryQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": ALL_ACTIONS}


class DeliverySummary(models.Model):
    """A service's ranking figures, computed once per import rather than on every ranking request.

    `log_version` is the id of the last import (`EventLog`) that added events, and the term is the passport's
    at the time: a summary whose version or term no longer matches is stale, and the ranking computes that
    service afresh until the next refresh."""

    service = models.OneToOneField("registry.Service", on_delete=models.CASCADE, related_name="delivery_summary")
    log_version = models.PositiveBigIntegerField()
    deadline_days = models.PositiveIntegerField(null=True, blank=True)
    deadline_kind = models.CharField(max_length=10, blank=True)
    cases = models.PositiveBigIntegerField(default=0)
    median_seconds = models.FloatField(null=True, blank=True)
    reworked = models.PositiveBigIntegerField(default=0)
    on_time = models.PositiveBigIntegerField(null=True, blank=True)  # null without a term
    computed_at = models.DateTimeField(auto_now=True)

    objects = SummaryQuerySet.as_manager()

    def __str__(self) -> str:
        return f"delivery summary of {self.service_id} at import {self.log_version}"
