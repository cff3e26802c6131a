"""Reading attempt files (pure): every problem as file:row:field, CSV and XLSX."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from govcx.errors import InvalidInput
from govcx.lab.tabular import read_attempt_rows

HEADER = "participant_code,task_key,outcome,seconds,errors,assists,seq"


def problems(text: str, name: str = "r.csv") -> list[tuple[int | None, str]]:
    with pytest.raises(InvalidInput) as error:
        read_attempt_rows(text.encode(), "csv", name)
    return [(p.row, p.field) for p in error.value.problems]


def test_reads_rows_with_defaults_and_decimal_commas():
    rows = read_attempt_rows(f"{HEADER},mode\nP01,find,success,\"12,5\",,,\nP01,find,failure,30,1,2,3,unmoderated\n"
                             .encode(), "csv", "r.csv")
    assert [(r.row, r.seconds, r.errors, r.seq, r.mode) for r in rows] == [
        (2, 12.5, 0, None, "moderated"), (3, 30.0, 1, 3, "unmoderated")]


def test_semicolon_files_from_spreadsheets_are_read():
    rows = read_attempt_rows(HEADER.replace(",", ";").encode() + b"\nP01;find;success;12,5;0;0;6\n", "csv", "r.csv")
    assert rows[0].seconds == 12.5


def test_every_bad_cell_is_reported_with_row_and_field():
    found = problems(f"{HEADER}\n,find,success,1,0,0,\nP02,find,won,-4,x,1.5,8\nP03,find,success,1,0,0,0\n")
    assert found == [(2, "participant_code"), (3, "outcome"), (3, "seconds"), (3, "errors"), (3, "assists"),
                     (3, "seq"), (4, "seq")]


def test_header_problems():
    assert problems("participant_code,task_key,outcome,colour\n") == [
        (1, "colour"), (1, "seconds"), (1, "errors"), (1, "assists"), (1, "seq")]
    assert problems("") == [(1, "")]


def test_the_same_attempt_twice_in_a_file_is_refused():
    assert problems(f"{HEADER}\nP01,find,success,1,0,0,\nP01,find,failure,2,0,0,\n") == [(3, "task_key")]


def test_xlsx_rows_are_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(["P07", "apply", "partial", 41, 2, 1, 4])
    buffer = io.BytesIO()
    workbook.save(buffer)
    row = read_attempt_rows(buffer.getvalue(), "xlsx", "r.xlsx")[0]
    assert (row.participant_code, row.outcome, row.seconds, row.errors, row.seq) == ("P07", "partial", 41.0, 2, 4)
