"""Applying a roster file to a programme: all or nothing, joiners, leavers and moves recorded.

The file is parsed and checked column by column (`roster.check_roster`, Arrow); if any row has a problem nothing is
written and the problems are raised by row and column. Otherwise, in one transaction: a programme's first roster
on PostgreSQL is COPied straight into the roster (`_copy_first`); any other goes into a temporary staging table
(COPY in CSV through psycopg on PostgreSQL, batched inserts on SQLite; a temporary table writes no WAL), and a few
set-based statements compare the staging table with the roster (moves, joiners, leavers), upsert it, and mark
people missing from the file as having left on the import's day. Nothing here loops over people in Python.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from govcx.accounts.roles import Action
from govcx.accounts.services import audit_record
from govcx.common import tabular
from govcx.errors import Invalid, InvalidInput, Problem
from govcx.training.models import POSITION_CATEGORIES, Programme, RosterImport
from govcx.training.selectors import programme_organisation_codes
from govcx.training.services.programme import _managed
from govcx.training.services.trained import coverage_tally_count, trained_refresh

if TYPE_CHECKING:
    import pyarrow as pa

# The roster module (PyArrow, NumPy) is imported by the functions that parse or copy a file, so the URL map
# does not load it.

#: Files larger than this are imported by the background worker, with progress.
BACKGROUND_BYTES = 2 * 1024 * 1024
#: A first import of at least this many people rebuilds the roster's secondary indexes after its COPY.
BIG_FIRST_IMPORT = 200_000
STAGE = "training_roster_stage"
_BATCH = 100_000


def _read(data: bytes | Path, file_name: str) -> tuple[list[str], pa.Table]:
    import pyarrow as pa

    from govcx.training.roster import csv_table, records_table

    fmt = tabular.format_for(file_name)
    if fmt == "xlsx":
        raw = data.read_bytes() if isinstance(data, Path) else data
        records = tabular.xlsx_records(raw, file_name)
        if not records:
            return [], pa.table({})
        header = [str(v or "").strip().lstrip("\ufeff").lower() for v in records[0]]
        return header, records_table(header, records[1:])
    if fmt == "csv":
        return csv_table(data)
    raise Invalid(f"{file_name}: a roster is a .csv or .xlsx file", details=[{"field": "file"}])


def _create_stage(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (person_key varchar(64) PRIMARY KEY, organisation_id bigint NOT NULL, "
        "position_category varchar(20) NOT NULL, region_code varchar(8) NOT NULL, started_on date NOT NULL, "
        "left_on date NULL, work_email varchar(254) NOT NULL, manager_key varchar(64) NOT NULL, "
        "email_sha1 varchar(40) NOT NULL)"
    )


def _copy(cursor: Any, target: str, table: pa.Table, progress: Any) -> None:
    """COPY the Arrow table's rows into `target` (a table and its columns) in CSV, by batches (PostgreSQL)."""
    import pyarrow.csv as pacsv

    done = 0
    # Arrow quotes every string and leaves a null unquoted, which COPY's CSV format reads as '' and NULL
    with cursor.cursor.copy(f"COPY {target} FROM STDIN WITH (FORMAT csv)") as copy:
        for batch in table.to_batches(max_chunksize=_BATCH):
            buffer = io.BytesIO()
            pacsv.write_csv(batch, buffer, pacsv.WriteOptions(include_header=False))
            copy.write(buffer.getbuffer())
            done += batch.num_rows
            progress(done)


def _fill_stage(cursor: Any, table: pa.Table, progress: Any) -> None:
    from govcx.training.roster import OUTPUT_COLUMNS

    columns = ", ".join(OUTPUT_COLUMNS)
    if connection.vendor == "postgresql":
        _copy(cursor, f"{STAGE} ({columns})", table, progress)
        return
    done = 0
    placeholders = ", ".join(["%s"] * len(OUTPUT_COLUMNS))
    for batch in table.to_batches(max_chunksize=_BATCH):
        values = batch.to_pydict()
        cursor.executemany(f"INSERT INTO {STAGE} ({columns}) VALUES ({placeholders})",
                           list(zip(*(values[c] for c in OUTPUT_COLUMNS), strict=True)))
        done += batch.num_rows
        progress(done)


def _secondary_indexes(cursor: Any) -> list[tuple[str, str, str | None]]:
    """(name, definition, constraint) of the roster's indexes but its primary key (PostgreSQL's catalogue)."""
    cursor.execute(
        "SELECT i.relname, pg_get_indexdef(x.indexrelid), c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = x.indrelid "
        "WHERE x.indrelid = 'training_person'::regclass AND NOT x.indisprimary ORDER BY i.relname")
    return [(name, constraint_def if constraint else index_def, constraint)
            for name, index_def, constraint, constraint_def in cursor.fetchall()]


def _copy_first(cursor: Any, programme: Programme, table: pa.Table, progress: Any) -> None:
    """A programme's first roster on PostgreSQL: COPY straight into the roster, nobody to compare with. A big one
    into a roster table no bigger than itself drops the secondary indexes and builds them again after the COPY
    (one sorted build instead of millions of random insertions); the DDL is part of the import's transaction, so
    a failure restores them, and the table is locked for other writers until the import commits."""
    import numpy as np
    import pyarrow as pa

    cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'training_person'::regclass")
    present = max(0, int(cursor.fetchone()[0]))
    indexes = _secondary_indexes(cursor) if table.num_rows >= BIG_FIRST_IMPORT and present <= table.num_rows \
        else []
    for name, _, constraint in indexes:
        cursor.execute(f'ALTER TABLE training_person DROP CONSTRAINT "{constraint}"' if constraint
                       else f'DROP INDEX "{name}"')
    rows = table.num_rows
    table = table.append_column("programme_id", pa.array(np.full(rows, programme.pk, dtype=np.int64))) \
        .append_column("courses_done", pa.array(np.zeros(rows, dtype=np.int16)))
    _copy(cursor, f"training_person ({', '.join(table.column_names)})", table, progress)
    if indexes:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _, definition, constraint in indexes:
            cursor.execute(f'ALTER TABLE training_person ADD CONSTRAINT "{constraint}" {definition}' if constraint
                           else definition)
        cursor.execute("ANALYZE training_person")


def _scalar(cursor: Any, sql: str, params: Sequence[Any]) -> int:
    cursor.execute(sql, params)
    return int(cursor.fetchone()[0])


def _apply(cursor: Any, programme: Programme, record: RosterImport, today: dt.date, *, first: bool) -> None:
    p = programme.pk
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {STAGE}")  # a temporary table has no statistics: without them, nested loops
    moved = (f"FROM training_person t JOIN {STAGE} s ON s.person_key = t.person_key WHERE t.programme_id = %s "
             "AND (t.organisation_id <> s.organisation_id OR t.position_category <> s.position_category)"
             )
    joined = f"FROM {STAGE} s WHERE NOT EXISTS (SELECT 1 FROM training_person t " \
             "WHERE t.programme_id = %s AND t.person_key = s.person_key)"
    left = ("FROM training_person t WHERE t.programme_id = %s AND t.left_on IS NULL AND (NOT EXISTS "
            f"(SELECT 1 FROM {STAGE} s WHERE s.person_key = t.person_key) OR EXISTS (SELECT 1 FROM {STAGE} s "
            "WHERE s.person_key = t.person_key AND s.left_on IS NOT NULL))")
    if first:
        record.joiners = _scalar(cursor, f"SELECT COUNT(*) FROM {STAGE}", [])
    else:
        record.moves = _scalar(cursor, f"SELECT COUNT(*) {moved}", [p])
        record.joiners = _scalar(cursor, f"SELECT COUNT(*) {joined}", [p])
        record.leavers = _scalar(cursor, f"SELECT COUNT(*) {left}", [p])
        change = 'INSERT INTO training_rosterchange (roster_import_id, person_key, kind, "before", "after") '
        cursor.execute(change + "SELECT %s, t.person_key, 'move', "
                       "CAST(t.organisation_id AS varchar(20)) || '/' || t.position_category, "
                       "CAST(s.organisation_id AS varchar(20)) || '/' || s.position_category " + moved,
                       [record.pk, p])
        cursor.execute(change + "SELECT %s, s.person_key, 'joiner', '', "
                       "CAST(s.organisation_id AS varchar(20)) || '/' || s.position_category " + joined,
                       [record.pk, p])
        cursor.execute(change + "SELECT %s, t.person_key, 'leaver', "
                       "CAST(t.organisation_id AS varchar(20)) || '/' || t.position_category, '' " + left,
                       [record.pk, p])
        cursor.execute(
            "UPDATE training_person SET left_on = %s WHERE programme_id = %s AND left_on IS NULL AND NOT EXISTS "
            f"(SELECT 1 FROM {STAGE} s WHERE s.person_key = training_person.person_key)", [today, p])
    columns = ("organisation_id", "position_category", "region_code", "started_on", "left_on", "work_email",
               "manager_key", "email_sha1")
    if not first:
        # only rows that changed are written: an unchanged person costs no new row version nor index entries
        changed = " OR ".join(f"t.{c} <> s.{c}" for c in columns if c != "left_on")
        cursor.execute(
            "UPDATE training_person AS t SET " + ", ".join(f"{c} = s.{c}" for c in columns) + f" FROM {STAGE} s "
            "WHERE t.programme_id = %s AND t.person_key = s.person_key AND (" + changed + " OR "
            "(t.left_on IS NULL) <> (s.left_on IS NULL) OR t.left_on <> s.left_on)", [p])
    # in key order, so the roster's unique index grows at its end instead of at random pages
    cursor.execute(
        f"INSERT INTO training_person (programme_id, person_key, {', '.join(columns)}, trained_on, courses_done) "
        f"SELECT %s, s.person_key, {', '.join('s.' + c for c in columns)}, NULL, 0 "
        + (f"FROM {STAGE} s " if first else joined + " ") + "ORDER BY s.person_key", [p] if first else [p, p])
    cursor.execute(f"DROP TABLE {STAGE}")


def roster_import(*, actor: Any, programme: Programme, data: bytes | Path, file_name: str,
                  progress: Any = None, today: dt.date | None = None) -> RosterImport:
    """Apply a roster file (bytes, or a path for a large file read by the worker) to the programme."""
    from govcx.training.roster import check_roster

    today = today or timezone.localdate()
    progress = progress or (lambda done: None)
    with transaction.atomic():
        programme = _managed(actor, programme)
        header, table = _read(data, file_name)
        checked = check_roster(header, table, file_name=file_name, today=today,
                               organisations=programme_organisation_codes(programme),
                               position_categories=POSITION_CATEGORIES)
        del table
        if checked.problems:
            raise InvalidInput(checked.problems, f"{file_name}: {len(checked.problems)} problem(s), nothing was "
                               f"imported; the first: {checked.problems[0]}")
        if checked.count == 0:
            raise InvalidInput([Problem("the file has no people", file=file_name)])
        record = RosterImport.objects.create(programme=programme, file_name=file_name[:200],
                                             imported_by=actor if getattr(actor, "is_authenticated", False) else None)
        with connection.cursor() as cursor:
            first = not _scalar(cursor, "SELECT EXISTS (SELECT 1 FROM training_person WHERE programme_id = %s)",
                                [programme.pk])
            if connection.vendor == "postgresql":
                # the import's commit does not wait for the disk: a crash right after it loses the whole import
                # (never a part of it), which is run again; other transactions keep their durability
                cursor.execute("SET LOCAL synchronous_commit = off")
            if first and connection.vendor == "postgresql":
                _copy_first(cursor, programme, checked.table, progress)
                record.joiners = checked.count
            else:
                _create_stage(cursor)
                _fill_stage(cursor, checked.table, progress)
                _apply(cursor, programme, record, today, first=first)
        record.rows = checked.count
        record.save(update_fields=["rows", "joiners", "leavers", "moves"])
        if record.moves:
            trained_refresh(programme=programme, moved_in=record)  # counts the coverage tallies again too
        else:
            coverage_tally_count(programme=programme)
        audit_record(actor=actor, action="roster.import", obj=record, organisation_id=programme.organisation_id,
                     changes={"rows": record.rows, "joiners": record.joiners, "leavers": record.leavers,
                              "moves": record.moves})
    return record


def _managed_readonly(actor: Any, programme: Programme) -> Programme:
    found: Programme | None = Programme.objects.for_user(actor, Action.MANAGE_TRAINING).filter(pk=programme.pk).first()
    if found is None:
        raise Invalid("programme not found")
    return found


def roster_import_start(*, actor: Any, programme: Programme, data: bytes, file_name: str) -> Any:
    """A large roster goes to the background worker (the file is kept under the var directory until it ran);
    a small one is imported at once. Returns the job or the import."""
    from govcx.jobs.services import job_enqueue

    if len(data) <= BACKGROUND_BYTES:
        return roster_import(actor=actor, programme=programme, data=data, file_name=file_name)
    programme = _managed_readonly(actor, programme)
    folder = Path(settings.VAR_DIR) / "training-imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{programme.pk}-{timezone.now():%Y%m%d%H%M%S%f}{Path(file_name).suffix.lower()}"
    path.write_bytes(data)
    return job_enqueue(kind="training.roster_import", actor=actor, organisation=programme.organisation,
                       payload={"programme_id": programme.pk, "path": str(path), "file_name": file_name},
                       subject=f"training.programme:{programme.pk}")
