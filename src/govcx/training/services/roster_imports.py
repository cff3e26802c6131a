"""Applying a roster file to a programme: all or nothing, joiners, leavers and moves recorded.

The rows stream from the file through `roster.RosterReader` into a temporary staging table (COPY through psycopg
on PostgreSQL, batched inserts on SQLite) inside one transaction; if any row has a problem the transaction rolls
back and the problems are raised by row and column. Otherwise a few set-based statements compare the staging
table with the roster (moves, joiners, leavers), upsert it, and mark people missing from the file as having left
on the import's day. Nothing here loops over people in Python except the reading itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from govcx.accounts.roles import Action
from govcx.accounts.services import audit_record
from govcx.common import tabular
from govcx.errors import Invalid, InvalidInput, Problem
from govcx.training.models import POSITION_CATEGORIES, Programme, RosterImport
from govcx.training.roster import RosterReader, RosterRow, csv_records
from govcx.training.selectors import programme_organisation_codes
from govcx.training.services.programme import _managed

#: Files larger than this are imported by the background worker, with progress.
BACKGROUND_BYTES = 2 * 1024 * 1024
STAGE = "training_roster_stage"
_STAGE_COLUMNS = ("person_key", "organisation_id", "position_category", "region_code", "started_on", "left_on",
                  "work_email", "manager_key", "email_sha1")


def _records(data: bytes | Path, file_name: str) -> Iterator[Sequence[Any]]:
    fmt = tabular.format_for(file_name)
    if fmt == "xlsx":
        raw = data.read_bytes() if isinstance(data, Path) else data
        yield from tabular.xlsx_records(raw, file_name)
    elif fmt == "csv":
        if isinstance(data, Path):
            with data.open("rb") as stream:
                yield from csv_records(stream)
        else:
            yield from csv_records(io.BytesIO(data))
    else:
        raise Invalid(f"{file_name}: a roster is a .csv or .xlsx file", details=[{"field": "file"}])


def _stage_values(row: RosterRow) -> tuple[Any, ...]:
    sha1 = hashlib.sha1(f"mailto:{row.work_email}".encode()).hexdigest() if row.work_email else ""  # noqa: S324
    return (row.person_key, row.organisation_id, row.position_category, row.region_code, row.started_on,
            row.left_on, row.work_email, row.manager_key, sha1)


def _create_stage(cursor: Any) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {STAGE} (person_key varchar(64) PRIMARY KEY, organisation_id bigint NOT NULL, "
        "position_category varchar(20) NOT NULL, region_code varchar(8) NOT NULL, started_on date NOT NULL, "
        "left_on date NULL, work_email varchar(254) NOT NULL, manager_key varchar(64) NOT NULL, "
        "email_sha1 varchar(40) NOT NULL)"
    )


def _fill_stage(cursor: Any, rows: Iterable[RosterRow], progress: Any) -> None:
    columns = ", ".join(_STAGE_COLUMNS)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {STAGE} ({columns}) FROM STDIN") as copy:
            for count, row in enumerate(rows, start=1):
                copy.write_row(_stage_values(row))
                if count % 50_000 == 0:
                    progress(count)
        return
    placeholders = ", ".join(["%s"] * len(_STAGE_COLUMNS))
    batch: list[tuple[Any, ...]] = []
    for count, row in enumerate(rows, start=1):
        batch.append(_stage_values(row))
        if len(batch) == 10_000:
            cursor.executemany(f"INSERT INTO {STAGE} ({columns}) VALUES ({placeholders})", batch)
            batch.clear()
            progress(count)
    if batch:
        cursor.executemany(f"INSERT INTO {STAGE} ({columns}) VALUES ({placeholders})", batch)


def _scalar(cursor: Any, sql: str, params: Sequence[Any]) -> int:
    cursor.execute(sql, params)
    return int(cursor.fetchone()[0])


def _apply(cursor: Any, programme: Programme, record: RosterImport, today: dt.date) -> None:
    p = programme.pk
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {STAGE}")  # a temporary table has no statistics: without them, nested loops
    first = not _scalar(cursor, "SELECT EXISTS (SELECT 1 FROM training_person WHERE programme_id = %s)", [p])
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
    cursor.execute(
        "INSERT INTO training_person (programme_id, person_key, organisation_id, position_category, region_code, "
        "started_on, left_on, work_email, manager_key, email_sha1, trained_on) "
        "SELECT %s, person_key, organisation_id, position_category, region_code, started_on, left_on, work_email, "
        f"manager_key, email_sha1, NULL FROM {STAGE} WHERE 1 = 1 "
        "ON CONFLICT (programme_id, person_key) DO UPDATE SET organisation_id = excluded.organisation_id, "
        "position_category = excluded.position_category, region_code = excluded.region_code, "
        "started_on = excluded.started_on, left_on = excluded.left_on, work_email = excluded.work_email, "
        "manager_key = excluded.manager_key, email_sha1 = excluded.email_sha1", [p])
    cursor.execute(f"DROP TABLE {STAGE}")


def roster_import(*, actor: Any, programme: Programme, data: bytes | Path, file_name: str,
                  progress: Any = None, today: dt.date | None = None) -> RosterImport:
    """Apply a roster file (bytes, or a path for a large file read by the worker) to the programme."""
    from govcx.training.services.completions import trained_refresh

    today = today or timezone.localdate()
    progress = progress or (lambda done: None)
    with transaction.atomic():
        programme = _managed(actor, programme)
        reader = RosterReader(file_name=file_name, organisations=programme_organisation_codes(programme),
                              position_categories=POSITION_CATEGORIES, today=today)
        record = RosterImport.objects.create(programme=programme, file_name=file_name[:200],
                                             imported_by=actor if getattr(actor, "is_authenticated", False) else None)
        with connection.cursor() as cursor:
            _create_stage(cursor)
            _fill_stage(cursor, reader.rows(_records(data, file_name)), progress)
            if reader.problems:
                raise InvalidInput(reader.problems, f"{file_name}: {len(reader.problems)} problem(s), nothing was "
                                   f"imported; the first: {reader.problems[0]}")
            if reader.count == 0:
                raise InvalidInput([Problem("the file has no people", file=file_name)])
            _apply(cursor, programme, record, today)
        record.rows = reader.count
        record.save(update_fields=["rows", "joiners", "leavers", "moves"])
        if record.moves:
            trained_refresh(programme=programme, moved_in=record)
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
