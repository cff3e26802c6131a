"""Reading and writing tabular files (govcx.common.tabular, pure): every problem names file, row and field."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from govcx.common import tabular
from govcx.errors import Invalid, InvalidInput

COLUMNS = ("code", "name", "note")
REQUIRED = ("code", "name")


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def read(data: bytes, fmt: str = "csv", name: str = "s.csv") -> list[tuple[int, dict]]:
    return tabular.read_rows(data, fmt, name, columns=COLUMNS, required=REQUIRED)


def problems_of(data: bytes, fmt: str = "csv") -> set[tuple[int | None, str]]:
    with pytest.raises(InvalidInput) as exc:
        read(data, fmt)
    return {(p.row, p.field) for p in exc.value.problems}


def test_semicolon_csv_with_bom_keeps_spreadsheet_row_numbers():
    data = csv_bytes([["Code", "name"], ["a", "A"], ["", ""], ["b", "B"]], delimiter=";", bom=True)
    assert read(data) == [(2, {"code": "a", "name": "A"}), (4, {"code": "b", "name": "B"})]


def test_csv_with_quoted_line_breaks_counts_records_not_lines():
    data = csv_bytes([["code", "name", "note"], ["a", "A", "line 1\nline 2"], ["b", "B", ""]])
    assert [n for n, _ in read(data)] == [2, 3]


def test_xlsx_rows_keep_their_spreadsheet_numbers():
    workbook = Workbook()
    for row in (["code", "name"], ["a", 10.0], [], ["b", None]):
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = read(buffer.getvalue(), "xlsx", "s.xlsx")
    assert [n for n, _ in rows] == [2, 4]
    assert tabular.cell_text(rows[0][1]["name"]) == "10"


def test_header_names_every_unknown_duplicate_and_missing_column():
    data = csv_bytes([["code", "title", "code", "colour"], ["a", "A", "a", "red"]])
    assert problems_of(data) == {(1, "title"), (1, "code"), (1, "colour"), (1, "name")}
    with pytest.raises(InvalidInput) as exc:
        read(data)
    assert str(exc.value.problems[0]).startswith("s.csv:1: ")
    assert exc.value.details[0] == {"file": "s.csv", "row": 1, "field": "title",
                                    "message": "unknown column; the columns are: code, name, note"}


@pytest.mark.parametrize(
    ("data", "fmt", "words"),
    [
        ("код,имя\n".encode("cp1251"), "csv", "UTF-8"),
        (b"not a zip", "xlsx", "XLSX"),
        (b"", "csv", "header"),
        (b"code\n", "ods", "unknown format"),
    ],
)
def test_unreadable_files_are_one_file_level_problem(data, fmt, words):
    with pytest.raises(InvalidInput) as exc:
        read(data, fmt, "f")
    assert len(exc.value.problems) == 1 and words in exc.value.problems[0].message
    assert isinstance(exc.value, Invalid) and exc.value.status == 422


def test_a_file_over_the_limit_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(tabular, "MAX_FILE_BYTES", 10)
    with pytest.raises(InvalidInput, match="larger than"):
        read(b"code,name\na,A\n")


def test_value_outside_the_header_is_a_problem():
    assert problems_of(csv_bytes([["code", "name"], ["a", "A", "stray"]])) == {(2, "column 3")}


def test_format_for_reads_the_extension():
    assert [tabular.format_for(n) for n in ("a.CSV", "b.xlsx", "c.ods", "noext")] == ["csv", "xlsx", "", ""]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_guarded_on_export_and_restored_on_import(fmt):
    content = tabular.render_table(fmt, ["code", "name"], [["=1+1", "@SUM(A1)"], ["plain", None]])
    rows = read(content, fmt, f"x.{fmt}")
    assert rows[0][1] == {"code": "'=1+1", "name": "'@SUM(A1)"}
    assert [tabular.cell_text(v) for v in rows[0][1].values()] == ["=1+1", "@SUM(A1)"]
    assert tabular.cell_text(rows[1][1]["name"]) == ""


def test_xlsx_header_is_bold_and_frozen_one_sheet_per_table():
    content = tabular.to_xlsx_sheets({"first": (["a"], [[1]]), "second": (["b"], [[2]])})
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["first", "second"]
    assert workbook["first"]["A1"].font.bold and workbook["first"].freeze_panes == "A2"


def test_csv_bundle_is_a_zip_of_one_file_per_table():
    content = tabular.bundle("csv", {"tasks": (["key"], [["t1"]]), "findings": (["id"], [])})
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.namelist() == ["tasks.csv", "findings.csv"]
        assert archive.read("tasks.csv").decode("utf-8-sig").splitlines() == ["key", "t1"]


@pytest.mark.parametrize("write", [lambda: tabular.render_table("ods", ["a"], []), lambda: tabular.bundle("ods", {})])
def test_unknown_output_format_is_invalid(write):
    with pytest.raises(Invalid, match="unknown format 'ods'"):
        write()


def test_bundles_guard_against_formula_injection():
    tables = {"findings": (("id", "title"), [[1, "=HYPERLINK(\"http://x\")"]])}
    archive = zipfile.ZipFile(io.BytesIO(tabular.bundle("csv", tables)))
    assert archive.read("findings.csv").decode("utf-8-sig").splitlines()[1] == '1,"\'=HYPERLINK(""http://x"")"'
    workbook = load_workbook(io.BytesIO(tabular.bundle("xlsx", tables)))
    assert workbook["findings"]["B2"].value.startswith("'=")
    with pytest.raises(Invalid):
        tabular.bundle("pdf", tables)
