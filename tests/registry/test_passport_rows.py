"""Service passports as CSV/XLSX rows: the passport layout, the import/export use cases and the command."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook

from govcx.common.tabular import render_table
from govcx.errors import Forbidden, Invalid, InvalidInput
from govcx.registry import passport_rows
from govcx.registry import selectors as registry_selectors
from govcx.registry import services as registry_services
from govcx.registry.models import Service

HEADER = ["code", "name_en", "owner", "client_categories"]


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def problems_of(exc: InvalidInput) -> set[tuple[int | None, str]]:
    return {(p.row, p.field) for p in exc.problems}


# ---- the passport layout (pure) ---------------------------------------------------------------------------------


def test_passport_to_row_uses_the_cell_formats():
    row = passport_rows.passport_to_row({
        "code": "svc", "name_en": "Service", "name_ru": "Услуга", "owner": "min-a",
        "client_categories": ["businesses", "citizens"], "life_situations": [], "channels": ["portal", "office"],
        "stage": "beta", "deadline_days": None, "deadline_kind": "working", "fee": "150.50",
        "page_urls": ["https://example.gov/a", "https://example.gov/b"], "feedback_url": None,
        "steps": [{"title_en": "Apply", "title_ru": "Подать", "requires_visit": False},
                  {"title_en": "Collect", "title_ru": "", "requires_visit": True}],
        "documents": [{"name_en": "Passport", "name_ru": "Паспорт", "held_in_registry": False, "registry_name": ""},
                      {"name_en": "Deed", "name_ru": "", "held_in_registry": True, "registry_name": "Rosreestr"},
                      {"name_en": "Tax id", "name_ru": "", "held_in_registry": True, "registry_name": ""}],
    })
    cells = dict(zip(passport_rows.COLUMNS, row, strict=True))
    assert cells["client_categories"] == "businesses; citizens"
    assert cells["channels"] == "portal; office"
    assert cells["deadline_days"] is None
    assert cells["fee"] == Decimal("150.50")
    assert cells["page_urls"] == "https://example.gov/a; https://example.gov/b"
    assert cells["feedback_url"] == ""
    assert cells["steps"] == "Apply / Подать; Collect [visit]"
    assert cells["documents"] == "Passport / Паспорт; Deed | Rosreestr; Tax id |"


def test_row_round_trips_through_the_cells():
    passport = {
        "code": "svc", "name_en": "=1+1", "name_ru": "Услуга", "description_en": "- first\n- second",
        "description_ru": "", "owner": "min-a", "client_categories": ["citizens"], "life_situations": ["birth"],
        "channels": ["portal"], "stage": "live", "deadline_days": 5, "deadline_kind": "calendar", "fee": "0.00",
        "legal_basis": "@law", "page_urls": ["https://example.gov/x"], "feedback_url": "https://example.gov/f",
        "steps": [{"title_en": "Visit", "title_ru": "Прийти", "requires_visit": True}],
        "documents": [{"name_en": "Tax id", "name_ru": "ИНН", "held_in_registry": True, "registry_name": ""}],
    }
    content = render_table("csv", passport_rows.COLUMNS, [passport_rows.passport_to_row(passport)])
    [(number, row)] = passport_rows.read_passport_rows(content, "csv", "x.csv")
    assert number == 2
    assert row["name_en"] == "'=1+1"  # the export's formula guard, undone on import
    service_in = passport_rows.row_to_service_in(row)
    assert service_in.name_en == "=1+1"
    assert service_in.description_en == "- first\n- second"
    assert service_in.legal_basis == "@law"
    assert service_in.steps[0].requires_visit and service_in.steps[0].title_ru == "Прийти"
    assert service_in.documents[0].held_in_registry and service_in.documents[0].registry_name == ""
    assert service_in.deadline_days == 5 and service_in.fee == Decimal(0)


def test_csv_semicolon_with_bom_and_row_numbers_as_a_spreadsheet_shows_them():
    data = csv_bytes([
        ["Code", "name_en", "name_ru", "owner", "client_categories", "fee"],
        ["svc-1", "First", "Первая", "min-a", "citizens; businesses", "1500,50"],
        ["", "", "", "", "", ""],
        ["svc-2", "Second", "Вторая", "min-a", "citizens", ""],
    ], delimiter=";", bom=True)
    rows = passport_rows.read_passport_rows(data, "csv", "s.csv")
    assert [n for n, _ in rows] == [2, 4]
    first = passport_rows.row_to_service_in(rows[0][1])
    assert first.name_ru == "Первая"
    assert first.client_categories == ["citizens", "businesses"]
    assert first.fee == Decimal("1500.50")
    assert passport_rows.row_to_service_in(rows[1][1]).fee == Decimal(0)


def test_xlsx_rows_keep_their_spreadsheet_numbers():
    data = xlsx_bytes([HEADER + ["deadline_days", "fee"], ["a", "A", "min-a", "citizens", 10, 12.5], [],
                       ["b", "B", "min-a", "citizens", None, 0]])
    rows = passport_rows.read_passport_rows(data, "xlsx", "s.xlsx")
    assert [n for n, _ in rows] == [2, 4]
    first = passport_rows.row_to_service_in(rows[0][1])
    assert first.deadline_days == 10 and first.fee == Decimal("12.5")
    assert passport_rows.row_to_service_in(rows[1][1]).deadline_days is None


def test_header_names_every_unknown_and_missing_column():
    data = csv_bytes([["code", "title", "owner", "colour"], ["a", "A", "min-a", "red"]])
    with pytest.raises(InvalidInput) as exc:
        passport_rows.read_passport_rows(data, "csv", "s.csv")
    assert problems_of(exc.value) == {(1, "title"), (1, "colour"), (1, "name_en"), (1, "client_categories")}
    assert str(exc.value.problems[0]).startswith("s.csv:1: ")


def test_row_errors_name_the_fields():
    row = {"code": "Bad Code", "name_en": "", "owner": "min-a", "client_categories": "",
           "channels": "portal; fax", "page_urls": "https://ok.example; not a url", "deadline_days": "soon",
           "stage": "gamma", "steps": "Apply; [visit]"}
    with pytest.raises(InvalidInput) as exc:
        passport_rows.row_to_service_in(row, file="s.csv", row_number=7)
    by_field = {p.field: p.message for p in exc.value.problems}
    assert set(by_field) == {"code", "name_en", "client_categories", "channels", "page_urls", "deadline_days",
                             "stage", "steps"}
    assert all(p.row == 7 and p.file == "s.csv" for p in exc.value.problems)
    assert by_field["name_en"] == "is required"
    assert "fax" in by_field["channels"] and by_field["channels"].startswith("item 2")
    assert by_field["page_urls"].startswith("item 2")
    assert by_field["steps"].startswith("step 2 title_en")


def test_absent_columns_and_empty_stage_keep_the_base_passport(make_passport):
    base = make_passport("svc", "min-a").model_dump(mode="json")
    changed = passport_rows.row_to_service_in({"code": "svc", "name_en": "New name", "stage": ""}, base=base)
    assert changed.name_en == "New name"
    assert changed.stage == "beta" and changed.steps[0].title_en == "Apply online"


# ---- the use cases ------------------------------------------------------------------------------------------


def _versions() -> dict[str, int]:
    return dict(Service.objects.values_list("code", "version"))


@pytest.fixture
def tricky_service(users, make_passport):
    return registry_services.service_create(actor=users["admin"], passport=make_passport(
        "svc-tricky", "agency-a1", name_en="=HYPERLINK(\"http://evil\")", name_ru="Справка «о составе семьи»",
        description_en="- one\n- two, with a comma; and a semicolon", fee="1500.50", deadline_days=None,
        life_situations=[], channels=["phone"], client_categories=["citizens", "businesses"], feedback_url=None,
        steps=[{"title_en": "Come in", "title_ru": "Прийти", "requires_visit": True}],
        documents=[{"name_en": "Tax id", "held_in_registry": True}],
    ))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(fmt, users, services, tricky_service):
    admin = users["admin"]
    header, rows = registry_selectors.services_export_rows(Service.objects.all())
    content = render_table(fmt, header, rows)
    before = _versions()
    summary = registry_services.services_import(actor=admin, data=content, fmt=fmt, file_name=f"all.{fmt}")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 4)
    assert _versions() == before
    again = registry_selectors.services_export_rows(Service.objects.all())
    assert again == (header, rows)


def test_import_creates_then_updates_only_changed_services(users, services):
    owner = users["owner_a"]
    data = csv_bytes([HEADER + ["stage", "channels"],
                      ["svc-new", "New", "agency-a1", "citizens", "alpha", "portal"],
                      ["svc-a", "Renamed A", "min-a", "citizens", "", ""],
                      ["svc-a1", "Service svc-a1", "agency-a1", "citizens", "", "portal; office"]])
    before = _versions()
    summary = registry_services.services_import(actor=owner, data=data, fmt="csv", file_name="s.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    after = _versions()
    assert after["svc-a"] == before["svc-a"] + 1 and after["svc-a1"] == before["svc-a1"]
    renamed = Service.objects.get(code="svc-a")
    assert renamed.name_en == "Renamed A" and renamed.stage == "beta" and renamed.channels == []
    assert renamed.steps.count() == 1  # absent column: kept
    created = Service.objects.get(code="svc-new")
    assert created.owner.code == "agency-a1" and created.stage == "alpha"
    again = registry_services.services_import(actor=owner, data=data, fmt="csv", file_name="s.csv")
    assert (again.created, again.updated) == (0, 0)


def test_bad_rows_are_all_reported_and_nothing_is_written(users, services):
    data = csv_bytes([
        HEADER + ["channels", "page_urls"],
        ["new-ok", "Fine", "min-a", "citizens", "portal", ""],         # 2
        ["new-owner", "X", "nope", "citizens", "", ""],                # 3 unknown owner
        ["new-channel", "X", "min-a", "citizens", "portal; fax", ""],  # 4 bad channel
        ["", "", "", "", "", ""],                                      # 5 blank: skipped
        ["new-url", "X", "min-a", "citizens", "", "htp:/broken"],      # 6 bad URL
        ["new-name", "", "min-a", "citizens", "", ""],                 # 7 missing name
        ["new-ok", "Again", "min-a", "citizens", "", ""],              # 8 duplicate code
        ["new-scope", "X", "region-b", "citizens", "", ""],            # 9 outside owner-a's scope
        ["svc-b", "Mine now", "min-a", "citizens", "", ""],            # 10 existing, outside scope
        ["new-cat", "X", "min-a", "citizens; martians", "", ""],       # 11 unknown category
    ])
    count = Service.objects.count()
    with pytest.raises(Invalid) as exc:
        registry_services.services_import(actor=users["owner_a"], data=data, fmt="csv", file_name="bad.csv")
    found = {(d["row"], d["field"]) for d in exc.value.details}
    assert found == {(3, "owner"), (4, "channels"), (6, "page_urls"), (7, "name_en"), (8, "code"), (9, "owner"),
                     (10, "code"), (11, "client_categories")}
    assert all(d["file"] == "bad.csv" and d["message"] for d in exc.value.details)
    assert Service.objects.count() == count
    assert not Service.objects.filter(code="new-ok").exists()


def test_viewer_cannot_import(users, services):
    with pytest.raises(Forbidden):
        registry_services.services_import(actor=users["viewer_a"], data=b"code\n", fmt="csv", file_name="x.csv")


def test_export_rows_follow_the_given_scope(users, services):
    from govcx.registry.selectors import service_list

    _, rows = registry_selectors.services_export_rows(service_list(user=users["owner_a"]))
    assert [r[0] for r in rows] == ["svc-a", "svc-a1"]


# ---- the command --------------------------------------------------------------------------------------------


def test_command_export_and_import_round_trip(tmp_path, users, services):
    target = tmp_path / "services.xlsx"
    out = io.StringIO()
    call_command("registry", "export", str(target), "--as", "owner-a", stdout=out)
    assert "exported 2 service(s)" in out.getvalue()
    sheet = load_workbook(target, read_only=True).worksheets[0]
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["svc-a", "svc-a1"]
    out = io.StringIO()
    call_command("registry", "import", str(target), stdout=out)  # as the first admin
    assert "0 created, 0 updated, 2 unchanged" in out.getvalue()


def test_command_import_prints_each_problem_and_fails(tmp_path, users, services):
    source = tmp_path / "bad.csv"
    source.write_bytes(csv_bytes([HEADER, ["ok-1", "Fine", "min-a", "citizens"], ["ok-2", "", "nope", "citizens"]]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("registry", "import", str(source), "--as", "owner-a", stderr=err)
    lines = err.getvalue().splitlines()
    assert f"{source}:3: name_en: is required" in lines
    assert f"{source}:3: owner: no organisation with code 'nope'" in lines
    assert not Service.objects.filter(code="ok-1").exists()


def test_command_rejects_unknown_extension_and_user(tmp_path, users):
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("registry", "export", str(tmp_path / "x.txt"))
    with pytest.raises(CommandError, match="no active user"):
        call_command("registry", "export", str(tmp_path / "x.csv"), "--as", "ghost")
