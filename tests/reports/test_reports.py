"""The assessment report as page, PDF, CSV and XLSX."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from govcx.standards.services import assessment_create, outcome_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(users, services, packs):
    assessment = assessment_create(actor=users["assessor_a"], service=services["a"], pack=packs["uk-service-standard"])
    outcome_record(
        actor=users["assessor_a"],
        assessment=assessment,
        requirement_id=assessment.pack.parsed.requirements()[0].id,
        rating="not_met",
        evidence_text='=HYPERLINK("x")',
        expected_version=None,
    )
    assessment.refresh_from_db()
    return assessment


def test_report_page_shows_verdict_chart_and_requirements(client_for, users, assessment):
    response = client_for(users["viewer_a"]).get(f"/reports/assessments/{assessment.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Not ready" in html  # UK point 5 (a gate) is unassessed, so the verdict blocks
    assert "<svg" in html and 'role="img"' in html
    first = assessment.pack.parsed.requirements()[0]
    assert first.title.en in html


def test_pdf_is_a_real_pdf_with_the_service_name(client_for, users, assessment, pdf_text, caplog):
    response = client_for(users["viewer_a"]).get(f"/reports/assessments/{assessment.pk}/report.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.getvalue())
    assert "Assessment report: Service svc-a" in text and "Ministry A" in text
    assert "Verdict Not ready" in text
    score = f"{assessment.score:.1f}"
    # Most of the standard is unknown here, so the score says what it covers and the grade is withheld.
    counts = assessment.result["counts"]
    assert f"Score / Grade Score: {score} (on {counts['met'] + counts['not_met']} of {counts['applicable']} " \
           "requirements assessed" in " ".join(text.split())
    assert "Grade: withheld" in text
    first = assessment.pack.parsed.requirements()[0]
    assert first.title.en in text and "Not met" in text
    assert "attachment" in response["Content-Disposition"]
    assert "Unsupported stylesheet" not in caplog.text  # the print stylesheet is used, not skipped


def test_csv_export_lists_every_applicable_requirement_and_neutralises_formulas(client_for, users, assessment):
    response = client_for(users["viewer_a"]).get(f"/reports/assessments/{assessment.pk}/results.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert len(rows) == 14
    first = rows[0]
    assert first["status"] == "not_met" and float(first["score"]) == 0
    assert first["evidence_text"].startswith("'=")


def test_xlsx_export_has_the_same_rows(client_for, users, assessment):
    response = client_for(users["viewer_a"]).get(f"/reports/assessments/{assessment.pk}/results.xlsx")
    workbook = load_workbook(io.BytesIO(response.getvalue()), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0][0] == "service" and len(rows) == 15
    assert rows[1][0] == "svc-a"


def test_unknown_export_format_is_404(client_for, users, assessment):
    assert client_for(users["viewer_a"]).get(f"/reports/assessments/{assessment.pk}/results.pdf2").status_code == 404
