"""Service passports as spreadsheet rows (CSV, XLSX): the column layout, reading files, cells to ServiceIn.

Plain Python, no Django. One row per service; the columns are `COLUMNS`. List cells hold codes (or URLs)
separated by ";". Steps and documents use the cell formats of `passport_text`: items separated by ";",
"English / Russian" names, a trailing "[visit]" marks an in-person step, "Name | Registry" marks a document
a state registry already holds ("Name |" when the registry is not named).

Rows are numbered as a spreadsheet program shows them: the header is row 1, the first service row 2.
Every problem names the file, the row and the field (column), so a whole file can be fixed in one pass.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from govcx.registry.passport_text import format_steps, parse_documents, parse_steps
from govcx.registry.schemas import ServiceIn

COLUMNS: tuple[str, ...] = (
    "code", "name_en", "name_ru", "description_en", "description_ru", "owner",
    "client_categories", "life_situations", "channels", "stage", "deadline_days", "deadline_kind", "fee",
    "legal_basis", "page_urls", "feedback_url", "steps", "documents",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("code", "name_en", "owner", "client_categories")
LIST_COLUMNS = frozenset({"client_categories", "life_situations", "channels", "page_urls"})
TEXT_COLUMNS = frozenset(
    {"code", "name_en", "name_ru", "description_en", "description_ru", "owner", "legal_basis"}
)
# An empty cell in these columns means "not given": the current value (or the default for a new service).
KEEP_IF_EMPTY = frozenset({"stage", "deadline_kind"})

FORMATS = ("csv", "xlsx")
MAX_FILE_BYTES = 20 * 1024 * 1024
SEPARATOR = "; "
# Export prefixes cells starting with these with "'" (formula-injection guard, see reports.tables); undo it.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ImportProblem:
    file: str
    row: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.row}" if self.row else self.file
        return f"{where}: {self.field or '(file)'}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "row": self.row, "field": self.field, "message": self.message}


class ImportInvalid(ValueError):
    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def format_for(file_name: str) -> str:
    """"csv" or "xlsx" from a file name's extension; "" when it is neither."""
    suffix = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    return suffix if suffix in FORMATS else ""


# ---- export ------------------------------------------------------------------------------------------------


def _format_documents(documents: list[dict[str, Any]]) -> str:
    items = []
    for d in documents:
        name = d["name_en"] + (f" / {d['name_ru']}" if d.get("name_ru") else "")
        if d.get("held_in_registry"):
            name += f" | {d['registry_name']}" if d.get("registry_name") else " |"
        items.append(name)
    return SEPARATOR.join(items)


def passport_to_row(passport: Mapping[str, Any]) -> list[Any]:
    """One spreadsheet row (in `COLUMNS` order) from a passport in the ServiceIn shape."""
    fee = passport.get("fee")
    cells: dict[str, Any] = {
        **{c: passport.get(c) or "" for c in TEXT_COLUMNS},
        **{c: SEPARATOR.join(str(v) for v in passport.get(c) or []) for c in LIST_COLUMNS},
        "stage": str(passport.get("stage") or ""),
        "deadline_kind": str(passport.get("deadline_kind") or ""),
        "deadline_days": passport.get("deadline_days"),
        "fee": Decimal(str(fee)) if fee not in (None, "") else None,
        "feedback_url": str(passport.get("feedback_url") or ""),
        "steps": format_steps(list(passport.get("steps") or []), SEPARATOR),
        "documents": _format_documents(list(passport.get("documents") or [])),
    }
    return [cells[c] for c in COLUMNS]


# ---- reading files -----------------------------------------------------------------------------------------


def _decode(data: bytes, file_name: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportInvalid([ImportProblem(
            file_name, None, "",
            f"the file is not UTF-8 text (byte {exc.start + 1}); save it as \"CSV UTF-8\"",
        )]) from None


def _csv_records(data: bytes, file_name: str) -> list[list[Any]]:
    text = _decode(data, file_name)
    header_line = text.split("\n", 1)[0]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportInvalid([ImportProblem(file_name, None, "", f"not a readable CSV file: {exc}")]) from None


def _xlsx_records(data: bytes, file_name: str) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        # data_only: what the spreadsheet shows (cached results), not formula text
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        problem = ImportProblem(file_name, None, "", f"not a readable XLSX workbook ({exc})")
        raise ImportInvalid([problem]) from None
    try:
        if not workbook.worksheets:
            return []
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers store wrong dimensions; read what is there
        # openpyxl yields an empty row for every missing row, so position = the row number shown
        return [list(row) for row in sheet.iter_rows(min_row=1, values_only=True)]
    finally:
        workbook.close()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_rows(
    data: bytes,
    fmt: str,
    file_name: str,
    *,
    columns: tuple[str, ...] = COLUMNS,
    required: tuple[str, ...] | frozenset[str] = REQUIRED_COLUMNS,
) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: raw cell}) for every non-blank row below the header; ImportInvalid otherwise.

    `columns` and `required` default to the passport layout; other imports (survey responses, lab attempts)
    pass their own.

    CSV: UTF-8 with or without BOM, "," or ";" delimiter (whichever the header line uses more).
    XLSX: the first worksheet. Columns may come in any order; the header row (row 1) must name every
    required column and no unknown one. Cells of an absent optional column are not in the dict.
    """
    if fmt not in FORMATS:
        raise ImportInvalid([ImportProblem(file_name, None, "", f"unknown format {fmt!r}; use csv or xlsx")])
    if len(data) > MAX_FILE_BYTES:
        raise ImportInvalid([ImportProblem(
            file_name, None, "", f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it"
        )])
    records = _csv_records(data, file_name) if fmt == "csv" else _xlsx_records(data, file_name)
    if not records or all(_is_blank(v) for v in records[0]):
        raise ImportInvalid([ImportProblem(
            file_name, 1, "", "row 1 must be the header naming the columns: " + ", ".join(columns)
        )])

    problems: list[ImportProblem] = []
    header: list[str | None] = []
    for value in records[0]:
        label = "" if value is None else str(value).strip().lstrip("\ufeff").lower()
        header.append(label or None)
    seen: set[str] = set()
    for name in header:
        if name is None:
            continue
        if name not in columns:
            problems.append(ImportProblem(
                file_name, 1, name, "unknown column; the columns are: " + ", ".join(columns)
            ))
        elif name in seen:
            problems.append(ImportProblem(file_name, 1, name, "the column appears more than once"))
        seen.add(name)
    for name in required:
        if name not in seen:
            problems.append(ImportProblem(file_name, 1, name, "required column is missing"))
    if problems:
        raise ImportInvalid(problems)

    rows: list[tuple[int, dict[str, Any]]] = []
    for number, record in enumerate(records[1:], start=2):
        if all(_is_blank(v) for v in record):
            continue
        row: dict[str, Any] = {}
        for position, value in enumerate(record):
            name = header[position] if position < len(header) else None
            if name is not None:
                row[name] = value
            elif not _is_blank(value):
                problems.append(ImportProblem(
                    file_name, number, f"column {position + 1}", "a value in a column without a header"
                ))
        for name in header:
            if name is not None:
                row.setdefault(name, None)
        rows.append((number, row))
    if problems:
        raise ImportInvalid(problems)
    return rows


# ---- cells to ServiceIn ------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text[:1] == "'" and text[1:2] in _FORMULA_START:
        text = text[1:]
    return text


def _items(value: Any) -> list[str]:
    return [part.strip() for part in _text(value).split(";") if part.strip()]


def _number(value: Any) -> Any:
    """A number cell for pydantic: spreadsheet numbers as they are, text with a decimal comma fixed."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, int):
        return value
    text = _text(value).replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d+,\d+", text):
        text = text.replace(",", ".")
    return text


def _fee(value: Any) -> Any:
    number = _number(value)
    if isinstance(number, str):
        try:
            return Decimal(number)
        except InvalidOperation:
            return number  # pydantic names the problem
    return number


def row_cells_to_data(row: Mapping[str, Any]) -> dict[str, Any]:
    """The ServiceIn-shaped dict of the columns present in `row` (cells in an absent column are absent)."""
    data: dict[str, Any] = {}
    for column, value in row.items():
        if column in TEXT_COLUMNS:
            data[column] = _text(value)
        elif column in LIST_COLUMNS:
            data[column] = _items(value)
        elif column in KEEP_IF_EMPTY:
            if not _is_blank(value):
                data[column] = _text(value).lower()
        elif column == "deadline_days":
            data[column] = None if _is_blank(value) else _number(value)
        elif column == "fee":
            data[column] = Decimal(0) if _is_blank(value) else _fee(value)
        elif column == "feedback_url":
            data[column] = _text(value) or None
        elif column == "steps":
            data[column] = parse_steps(_text(value))
        elif column == "documents":
            data[column] = parse_documents(_text(value))
    return data


def _message(error: Mapping[str, Any]) -> str:
    loc = [p for p in error.get("loc", ()) if p != "__root__"]
    if error.get("type") == "missing" or (len(loc) <= 1 and error.get("input") in ("", None)):
        message = "is required"
    elif error.get("type") == "too_short" and len(loc) == 1:
        message = "needs at least one code"
    else:
        message = str(error.get("msg", "is not valid"))
        given = error.get("input")
        if isinstance(given, str | int | float | Decimal) and not isinstance(given, bool) and given != "":
            message += f" (got {given!r})"
    if len(loc) >= 2 and isinstance(loc[1], int):
        what = {"steps": "step", "documents": "document"}.get(str(loc[0]), "item")
        inner = ", ".join(str(p) for p in loc[2:])
        message = f"{what} {loc[1] + 1}{f' {inner}' if inner else ''}: {message}"
    return message


def row_to_service_in(
    row: Mapping[str, Any],
    *,
    file: str = "",
    row_number: int | None = None,
    base: Mapping[str, Any] | None = None,
) -> ServiceIn:
    """The validated passport of one row, or ImportInvalid naming each bad field.

    `base` (a passport in the ServiceIn shape, e.g. the stored one) supplies the columns the file does not
    have and the "not given" cells, so a file with a few columns updates only those.
    """
    data = {**(base or {}), **row_cells_to_data(row)}
    try:
        return ServiceIn.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = error.get("loc", ())
            field = str(loc[0]) if loc else ""
            problems.append(ImportProblem(file, row_number, field, _message(error)))
        raise ImportInvalid(problems) from None
