"""An append-only Parquet store of the answer fact table, in one directory.

Each append writes one immutable part file: first to a hidden temporary name, flushed to disk, then renamed,
so a reader never sees half a part. Writers take an exclusive `fcntl` lock on `<store>/.lock` to number their
parts, so concurrent writers (several web workers, a sync and a backfill) never collide or overwrite.

Parts are named `part-<first>-<last>.parquet` after the range of append sequence numbers they hold: an append
makes `part-0000000007-0000000007.parquet`; `compact` merges parts 1..7 into `part-0000000001-0000000007.parquet`
and then deletes them. A reader lists the live parts, ignoring any part whose range lies inside another's, so
during the moment both exist the rows are still counted once.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from govcx.analytics.schema import ANSWER_SCHEMA, conform

LOCK_NAME = ".lock"
PART_PATTERN = re.compile(r"^part-(\d{10})-(\d{10})\.parquet$")
# DuckDB and Spark split a scan by row group: groups of this size keep every core busy without tiny groups.
ROW_GROUP_SIZE = 250_000


@dataclass(frozen=True, order=True)
class Part:
    first: int
    last: int
    path: Path

    def covers(self, other: Part) -> bool:
        same_range = (self.first, self.last) == (other.first, other.last)
        return not same_range and self.first <= other.first and other.last <= self.last


def part_name(first: int, last: int) -> str:
    return f"part-{first:010d}-{last:010d}.parquet"


def all_parts(path: str | os.PathLike[str]) -> list[Part]:
    directory = Path(path)
    if not directory.is_dir():
        return []
    found = []
    for entry in directory.iterdir():
        match = PART_PATTERN.match(entry.name)
        if match:
            found.append(Part(int(match[1]), int(match[2]), entry))
    return sorted(found)


def live_parts(path: str | os.PathLike[str]) -> list[Path]:
    """The part files that hold the store's rows, each row exactly once, in append order."""
    parts = all_parts(path)
    return [part.path for part in parts if not any(other.covers(part) for other in parts)]


@contextlib.contextmanager
def writer_lock(path: str | os.PathLike[str]) -> Iterator[Path]:
    directory = Path(path)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_NAME, "a+b") as lock_file:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX)
        try:
            yield directory
        finally:
            fcntl.flock(lock_file.fileno(), fcntl.LOCK_UN)


def fsync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def write_part(directory: Path, tables: Iterable[pa.Table], name: str) -> Path:
    """Write the tables as one part, atomically; rows are regrouped into row groups of ROW_GROUP_SIZE, so
    merging many small parts does not leave many small row groups, and only one group is held in memory."""
    temporary = directory / f".tmp-{uuid.uuid4().hex}.parquet"
    try:
        with open(temporary, "wb") as sink:
            with pq.ParquetWriter(sink, ANSWER_SCHEMA, compression="zstd") as writer:
                pending = ANSWER_SCHEMA.empty_table()
                for table in tables:
                    pending = pa.concat_tables([pending, table])
                    whole = pending.num_rows - pending.num_rows % ROW_GROUP_SIZE
                    if whole:
                        writer.write_table(pending.slice(0, whole), row_group_size=ROW_GROUP_SIZE)
                        pending = pending.slice(whole)
                if pending.num_rows:
                    writer.write_table(pending, row_group_size=ROW_GROUP_SIZE)
            sink.flush()
            os.fsync(sink.fileno())
        final = directory / name
        os.rename(temporary, final)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_directory(directory)
    return final


def next_sequence(directory: Path) -> int:
    return max((part.last for part in all_parts(directory)), default=0) + 1


def append(path: str | os.PathLike[str], table: pa.Table, *, skip_stored: bool = False) -> Path | None:
    """Store the rows as one new part; returns its path, or None when there was nothing to store.

    With `skip_stored`, rows whose answer_id is at or below the store's high-water mark (read under the same
    lock) are dropped first, so two syncs that fetched the same batch concurrently store it once.
    """
    rows = conform(table)
    with writer_lock(path) as directory:
        if skip_stored:
            mark = high_water_mark(directory)
            if mark is not None:
                rows = rows.filter(pc.greater(rows.column("answer_id"), mark))
        if rows.num_rows == 0:
            return None
        sequence = next_sequence(directory)
        return write_part(directory, [rows], part_name(sequence, sequence))


def part_max_answer_id(part: Path) -> int | None:
    """Read from the Parquet footer's statistics; the column is scanned only if a writer left them out."""
    metadata = pq.read_metadata(part)
    column = metadata.schema.names.index("answer_id")
    maxima = []
    for index in range(metadata.num_row_groups):
        statistics = metadata.row_group(index).column(column).statistics
        if statistics is None or not statistics.has_min_max:
            values = pq.read_table(part, columns=["answer_id"]).column("answer_id")
            highest: int | None = pc.max(values).as_py()
            return highest
        maxima.append(statistics.max)
    return max(maxima, default=None)


def high_water_mark(path: str | os.PathLike[str]) -> int | None:
    """The largest answer_id stored, or None for an empty store: a sync fetches answers above it."""
    maxima = [mark for part in live_parts(path) if (mark := part_max_answer_id(part)) is not None]
    return max(maxima, default=None)


def row_count(path: str | os.PathLike[str]) -> int:
    return sum(pq.read_metadata(part).num_rows for part in live_parts(path))


def compact(path: str | os.PathLike[str], *, target_rows: int = 2_000_000) -> list[Path]:
    """Merge runs of consecutive small parts into parts of up to `target_rows` rows, then delete what they
    merged; returns the new parts. Each append makes a part, so a store synced every few seconds gathers
    thousands; call this when live_parts() grows past a few dozen. Memory stays at about one row group.

    A reader in the middle of a query over merged parts may find them gone and should retry.
    """
    if not Path(path).is_dir():
        return []
    with writer_lock(path) as directory:
        live = set(live_parts(directory))
        parts = [part for part in all_parts(directory) if part.path in live]
        merged = []
        for group in consecutive_groups(parts, target_rows):
            tables = (pq.read_table(part.path, schema=ANSWER_SCHEMA) for part in group)
            merged.append(write_part(directory, tables, part_name(group[0].first, group[-1].last)))
            for part in all_parts(directory):
                inside = group[0].first <= part.first and part.last <= group[-1].last
                if inside and part.path != merged[-1]:
                    part.path.unlink()
        if merged:
            fsync_directory(directory)
        return merged


def consecutive_groups(parts: list[Part], target_rows: int) -> list[list[Part]]:
    """Runs of two or more neighbouring parts, each run under `target_rows` rows in all; parts already that
    large stay as they are."""
    groups: list[list[Part]] = []
    current: list[Part] = []
    current_rows = 0
    for part in parts:
        rows = pq.read_metadata(part.path).num_rows
        if current and current_rows + rows > target_rows:
            groups.append(current)
            current, current_rows = [], 0
        if rows >= target_rows:
            continue
        current.append(part)
        current_rows += rows
    groups.append(current)
    return [group for group in groups if len(group) > 1]


def empty_table() -> pa.Table:
    return ANSWER_SCHEMA.empty_table()
