"""Reading and checking a roster file from HR, with every problem named by row and column (plain Python).

Columns (header row 1, any order): person_id (the pseudonymous id HR gives), organisation (its registry code),
position_category, started_on; optionally region (ISO 3166-2), left_on, work_email, manager_id. Dates are
YYYY-MM-DD (or DD.MM.YYYY) and never in the future; a leaving date is not before the starting date; a person id
appears once.

A national roster has millions of rows, so nothing here loops over rows in Python: the CSV is parsed by Arrow's
reader into string columns (a file Arrow refuses, such as one with short rows, is read by the csv module into the
same columns), and every check is a vectorised expression over a whole column. `check_roster` returns the valid
rows as an Arrow table plus the first MAX_PROBLEMS problems in row order; the caller writes nothing if there is
any problem (all or nothing).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from govcx.errors import Problem

COLUMNS = ("person_id", "organisation", "position_category", "region", "started_on", "left_on", "work_email",
           "manager_id")
REQUIRED = ("person_id", "organisation", "position_category", "started_on")
MAX_PROBLEMS = 1000
#: The columns of `RosterCheck.table`, in the order the roster's staging table takes them.
OUTPUT_COLUMNS = ("person_key", "organisation_id", "position_category", "region_code", "started_on", "left_on",
                  "work_email", "manager_key", "email_sha1")
_KEY = r"^[A-Za-z0-9._\-]{1,64}$"
_EMAIL = r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$"
_REGION = r"^[A-Z]{2}-[A-Z0-9]{1,3}$"
_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y")


@dataclass(frozen=True)
class RosterCheck:
    table: pa.Table  # the valid rows, OUTPUT_COLUMNS (empty when there is any problem)
    problems: list[Problem]
    count: int  # rows that are not blank


def _header(cells: Sequence[Any]) -> list[str]:
    return [str(v or "").strip().lstrip("\ufeff").lower() for v in cells]


def csv_table(source: bytes | Path) -> tuple[list[str], pa.Table]:
    """The header and the rows of a CSV file in UTF-8 (with or without BOM), "," or ";" as the header line uses
    more; every cell a string, row i of the table being row i + 2 of the file."""
    raw = source.read_bytes() if isinstance(source, Path) else source
    first = raw.split(b"\n", 1)[0].decode("utf-8-sig", errors="replace")
    delimiter = ";" if first.count(";") > first.count(",") else ","
    header = _header(next(csv.reader([first], delimiter=delimiter), []))
    names = [f"c{i}" for i in range(len(header))]
    try:
        table = pacsv.read_csv(
            io.BytesIO(raw),
            read_options=pacsv.ReadOptions(column_names=names, skip_rows=1, block_size=16 << 20),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, ignore_empty_lines=False, newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                 strings_can_be_null=False, quoted_strings_can_be_null=False))
    except pa.ArrowInvalid:  # short or long rows, a stray quote: the csv module's forgiving reading
        text = io.StringIO(raw.decode("utf-8-sig", errors="replace"), newline="")
        rows = csv.reader(text, delimiter=delimiter)
        next(rows, None)
        return header, records_table(header, rows)
    return header, table


def records_table(header: Sequence[str], records: Iterable[Sequence[Any]]) -> pa.Table:
    """Rows of cells (a workbook's, or a forgiving CSV reading) as string columns named like `csv_table`'s."""
    columns: list[list[str]] = [[] for _ in header]
    width = len(header)
    for record in records:
        for i in range(width):
            value = record[i] if i < len(record) else None
            if isinstance(value, dt.datetime):
                value = value.date()
            columns[i].append("" if value is None else value.isoformat() if isinstance(value, dt.date)
                              else str(value))
    return pa.table({f"c{i}": pa.array(values, pa.string()) for i, values in enumerate(columns)})


def _dates(text: pa.ChunkedArray) -> pa.ChunkedArray:
    """Dates written YYYY-MM-DD or DD.MM.YYYY; null where the text is neither or names no real day."""
    written = pc.not_equal(text, "")
    if pc.all(pc.or_(pc.invert(written), _matches(text, r"^\d{4}-\d{2}-\d{2}$"))).as_py() is not False:
        try:  # the usual file: every date in ISO form, which Arrow's strict cast reads at once
            return pc.cast(pc.if_else(written, text, None), pa.date32())
        except pa.ArrowInvalid:
            pass  # a day that does not exist (2015-02-30): find it below
    found = pa.nulls(len(text), pa.timestamp("s"))
    for fmt in _DATE_FORMATS:
        # strptime rolls 30 February over to 2 March, so a date counts only if it prints back as written
        parsed = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        exact = pc.fill_null(pc.equal(pc.strftime(parsed, format=fmt), text), False)
        found = pc.if_else(exact, parsed, found)
    return pc.cast(found, pa.date32())


def _trimmed(column: pa.ChunkedArray) -> pa.ChunkedArray:
    column = pc.fill_null(column, "")
    if pc.any(pc.match_substring_regex(column, r"^\s|\s$")).as_py():  # trimming is slow: only when needed
        return pc.utf8_trim_whitespace(column)
    return column


def _matches(text: pa.ChunkedArray, pattern: str) -> pa.ChunkedArray:
    return pc.fill_null(pc.match_substring_regex(text, pattern), False)


def check_roster(header: Sequence[str], table: pa.Table, *, file_name: str, organisations: Mapping[str, int],
                 position_categories: Sequence[str], today: dt.date) -> RosterCheck:
    """Check every row; `organisations` maps the codes of the programme's organisations to their ids."""
    problems: list[Problem] = []
    for name in header:
        if name and name not in COLUMNS:
            problems.append(Problem("unknown column; the columns are: " + ", ".join(COLUMNS), file=file_name,
                                    row=1, field=name))
    if not header:
        problems.append(Problem("row 1 must be the header naming the columns: " + ", ".join(COLUMNS),
                                file=file_name, row=1, field=""))
    for name in REQUIRED:
        if header and name not in header:
            problems.append(Problem("required column is missing", file=file_name, row=1, field=name))
    empty = pa.Table.from_arrays([pa.array([], pa.string())] * len(OUTPUT_COLUMNS), names=list(OUTPUT_COLUMNS))
    if problems:
        return RosterCheck(empty, problems[:MAX_PROBLEMS], 0)

    size = table.num_rows
    blank_column = pa.chunked_array([pa.repeat("", size)], pa.string())

    def cell(name: str) -> pa.ChunkedArray:
        if name not in header:
            return blank_column
        return _trimmed(table.column(header.index(name)))

    cells = {name: cell(name) for name in COLUMNS}
    cells["region"] = pc.utf8_upper(cells["region"])
    cells["work_email"] = pc.utf8_lower(cells["work_email"])
    filled = {name: pc.not_equal(value, "") for name, value in cells.items()}
    blank = pc.invert(_any([filled[name] for name in COLUMNS if name in header]))
    row_numbers = pa.array(np.arange(2, size + 2, dtype=np.int64))

    key = cells["person_id"]
    key_ok = _matches(key, _KEY)
    not_blank = pc.invert(blank)
    # a key's first non-blank row keeps it; any later row with it is a duplicate (the grouping only when some
    # key does repeat, which a distinct count tells far faster)
    keys = pc.filter(key, not_blank)
    if pc.count_distinct(keys).as_py() == len(keys):
        first: Any = pa.repeat(True, size)
    else:
        indexed = pa.Table.from_arrays([key, row_numbers], names=["key", "row"]).filter(not_blank)
        first = pc.is_in(row_numbers, value_set=indexed.group_by("key").aggregate([("row", "min")]).column("row_min"))
    organisation_id = pc.take(pa.array(list(organisations.values()), pa.int64()),
                              pc.index_in(cells["organisation"], value_set=pa.array(list(organisations), pa.string())))
    started, left = _dates(cells["started_on"]), _dates(cells["left_on"])
    today_scalar = pa.scalar(today, pa.date32())
    checks: list[tuple[str, str, Any]] = [
        ("person_id", "must be 1–64 letters, digits, dots, dashes or underscores", pc.invert(key_ok)),
        ("person_id", "appears twice in the file", pc.and_(key_ok, pc.invert(first))),
        ("organisation", "is not an organisation of this programme", pc.is_null(organisation_id)),
        ("position_category", "must be one of " + ", ".join(position_categories),
         pc.invert(pc.is_in(cells["position_category"], value_set=pa.array(list(position_categories))))),
        ("region", "must be an ISO 3166-2 code such as RU-TUL",
         pc.and_(filled["region"], pc.invert(_matches(cells["region"], _REGION)))),
        ("started_on", "is required", pc.invert(filled["started_on"])),
        ("started_on", "is not a date (YYYY-MM-DD)", pc.and_(filled["started_on"], pc.is_null(started))),
        ("started_on", "is in the future", pc.fill_null(pc.greater(started, today_scalar), False)),
        ("left_on", "is not a date (YYYY-MM-DD)", pc.and_(filled["left_on"], pc.is_null(left))),
        ("left_on", "is in the future", pc.fill_null(pc.greater(left, today_scalar), False)),
        ("left_on", "is before started_on",
         pc.fill_null(pc.and_(pc.less(left, started), pc.and_(pc.less_equal(left, today_scalar),
                                                              pc.less_equal(started, today_scalar))), False)),
        ("work_email", "is not an e-mail address",
         pc.and_(filled["work_email"], pc.invert(_matches(cells["work_email"], _EMAIL)))),
        ("manager_id", "must be a person id",
         pc.and_(filled["manager_id"], pc.invert(_matches(cells["manager_id"], _KEY)))),
    ]
    found: list[tuple[int, int, str, str]] = []
    for order, (column, message, failed) in enumerate(checks):
        failed = pc.and_(failed, not_blank)
        rows = pc.filter(row_numbers, failed)[:MAX_PROBLEMS].to_pylist()
        found.extend((row, order, column, message) for row in rows)
    found.sort()
    problems = [Problem(message, file=file_name, row=row, field=column)
                for row, _order, column, message in found[:MAX_PROBLEMS]]
    count = size - pc.sum(blank.cast(pa.int64())).as_py() if size else 0
    if problems:
        return RosterCheck(empty, problems, count)
    valid = pa.Table.from_arrays(
        [key, organisation_id, cells["position_category"], cells["region"], started, left, cells["work_email"],
         cells["manager_id"]], names=list(OUTPUT_COLUMNS[:-1])).filter(not_blank)
    emails = valid.column("work_email")
    written = pc.not_equal(emails, "")
    mailto = pc.binary_join_element_wise("mailto:", pc.filter(emails, written), "").cast(pa.binary()).to_pylist()
    hashed = pa.array([hashlib.sha1(m).hexdigest() for m in mailto], pa.string())  # noqa: S324 (xAPI's mbox hash)
    sha1 = pc.replace_with_mask(pa.repeat("", len(emails)), written.combine_chunks(), hashed) if len(hashed) \
        else pa.repeat("", len(emails))
    return RosterCheck(valid.append_column("email_sha1", sha1), [], count)


def _any(masks: list[Any]) -> Any:
    result = masks[0]
    for mask in masks[1:]:
        result = pc.or_(result, mask)
    return result
