"""The HTML forms under the same hostile input as the API fuzzer: no value a person (or a script) can post gives 500.

Every POST form found on the create and edit pages of the registry, standards, lab, feedback and complaints is
sent once per field and hostile value, the other fields keeping what the page offers, by a signed-in user of the
right role; the list pages' filters get the same values in their query. A 4xx, a redirect or the form again
with errors are all fine: only a server error fails.

And the other half of the rule: an unexpected error is not turned into a 4xx: it stays a 500 and is logged.
"""

from __future__ import annotations

import logging
import os
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.complaints.services import complaint_submit
from govcx.feedback import services as feedback
from govcx.lab.services import finding as finding_services
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.practices.questionnaire import current_questionnaire
from govcx.practices.services import self_assessment_answer, self_assessment_create, self_assessment_submit
from govcx.registry.models import Organisation
from govcx.standards.services import assessment_create

pytestmark = [pytest.mark.django_db, pytest.mark.one_database]

HOSTILE = {
    "int32+1": "2147483648",
    "huge int": "9" * 30,
    "negative": "-1",
    "first day": "0001-01-01",
    "last day": "9999-12-31",
    "last moment": "9999-12-31T23:59",
    "lone surrogate": "\ud800",
    "NUL": "a\x00b",
    "vertical tab": "a\x0bb",
    "superscript digit": "²",
}
#: Sent once per form, in its first text field: larger than Django accepts in a request body.
HUGE_TEXT = "x" * (10 * 1024 * 1024)


class _Forms(HTMLParser):
    """The POST forms of a page: action and fields (name → a value the page offers)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                               "fields": {}, "files": False})
        if not self.forms or "name" not in a and tag != "option":
            return
        fields = self.forms[-1]["fields"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind == "file":
                self.forms[-1]["files"] = True
            elif kind in ("checkbox", "radio"):
                if "checked" in a or a["name"] not in fields:
                    fields[a["name"]] = a.get("value", "on")
            elif kind not in ("submit", "button", "image", "reset"):
                fields[a["name"]] = a.get("value", "")
        elif tag == "textarea":
            fields[a["name"]] = ""
        elif tag == "select":
            self._select = a["name"]
            fields.setdefault(a["name"], "")
        elif tag == "option" and self._select is not None:
            if not fields[self._select] or "selected" in a:
                fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _encode(fields: dict[str, str]) -> str:
    return "&".join(f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'))}" for k, v in fields.items())


@pytest.fixture
def world(users, services, packs, reference_data):
    lab = Organisation.objects.create(code="lab-centre", name_en="Usability Lab", level="federal")
    researcher = User.objects.create_user(username="researcher", password="x" * 20, role=Role.LAB_RESEARCHER,
                                          organisation=lab)
    handler = User.objects.create_user(username="cx-a", password="x" * 20, role=Role.CX_ANALYST,
                                       organisation=reference_data["ministry"], email="cx@example.gov")
    study = study_services.study_create(actor=researcher, service=services["a"], lab=lab, title="Forms")
    study = study_services.study_owner_consent(actor=users["owner_a"], study=study, give=True)
    task = study_services.task_create(actor=researcher, study=study, key="find", title="Find", order=1)
    person = participant_services.participant_recruit(actor=researcher, study=study, screener_answers={})
    session = session_services.session_schedule(actor=researcher, study=study, participant=person)
    session_services.session_start(actor=researcher, session=session)
    finding = finding_services.finding_create(actor=researcher, study=study, title="Hard to find", severity=3)
    assessment = assessment_create(actor=users["assessor_a"], service=services["a"],
                                   pack=packs["uk-service-standard"])
    survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=users["admin"])
    complaint, _ = complaint_submit(service=services["a"], text="Lost my papers.", contact="a@example.org",
                                    received_on=timezone.localdate())
    # practices: a draft to fill and a submitted self-assessment to review
    draft = self_assessment_create(actor=users["owner_a"], organisation_id=reference_data["ministry"].pk,
                                   period="2026Q3")
    submitted = self_assessment_create(actor=users["owner_a"], organisation_id=reference_data["ministry"].pk,
                                       period="2026Q2")
    self_assessment_answer(actor=users["owner_a"], assessment=submitted, answers=[
        {"function": code, "level": 3} for code in current_questionnaire().function_codes])
    self_assessment_submit(actor=users["owner_a"], assessment=submitted)
    return {"users": {**users, "researcher": researcher, "handler": handler}, "study": study, "task": task,
            "person": person, "session": session, "finding": finding, "assessment": assessment, "survey": survey,
            "complaint": complaint, "services": services, "draft": draft, "submitted": submitted}


PAGES = {
    "registry: new service": ("admin", lambda w: "/registry/services/new/"),
    "registry: edit service": ("admin", lambda w: f"/registry/services/{w['services']['a'].pk}/edit/"),
    "standards: new assessment (service page)": (
        "assessor_a", lambda w: f"/registry/services/{w['services']['a'].pk}/"),
    "standards: assessment (outcomes, adjustments)": (
        "assessor_a", lambda w: f"/standards/assessments/{w['assessment'].pk}/"),
    "lab: new study": ("researcher", lambda w: "/lab/studies/new/"),
    "lab: study (tasks, quotas, sessions)": ("researcher", lambda w: f"/lab/studies/{w['study'].pk}/"),
    "lab: edit study": ("researcher", lambda w: f"/lab/studies/{w['study'].pk}/edit/"),
    "lab: new task": ("researcher", lambda w: f"/lab/studies/{w['study'].pk}/tasks/new/"),
    "lab: edit task": ("researcher", lambda w: f"/lab/tasks/{w['task'].pk}/edit/"),
    "lab: new participant": ("researcher", lambda w: f"/lab/studies/{w['study'].pk}/participants/new/"),
    "lab: participant (consent, incentives)": ("researcher", lambda w: f"/lab/participants/{w['person'].pk}/"),
    "lab: edit participant": ("researcher", lambda w: f"/lab/participants/{w['person'].pk}/edit/"),
    "lab: session (attempts, observations)": ("researcher", lambda w: f"/lab/sessions/{w['session'].pk}/"),
    "lab: findings board": ("researcher", lambda w: f"/lab/studies/{w['study'].pk}/findings/"),
    "lab: new finding": ("researcher", lambda w: f"/lab/studies/{w['study'].pk}/findings/new/"),
    "lab: edit finding": ("researcher", lambda w: f"/lab/findings/{w['finding'].pk}/edit/"),
    "feedback: new survey": ("admin", lambda w: "/feedback/surveys/new/"),
    "feedback: survey": ("admin", lambda w: f"/feedback/surveys/{w['survey'].pk}/"),
    "complaints: complaint (take, answer, extend)": ("handler", lambda w: f"/complaints/{w['complaint'].pk}/"),
    "complaints: routing rules": ("handler", lambda w: "/complaints/routing/"),
    "complaints: public form": (None, lambda w: "/complaints/new/"),
    "practices: start": ("owner_a", lambda w: "/practices/"),
    "practices: fill": ("owner_a", lambda w: f"/practices/{w['draft'].pk}/"),
    "practices: review": ("analyst", lambda w: f"/practices/{w['submitted'].pk}/review/"),
}
FILTER_PAGES = {
    "feedback dashboard": ("admin", "/feedback/dashboard/", ("date_from", "date_to", "service", "organisation")),
    "feedback comments": ("admin", "/feedback/comments/", ("date_from", "date_to", "service", "page")),
    "complaints list": ("handler", "/complaints/", ("due_before", "service", "organisation", "topic")),
    "lab studies": ("researcher", "/lab/", ("service", "status")),
    "registry services": ("admin", "/registry/services/", ("owner", "stage", "q")),
    "practices list": ("admin", "/practices/", ("period",)),
}


def _client(client_for, world, role):
    from django.test import Client

    client = client_for(world["users"][role]) if role else Client()
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("page", sorted(PAGES))
def test_forms_answer_hostile_values_without_a_server_error(client_for, world, page, settings):
    settings.RATELIMIT_ENABLE = False
    role, url = PAGES[page]
    client = _client(client_for, world, role)
    shown = client.get(url(world))
    assert shown.status_code == 200, (page, shown.status_code)
    parser = _Forms()
    parser.feed(shown.content.decode())
    forms = [f for f in parser.forms if f["method"] == "post" and set(f["fields"]) - {"csrfmiddlewaretoken"}]
    assert forms, f"no form found on {page}"
    failures, tried = [], 0
    for form in forms:
        action = form["action"] or url(world)
        names = [n for n in form["fields"] if n != "csrfmiddlewaretoken"]
        for number, name in enumerate(names):
            values = dict(HOSTILE, **({"10 MB": HUGE_TEXT} if number == 0 else {}))
            for label, value in values.items():
                response = client.post(action, _encode({**form["fields"], name: value}),
                                       content_type="application/x-www-form-urlencoded")
                tried += 1
                if response.status_code >= 500:
                    failures.append(f"{action} {name}={label}: {response.status_code}")
    if os.environ.get("GOVCX_FUZZ_REPORT") == "1":
        print(f"\n{page}: {len(forms)} forms, {tried} posts")
    assert not failures, failures
    assert tried >= len(HOSTILE)


@pytest.mark.parametrize("page", sorted(FILTER_PAGES))
def test_list_filters_answer_hostile_values_without_a_server_error(client_for, world, page):
    role, url, names = FILTER_PAGES[page]
    client = _client(client_for, world, role)
    failures = []
    for name in names:
        for label, value in HOSTILE.items():
            response = client.get(f"{url}?{_encode({name: value})}")
            if response.status_code >= 500:
                failures.append(f"{name}={label}: {response.status_code}")
    assert not failures, failures


# --- an unexpected error stays a logged 500 --------------------------------------------------------------------


def _explode(*args, **kwargs):
    raise RuntimeError("an unexpected bug")


def test_an_unexpected_error_in_the_api_is_a_logged_500(client_for, users, monkeypatch, caplog):
    from govcx.registry import selectors

    monkeypatch.setattr(selectors, "service_list", _explode)
    client = client_for(users["admin"])
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/api/registry/services")
    assert response.status_code == 500
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert logged and logged[0].exc_info and isinstance(logged[0].exc_info[1], RuntimeError)


def test_an_unexpected_error_on_a_page_is_a_logged_500(client_for, users, monkeypatch, caplog):
    from govcx.registry import views as registry_views

    monkeypatch.setattr(registry_views, "render", _explode)
    client = client_for(users["admin"])
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = client.get("/registry/services/")
    assert response.status_code == 500
    logged = [r for r in caplog.records if r.name == "django.request" and r.levelno == logging.ERROR]
    assert logged and logged[0].exc_info and isinstance(logged[0].exc_info[1], RuntimeError)

