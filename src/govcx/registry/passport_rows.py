"""Service passports as spreadsheet rows: the column layout, a passport to a row, a row's cells to ServiceIn.

Plain Python, no Django. One row per service; the columns are `COLUMNS`. List cells hold codes (or URLs)
separated by ";". Steps and documents use the cell formats of `passport_text`: items separated by ";",
"English / Russian" names, a trailing "[visit]" marks an in-person step, "Name | Registry" marks a document
a state registry already holds ("Name |" when the registry is not named). Files are read and written by
`govcx.common.tabular`; every problem names the file, the row and the field (column).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError

from govcx.common.tabular import cell_text, is_blank, read_rows
from govcx.errors import InvalidInput, Problem
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
SEPARATOR = "; "


def read_passport_rows(data: bytes, fmt: str, file_name: str) -> list[tuple[int, dict[str, Any]]]:
    """(row number, {column: raw cell}) of a passport file; InvalidInput naming each problem otherwise."""
    return read_rows(data, fmt, file_name, columns=COLUMNS, required=REQUIRED_COLUMNS)


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


# ---- cells to ServiceIn ------------------------------------------------------------------------------------


def _items(value: Any) -> list[str]:
    return [part.strip() for part in cell_text(value).split(";") if part.strip()]


def _number(value: Any) -> Any:
    """A number cell for pydantic: spreadsheet numbers as they are, text with a decimal comma fixed."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else Decimal(repr(value))
    if isinstance(value, int):
        return value
    text = cell_text(value).replace("\u00a0", "").replace(" ", "")
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
            data[column] = cell_text(value)
        elif column in LIST_COLUMNS:
            data[column] = _items(value)
        elif column in KEEP_IF_EMPTY:
            if not is_blank(value):
                data[column] = cell_text(value).lower()
        elif column == "deadline_days":
            data[column] = None if is_blank(value) else _number(value)
        elif column == "fee":
            data[column] = Decimal(0) if is_blank(value) else _fee(value)
        elif column == "feedback_url":
            data[column] = cell_text(value) or None
        elif column == "steps":
            data[column] = parse_steps(cell_text(value))
        elif column == "documents":
            data[column] = parse_documents(cell_text(value))
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
    """The validated passport of one row, or InvalidInput naming each bad field.

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
            problems.append(Problem(_message(error), file=file, row=row_number, field=field))
        raise InvalidInput(problems) from None
