"""Reading a large XES file with rustxes on several cores: the file is cut at `<trace` tags into documents of
their own (the log's header repeated, `</log>` added), a few worker processes parse them, piece after piece,
and the parent joins their Arrow tables in file order.

Plain Python, no Django. rustxes holds the GIL, so threads would not help. The workers are forked from
multiprocessing's fork server, a clean single-threaded process that has imported the parser once, so they start
in milliseconds and never inherit the caller's threads: Polars (inside rustxes) hangs in a child forked from a
process whose thread pool was running, which any earlier use of Polars or a JVM bridge in the caller can cause.
A worker that stays stuck anyway is stopped, and this process then parses in process from then on.

Where the CPU goes: rustxes allocates about 1 KB per event, and a fresh process pays a page fault (a zeroed
page) for every byte of it, a third of its CPU. So one worker per core parses many small pieces in turn and
keeps the memory it freed (glibc's trim and mmap thresholds raised), so that every piece after its first reuses
warm memory. A worker copies its piece into a document with `sendfile` (no trip through Python). A `.xes.gz`
is unpacked by this process as a stream, and each piece goes to a worker as soon as it is whole, so unpacking
overlaps parsing.

Results equal rustxes's on the whole file: a global default fills, in every piece, a column that any piece has
(rustxes fills a default only into columns it has seen); an attribute that is an integer in some pieces and a
float in others is a float (as rustxes makes it); where the pieces disagree on an attribute's type otherwise,
or a piece is refused, one worker reads the whole file instead. `read` returns None where it cannot fork (no
`fork`, or a worker got stuck before) and raises Unreadable when rustxes cannot read the file.
"""

from __future__ import annotations

import gzip
import json
import multiprocessing
import multiprocessing.forkserver
import os
import shutil
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from multiprocessing.connection import Connection, wait
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc

#: Pieces are about this size: small enough that a worker's memory stays warm from one piece to the next and
#: the last piece leaves the other cores idle only briefly; a file smaller than this is read whole.
CHUNK_BYTES = 4 << 20
#: Bytes read past a cut point while looking for the next `<trace`.
_WINDOW = 1 << 20
#: Bytes unpacked from a .gz at a time.
_UNPACK = 8 << 20
_TRACE = b"<trace"
_AFTER_TRACE = frozenset(b"> \t\r\n/")
_CLOSING = b"\n</log>\n"
#: A piece has this long, plus a second per MB, before its worker counts as stuck.
_PATIENCE_SECONDS = 120.0
_PRELOAD = ["rustxes", __name__]

_parsed_here = False


@dataclass(frozen=True, slots=True)
class Piece:
    """Bytes `start`..`end` of the (uncompressed) source, after the log's `header`; `closed` when the piece
    already ends with the document's own closing tag."""

    start: int
    end: int
    closed: bool


@dataclass(frozen=True, slots=True)
class Job:
    """One document for a worker: `piece` of `source` after `header` (None: `source` whole), parsed into the
    Arrow IPC file `target`; `remove`: `source` is a piece this process wrote, deleted once parsed."""

    source: str
    header: bytes
    piece: Piece | None
    target: str
    remove: bool = False

    @property
    def size(self) -> int:
        return os.path.getsize(self.source) if self.piece is None else self.piece.end - self.piece.start


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


def start_server() -> None:
    """Start the fork server (it imports the parser once, about half a second) without waiting for it, so that
    the first read does not pay for it; harmless when it runs already or cannot run."""
    if can_fork():
        _context()
        multiprocessing.forkserver.ensure_running()


def _context() -> Any:
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(_PRELOAD)
    return context


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
        found = _trace_in(source.read(_WINDOW + len(_TRACE)), 0)
        if found is not None:
            return offset + found
        offset += _WINDOW
    return None


def _trace_in(data: bytes | bytearray, at: int) -> int | None:
    """The first `<trace` tag in `data` at or after `at` whose next byte is there too, or None."""
    while True:
        found = data.find(_TRACE, at)
        if found < 0 or found + len(_TRACE) >= len(data):
            return None
        if data[found + len(_TRACE)] in _AFTER_TRACE:
            return found
        at = found + 1


def _write_piece(source_path: str, header: bytes, piece: Piece, target: str) -> None:
    """The piece as a document of its own: header, the piece's bytes (copied by the kernel), closing tag."""
    with open(source_path, "rb") as source, open(target, "wb") as out:
        out.write(header)
        out.flush()
        offset, left = piece.start, piece.end - piece.start
        while left > 0:
            sent = os.sendfile(out.fileno(), source.fileno(), offset, left)
            if sent == 0:
                break
            offset, left = offset + sent, left - sent
        if not piece.closed:
            out.write(_CLOSING)


def _unpacked_pieces(path: str | os.PathLike[str], folder: str, chunk_bytes: int) -> Iterator[Job]:
    """A .xes.gz unpacked as a stream and cut where `split` would cut the unpacked file: each piece, written
    as a document of its own, is yielded as soon as it is whole. A log without `<trace` tags, or whose header
    has no `<log`, is one job, the unpacked file whole."""
    number = 0

    def job(data: bytes | bytearray | memoryview, header: bytes, closing: bytes) -> Job:
        nonlocal number
        document = os.path.join(folder, f"piece-{number}.xes")
        with open(document, "wb") as out:
            out.write(header)
            out.write(data)
            out.write(closing)
        number += 1
        return Job(document, b"", None, document[:-4] + ".arrow", remove=True)

    with gzip.open(path, "rb") as packed:
        buffer = bytearray()
        first: int | None = None
        ended = False
        while first is None and not ended:
            block = packed.read(_UNPACK)
            ended = not block
            searched = max(0, len(buffer) - len(_TRACE))
            buffer += block
            first = _trace_in(buffer, searched)
        header = bytes(buffer[:first]) if first is not None else b""
        if first is None or b"<log" not in header:
            whole = os.path.join(folder, "whole.xes")
            with open(whole, "wb") as out:
                out.write(buffer)
                shutil.copyfileobj(packed, out, _UNPACK)
            yield Job(whole, b"", None, os.path.join(folder, "whole.arrow"))
            return
        del buffer[:first]
        searched = 0
        while True:
            cut = _trace_in(buffer, max(chunk_bytes, searched)) if len(buffer) > chunk_bytes else None
            if cut is not None:
                yield job(memoryview(buffer)[:cut], header, _CLOSING)
                del buffer[:cut]
                searched = 0
                continue
            searched = max(chunk_bytes, len(buffer) - len(_TRACE))
            block = packed.read(_UNPACK)
            if not block:
                break
            buffer += block
        yield job(buffer, header, b"")


class Unreadable(Exception):
    """rustxes cannot read the file (a worker reported its parse error)."""


REFUSED = 3
CRASHED = 1


def _keep_memory() -> None:
    """In a worker: freed memory stays in the process (glibc would hand it back and fault it in again, zeroed,
    for the next piece). mallopt's M_TRIM_THRESHOLD, M_TOP_PAD and M_MMAP_THRESHOLD; nothing where there is no
    glibc."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD: keep up to 1 GB freed at the top of the heap
    mallopt(-2, 64 << 20)  # M_TOP_PAD: grow the heap 64 MB at a time
    mallopt(-3, 32 << 20)  # M_MMAP_THRESHOLD (its maximum): blocks below it come from the reused heap


def _worker(connection: Connection) -> None:
    """A worker: parses the jobs it is sent, one after another, answering each with its number and status (0
    written, REFUSED when rustxes refused the document); None ends it."""
    _keep_memory()
    while True:
        message = connection.recv()
        if message is None:
            return
        number, job = message
        connection.send((number, _parse(job)))


def _parse(job: Job) -> int:
    document = job.source
    if job.piece is not None:
        document = job.target + ".xes"
        _write_piece(job.source, job.header, job.piece, document)
    try:
        table = _rustxes_table(document)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException:  # noqa: B036 - rustxes reports a parse error as a Rust panic
        return REFUSED
    finally:
        if job.piece is not None or job.remove:
            os.unlink(document)
    with ipc.new_file(job.target, table.schema) as writer:
        writer.write_table(table)
    return 0


def _run(jobs: Iterator[Job], workers: int) -> tuple[list[str], list[int]] | None:
    """The jobs, in the order given, on at most `workers` worker processes, each taking the next job when it
    is free; while all are busy, this process draws the next job (unpacking a .gz) meanwhile. Returns the
    targets and the status of each job drawn (CRASHED for a job whose worker died, and for the jobs not run
    after that), or None when a worker got stuck (all are stopped, and this process forks no more parsers)."""
    global _parsed_here
    context = _context()
    drawn: list[Job] = []
    status: list[int] = []
    pending: deque[int] = deque()
    idle: list[tuple[Any, Connection]] = []
    busy: dict[Connection, tuple[Any, float]] = {}  # a worker's end of the pipe → its process, its deadline
    exhausted = crashed = False

    def draw() -> bool:
        job = next(jobs, None)
        if job is not None:
            drawn.append(job)
            status.append(CRASHED)
            pending.append(len(drawn) - 1)
        return job is not None

    try:
        while True:
            if not exhausted and not pending:
                exhausted = not draw()
            while pending and not crashed:
                if not idle and len(idle) + len(busy) < workers:
                    ours, theirs = context.Pipe()
                    process = context.Process(target=_worker, args=(theirs,), daemon=True)
                    process.start()
                    theirs.close()
                    idle.append((process, ours))
                if not idle:
                    break
                process, connection = idle.pop()
                number = pending.popleft()
                # before sending: a piece unpacked from a .gz is removed by the worker as soon as it is parsed
                deadline = time.monotonic() + _PATIENCE_SECONDS + drawn[number].size / 2**20
                try:
                    connection.send((number, drawn[number]))
                except OSError:  # the worker died between two jobs
                    crashed = True
                    connection.close()
                    process.join()
                    break
                busy[connection] = (process, deadline)
            if crashed or not busy:
                break  # done (nothing pending, nothing left to draw) or a worker died
            timeout = min(deadline for _process, deadline in busy.values()) - time.monotonic()
            if not exhausted:
                exhausted = not draw()  # every worker is busy: unpack ahead meanwhile
                timeout = 0.0
            ready = wait([*busy, *(process.sentinel for process, _deadline in busy.values())],
                         timeout=max(0.0, timeout))
            if not ready and time.monotonic() >= min(deadline for _process, deadline in busy.values()):
                _parsed_here = True
                return None  # `finally` stops the workers
            for connection in [item for item in ready if isinstance(item, Connection) and item in busy]:
                process, _deadline = busy.pop(connection)
                try:
                    number, outcome = connection.recv()
                except (EOFError, OSError):  # it died while parsing
                    crashed = True
                    connection.close()
                    process.join()
                    continue
                status[number] = outcome
                idle.append((process, connection))
            for connection, (process, _deadline) in list(busy.items()):
                if process.sentinel in ready:
                    busy.pop(connection)
                    connection.close()
                    process.join()
                    crashed = True
    finally:
        for process, connection in idle:
            try:
                connection.send(None)
            except OSError:
                pass
            connection.close()
            process.join(timeout=10)
        for connection, (process, _deadline) in busy.items():
            connection.close()
            process.kill()
        for process, _connection in idle:
            if process.exitcode is None:
                process.kill()
        for process, _deadline in busy.values():
            process.join()
    return [job.target for job in drawn], status


def _joined(targets: list[str]) -> pa.Table | None:
    """The pieces' tables in file order. A column some pieces lack gets, in those, the log's global default
    for its attribute (rustxes fills a global only into columns it has seen) or nulls; None when an attribute
    has different types in two pieces, or a default of a kind not handled here (rustxes on the whole file
    then decides)."""
    tables = [ipc.open_file(pa.memory_map(target)).read_all() for target in targets]
    if len(tables) == 1:
        return tables[0].replace_schema_metadata(None)
    seen: dict[str, set[pa.DataType]] = {}
    for table in tables:
        for field in table.schema:
            if not pa.types.is_null(field.type):
                seen.setdefault(field.name, set()).add(field.type)
    kinds: dict[str, pa.DataType] = {}
    for name, types in seen.items():
        if types == {pa.int64(), pa.float64()}:
            kinds[name] = pa.float64()  # rustxes makes a column of integers and floats a float column
        elif len(types) == 1:
            kinds[name] = types.pop()
        else:
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
    """The XES file's events as rustxes reads them (trace attributes prefixed `case:`), parsed by worker
    processes; None when this process cannot fork parsers (the caller parses in process). Raises Unreadable
    when rustxes cannot read the file."""
    if not can_fork():
        return None
    start_server()
    packed = is_gzip(path)
    with tempfile.TemporaryDirectory(prefix="govcx-xes-") as folder:
        if packed:
            jobs = _unpacked_pieces(path, folder, chunk_bytes)
        else:
            header, pieces = split(path, chunk_bytes)
            jobs = iter([Job(str(path), header, piece if len(pieces) > 1 else None,
                             os.path.join(folder, f"piece-{number}.arrow")) for number, piece in enumerate(pieces)])
        ran = _run(jobs, workers or default_workers())
        if ran is None:
            return None
        targets, status = ran
        if len(targets) > 1 and not any(status):
            joined = _joined(targets)
            if joined is not None:
                return joined
        if len(targets) > 1:  # a piece refused or lost, or pieces that disagree: one worker reads the whole file
            source = str(path)
            if packed:
                source = os.path.join(folder, "source.xes")
                with gzip.open(path, "rb") as unpacking, open(source, "wb") as plain:
                    shutil.copyfileobj(unpacking, plain, _UNPACK)
            ran = _run(iter([Job(source, b"", None, os.path.join(folder, "whole.arrow"))]), 1)
            if ran is None:
                return None
            targets, status = ran
        if status == [REFUSED]:
            raise Unreadable(str(path))
        return _joined(targets) if status == [0] else None
