"""Reading event logs (XES, CSV, Parquet) into one Arrow table of events, in the shape the analytics expect.

Plain Python, no Django. The canonical table has one row per event:

| column | type | meaning |
|---|---|---|
| `case` | string | case identifier (XES `case:concept:name`) |
| `activity` | string | activity name (XES `concept:name`) |
| `timestamp` | timestamp[us, UTC] | when the event completed (XES `time:timestamp`) |
| `ts_us` | int64 | the same instant in microseconds since 1970-01-01 UTC: engines order and subtract integers alike |
| `event_index` | int64 | the event's place in the file (0, 1, ...): ties of timestamp within a case keep file order |
| optional | text / timestamp | `start_timestamp`, `lifecycle`, `resource`, `office`, `region`, `channel`, `deadline` |

Rules, as PM4Py 2.7's `format_dataframe` applies them (so the figures equal PM4Py's): case and activity are
text; events without a case, an activity or a timestamp are left out (`EventLog.dropped` counts them);
timestamps with a UTC offset are converted to UTC (different offsets, as daylight saving gives, are fine) and
timestamps without one are read as UTC. A column that mixes the two is refused with the first offending row and
the column, because its instants would be ambiguous.

XES goes through rustxes (a Rust parser, about ten times faster than an iterparse loop), a large file in pieces
on several cores (`xes_chunks`); a file it cannot read goes through lxml's iterparse, which also names the line
of a malformed document.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from govcx.delivery import xes_chunks
from govcx.errors import InvalidInput, Problem

XES_CASE = "case:concept:name"
XES_ACTIVITY = "concept:name"
XES_TIMESTAMP = "time:timestamp"
XES_LIFECYCLE = "lifecycle:transition"
XES_RESOURCE = "org:resource"
#: Columns an event log may map besides case, activity and timestamp (the mapping step names them).
OPTIONAL_ROLES = ("start_timestamp", "lifecycle", "resource", "office", "region", "channel", "deadline")
TIMESTAMP_ROLES = ("timestamp", "start_timestamp", "deadline")
FORMATS = ("xes", "csv", "parquet")
TIMESTAMP_TYPE = pa.timestamp("us", tz="UTC")
_OFFSET_AT_END = re.compile(r"(Z|[+-]\d{2}(:?\d{2})?)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which column of the source plays which role; XES names are the defaults."""

    case: str = XES_CASE
    activity: str = XES_ACTIVITY
    timestamp: str = XES_TIMESTAMP
    optional: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def default_for(cls, file_format: str) -> ColumnMapping:
        if file_format == "xes":
            return cls(optional={"lifecycle": XES_LIFECYCLE, "resource": XES_RESOURCE})
        return cls()

    def roles(self) -> dict[str, str]:
        """Role → source column, required roles first."""
        return {"case": self.case, "activity": self.activity, "timestamp": self.timestamp, **self.optional}


@dataclass(frozen=True, slots=True)
class EventLog:
    """The events of one file in the canonical layout, and how many source rows were left out."""

    events: pa.Table
    source_rows: int
    dropped: int
    file_format: str

    @property
    def event_count(self) -> int:
        return int(self.events.num_rows)


def file_format_of(path: str | os.PathLike[str]) -> str:
    """"xes", "csv" or "parquet" from the file name (a trailing .gz is looked through); "" if none."""
    name = Path(path).name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    return suffix if suffix in FORMATS else ""


def read_event_log(path: str | os.PathLike[str], mapping: ColumnMapping | None = None) -> EventLog:
    """The events of the file at `path`, validated and in the canonical layout; InvalidInput names what is wrong."""
    file_name = Path(path).name
    file_format = file_format_of(path)
    if not file_format:
        raise InvalidInput([Problem("the file is not an event log: use .xes, .xes.gz, .csv, .csv.gz or .parquet",
                                    file=file_name)])
    if file_format == "xes":
        raw = read_xes(path)
    elif file_format == "csv":
        raw = read_csv(path)
    else:
        raw = read_parquet(path)
    mapping = mapping or ColumnMapping.default_for(file_format)
    return canonical(raw, mapping, file_name=file_name, file_format=file_format)


# ---- sources ------------------------------------------------------------------------------------------------


def read_xes(path: str | os.PathLike[str]) -> pa.Table:
    """An XES file's events with trace attributes prefixed `case:` (the XES/PM4Py convention): rustxes in
    forked processes on pieces of the file (`xes_chunks`), or in this process where forking is not possible."""
    try:
        table = xes_chunks.read(path)
        if table is None and xes_chunks.can_fork():
            # A child failed without rustxes's own refusal (a crash): lxml reads the file and names what is wrong,
            # and this process keeps forking parsers, which parsing here would end for good.
            return read_xes_iterparse(path)
        if table is None:
            table = xes_chunks.parse_here(path)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: B036 - a rustxes parse error is a Rust panic (a BaseException) without a place;
        return read_xes_iterparse(path)  # lxml reads what rustxes cannot and names the line of what is malformed
    return table


def _open_maybe_gzip(path: str | os.PathLike[str]) -> Any:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    return gzip.open(path, "rb") if magic == b"\x1f\x8b" else open(path, "rb")  # noqa: SIM115


def _xes_value(tag: str, value: str | None) -> Any:
    if value is None:
        return None
    if tag == "date":
        return value
    if tag == "int":
        return int(value)
    if tag == "float":
        return float(value)
    if tag == "boolean":
        return value.strip().lower() == "true"
    return value


def read_xes_iterparse(path: str | os.PathLike[str]) -> pa.Table:
    """The lxml path: streams the document, keeps attributes of traces and events, parses dates with their
    offsets. A malformed document is refused with its line."""
    from lxml import etree

    file_name = Path(path).name
    columns: dict[str, list[Any]] = {}
    date_columns: set[str] = set()
    count = 0
    trace_attributes: dict[str, Any] = {}
    in_trace = in_event = False
    event_attributes: dict[str, Any] = {}
    depth_in_event = 0

    def local(tag: Any) -> str:
        text = str(tag)
        return text.rsplit("}", 1)[-1]

    with _open_maybe_gzip(path) as stream:
        context = etree.iterparse(stream, events=("start", "end"), huge_tree=True, resolve_entities=False,
                                  no_network=True)
        try:
            for action, element in context:
                tag = local(element.tag)
                if action == "start":
                    if tag == "trace":
                        in_trace, trace_attributes = True, {}
                    elif tag == "event" and in_trace:
                        in_event, event_attributes, depth_in_event = True, {}, 0
                    elif in_event:
                        depth_in_event += 1
                    continue
                if tag == "event" and in_event:
                    row = {**{f"case:{k}": v for k, v in trace_attributes.items()}, **event_attributes}
                    for key in row.keys() - columns.keys():
                        columns[key] = [None] * count
                    for key, values in columns.items():
                        values.append(row.get(key))
                    count += 1
                    in_event = False
                    element.clear()
                elif tag == "trace":
                    in_trace = False
                    element.clear()
                elif in_event:
                    if depth_in_event == 1 and "key" in element.attrib:
                        event_attributes[element.attrib["key"]] = _xes_value(tag, element.attrib.get("value"))
                        if tag == "date":
                            date_columns.add(element.attrib["key"])
                    depth_in_event -= 1
                elif in_trace and element.getparent() is not None and local(element.getparent().tag) == "trace":
                    if "key" in element.attrib:
                        trace_attributes[element.attrib["key"]] = _xes_value(tag, element.attrib.get("value"))
                        if tag == "date":
                            date_columns.add("case:" + element.attrib["key"])
        except etree.XMLSyntaxError as exc:
            raise InvalidInput([Problem(f"the XES file is malformed: {exc.msg}", file=file_name,
                                        line=exc.lineno)]) from None
    arrays = []
    for name, values in columns.items():
        if name in date_columns:
            arrays.append(parse_timestamps(pa.array(values, pa.string()), column=name, file_name=file_name,
                                           first_row=None))
        else:
            arrays.append(_loose_array(values))
    return pa.table(arrays, names=list(columns)) if columns else pa.table({})


def _loose_array(values: list[Any]) -> pa.Array:
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([None if v is None else str(v) for v in values], pa.string())


def _csv_header(path: str | os.PathLike[str]) -> tuple[list[str], str]:
    with _open_maybe_gzip(path) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="replace", newline="")
        first_line = text.readline()
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    header = next(csv.reader([first_line], delimiter=delimiter), [])
    return header, delimiter


def read_csv(path: str | os.PathLike[str]) -> pa.Table:
    """A CSV file (UTF-8, "," or ";", optionally gzipped) with every column as text; types come later, by role."""
    file_name = Path(path).name
    header, delimiter = _csv_header(path)
    if not header or not any(name.strip() for name in header):
        raise InvalidInput([Problem("the file is empty: a header row and at least one event are needed",
                                    file=file_name, row=1)])
    if len(set(header)) != len(header):
        duplicate = next(name for name in header if header.count(name) > 1)
        raise InvalidInput([Problem(f"the column {duplicate!r} appears twice in the header", file=file_name, row=1,
                                    field=duplicate)])
    try:
        return pacsv.read_csv(
            pa.input_stream(str(path), compression="detect"),
            read_options=pacsv.ReadOptions(use_threads=True, block_size=16 << 20, encoding="utf8"),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={name: pa.string() for name in header}, strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise InvalidInput([Problem(f"the CSV file cannot be read: {_arrow_reason(exc)}", file=file_name,
                                    row=_arrow_row(exc))]) from None


def _arrow_reason(exc: Exception) -> str:
    return str(exc).split("\n", 1)[0]


def _arrow_row(exc: Exception) -> int | None:
    found = re.search(r"[Rr]ow #?(\d+)", str(exc))
    return int(found.group(1)) if found else None


def read_parquet(path: str | os.PathLike[str]) -> pa.Table:
    file_name = Path(path).name
    try:
        return pq.read_table(str(path))
    except (pa.ArrowInvalid, OSError) as exc:
        raise InvalidInput([Problem(f"the Parquet file cannot be read: {_arrow_reason(exc)}",
                                    file=file_name)]) from None


# ---- the canonical layout -----------------------------------------------------------------------------------


def parse_timestamps(values: pa.ChunkedArray | pa.Array, *, column: str, file_name: str,
                     first_row: int | None = 2) -> pa.Array | pa.ChunkedArray:
    """Timestamps as UTC instants. Text is read as ISO 8601 (a space or "T" between date and time); an offset or
    "Z" is applied, a value without one is UTC; a column mixing both, or a value that is not a timestamp, is
    refused with the row (`first_row` is the row number of the first value; None names no row)."""
    kind = values.type
    if pa.types.is_timestamp(kind):
        if kind.tz is None:
            return pc.assume_timezone(values.cast(pa.timestamp("us")), "UTC")
        return values.cast(TIMESTAMP_TYPE)
    if pa.types.is_date(kind):
        return pc.assume_timezone(values.cast(pa.timestamp("us")), "UTC")
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind)):
        raise InvalidInput([Problem(f"the column {column!r} holds {kind}, not timestamps", file=file_name,
                                    field=column)])
    text = pc.utf8_trim_whitespace(values.cast(pa.string()))
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    with_offset = pc.match_substring_regex(text, _OFFSET_AT_END.pattern, ignore_case=True)
    offsets = pc.sum(with_offset).as_py() or 0
    present = len(text) - text.null_count
    if 0 < offsets < present:
        naive_at = pc.index(pc.fill_null(with_offset, True), False).as_py()
        aware_at = pc.index(pc.fill_null(with_offset, False), True).as_py()
        raise InvalidInput([Problem(
            f"timestamps with a UTC offset (row {_row(aware_at, first_row)}) are mixed with timestamps without one "
            f"(this row): give every timestamp an offset or none", file=file_name, row=_row(naive_at, first_row),
            field=column)])
    normalised = pc.replace_substring_regex(text, r"^(\d{4}-\d{2}-\d{2})[T ]", r"\1T")
    normalised = pc.replace_substring_regex(normalised, r"[zZ]$", "+00:00")
    # An offset written without a colon (+0200) becomes +02:00; an hour-only offset (+02) gets its minutes.
    normalised = pc.replace_substring_regex(normalised, r"([+-]\d{2})(\d{2})$", r"\1:\2")
    normalised = pc.replace_substring_regex(normalised, r"(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)([+-]\d{2})$", r"\1\4:00")
    parsed = _parse_iso(normalised, aware=offsets > 0)
    bad = pc.and_(pc.is_valid(text), pc.is_null(parsed))
    if pc.any(bad).as_py():
        parsed = _parse_mixed(text)
        bad = pc.and_(pc.is_valid(text), pc.is_null(parsed))
    if pc.any(bad).as_py():
        at = pc.index(bad, True).as_py()
        raise InvalidInput([Problem(f"{text[at].as_py()!r} is not a timestamp (expected e.g. 2024-03-01 14:30:00"
                                    f" or 2024-03-01T14:30:00+03:00)", file=file_name, row=_row(at, first_row),
                                    field=column)])
    return parsed


def _row(index: int, first_row: int | None) -> int | None:
    return None if first_row is None else index + first_row


def _parse_iso(text: pa.Array | pa.ChunkedArray, *, aware: bool) -> pa.Array | pa.ChunkedArray:
    """ISO 8601 text to UTC instants through DuckDB's vectorised cast (Arrow's strptime takes one format
    only, and fractional seconds of any length appear in real logs)."""
    import duckdb

    connection = duckdb.connect()
    try:
        connection.execute("SET TimeZone = 'UTC'")
        connection.register("source", pa.table({"t": text}))
        target = "TIMESTAMPTZ" if aware else "TIMESTAMP"
        result = connection.sql(f"SELECT TRY_CAST(t AS {target}) AS t FROM source").to_arrow_table()
    finally:
        connection.close()
    column = result.column("t")
    if pa.types.is_timestamp(column.type) and column.type.tz is None:
        return pc.assume_timezone(column.cast(pa.timestamp("us")), "UTC")
    return column.cast(TIMESTAMP_TYPE)


def _parse_mixed(text: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """Text in other layouts (2024/03/01 14:30, 03/01/2024 2:30 PM ...) read element by element as pandas'
    `to_datetime(format="mixed", utc=True)` reads it, which is what PM4Py's `format_dataframe` applies: an
    ambiguous day and month is read month first."""
    import pandas as pd  # type: ignore[import-untyped]  # no pandas-stubs in the lock

    series = pd.to_datetime(pd.Series(text.to_pylist(), dtype="object"), format="mixed", utc=True,
                            errors="coerce")
    return pa.array(series.dt.as_unit("us"), type=TIMESTAMP_TYPE, from_pandas=True)


def canonical(raw: pa.Table, mapping: ColumnMapping, *, file_name: str, file_format: str) -> EventLog:
    """The canonical event table from a source table and a column mapping; InvalidInput on unknown columns,
    bad timestamps or a log without events."""
    roles = mapping.roles()
    missing = [(role, column) for role, column in roles.items() if column not in raw.column_names]
    if missing:
        known = ", ".join(raw.column_names[:20]) or "none"
        raise InvalidInput([
            Problem(f"there is no column {column!r} for the {role}; the file has: {known}", file=file_name,
                    field=column)
            for role, column in missing
        ])
    source_rows = raw.num_rows
    first_row = None if file_format == "xes" else (2 if file_format == "csv" else 1)
    arrays: dict[str, pa.ChunkedArray | pa.Array] = {}
    for role, column in roles.items():
        values = raw.column(column)
        if role in TIMESTAMP_ROLES:
            arrays[role] = parse_timestamps(values, column=column, file_name=file_name, first_row=first_row)
        else:
            arrays[role] = _as_text(values)
    arrays["event_index"] = positions(source_rows)
    table = pa.Table.from_pydict(arrays)
    keep = pc.and_(pc.and_(pc.is_valid(table["case"]), pc.is_valid(table["activity"])),
                   pc.is_valid(table["timestamp"]))
    table = table.filter(keep)
    if table.num_rows == 0:
        raise InvalidInput([Problem("the log has no events with a case, an activity and a timestamp",
                                    file=file_name)])
    ts_us = table["timestamp"].cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    table = table.append_column("ts_us", ts_us)
    order = ["case", "activity", "timestamp", "ts_us", "event_index"]
    table = table.select(order + [name for name in table.column_names if name not in order])
    return EventLog(events=table, source_rows=source_rows, dropped=source_rows - table.num_rows,
                    file_format=file_format)


def positions(count: int, start: int = 0) -> pa.Array:
    """start, start + 1, ..., start + count - 1 as int64, built on numpy's buffer (`pa.array` of an ndarray, or
    any Python value turned into Arrow, `pa.scalar` too, would import pandas, half a second of an import)."""
    values = np.arange(start, start + count, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), count, [None, pa.py_buffer(values)])


def _as_text(values: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """Text the way pandas' astype("string") writes it (PM4Py applies it to case and activity)."""
    kind = values.type
    if pa.types.is_string(kind):
        return values
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind) or pa.types.is_dictionary(kind):
        return values.cast(pa.string())
    if pa.types.is_timestamp(kind):
        return pc.strftime(values, format="%Y-%m-%d %H:%M:%S")
    return values.cast(pa.string())


def iter_batches(events: pa.Table, size: int = 500_000) -> Iterator[pa.RecordBatch]:
    """The events in record batches of at most `size` rows (for streaming writes)."""
    yield from events.to_batches(max_chunksize=size)
