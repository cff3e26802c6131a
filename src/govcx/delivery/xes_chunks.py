"""Reading a large XES file with rustxes on several cores: the file is cut at `<trace` tags into documents of
their own (the log's header repeated, `</log>` added), child processes parse them, and the parent joins
their Arrow tables in file order.

Plain Python, no Django. rustxes holds the GIL, so threads would not help. The children are forked from
multiprocessing's fork server, a clean single-threaded process that has imported the parser once, so they start
in milliseconds and never inherit the caller's threads: Polars (inside rustxes) hangs in a child forked from a
process whose thread pool was running, which any earlier use of Polars or a JVM bridge in the caller can cause.
A child that stays stuck anyway is stopped, and this process then parses in process from then on.

Results equal rustxes's on the whole file: a global default fills, in every piece, a column that any piece has
(rustxes fills a default only into columns it has seen); where the pieces disagree on an attribute's type, or a
piece is refused, one child reads the whole file instead. `read` returns None where it cannot fork (no `fork`,
or a child got stuck before) and raises Unreadable when rustxes cannot read the file.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import wait
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

#: A file smaller than this is read by one child, whole.
CHUNK_BYTES = 16 << 20
#: Bytes read past a cut point while looking for the next `<trace`.
_WINDOW = 1 << 20
_TRACE = b"<trace"
_AFTER_TRACE = frozenset(b"> \t\r\n/")
_CLOSING = b"\n</log>\n"
#: A child has this long, plus a second per MB of its piece, before it counts as stuck.
_PATIENCE_SECONDS = 120.0

_parsed_here = False


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes `start`..`end` of the (uncompressed) source, after the log's `header`; `closed` when the piece
    already ends with the document's own closing tag."""

    start: int
    end: int
    closed: bool


def parse_here(path: str | os.PathLike[str]) -> pa.Table:
    """rustxes on the whole file in this process. Raises whatever rustxes raises: a parse error is a Rust panic,
    a BaseException."""
    return _rustxes_table(path).replace_schema_metadata(None)


def _rustxes_table(path: str | os.PathLike[str]) -> pa.Table:
    import rustxes

    frame, log_attributes = rustxes.import_xes(str(path))
    table = frame.to_arrow()
    # rustxes gives zone-less timestamps holding UTC (it applies each value's offset).
    columns = []
    for column in table.columns:
        if pa.types.is_timestamp(column.type) and column.type.tz is None:
            column = pc.assume_timezone(column.cast(pa.timestamp("us")), "UTC")
        elif pa.types.is_large_string(column.type) or pa.types.is_string_view(column.type):
            column = column.cast(pa.string())
        columns.append(column)
    return pa.table(columns, names=table.column_names).replace_schema_metadata({_XES_LOG: log_attributes})


def can_fork() -> bool:
    """Linux only: macOS's system libraries are not safe to use in a forked child."""
    return (not _parsed_here and sys.platform.startswith("linux")
            and "forkserver" in multiprocessing.get_all_start_methods())


def default_workers() -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 8))


def is_gzip(path: str | os.PathLike[str]) -> bool:
    with open(path, "rb") as probe:
        return probe.read(2) == b"\x1f\x8b"


def split(path: str | os.PathLike[str], chunk_bytes: int) -> tuple[bytes, list[Piece]]:
    """The log's header (everything before the first `<trace`) and pieces of about `chunk_bytes` that each
    begin at a `<trace` tag; one piece, the whole file, when it has no `<trace` or is small."""
    size = os.path.getsize(path)
    with open(path, "rb") as source:
        first = _next_trace(source, 0, size)
        if first is None or size - first <= chunk_bytes:
            return b"", [Piece(0, size, closed=True)]
        source.seek(0)
        header = source.read(first)
        if b"<log" not in header:
            return b"", [Piece(0, size, closed=True)]
        cuts = [first]
        while True:
            cut = _next_trace(source, cuts[-1] + chunk_bytes, size)
            if cut is None:
                break
            cuts.append(cut)
    ends = [*cuts[1:], size]
    return header, [Piece(start, end, closed=end == size) for start, end in zip(cuts, ends, strict=True)]


def _next_trace(source: BinaryIO, offset: int, size: int) -> int | None:
    """The offset of the first `<trace` tag at or after `offset`, or None."""
    while offset < size:
        source.seek(offset)
        window = source.read(_WINDOW + len(_TRACE))
        at = 0
        while True:
            found = window.find(_TRACE, at)
            if found < 0 or found + len(_TRACE) >= len(window):
                break
            if window[found + len(_TRACE)] in _AFTER_TRACE:
                return offset + found
            at = found + 1
        offset += _WINDOW
    return None


def _write_piece(source_path: str, header: bytes, piece: Piece, target: str) -> None:
    with open(source_path, "rb") as source, open(target, "wb") as out:
        out.write(header)
        source.seek(piece.start)
        left = piece.end - piece.start
        while left > 0:
            block = source.read(min(left, 8 << 20))
            if not block:
                break
            out.write(block)
            left -= len(block)
        if not piece.closed:
            out.write(_CLOSING)


class Unreadable(Exception):
    """rustxes cannot read the file (a child reported its parse error)."""


def _child(source_path: str, header: bytes, piece: Piece | None, target: str) -> None:
    """In a forked child: the piece as a document of its own (or the whole source), parsed and written to
    `target` as an Arrow IPC file. Exit status 0 when written, 3 when rustxes refused the document."""
    document = source_path
    if piece is not None:
        document = target + ".xes"
        _write_piece(source_path, header, piece, document)
    try:
        table = _rustxes_table(document)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: B036 - rustxes reports a parse error as a Rust panic
        sys.exit(REFUSED)
    if piece is not None:
        os.unlink(document)
    with ipc.new_file(target, table.schema) as writer:
        writer.write_table(table)


REFUSED = 3


def _run(jobs: list[tuple[str, bytes, Piece | None]], targets: list[str], workers: int) -> list[int] | None:
    """Each job in a forked child, at most `workers` at a time: the exit status of each, or None when a child
    got stuck (it was stopped, and this process forks no more parsers)."""
    global _parsed_here
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["rustxes", __name__])
    status = [1] * len(jobs)
    waiting = list(range(len(jobs)))
    running: dict[Any, tuple[int, Any]] = {}
    while waiting or running:
        while waiting and len(running) < workers:
            number = waiting.pop(0)
            source, header, piece = jobs[number]
            process = context.Process(target=_child, args=(source, header, piece, targets[number]), daemon=True)
            process.start()
            running[process.sentinel] = (number, process)
        largest = max(_job_bytes(jobs[number]) for number, _process in running.values())
        ready = wait(list(running), timeout=_PATIENCE_SECONDS + largest / 2**20)
        if not ready:
            for _number, process in running.values():
                process.kill()
                process.join()
            _parsed_here = True
            return None
        for sentinel in ready:
            number, process = running.pop(sentinel)
            process.join()
            status[number] = 1 if process.exitcode is None else process.exitcode
    return status


def _job_bytes(job: tuple[str, bytes, Piece | None]) -> int:
    source, _header, piece = job
    return os.path.getsize(source) if piece is None else piece.end - piece.start


def _joined(targets: list[str]) -> pa.Table | None:
    """The pieces' tables in file order. A column some pieces lack gets, in those, the log's global default
    for its attribute (rustxes fills a global only into columns it has seen) or nulls; None when an attribute
    has different types in two pieces, or a default of a kind not handled here (rustxes on the whole file
    then decides)."""
    tables = [ipc.open_file(pa.memory_map(target)).read_all() for target in targets]
    if len(tables) == 1:
        return tables[0].replace_schema_metadata(None)
    kinds: dict[str, pa.DataType] = {}
    for table in tables:
        for field in table.schema:
            if pa.types.is_null(field.type):
                continue
            if kinds.setdefault(field.name, field.type) != field.type:
                return None
    names = list(dict.fromkeys(name for table in tables for name in table.column_names))
    defaults = _global_defaults(tables[0].schema.metadata or {})
    pieces = []
    for table in tables:
        columns = []
        for name in names:
            kind = kinds.get(name, pa.null())
            if name in table.column_names:
                columns.append(table[name].cast(kind))
                continue
            default = defaults.get(name)
            if default is _UNKNOWN_DEFAULT:
                return None
            try:
                columns.append(pa.array([default] * table.num_rows, kind))
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                return None
        pieces.append(pa.table(columns, names=names))
    return pa.concat_tables(pieces)


_UNKNOWN_DEFAULT = object()
_XES_LOG = b"govcx.xes_log"


def _global_defaults(metadata: dict[bytes, bytes]) -> dict[str, Any]:
    """Column name → the log's global default value, from rustxes's description of the log."""
    log = json.loads(metadata.get(_XES_LOG, b"{}"))
    defaults: dict[str, Any] = {}
    for scope, prefix in (("global_trace_attrs", "case:"), ("global_event_attrs", "")):
        for attribute in log.get(scope) or []:
            value = attribute.get("value") or {}
            kind, content = value.get("type"), value.get("content")
            if kind in ("String", "ID", "Int", "Float", "Boolean"):
                defaults[prefix + attribute["key"]] = content
            elif kind == "Date":
                try:
                    defaults[prefix + attribute["key"]] = datetime.fromisoformat(str(content)).astimezone(UTC)
                except (TypeError, ValueError):
                    defaults[prefix + attribute["key"]] = _UNKNOWN_DEFAULT
            else:
                defaults[prefix + attribute["key"]] = _UNKNOWN_DEFAULT
    return defaults


def read(path: str | os.PathLike[str], *, workers: int | None = None,
         chunk_bytes: int = CHUNK_BYTES) -> pa.Table | None:
    """The XES file's events as rustxes reads them (trace attributes prefixed `case:`), parsed in forked
    children; None when this process cannot fork parsers (the caller parses in process). Raises Unreadable
    when rustxes cannot read the file."""
    if not can_fork():
        return None
    with tempfile.TemporaryDirectory(prefix="govcx-xes-") as folder:
        source = str(path)
        if is_gzip(path):
            source = os.path.join(folder, "source.xes")
            with gzip.open(path, "rb") as packed, open(source, "wb") as plain:
                shutil.copyfileobj(packed, plain, 8 << 20)
        header, pieces = split(source, chunk_bytes)
        if len(pieces) > 1:
            targets = [os.path.join(folder, f"piece-{number}.arrow") for number in range(len(pieces))]
            status = _run([(source, header, piece) for piece in pieces], targets, workers or default_workers())
            if status is None:
                return None
            if not any(status):
                joined = _joined(targets)
                if joined is not None:
                    return joined
        whole = [os.path.join(folder, "whole.arrow")]
        status = _run([(source, b"", None)], whole, 1)
        if status is None:
            return None
        if status != [0]:
            if status == [REFUSED]:
                raise Unreadable(str(path))
            return None
        return _joined(whole)
