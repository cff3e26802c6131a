"""Use cases of service delivery: importing an event log file and accepting events pushed by a live system.

Both are all or nothing: the file is read and validated in full before anything is written (problems by row or
line and column), then its new events go to the event store as one part and the import is recorded. Events the
store already holds (by their identity, see `delivery.store`) are not added again.
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from govcx.accounts.roles import Action
from govcx.accounts.services import audit_record
from govcx.delivery import selectors
from govcx.delivery.models import ColumnMapping, DeliverySummary, EventLog, EventLogSource
from govcx.errors import InvalidInput, Problem
from govcx.jobs.models import Job
from govcx.jobs.services import job_enqueue
from govcx.registry.models import Service
from govcx.registry.selectors import access_service

if TYPE_CHECKING:
    from govcx.delivery import eventlog

Progress = Callable[[int, int, str], None]


def mapping_for(service: Service, file_format: str, chosen: dict[str, str] | None = None) -> eventlog.ColumnMapping:
    """The chosen columns, else the ones the service's last import used, else the XES names."""
    from govcx.delivery import eventlog  # PyArrow: imported by the imports, not by the URL map

    roles = chosen or getattr(ColumnMapping.objects.filter(service=service).first(), "mapping", None) or {}
    default = eventlog.ColumnMapping.default_for(file_format)
    optional = {role: column for role, column in roles.items() if role in eventlog.OPTIONAL_ROLES and column}
    if not roles:
        optional = dict(default.optional)
    return eventlog.ColumnMapping(
        case=roles.get("case") or default.case,
        activity=roles.get("activity") or default.activity,
        timestamp=roles.get("timestamp") or default.timestamp,
        optional=optional,
    )


def _check_size(path: Path, file_name: str) -> None:
    size = os.path.getsize(path)
    limit = settings.DELIVERY_MAX_FILE_BYTES
    if size > limit:
        raise InvalidInput([Problem(
            f"the file is {size / 2**20:.0f} MB, above the limit of {limit / 2**20:.0f} MB for event logs",
            file=file_name)])


def eventlog_import(
    *, actor: Any, service_id: int, path: Path, mapping: dict[str, str] | None = None,
    progress: Progress | None = None,
) -> EventLog:
    """Import the event log file at `path` (its name gives the format) into the service's event store."""
    from govcx.delivery import eventlog, store

    report = progress or (lambda done, total, step: None)
    service = access_service(actor, service_id, Action.IMPORT_EVENT_LOGS)
    file_name = path.name
    _check_size(path, file_name)
    file_format = eventlog.file_format_of(file_name)
    columns = mapping_for(service, file_format, mapping)
    report(0, 3, "reading the event log")
    log = eventlog.read_event_log(path, columns)
    report(1, 3, "checking which events are new")
    keyed = store.with_keys(log.events)
    report(2, 3, "storing the new events")
    with transaction.atomic():
        service = access_service(actor, service_id, Action.IMPORT_EVENT_LOGS)
        added, part = store.append_new(settings.ANALYTICS_DIR, service.pk, keyed)
        try:
            record = EventLog.objects.create(
                service=service, source=EventLogSource.FILE, file_name=file_name[:255], file_format=file_format,
                mapping=columns.roles(), events_read=log.event_count, events_added=added,
                events_left_out=log.dropped, imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            ColumnMapping.objects.update_or_create(service=service, defaults={"mapping": columns.roles()})
            audit_record(actor=actor, action="eventlog.import", obj=record, organisation_id=service.owner_id,
                         changes={"file": file_name, "events_added": added})
        except BaseException:
            if part is not None:
                part.unlink(missing_ok=True)
            raise
    delivery_summary_refresh(service=service)
    report(3, 3, "storing the new events")
    return record


def delivery_summary_refresh(*, service: Service) -> DeliverySummary | None:
    """Compute the service's ranking figures from its whole stored log and keep them with the log's version
    (the last import that added events), so the ranking reads them instead of every service's events on each
    request; the delivery page's figures are computed and kept too. None (and no summary kept) when the service
    has no cases."""
    log_version = selectors.log_version(service)
    figures = selectors.summary_figures(service) if log_version is not None else None
    if figures is None:
        DeliverySummary.objects.filter(service=service).delete()
        return None
    summary, _ = DeliverySummary.objects.update_or_create(service=service, defaults={
        "log_version": log_version, "deadline_days": service.deadline_days,
        "deadline_kind": service.deadline_kind if service.deadline_days else "", **figures})
    _keep_page_figures(service)
    return summary


def _keep_page_figures(service: Service) -> None:
    """Compute the delivery page's figures for the new events now (they are kept beside the events), so the
    first visitor after an import does not wait for a scan of the whole log."""
    log = selectors.service_log(service)
    selectors.delivery_figures(service=service, log=log)
    selectors.deadline_figures(service=service, log=log)
    selectors.process_figures(service=service, keep_share=1.0, performance=False, log=log)
    selectors.period_comparison(service=service, log=log)
    selectors.open_case_risk(service=service, log=log)


def summary_refresh_start(*, actor: Any, service: Service) -> Job:
    """Queue a refresh of the service's summary for the worker (after pushed events: a live system pushes
    often, so the push answers at once and bursts share one unfinished job)."""
    return job_enqueue(kind="delivery.summary", actor=actor, organisation=service.owner, max_attempts=1,
                       payload={"service_id": service.pk}, idempotency_key=f"delivery.summary:{service.pk}",
                       subject=f"delivery.summary:{service.pk}")


def upload_folder() -> Path:
    return Path(settings.VAR_DIR) / "uploads" / "delivery"


def eventlog_upload_start(
    *, actor: Any, service_id: int, upload: Any, mapping: dict[str, str] | None = None
) -> Job:
    """Keep an uploaded event log aside and queue its import for the background worker (`delivery.import`);
    a file above the size limit is refused before it is kept."""
    from govcx.delivery import eventlog

    service = access_service(actor, service_id, Action.IMPORT_EVENT_LOGS)
    file_name = Path(upload.name or "upload").name
    if not eventlog.file_format_of(file_name):
        raise InvalidInput([Problem("the file is not an event log: use .xes, .xes.gz, .csv, .csv.gz or .parquet",
                                    file=file_name)])
    limit = settings.DELIVERY_MAX_FILE_BYTES
    if upload.size > limit:
        raise InvalidInput([Problem(
            f"the file is {upload.size / 2**20:.0f} MB, above the limit of {limit / 2**20:.0f} MB for event logs",
            file=file_name)])
    folder = upload_folder() / uuid.uuid4().hex
    folder.mkdir(parents=True)
    path = folder / file_name
    with open(path, "wb") as target:
        for chunk in upload.chunks():
            target.write(chunk)
    return job_enqueue(kind="delivery.import", actor=actor, organisation=service.owner, max_attempts=1,
                       payload={"service_id": service.pk, "path": str(path), "mapping": mapping or {}},
                       subject=import_subject(service))


def import_subject(service: Service) -> str:
    return f"delivery.import:{service.pk}"


PUSHED_FIELDS = ("case", "activity", "timestamp", "lifecycle", "resource", "office", "region", "channel")


def events_push(*, actor: Any, service_id: int, events: list[dict[str, Any]]) -> EventLog:
    """Accept a batch of status events from a live system; each carries its own `id`, so a batch sent twice
    (or events sent again in a later batch) adds nothing the second time."""
    import pyarrow as pa

    from govcx.delivery import eventlog, store

    service = access_service(actor, service_id, Action.IMPORT_EVENT_LOGS)
    if not events:
        raise InvalidInput([Problem("the batch holds no events", field="events")])
    columns: dict[str, list[Any]] = {name: [] for name in ("event_key", *PUSHED_FIELDS)}
    for event in events:
        columns["event_key"].append(f"id:{event['id']}")
        for name in PUSHED_FIELDS:
            value = event.get(name)
            if isinstance(value, dt.datetime):
                value = value.isoformat()
            columns[name].append(None if value in (None, "") else str(value))
    raw = pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})
    mapping = eventlog.ColumnMapping("case", "activity", "timestamp", optional={
        name: name for name in PUSHED_FIELDS[3:] if raw[name].null_count < raw.num_rows})
    log = eventlog.canonical(raw, mapping, file_name="events", file_format="api")
    if log.dropped:
        raise InvalidInput([Problem("every event needs a case, an activity and a timestamp", field="events")])
    keyed = log.events.append_column("event_key", raw["event_key"])
    with transaction.atomic():
        service = access_service(actor, service_id, Action.IMPORT_EVENT_LOGS)
        added, part = store.append_new(settings.ANALYTICS_DIR, service.pk, keyed)
        try:
            record = EventLog.objects.create(
                service=service, source=EventLogSource.API, events_read=log.event_count, events_added=added,
                imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit_record(actor=actor, action="eventlog.push", obj=record, organisation_id=service.owner_id,
                         changes={"events_added": added})
        except BaseException:
            if part is not None:
                part.unlink(missing_ok=True)
            raise
    if added:
        summary_refresh_start(actor=actor, service=service)
    return record
