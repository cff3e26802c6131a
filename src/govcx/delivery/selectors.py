"""Reads of service delivery: a service's figures from its event store, and its imports."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from govcx.accounts.roles import Action
from govcx.delivery import mining, store
from govcx.delivery.models import ColumnMapping, EventLog
from govcx.registry.models import Service


def event_log_list(*, user: Any, service: Service) -> QuerySet[EventLog]:
    return EventLog.objects.for_user(user, Action.VIEW).filter(service=service).select_related("imported_by")


def stored_mapping(*, service: Service) -> dict[str, str]:
    found = ColumnMapping.objects.filter(service=service).first()
    return dict(found.mapping) if found else {}


def delivery_figures(*, service: Service, top: int = 10) -> dict[str, Any] | None:
    """The figures of the service's stored events (None when it has none): those of `mining.summary`, plus the
    90th percentile of case duration."""
    import ibis

    backend = ibis.duckdb.connect()
    events = store.events_table(backend, settings.ANALYTICS_DIR, service.pk)
    if events is None:
        return None
    prepared = mining.prepare(events)
    figures = mining.summary(prepared, top=top)
    figures["case_duration_seconds"]["p90"] = mining.duration_quantile(prepared, 0.9)
    return figures
