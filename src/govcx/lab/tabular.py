"""A study's raw data as files (export) and attempts recorded elsewhere as rows (import). Plain Python, no Django.

Export: the tables `EXPORT_TABLES`, one per file (CSV, bundled in a ZIP) or per sheet (one XLSX workbook): tasks,
participants (pseudonymous: no personal field ever), attempts, questionnaires, observations, findings; written by
`govcx.common.tabular.bundle` (formula-injection guard included).

Import: a CSV (or XLSX) of attempts with the columns `ATTEMPT_COLUMNS` (`mode` optional). Files are read with the
shared readers (`govcx.common.tabular`: UTF-8 with or without BOM, "," or ";", first XLSX sheet); rows are
numbered as a spreadsheet shows them (header = row 1) and every problem names file:row:field.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from govcx.common.tabular import cell_text, is_blank, records
from govcx.errors import InvalidInput, Problem

__all__ = ["ATTEMPT_COLUMNS", "EXPORT_TABLES", "AttemptRow", "read_attempt_rows"]

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


def _whole(value: Any, field: str, low: int, high: int | None, problem: Any) -> int | None:
    text = cell_text(value).replace(",", ".")
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
    """Attempts from a file, every cell checked; InvalidInput listing every problem as file:row:field.

    A participant and task may appear only once per mode (one attempt per session and task)."""
    found = records(data, fmt, file_name)
    if not found or all(is_blank(v) for v in found[0]):
        raise InvalidInput([Problem("row 1 must name the columns: " + ", ".join(ATTEMPT_COLUMNS),
                                    file=file_name, row=1)])
    header = [None if name in IGNORED_COLUMNS else name
              for name in (cell_text(v).lstrip("\ufeff").lower() or None for v in found[0])]
    problems: list[Problem] = []
    for name in header:
        if name is not None and name not in ATTEMPT_COLUMNS:
            problems.append(Problem("unknown column; the columns are: " + ", ".join(ATTEMPT_COLUMNS),
                                    file=file_name, row=1, field=name))
    for name in REQUIRED_ATTEMPT_COLUMNS:
        if name not in header:
            problems.append(Problem("required column is missing", file=file_name, row=1, field=name))
    if len([n for n in header if n]) != len({n for n in header if n}):
        problems.append(Problem("a column appears more than once", file=file_name, row=1))
    if problems:
        raise InvalidInput(problems)

    rows: list[AttemptRow] = []
    seen: dict[tuple[str, str, str], int] = {}
    for number, record in enumerate(found[1:], start=2):
        if all(is_blank(v) for v in record):
            continue
        cells = {name: record[i] if i < len(record) else None for i, name in enumerate(header) if name}

        def problem(field: str, message: str, number: int = number) -> None:
            problems.append(Problem(message, file=file_name, row=number, field=field))

        code, key = cell_text(cells.get("participant_code")), cell_text(cells.get("task_key"))
        for field, value in (("participant_code", code), ("task_key", key)):
            if not value:
                problem(field, "required")
        outcome = cell_text(cells.get("outcome")).lower()
        if outcome not in OUTCOMES:
            problem("outcome", f"{outcome!r} is not one of {', '.join(OUTCOMES)}")
        seconds_text = cell_text(cells.get("seconds")).replace(",", ".")
        try:
            seconds = float(seconds_text)
            if not math.isfinite(seconds) or seconds < 0:
                raise ValueError
        except ValueError:
            problem("seconds", f"{seconds_text!r} is not a number of seconds ≥ 0")
            seconds = -1.0
        errors = _whole(cells.get("errors") if not is_blank(cells.get("errors")) else 0, "errors", 0, None, problem)
        assists = _whole(cells.get("assists") if not is_blank(cells.get("assists")) else 0, "assists", 0, None,
                         problem)
        seq = None if is_blank(cells.get("seq")) else _whole(cells.get("seq"), "seq", 1, 7, problem)
        mode = cell_text(cells.get("mode")).lower() or "moderated"
        if mode not in MODES:
            problem("mode", f"{mode!r} is not one of {', '.join(MODES)}")
        if code and key:
            first = seen.setdefault((code, key, mode), number)
            if first != number:
                problem("task_key", f"{code} already has an attempt at {key!r} in row {first}")
        if not problems or problems[-1].row != number:
            rows.append(AttemptRow(number, code, key, outcome, seconds, errors or 0, assists or 0, seq, mode))
    if problems:
        raise InvalidInput(problems)
    return rows
