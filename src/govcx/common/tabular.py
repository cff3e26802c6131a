"""Tabular files (CSV, XLSX): reading rows with every problem named by file, row and field, and writing them.

Plain Python, no Django. One reader and one writer for every import and export of govcx; the column layouts
(service passports, survey responses, lab attempts) stay with their apps.

Reading: CSV in UTF-8 with or without BOM, "," or ";" delimiter (whichever the header line uses more); XLSX:
the first worksheet, as the spreadsheet shows it (cached results, not formula text). Rows are numbered as a
spreadsheet program shows them: the header is row 1, the first data row 2.

Writing: a bold, frozen header row; text cells that a spreadsheet would run as a formula are prefixed with "'"
(OWASP CSV injection), and `cell_text` takes the prefix off again on import. Every text cell goes out through
`common.text.xml_safe` (control characters XML cannot hold are taken out), so a stored text with a vertical tab
or NUL cannot break an export, in XLSX or CSV alike.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from govcx.common.text import xml_safe
from govcx.errors import Invalid, InvalidInput, Problem

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: What `bundle` gives: a ZIP of CSV files, or one workbook.
BUNDLE_CONTENT_TYPES = {"csv": "application/zip", "xlsx": CONTENT_TYPES["xlsx"]}
BUNDLE_SUFFIXES = {"csv": "zip", "xlsx": "xlsx"}
MAX_FILE_BYTES = 20 * 1024 * 1024
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def format_for(file_name: str) -> str:
    """"csv" or "xlsx" from a file name's extension; "" when it is neither."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return suffix if suffix in FORMATS else ""


def _file_problem(file_name: str, message: str, row: int | None = None) -> InvalidInput:
    return InvalidInput([Problem(message, file=file_name, row=row)])


# ---- reading ------------------------------------------------------------------------------------------------


def _decode(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_problem(
            file_name, f"the file is not UTF-8 text (byte {exc.start + 1}); save it as \"CSV UTF-8\""
        ) from None


def csv_records(data: bytes, file_name: str) -> list[list[Any]]:
    """Every line of a CSV file as a list of cells, the header included."""
    text = _decode(data, file_name)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise _file_problem(file_name, f"not a readable CSV file: {exc}") from None


def xlsx_records(data: bytes, file_name: str) -> list[list[Any]]:
    """Every row of a workbook's first sheet as a list of cells (position = the row number shown)."""
    from openpyxl import load_workbook

    try:
        # data_only: what the spreadsheet shows (cached results), not formula text
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise _file_problem(file_name, f"not a readable XLSX workbook ({exc})") from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store wrong dimensions; read what is there
        # openpyxl yields an empty row for every missing row, so position = the row number shown
        return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()


def records(data: bytes, fmt: str, file_name: str) -> list[list[Any]]:
    """The file's rows of cells after checking its format and size; InvalidInput otherwise."""
    if fmt not in FORMATS:
        raise _file_problem(file_name, f"unknown format {fmt!r}; use csv or xlsx")
    if len(data) > MAX_FILE_BYTES:
        raise _file_problem(file_name, f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it")
    return csv_records(data, file_name) if fmt == "csv" else xlsx_records(data, file_name)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value: Any) -> str:
    """A cell as trimmed text: whole floats without ".0", the export's formula-guard "'" taken off."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


def parse_date(text: str) -> dt.date:
    """A date cell as people type it: ISO (2026-03-31) or day.month.year (31.03.2026); ValueError otherwise."""
    if re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", text):
        day, month, year = text.split(".")
        return dt.date(int(year), int(month), int(day))
    return dt.date.fromisoformat(text)


def read_rows(
    data: bytes, fmt: str, file_name: str, *, columns: Sequence[str], required: Collection[str]
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: raw cell}) for every non-blank row below the header; InvalidInput otherwise.

    Columns may come in any order; the header row (row 1) must name every required column and no unknown one.
    Cells of an absent optional column are not in the dict.
    """
    found = records(data, fmt, file_name)
    if not found or all(is_blank(v) for v in found[0]):
        raise _file_problem(file_name, "row 1 must be the header naming the columns: " + ", ".join(columns), row=1)

    problems: list[Problem] = []
    header: list[str | None] = []
    for value in found[0]:
        name = "" if value is None else str(value).strip().lstrip("\ufeff").lower()
        header.append(name or None)
    seen: set[str] = set()
    for column in header:
        if column is None:
            continue
        name = column
        if name not in columns:
            problems.append(Problem("unknown column; the columns are: " + ", ".join(columns),
                                    file=file_name, row=1, field=name))
        elif name in seen:
            problems.append(Problem("the column appears more than once", file=file_name, row=1, field=name))
        seen.add(name)
    for name in required:
        if name not in seen:
            problems.append(Problem("required column is missing", file=file_name, row=1, field=name))
    if problems:
        raise InvalidInput(problems)

    rows: list[tuple[int, dict[str, Any]]] = []
    for number, record in enumerate(found[1:], start=2):
        if all(is_blank(v) for v in record):
            continue
        row: dict[str, Any] = {}
        for position, value in enumerate(record):
            column = header[position] if position < len(header) else None
            if column is not None:
                row[column] = value
            elif not is_blank(value):
                problems.append(Problem("a value in a column without a header", file=file_name, row=number,
                                        field=f"column {position + 1}"))
        for column in header:
            if column is not None:
                row.setdefault(column, None)
        rows.append((number, row))
    if problems:
        raise InvalidInput(problems)
    return rows


# ---- writing ------------------------------------------------------------------------------------------------


def safe_cell(value: Any) -> Any:
    """A text cell a spreadsheet can hold and will not run: no illegal control characters, and formula injection
    neutralised (OWASP CSV injection)."""
    value = xml_safe(value)
    if isinstance(value, str) and value[:1] in _FORMULA_START:
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([xml_safe(v) for v in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM so spreadsheet programs read UTF-8


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "data") -> bytes:
    return to_xlsx_sheets({sheet: (header, rows)})


def to_xlsx_sheets(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One workbook, a sheet per table (name → header, rows); bold frozen header row."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    if workbook.active is not None:
        workbook.remove(workbook.active)
    for name, (header, rows) in sheets.items():
        worksheet = workbook.create_sheet(name[:31])
        worksheet.append([xml_safe(v) for v in header])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            worksheet.append([safe_cell(v) for v in row])
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_table(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "data") -> bytes:
    if fmt == "csv":
        return to_csv(header, rows)
    if fmt == "xlsx":
        return to_xlsx(header, rows, sheet=sheet)
    raise Invalid(f"unknown format {fmt!r}; use csv or xlsx", details=[{"field": "format"}])


def to_parquet(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """A Parquet file of the rows, each column's type inferred by Arrow (text when its values mix types)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    listed = [list(row) for row in rows]
    columns = {}
    for i, name in enumerate(header):
        values = [row[i] for row in listed]
        try:
            columns[name] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[name] = pa.array([None if v is None else str(v) for v in values], pa.string())
    buffer = io.BytesIO()
    pq.write_table(pa.table(columns) if header else pa.table({}), buffer)
    return buffer.getvalue()


def bundle(fmt: str, tables: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """Several tables in one file: a ZIP of `<table>.csv` (csv) or `<table>.parquet` files (parquet), or one
    workbook, a sheet per table (xlsx)."""
    if fmt == "xlsx":
        return to_xlsx_sheets(tables)
    if fmt not in ("csv", "parquet"):
        raise Invalid(f"unknown format {fmt!r}; use csv, xlsx or parquet", details=[{"field": "format"}])
    write = to_csv if fmt == "csv" else to_parquet
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            archive.writestr(f"{name}.{fmt}", write(header, rows))
    return buffer.getvalue()
