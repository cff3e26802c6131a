"""Tabular files (CSV, XLSX) from rows: one writer for every export of govcx."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _safe_cell(value: Any) -> Any:
    """Neutralise spreadsheet formula injection in text cells (OWASP CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else _safe_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # BOM so spreadsheet programs read UTF-8


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "data") -> bytes:
    return to_xlsx_sheets({sheet: (header, rows)})


def to_xlsx_sheets(sheets: Mapping[str, tuple[Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """One workbook, a sheet per table (name → header, rows); bold frozen header row."""
    workbook = Workbook(write_only=False)
    if (default_sheet := workbook.active) is not None:
        workbook.remove(default_sheet)
    for name, (header, rows) in sheets.items():
        worksheet = workbook.create_sheet(name[:31])
        worksheet.append(list(header))
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            worksheet.append([_safe_cell(v) for v in row])
        worksheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_table(fmt: str, header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "data") -> bytes:
    if fmt == "csv":
        return to_csv(header, rows)
    if fmt == "xlsx":
        return to_xlsx(header, rows, sheet=sheet)
    raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")
