"""Copies new rating and choice answers from the operational database into the analytics store (Parquet).

Incremental by answer id. Answers younger than `SETTLE_SECONDS` wait for the next sync: ids are handed out
before commit, so a slow transaction could otherwise commit a lower id after a higher one was already copied.
Spam is never copied. `govcx worker` runs the sync every few minutes (jobs/schedule.py: the `feedback.sync` job),
and dashboards only read the store, showing "figures as of" the last sync (`analytics_synced_at`): a request never
writes to it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from govcx.feedback.models import Answer

SETTLE_SECONDS = 10
SYNCED_AT_NAME = "synced-at"  # the time of the last finished sync, beside the parts
BATCH_ROWS = 200_000
COMPACT_AFTER_PARTS = 32  # every sync that copies adds a part; readers slow down as parts pile up

_COLUMNS = {
    "response_id": "response_id",
    "answer_id": "id",
    "survey_id": "response__survey_id",
    "survey_version": "response__survey_version__number",
    "service_id": "response__service_id",
    "organisation_id": "response__organisation_id",
    "region": "response__organisation__region_code",
    "client_category": "response__client_category",
    "channel": "response__channel",
    "submitted_at": "response__submitted_at",
    "question_key": "question_key",
    "measure": "measure",
    "scale_min": "scale_min",
    "scale_max": "scale_max",
    "value": "value",
}


def answers_store_path() -> Path:
    return Path(settings.ANALYTICS_DIR) / "feedback_answers"


def _stale(path: Path) -> bool:
    """A store holding answer ids the database never issued belongs to an earlier database (e.g. a reset demo)."""
    from govcx.analytics import store

    mark = store.high_water_mark(path)
    if mark is None:
        return False
    issued = Answer.objects.aggregate(top=Max("id"))["top"] or 0
    return mark > issued


def analytics_synced_at() -> dt.datetime | None:
    """When the store last finished a sync (None: never): what the dashboards' figures are as of."""
    try:
        return dt.datetime.fromisoformat((answers_store_path() / SYNCED_AT_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _mark_synced(path: Path, when: dt.datetime) -> None:
    path.mkdir(parents=True, exist_ok=True)
    scratch = path / f".{SYNCED_AT_NAME}.tmp"
    scratch.write_text(when.isoformat(), encoding="utf-8")
    scratch.replace(path / SYNCED_AT_NAME)


def analytics_reset() -> None:
    shutil.rmtree(answers_store_path(), ignore_errors=True)


def analytics_sync(*, settle_seconds: float = SETTLE_SECONDS, now: dt.datetime | None = None) -> int:
    """Copy every settled answer above the store's high-water mark; returns the number of rows copied."""
    import pyarrow as pa  # the sync runs in the worker: the web process's URL map does not load PyArrow

    from govcx.analytics import store
    from govcx.analytics.schema import ANSWER_SCHEMA

    path = answers_store_path()
    if _stale(path):
        analytics_reset()
    started = now or timezone.now()
    cutoff = started - dt.timedelta(seconds=settle_seconds)
    copied = 0
    while True:
        mark = store.high_water_mark(path) or 0
        pending = Answer.objects.filter(id__gt=mark, response__received_at__gt=cutoff).aggregate(low=Min("id"))["low"]
        settled = Answer.objects.filter(id__gt=mark, measure__gt="", response__is_spam=False)
        if pending is not None:  # stop below the first unsettled answer so that nothing is ever skipped
            settled = settled.filter(id__lt=pending)
        rows = list(
            settled.order_by("id")
            .values_list(*_COLUMNS.values())[:BATCH_ROWS]
        )
        if not rows:
            break
        columns = list(zip(*rows, strict=True))
        table = pa.table(
            {name: pa.array(values, type=ANSWER_SCHEMA.field(name).type) for name, values in
             zip(_COLUMNS, (_normalised(name, col) for name, col in zip(_COLUMNS, columns, strict=True)),
                 strict=True)},
            schema=ANSWER_SCHEMA,
        )
        store.append(path, table, skip_stored=True)
        copied += table.num_rows
        if len(rows) < BATCH_ROWS:
            break
    if len(store.live_parts(path)) > COMPACT_AFTER_PARTS:
        store.compact(path)
    _mark_synced(path, cutoff)
    return copied


def _normalised(name: str, column: tuple) -> list:
    if name in ("region", "client_category"):
        return [value or "" for value in column]
    return list(column)
