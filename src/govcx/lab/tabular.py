"""A study's raw data as files (export) and attempts recorded elsewhere as rows (import). Plain Python, no Django.

Export: one table per file (CSV, bundled in a ZIP) or per sheet (one XLSX workbook): tasks, participants
(pseudonymous: no personal field ever), attempts, questionnaires, observations, findings. Cells go through the
formula-injection guard of `govcx.reports.tables`.

Import: a CSV (or XLSX) of attempts with the columns `ATTEMPT_COLUMNS` (`mode` optional). Files are read with the
registry's readers (`govcx.registry.tabular`: UTF-8 with or without BOM, "," or ";", first XLSX sheet); rows are
numbered as a spreadsheet shows them (header = row 1) and every problem names file:row:field.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from govcx.registry.tabular import (
    MAX_FILE_BYTES,
    ImportInvalid,
    ImportProblem,
    _csv_records,
    _is_blank,
    _text,
    _xlsx_records,
)
from govcx.reports.tables import to_csv, to_xlsx_sheets

__all__ = [
    "ATTEMPT_COLUMNS",
    "EXPORT_TABLES",
    "AttemptRow",
    "ImportInvalid",
    "ImportProblem",
    "bundle",
    "read_attempt_rows",
]

EXPORT_TABLES: dict[str, tuple[str, ...]] = {
    "tasks": ("key", "order", "title", "scenario", "success_criteria", "critical_path", "benchmark_completion",
              "target_seconds"),
    "participants": ("code", "status", "client_category", "age_band", "region", "digital_confidence", "disability",
                     "assisted_digital", "withdrawn"),
    "attempts": ("participant_code", "task_key", "outcome", "seconds", "errors", "assists", "seq", "mode",
                 "session_id"),
    "questionnaires": ("participant_code", "kind", "score", *(f"item{i}" for i in range(1, 11))),
    "observations": ("participant_code", "task_key", "at_seconds", "text", "tags", "finding_id"),
    "findings": ("id", "title", "description", "severity", "status", "task_key", "screen", "recommendation",
                 "affected_participants"),
}

ATTEMPT_COLUMNS: tuple[str, ...] = ("participant_code", "task_key", "outcome", "seconds", "errors", "assists", "seq",
                                    "mode")
REQUIRED_ATTEMPT_COLUMNS = ATTEMPT_COLUMNS[:-1]
IGNORED_COLUMNS = frozenset({"session_id"})  # in the export, meaningless in another study: skipped on import
OUTCOMES = ("success", "partial", "failure", "abandoned")
MODES = ("moderated", "unmoderated")
FORMATS = ("csv", "xlsx")


# ---- export -------------------------------------------------------------------------------------------------


def bundle(fmt: str, tables: Mapping[str, tuple[Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """All tables in one file: a ZIP of `<table>.csv` files (csv) or one workbook, a sheet per table (xlsx)."""
    if fmt == "xlsx":
        return to_xlsx_sheets(tables)
    if fmt != "csv":
        raise ValueError(f"unknown format {fmt!r}; use csv or xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (header, rows) in tables.items():
            archive.writestr(f"{name}.csv", to_csv(header, rows))
    return buffer.getvalue()


# ---- import -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AttemptRow:
    row: int
    participant_code: str
    task_key: str
    outcome: str
    seconds: float
    errors: int
    assists: int
    seq: int | None
    mode: str


def _records(data: bytes, fmt: str, file_name: str) -> list[list[Any]]:
    if fmt not in FORMATS:
        raise ImportInvalid([ImportProblem(file_name, None, "", f"unknown format {fmt!r}; use csv or xlsx")])
    if len(data) > MAX_FILE_BYTES:
        raise ImportInvalid([ImportProblem(file_name, None, "", "the file is too large; split it")])
    return _csv_records(data, file_name) if fmt == "csv" else _xlsx_records(data, file_name)


def _whole(value: Any, field: str, low: int, high: int | None, problem: Any) -> int | None:
    text = _text(value).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        problem(field, f"{text!r} is not a whole number")
        return None
    if not number.is_integer() or number < low or (high is not None and number > high):
        problem(field, f"{text!r} is not a whole number {low}–{high}" if high else f"{text!r} is not a whole "
                f"number ≥ {low}")
        return None
    return int(number)


def read_attempt_rows(data: bytes, fmt: str, file_name: str) -> list[AttemptRow]:
    """Attempts from a file, every cell checked; ImportInvalid listing every problem as file:row:field.

    A participant and task may appear only once per mode (one attempt per session and task)."""
    records = _records(data, fmt, file_name)
    if not records or all(_is_blank(v) for v in records[0]):
        raise ImportInvalid([ImportProblem(file_name, 1, "", "row 1 must name the columns: "
                                           + ", ".join(ATTEMPT_COLUMNS))])
    header = [None if name in IGNORED_COLUMNS else name
              for name in (_text(v).lstrip("\ufeff").lower() or None for v in records[0])]
    problems: list[ImportProblem] = []
    for name in header:
        if name is not None and name not in ATTEMPT_COLUMNS:
            problems.append(ImportProblem(file_name, 1, name, "unknown column; the columns are: "
                                          + ", ".join(ATTEMPT_COLUMNS)))
    for name in REQUIRED_ATTEMPT_COLUMNS:
        if name not in header:
            problems.append(ImportProblem(file_name, 1, name, "required column is missing"))
    if len([n for n in header if n]) != len({n for n in header if n}):
        problems.append(ImportProblem(file_name, 1, "", "a column appears more than once"))
    if problems:
        raise ImportInvalid(problems)

    rows: list[AttemptRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, record in enumerate(records[1:], start=2):
        if all(_is_blank(v) for v in record):
            continue
        cells = {name: record[i] if i < len(record) else None for i, name in enumerate(header) if name}

        def problem(field: str, message: str, number: int = number) -> None:
            problems.append(ImportProblem(file_name, number, field, message))

        code, key = _text(cells.get("participant_code")), _text(cells.get("task_key"))
        for field, value in (("participant_code", code), ("task_key", key)):
            if not value:
                problem(field, "required")
        outcome = _text(cells.get("outcome")).lower()
        if outcome not in OUTCOMES:
            problem("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
        seconds_text = _text(cells.get("seconds")).replace(",", ".")
        try:
            seconds = float(seconds_text)
            if not math.isfinite(seconds) or seconds < 0:
                raise ValueError
        except ValueError:
            problem("seconds", f"{seconds_text!r} is not a number of seconds ≥ 0")
            seconds = -1.0
        errors = _whole(cells.get("errors") if not _is_blank(cells.get("errors")) else 0, "errors", 0, None, problem)
        assists = _whole(cells.get("assists") if not _is_blank(cells.get("assists")) else 0, "assists", 0, None,
                         problem)
        seq = None if _is_blank(cells.get("seq")) else _whole(cells.get("seq"), "seq", 1, 7, problem)
        mode = _text(cells.get("mode")).lower() or "moderated"
        if mode not in MODES:
            problem("mode", f"{mode!r} is not one of {', '.join(MODES)}")
        if code and key:
            first = seen.setdefault((code, key, mode), number)
            if first != number:
                problem("task_key", f"{code} already has an attempt at {key!r} in row {first}")
        if not problems or problems[-1].row != number:
            rows.append(AttemptRow(number, code, key, outcome, seconds, errors or 0, assists or 0, seq, mode))
    if problems:
        raise ImportInvalid(problems)
    return rows
