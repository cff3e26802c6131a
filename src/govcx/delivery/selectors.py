"""Reads of service delivery: a service's figures from its event store, and its imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from govcx.accounts.roles import Action
from govcx.common.stats import wilson
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


def due_instant_us(start_day: int, *, days: int, working: bool, calendar: Any) -> int:
    """The end of the term (microseconds since 1970, UTC) for a case begun on `start_day` (days since 1970):
    the end of the `days`-th calendar or working day after it (working days: the Russian production calendar of
    `holidays`, with its weekend transfers)."""
    day = dt.date(1970, 1, 1) + dt.timedelta(days=start_day)
    if working:
        left = days
        while left > 0:
            day += dt.timedelta(days=1)
            if calendar.is_working_day(day):
                left -= 1
    else:
        day += dt.timedelta(days=days)
    return ((day - dt.date(1970, 1, 1)).days + 1) * mining.DAY_US


def deadline_figures(*, service: Service) -> dict[str, Any] | None:
    """Cases on time against the passport's term, with a Wilson 95 % interval (None without events or term)."""
    import holidays
    import ibis
    import pyarrow as pa

    if not service.deadline_days:
        return None
    backend = ibis.duckdb.connect()
    events = store.events_table(backend, settings.ANALYTICS_DIR, service.pk)
    if events is None:
        return None
    prepared = mining.prepare(events)
    days = mining.start_days(prepared).to_pyarrow().column("start_day").to_pylist()
    calendar = holidays.country_holidays("RU")
    working = service.deadline_kind == "working"
    due = pa.table({"start_day": pa.array(days, pa.int64()), "due_us": pa.array(
        [due_instant_us(day, days=service.deadline_days, working=working, calendar=calendar) for day in days],
        pa.int64())})
    row = mining.deadline_compliance(prepared, ibis.memtable(due)).to_pyarrow().to_pylist()[0]
    cases, on_time = int(row["cases"] or 0), int(row["on_time"] or 0)
    if cases == 0:
        return None
    interval = wilson(on_time, cases)
    return {"cases": cases, "on_time": on_time, "share": on_time / cases, "low": interval.low,
            "high": interval.high, "days": service.deadline_days, "working": working}


def rework_figures(*, service: Service) -> dict[str, Any] | None:
    import ibis

    backend = ibis.duckdb.connect()
    events = store.events_table(backend, settings.ANALYTICS_DIR, service.pk)
    if events is None:
        return None
    row = mining.rework_share(mining.prepare(events)).to_pyarrow().to_pylist()[0]
    cases, reworked = int(row["cases"]), int(row["reworked"] or 0)
    return {"cases": cases, "reworked": reworked, "share": reworked / cases if cases else 0.0}
