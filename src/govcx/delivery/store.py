"""The event store of service delivery: one folder of Parquet parts per service, append-only.

Plain Python, no Django. Events are kept in the canonical layout of `delivery.eventlog` plus `event_key`, their
identity: a digest of case, activity, timestamp, lifecycle and resource, and of how many identical events came
before it in the same file (two identical payments of one case stay two events). A file imported twice, or an
extract that overlaps an earlier one, gives the same keys, so `append_new` writes only the events whose key the
store has not seen. Events pushed through the API carry the sender's own id as their key.

`event_index` continues across imports (a new part starts after the highest index stored), so ties of
timestamp within a case keep the order in which the events arrived. Millions of events stay out of the
operational database: the delivery page reads the parts with DuckDB, and Spark can read the same files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from govcx.delivery.eventlog import TIMESTAMP_TYPE, positions

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from ibis.backends import BaseBackend

STORED_SCHEMA = pa.schema([
    ("event_key", pa.string()),
    ("case", pa.string()),
    ("activity", pa.string()),
    ("timestamp", TIMESTAMP_TYPE),
    ("ts_us", pa.int64()),
    ("event_index", pa.int64()),
    ("lifecycle", pa.string()),
    ("resource", pa.string()),
    ("office", pa.string()),
    ("region", pa.string()),
    ("channel", pa.string()),
    ("deadline", TIMESTAMP_TYPE),
])
PART_PREFIX = "part-"


def service_folder(root: str | os.PathLike[str], service_id: int) -> Path:
    return Path(root) / "delivery" / f"service-{int(service_id)}"


def parts(root: str | os.PathLike[str], service_id: int) -> list[Path]:
    folder = service_folder(root, service_id)
    return sorted(folder.glob(f"{PART_PREFIX}*.parquet")) if folder.is_dir() else []


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(path).replace("'", "''") + "'" for path in paths) + "]"


def conform(events: pa.Table) -> pa.Table:
    """`events` with every stored column, the missing ones null, in the stored order and types."""
    columns = []
    for column in STORED_SCHEMA:
        if column.name in events.column_names:
            columns.append(events[column.name].cast(column.type))
        else:
            columns.append(pa.nulls(events.num_rows, column.type))
    return pa.Table.from_arrays(columns, schema=STORED_SCHEMA)


_IDENTITY = "\"case\", activity, ts_us, lifecycle, resource"
_KEY_OF = ("md5(concat_ws(chr(31), \"case\", activity, ts_us::VARCHAR, coalesce(lifecycle, ''), "
           "coalesce(resource, ''), {ordinal}))")
_KEY_SQL = _KEY_OF.format(ordinal=f"(row_number() OVER (PARTITION BY {_IDENTITY} ORDER BY event_index))::VARCHAR")
#: The key of an event whose identity no other event of the file shares (its ordinal is 1): no window needed.
_FIRST_KEY_SQL = _KEY_OF.format(ordinal="'1'")


def with_keys(events: pa.Table) -> pa.Table:
    """The canonical events with their `event_key` (see the module docstring), in no particular order
    (`append_new` orders what it writes by `event_index`)."""
    import duckdb

    source = conform(events.append_column("event_key", pa.nulls(events.num_rows, pa.string()))
                     if "event_key" not in events.column_names else events)
    connection = duckdb.connect()
    connection.register("source", source)
    try:
        # Most files repeat no identity: every key is then the first ordinal's, found without the window (a
        # partition and sort of all events); a repeated key means a repeated identity, and the window numbers it.
        keyed = connection.sql(f"SELECT * REPLACE ({_FIRST_KEY_SQL} AS event_key) FROM source").to_arrow_table()
        connection.register("keyed", keyed)
        if connection.sql("SELECT count(DISTINCT event_key) < count(*) FROM keyed").fetchall()[0][0]:
            keyed = connection.sql(f"SELECT * REPLACE ({_KEY_SQL} AS event_key) FROM source").to_arrow_table()
    finally:
        connection.close()
    return keyed.cast(STORED_SCHEMA)


def append_new(root: str | os.PathLike[str], service_id: int, events: pa.Table) -> tuple[int, Path | None]:
    """Write the events of `events` (with `event_key`) that the service's store does not hold yet, as one new
    part; returns how many were written and the part (None when none). The part appears whole or not at all
    (written aside, then renamed).

    Only the `event_key` column of the stored parts is read for the anti-join; a batch whose keys repeat
    (pushed events sent twice in one batch) is deduplicated first, the check being far cheaper than the window."""
    import duckdb

    existing = parts(root, service_id)
    incoming = conform(events)
    connection = duckdb.connect()
    connection.execute("SET enable_progress_bar = false")
    connection.register("incoming", incoming)
    try:
        repeated = connection.sql("SELECT count(DISTINCT event_key) < count(*) FROM incoming").fetchall()[0][0]
        if repeated:
            incoming = connection.sql(
                "SELECT * FROM incoming QUALIFY row_number() OVER (PARTITION BY event_key ORDER BY event_index) = 1"
            ).to_arrow_table()
            connection.register("incoming", incoming)
        start = 0
        if existing:
            files = _sql_list(existing)
            start = int(connection.sql(
                f"SELECT coalesce(max(event_index) + 1, 0) FROM read_parquet({files})").fetchall()[0][0])
            incoming = connection.sql(
                f"SELECT * FROM incoming WHERE event_key NOT IN (SELECT event_key FROM read_parquet({files}))"
            ).to_arrow_table()
    finally:
        connection.close()
    if incoming.num_rows == 0:
        return 0, None
    new = incoming.sort_by("event_index")
    renumbered = positions(new.num_rows, start)
    new = new.set_column(new.schema.get_field_index("event_index"), "event_index", renumbered).cast(STORED_SCHEMA)
    folder = service_folder(root, service_id)
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{PART_PREFIX}{uuid.uuid4().hex}.parquet"
    aside = folder / f".{name}.tmp"
    pq.write_table(new, aside, row_group_size=1_000_000)
    aside.replace(folder / name)
    return int(new.num_rows), folder / name


FIGURES_PREFIX = "figures-"


def fingerprint(root: str | os.PathLike[str], service_id: int) -> str:
    """What names the service's stored events: a digest of its parts' names (every import that adds events
    writes a new part, so the fingerprint changes exactly when the events do)."""
    names = "\n".join(path.name for path in parts(root, service_id))
    return hashlib.sha256(names.encode()).hexdigest()[:16]


def cached_figures(root: str | os.PathLike[str], service_id: int, name: str, key: list[Any],
                   compute: Callable[[], Any], *, single: bool = False) -> Any:
    """`compute()`'s JSON value for the service's current events and `key`, computed once and kept beside the
    parts (`figures-<fingerprint>/`), so a page over millions of events reads a small file instead of
    scanning them again. Kept figures of earlier events are removed when the first figure of new ones is kept;
    without events nothing is kept. `single`: only the latest key of `name` is kept (figures as of an hour)."""
    if not parts(root, service_id):
        return compute()
    current = service_folder(root, service_id) / f"{FIGURES_PREFIX}{fingerprint(root, service_id)}"
    digest = hashlib.sha256(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()[:20]
    path = current / f"{name}-{digest}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        pass
    value = compute()
    if not current.is_dir():
        for old in service_folder(root, service_id).glob(f"{FIGURES_PREFIX}*"):
            shutil.rmtree(old, ignore_errors=True)
        current.mkdir(parents=True, exist_ok=True)
    if single:
        for old in current.glob(f"{name}-*.json"):
            old.unlink(missing_ok=True)
    aside = current / f".{path.name}.{uuid.uuid4().hex}.tmp"
    aside.write_text(json.dumps(value), encoding="utf-8")
    aside.replace(path)
    return value


def delete_service_events(root: str | os.PathLike[str], service_id: int) -> None:
    """Remove the service's whole store (the demo's rebuild; a deleted service's ids may be given again)."""
    shutil.rmtree(service_folder(root, service_id), ignore_errors=True)


def event_count(root: str | os.PathLike[str], service_id: int) -> int:
    return sum(pq.ParquetFile(part).metadata.num_rows for part in parts(root, service_id))


def events_table(backend: BaseBackend, root: str | os.PathLike[str], service_id: int) -> ir.Table | None:
    """The service's stored events as an Ibis table on `backend` (None when none are stored)."""
    found = parts(root, service_id)
    if not found:
        return None
    return backend.read_parquet([str(path) for path in found])
