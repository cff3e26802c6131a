"""Text with control characters, NUL and lone surrogates: refused or tidied on the way in (one rule for every API
request, common.text), and never able to break an export on the way out (common.tabular writes XML-safe cells).

A stored text holding a vertical tab or NUL used to make every XLSX export of its survey or study a 500
(openpyxl's IllegalCharacterError).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.db import connection
from django.utils import timezone
from openpyxl import load_workbook

from govcx.accounts.services import api_token_create
from govcx.common import tabular
from govcx.common.text import clean_data, clean_text, loads_clean, xml_safe
from govcx.complaints.models import Complaint
from govcx.complaints.services import complaint_submit
from govcx.errors import InvalidInput
from govcx.feedback import services as feedback
from govcx.feedback.models import Response, SurveyStatus
from govcx.lab.models import Attempt, Observation
from govcx.lab.services import finding as finding_services
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.registry.models import Organisation, Service
from govcx.standards.models import RequirementOutcome
from govcx.standards.services import assessment_create, outcome_record

pytestmark = pytest.mark.django_db

#: What people paste by accident (vertical tab from a word processor, a NUL from a broken client, a unit
#: separator) around a marker the tests look for.
HOSTILE = "first line\x0bsecond\x00 line\x1f end\x0c"
# What a database can hold: PostgreSQL refuses NUL in text outright, so only SQLite can have stored one.
STORABLE = HOSTILE if connection.vendor == "sqlite" else HOSTILE.replace("\x00", "")
#: What an export shows of it: vertical tab and form feed as line breaks, the rest taken out.
SHOWN = "first line\nsecond line end\n"


# --- the rule itself -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("plain", "plain"),
    ("tab\tnew\nline\r\n", "tab\tnew\nline\r\n"),  # tab, LF and CR are text
    ("a\x0bb", "a\nb"), ("a\x0cb", "a\nb"), ("a\x01\x08\x0e\x1fb", "ab"),
    ("кириллица ✓ 😀", "кириллица ✓ 😀"),
])
def test_clean_text_keeps_text_and_takes_out_stray_controls(text, expected):
    assert clean_text(text) == expected


@pytest.mark.parametrize("text", ["\x00", "a\x00b", "\ud800", "x\udfffy"])
def test_clean_text_refuses_nul_and_lone_surrogates(text):
    with pytest.raises(ValueError):
        clean_text(text)


def test_clean_data_names_the_place_of_every_refused_string():
    with pytest.raises(InvalidInput) as caught:
        clean_data({"title": "ok", "answers": [{"text": "a\x00"}], "\ud800": 1})
    fields = {p.field for p in caught.value.problems}
    assert fields == {"answers.0.text", "(key)"}
    assert clean_data({"a": ["x\x0by", 3, None], "b": {"c": "\x01"}}) == {"a": ["x\ny", 3, None], "b": {"c": ""}}


def _parsed(parse, raw):
    try:
        return parse(raw)
    except (ValueError, InvalidInput) as error:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        return type(error), getattr(error, "problems", None) and [p.field for p in error.problems]


@pytest.mark.parametrize("raw", [
    b'{"a": "plain", "b": ["\xc3\xa9t\xc3\xa9", 1, null], "c": {"d": "tab\\tnew\\nline"}}',
    b'{"a": "x\\u000by", "b": "\\u0001"}', b'{"a": "\\u0000"}', b'{"\\ud800": 1}', b'{"a": "\\ud83d\\ude42"}',
    b'{"a": "\xed\xa0\x80"}', b'{"a": "\xff"}', b'{"a": "raw\x01control"}', b'\xef\xbb\xbf{"a": "bom"}',
    '{"a": "utf-16 \u0451"}'.encode("utf-16"), b'{"a": "\\u00e9"}', b"[1, 2.5, true]", b"",
])
def test_the_fast_parse_of_json_bodies_equals_parse_then_clean(raw):
    """loads_clean skips the walk only where it could change nothing; every body answers as before."""
    assert _parsed(loads_clean, raw) == _parsed(lambda r: clean_data(json.loads(r)), raw)


@pytest.mark.parametrize("value", [HOSTILE, "\ud800 lone", "=1+1\x0b", 3, None, 2.5])
def test_every_written_cell_is_readable_back(value):
    workbook = load_workbook(io.BytesIO(tabular.to_xlsx(["h\x00"], [[value]])), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == ("h",)
    assert rows[1][0] == tabular.safe_cell(value)
    assert rows[1][0] == (xml_safe(value) if not (isinstance(value, str) and value.startswith("=")) else "'=1+1\n")
    tabular.to_csv(["h"], [[value]]).decode("utf-8")


# --- the way in: the API ---------------------------------------------------------------------------------------


def _api_client(client, user):
    _, secret = api_token_create(user=user, name="hostile")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


@pytest.mark.parametrize("title, status", [
    ("a\x00b", 422), ("\ud800", 422), ("ok\udc00", 422), ("line\x0bbreak", 201), ("tab\tok", 201),
])
def test_api_refuses_nul_and_surrogates_and_tidies_controls(client, users, services, title, status):
    api = _api_client(client, users["admin"])
    body = json.dumps({"service_id": services["a"].pk, "title": title, "template": "csat"})
    response = api.post("/api/feedback/surveys", body, content_type="application/json")
    assert response.status_code == status, response.content
    if status == 422:
        problem = response.json()
        assert problem["error"] == "invalid" and "not allowed" in problem["message"]
        assert problem["details"][0]["field"] == "title"
    else:
        assert "\x0b" not in response.json()["title"]


@pytest.mark.parametrize("query", ["topic=%00", "status=a%00"])
def test_api_refuses_nul_in_a_query(client, users, query):
    response = _api_client(client, users["admin"]).get(f"/api/feedback/complaints?{query}")
    assert response.status_code == 422 and "NUL" in response.json()["message"]


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_api_refuses_numbers_json_does_not_have(client, users, services, literal):
    api = _api_client(client, users["admin"])
    body = f'{{"service_id": {services["a"].pk}, "title": "t", "template": "csat", "rate_limit_per_minute": {literal}}}'
    response = api.post("/api/feedback/surveys", body, content_type="application/json")
    assert response.status_code == 422 and "not a JSON number" in response.json()["message"]


# --- the way out: every export, with hostile text stored directly ---------------------------------------------


@pytest.fixture
def hostile_records(users, services, packs):
    """A response comment, a lab observation and attempt note, an assessment's evidence, a service name and a
    complaint text, each holding HOSTILE as if stored before the input rule existed."""
    admin = users["admin"]
    survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=admin)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                    status=SurveyStatus.LIVE)
    response = feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key="hostile-00001", answers={"overall": 4}, submitted_at=timezone.now(), elapsed_seconds=60))
    response = response[0] if isinstance(response, tuple) else response
    Response.objects.filter(survey=survey).update(comment=STORABLE)

    lab = Organisation.objects.get(code="central-office")
    study = study_services.study_create(actor=admin, service=services["a"], lab=lab, title="Hostile text")
    study = study_services.study_owner_consent(actor=admin, study=study, give=True)
    task = study_services.task_create(actor=admin, study=study, key="find", title="Find", order=1)
    person = participant_services.participant_recruit(actor=admin, study=study, screener_answers={})
    session = session_services.session_schedule(actor=admin, study=study, participant=person)
    session_services.session_start(actor=admin, session=session)
    session_services.attempt_record(actor=admin, session=session, task=task, outcome="success", seconds=30.0)
    finding_services.observation_add(actor=admin, session=session, text="placeholder", task=task)
    Observation.objects.filter(session=session).update(text=STORABLE)
    Attempt.objects.filter(session=session).update(note=STORABLE)

    assessment = assessment_create(actor=users["assessor_a"], service=services["a"],
                                   pack=packs["uk-service-standard"])
    outcome_record(actor=users["assessor_a"], assessment=assessment,
                   requirement_id=assessment.pack.parsed.requirements()[0].id, rating="not_met",
                   evidence_text="placeholder", expected_version=None)
    RequirementOutcome.objects.filter(assessment=assessment).update(evidence_text=STORABLE)

    Service.objects.filter(pk=services["a"].pk).update(name_en=STORABLE)
    complaint, _ = complaint_submit(service=services["b"], text="placeholder", contact="a@example.org",
                                    received_on=timezone.localdate())
    Complaint.objects.filter(pk=complaint.pk).update(text=STORABLE)
    return {"survey": survey, "study": study, "assessment": assessment, "complaint": complaint}


def _cells_of_workbook(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True) for cell in row]


def _cells_of_csv(content: bytes) -> list:
    if content[:2] == b"PK":  # a ZIP of CSV files
        archive = zipfile.ZipFile(io.BytesIO(content))
        return [cell for name in archive.namelist() for cell in _cells_of_csv(archive.read(name))]
    return [cell for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for cell in row]


EXPORTS = {
    "survey responses (page)": lambda r, fmt: f"/feedback/surveys/{r['survey'].pk}/responses.{fmt}",
    "lab study (page)": lambda r, fmt: f"/lab/studies/{r['study'].pk}/results.{fmt}",
    "lab study (API)": lambda r, fmt: f"/api/lab/studies/{r['study'].pk}/export?fmt={fmt}",
    "assessment results (page)": lambda r, fmt: f"/reports/assessments/{r['assessment'].pk}/results.{fmt}",
    "registry (page)": lambda r, fmt: f"/registry/services/export.{fmt}",
    "registry (API)": lambda r, fmt: f"/api/registry/services/export?fmt={fmt}",
}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("export", sorted(EXPORTS))
def test_every_export_of_stored_control_characters_is_readable(client_for, users, hostile_records, export, fmt):
    client = client_for(users["admin"])
    client.raise_request_exception = False
    response = client.get(EXPORTS[export](hostile_records, fmt))
    assert response.status_code == 200, response.content[:300]
    content = response.getvalue()
    cells = _cells_of_workbook(content) if fmt == "xlsx" else _cells_of_csv(content)
    shown = [c for c in cells if isinstance(c, str) and c.startswith("first line")]
    assert shown, f"the hostile text is not in the {export} export"
    assert all(c == SHOWN for c in shown), shown


def test_complaint_with_stored_control_characters_reads(client_for, users, hostile_records):
    client = client_for(users["admin"])
    client.raise_request_exception = False
    complaint = hostile_records["complaint"]
    assert client.get(f"/api/feedback/complaints/{complaint.pk}").status_code == 200
    assert client.get(f"/complaints/{complaint.pk}/").status_code == 200
