"""Import and export of service passports through the API (/api/registry/services/...) and the HTML views."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from govcx.registry.models import Service
from govcx.registry.services import service_create

EXPORT = "/api/registry/services/export"
IMPORT = "/api/registry/services/import"
HTML_IMPORT = "/registry/services/import/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def csv_bytes(rows: list[list[str]], *, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def csv_rows(content: bytes) -> list[list[str]]:
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def upload(client, data: bytes, name: str, url: str = IMPORT):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


def versions() -> dict[str, int]:
    return dict(Service.objects.values_list("code", "version"))


# ---- export ---------------------------------------------------------------------------------------------------


def test_api_export_csv_has_the_import_layout_and_only_the_users_services(client_for, users, services):
    response = client_for(users["owner_a"]).get(EXPORT, {"fmt": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment; filename=") and ".csv" in response[
        "Content-Disposition"]
    rows = csv_rows(response.getvalue())
    assert rows[0][:3] == ["code", "name_en", "name_ru"]
    assert [r[0] for r in rows[1:]] == ["svc-a", "svc-a1"]  # not the region's svc-b


def test_api_export_xlsx(client_for, users, services):
    response = client_for(users["owner_b"]).get(EXPORT, {"fmt": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = load_workbook(io.BytesIO(response.getvalue()), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "code" and [r[0] for r in rows[1:]] == ["svc-b"]
    header = list(rows[0])
    assert rows[1][header.index("documents")] == "Birth certificate | Civil registry"
    assert rows[1][header.index("name_ru")] == "Услуга svc-b"


def test_api_export_rejects_unknown_format(client_for, users, services):
    assert client_for(users["owner_a"]).get(EXPORT, {"fmt": "ods"}).status_code == 422


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_neutralises_formulas(fmt, client_for, users, make_passport):
    service_create(actor=users["admin"], passport=make_passport("svc-eq", "min-a", name_en='=HYPERLINK("http://x")'))
    content = client_for(users["owner_a"]).get(EXPORT, {"fmt": fmt}).getvalue()
    if fmt == "csv":
        rows = csv_rows(content)
    else:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[1][1] == "'=HYPERLINK(\"http://x\")"


def test_html_export_is_scoped_and_404_for_unknown_format(client_for, users, services):
    client = client_for(users["owner_b"])
    response = client.get("/registry/services/export.csv")
    assert response.status_code == 200
    assert [r[0] for r in csv_rows(response.getvalue())[1:]] == ["svc-b"]
    xlsx = client.get("/registry/services/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"] == XLSX
    assert client.get("/registry/services/export.pdf").status_code == 404


def test_html_export_needs_login(client, services):
    response = client.get("/registry/services/export.csv")
    assert response.status_code == 302 and "/login/" in response["Location"]


# ---- import through the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_api_round_trip_creates_and_changes_nothing(fmt, client_for, users, services, make_passport):
    service_create(actor=users["admin"], passport=make_passport(
        "svc-edge", "agency-a1", name_en="-minus first", fee="99.90", deadline_days=None, feedback_url=None,
        steps=[{"title_en": "Come in", "title_ru": "Прийти", "requires_visit": True}],
        documents=[{"name_en": "Tax id", "name_ru": "ИНН", "held_in_registry": True}]))
    client = client_for(users["admin"])
    exported = client.get(EXPORT, {"fmt": fmt}).getvalue()
    before = versions()
    response = upload(client, exported, f"services.{fmt}")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 0, "updated": 0}
    assert versions() == before
    assert client.get(EXPORT, {"fmt": "csv"}).getvalue() == client.get(EXPORT, {"fmt": "csv"}).getvalue()
    assert Service.objects.get(code="svc-edge").name_en == "-minus first"


def test_api_import_creates_new_services(client_for, users, services):
    data = csv_bytes([
        ["code", "name_en", "name_ru", "owner", "client_categories", "life_situations", "channels", "stage",
         "deadline_days", "deadline_kind", "fee", "page_urls", "feedback_url", "steps", "documents"],
        ["svc-new", "Child benefit", "Пособие на ребёнка", "agency-a1", "citizens", "birth", "portal; mobile_app",
         "alpha", "10", "calendar", "0", "https://example.gov/benefit", "https://example.gov/fb",
         "Apply online / Подать онлайн; Collect the card / Получить карту [visit]",
         "Birth certificate / Свидетельство о рождении | Civil registry; Passport / Паспорт"],
    ])
    response = upload(client_for(users["owner_a"]), data, "new.csv")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 0}
    service = Service.objects.get(code="svc-new")
    assert service.name_ru == "Пособие на ребёнка"
    assert service.channels == ["portal", "mobile_app"] and service.deadline_kind == "calendar"
    assert [(s.title_ru, s.requires_visit) for s in service.steps.all()] == [
        ("Подать онлайн", False), ("Получить карту", True)]
    assert [(d.name_ru, d.held_in_registry, d.registry_name) for d in service.documents.all()] == [
        ("Свидетельство о рождении", True, "Civil registry"), ("Паспорт", False, "")]


def test_api_import_semicolon_csv_with_bom_and_russian_text(client_for, users, services):
    data = csv_bytes([
        ["code", "name_en", "name_ru", "description_ru", "owner", "client_categories", "fee"],
        ["svc-a", "Service svc-a", "Выдача справки", "Описание; с точкой с запятой, и запятой", "min-a",
         "citizens", "1 500,50"],
        ["svc-ru", "Licence", "Лицензия «Такси»", "", "min-a", "businesses", ""],
    ], delimiter=";", bom=True)
    response = upload(client_for(users["owner_a"]), data, "реестр.csv")
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 1, "updated": 1}
    updated = Service.objects.get(code="svc-a")
    assert updated.name_ru == "Выдача справки"
    assert updated.description_ru == "Описание; с точкой с запятой, и запятой"
    assert str(updated.fee) == "1500.50"
    assert Service.objects.get(code="svc-ru").name_ru == "Лицензия «Такси»"


def test_api_import_reports_every_problem_and_writes_nothing(client_for, users, services):
    data = csv_bytes([
        ["code", "name_en", "owner", "client_categories", "channels", "page_urls"],
        ["new-ok", "Fine", "min-a", "citizens", "portal", ""],               # 2
        ["new-owner", "X", "ministry-of-magic", "citizens", "", ""],         # 3
        ["new-channel", "X", "min-a", "citizens", "portal; pigeon", ""],     # 4
        ["new-url", "X", "min-a", "citizens", "", "example dot gov"],        # 5
        ["new-name", "", "agency-a1", "citizens", "", ""],                   # 6
        ["new-ok", "Twice", "min-a", "citizens", "", ""],                    # 7
        ["new-region", "X", "region-b", "citizens", "", ""],                 # 8
    ])
    count, before = Service.objects.count(), versions()
    response = upload(client_for(users["owner_a"]), data, "bad.csv")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid" and "nothing was imported" in body["message"]
    assert {(d["row"], d["field"]) for d in body["details"]} == {
        (3, "owner"), (4, "channels"), (5, "page_urls"), (6, "name_en"), (7, "code"), (8, "owner")}
    assert all(d["file"] == "bad.csv" for d in body["details"])
    by_row = {d["row"]: d["message"] for d in body["details"]}
    assert "ministry-of-magic" in by_row[3] and "pigeon" in by_row[4] and "row 2" in by_row[7]
    assert "scope" in by_row[8]
    assert Service.objects.count() == count and versions() == before


def test_api_import_bad_header(client_for, users, services):
    response = upload(client_for(users["owner_a"]), csv_bytes([["code", "nom"], ["x", "y"]]), "h.csv")
    assert response.status_code == 422
    assert {(d["row"], d["field"]) for d in response.json()["details"]} == {
        (1, "nom"), (1, "name_en"), (1, "owner"), (1, "client_categories")}


def test_api_import_needs_a_known_format(client_for, users, services):
    response = upload(client_for(users["owner_a"]), b"code\n", "services.txt")
    assert response.status_code == 422
    assert "csv" in response.json()["details"][0]["message"]


def test_viewer_cannot_import_via_api(client_for, users, services):
    data = csv_bytes([["code", "name_en", "owner", "client_categories"], ["svc-v", "V", "min-a", "citizens"]])
    response = upload(client_for(users["viewer_a"]), data, "v.csv")
    assert response.status_code == 403
    assert not Service.objects.filter(code="svc-v").exists()


def test_anonymous_cannot_import_via_api(client, services):
    response = upload(client, b"code\n", "v.csv")
    assert response.status_code == 401


# ---- import through the HTML form -----------------------------------------------------------------------------


def test_import_page_explains_the_format(client_for, users):
    response = client_for(users["owner_a"]).get(HTML_IMPORT)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert '<label for="id_file"' in html and 'id="id_file"' in html and 'type="file"' in html
    assert 'aria-describedby="id_file_helptext"' in html
    for column in ("code", "owner", "client_categories", "steps", "documents"):
        assert f"<code>{column}</code>" in html
    assert 'role="alert"' not in html


def test_import_page_needs_change_permission(client_for, users, client):
    assert client_for(users["viewer_a"]).get(HTML_IMPORT).status_code == 403
    assert client_for(users["viewer_a"]).post(HTML_IMPORT).status_code == 403
    assert client.get(HTML_IMPORT).status_code == 302


def test_import_page_success_redirects_with_a_message(client_for, users, services):
    data = csv_bytes([["code", "name_en", "owner", "client_categories"], ["svc-html", "Via form", "min-a",
                                                                         "citizens"]])
    client = client_for(users["owner_a"])
    response = upload(client, data, "form.csv", HTML_IMPORT)
    assert response.status_code == 302 and response["Location"] == "/registry/services/"
    page = client.get(response["Location"]).content.decode()
    assert "1 created, 0 updated" in page
    assert Service.objects.filter(code="svc-html").exists()


def test_import_page_lists_problems_and_writes_nothing(client_for, users, services):
    data = csv_bytes([["code", "name_en", "owner", "client_categories"],
                      ["svc-one", "One", "min-a", "citizens"],
                      ["svc-two", "Two", "region-b", "citizens"]])
    count = Service.objects.count()
    response = upload(client_for(users["owner_a"]), data, "scope.csv", HTML_IMPORT)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html and 'id="import-problems"' in html
    assert "<td>scope.csv</td><td>3</td><td>owner</td>" in html
    assert Service.objects.count() == count


def test_import_page_rejects_other_files_with_a_field_error(client_for, users):
    response = upload(client_for(users["owner_a"]), b"%PDF-1.4", "services.pdf", HTML_IMPORT)
    assert response.status_code == 422
    html = response.content.decode()
    assert 'role="alert"' in html and 'href="#id_file"' in html and 'aria-invalid="true"' in html


def test_import_page_without_a_file(client_for, users):
    response = client_for(users["owner_a"]).post(HTML_IMPORT, {})
    assert response.status_code == 422
    assert 'href="#id_file"' in response.content.decode()


# ---- large files: the worker imports them ---------------------------------------------------------------------


def test_a_large_import_runs_as_a_job_all_or_nothing_and_a_retry_changes_nothing(
        client_for, users, services, monkeypatch, settings, tmp_path):
    from govcx.jobs.models import Job, JobState
    from govcx.registry import services as registry_services

    monkeypatch.setattr(registry_services, "BACKGROUND_BYTES", 0)
    settings.VAR_DIR = tmp_path
    client = client_for(users["admin"])
    exported = client.get(EXPORT, {"fmt": "csv"}).getvalue()
    renamed = exported.replace(b"svc-a1,", b"svc-copy,")
    before = versions()
    response = upload(client, renamed, "services.csv")
    assert response.status_code == 202, response.content
    job = Job.objects.get(pk=response.json()["job_id"])  # the tests' task backend runs it at once
    assert (job.kind, job.state, job.result) == ("registry.import", JobState.SUCCEEDED,
                                                 {"created": 1, "updated": 0, "unchanged": len(before) - 1})
    assert job.progress_done == job.progress_total > 0
    assert not list((tmp_path / "registry-imports").iterdir())  # the kept file is gone once imported
    again = Job.objects.get(pk=upload(client, renamed, "services.csv").json()["job_id"])
    assert again.result == {"created": 0, "updated": 0, "unchanged": len(before)}

    broken = renamed.replace(b"svc-copy,", b"svc-broken,").replace(b"agency-a1", b"no-such-agency")
    refused = Job.objects.get(pk=upload(client, broken, "services.csv").json()["job_id"])
    assert refused.state == JobState.FAILED and "nothing was imported" in refused.error
    assert not Service.objects.filter(code="svc-broken").exists()


def test_the_html_import_of_a_large_file_shows_the_job(client_for, users, services, monkeypatch, settings, tmp_path):
    from govcx.registry import services as registry_services

    monkeypatch.setattr(registry_services, "BACKGROUND_BYTES", 0)
    settings.VAR_DIR = tmp_path
    client = client_for(users["admin"])
    exported = client.get(EXPORT, {"fmt": "csv"}).getvalue()
    response = upload(client, exported, "services.csv", url=HTML_IMPORT)
    assert response.status_code == 302 and response["Location"].startswith("/jobs/")
