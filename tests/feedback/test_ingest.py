"""Single public responses at volume: the lean WSGI path answers as the API does, and group commit stores every
accepted response exactly once, with the rate limit taken in the same transaction."""

from __future__ import annotations

import datetime as dt
import io
import json
import threading
import uuid
from unittest import mock

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from govcx.common.rows import insert_objects
from govcx.errors import Conflict, RateLimited
from govcx.feedback import ingest
from govcx.feedback import services as feedback
from govcx.feedback.models import Answer, Response, SurveyStatus
from govcx.feedback.public_wsgi import INGESTION_PATH, with_lean_ingestion
from govcx.feedback.selectors import public_surveys
from govcx.throttle import Allowance


@pytest.fixture
def survey(services, users):
    actor = users["admin"]
    survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=actor)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=actor,
                                    status=SurveyStatus.LIVE, rate_limit_per_minute=1000)
    public_surveys.forget()
    return survey


def body(survey, key=None, **answers) -> dict:
    return {"survey": survey.public_key, "idempotency_key": key or str(uuid.uuid4()),
            "answers": answers or {"overall": 4}, "channel": "web", "elapsed_ms": 20000}


@pytest.fixture
def lean_app():
    """The WSGI application as gunicorn runs it."""
    return with_lean_ingestion(WSGIHandler())


def wsgi_post(app, path: str, payload: dict, **headers) -> tuple[int, dict[str, str], dict]:
    """One request, keeping the test's connection open across it as Django's test client does."""
    raw = json.dumps(payload).encode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": path, "SERVER_NAME": "testserver", "SERVER_PORT": "80",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(raw),
               "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": "application/json", "REMOTE_ADDR": "127.0.0.1",
               **{f"HTTP_{name.upper()}": value for name, value in headers.items()}}
    started: list = []
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:  # the lean handler sends no signals and closes old connections itself
        with mock.patch("govcx.feedback.public_wsgi.close_old_connections", lambda: None):
            result = app(environ, lambda status, response_headers, exc_info=None: started.append(
                (status, response_headers)))
        content = b"".join(result)
        getattr(result, "close", lambda: None)()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, response_headers = started[0]
    return int(status.split()[0]), dict(response_headers), json.loads(content)


@pytest.mark.django_db
def test_the_lean_path_answers_as_the_full_stack_does(survey, lean_app):
    payload = body(survey, key="lean-path-0001", overall=5)
    status, headers, created = wsgi_post(lean_app, INGESTION_PATH, payload, origin="https://example.org")
    assert (status, created["status"]) == (201, "created")
    assert headers["Access-Control-Allow-Origin"] == "https://example.org"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Content-Security-Policy" in headers
    assert wsgi_post(lean_app, INGESTION_PATH, payload)[:3:2] == (200, {"id": created["id"], "status": "duplicate"})
    changed = wsgi_post(lean_app, INGESTION_PATH, {**payload, "answers": {"overall": 1}})
    full = Client().post(INGESTION_PATH, data=json.dumps({**payload, "answers": {"overall": 1}}),
                         content_type="application/json")
    assert (changed[0], changed[2]) == (full.status_code, full.json()) == (409, full.json())
    broken = {**body(survey), "answers": "not an object"}
    lean, full = wsgi_post(lean_app, INGESTION_PATH, broken), Client().post(
        INGESTION_PATH, data=json.dumps(broken), content_type="application/json")
    assert (lean[0], lean[2]) == (full.status_code, full.json()) and lean[0] == 422
    assert Response.objects.filter(survey=survey).count() == 1


@pytest.mark.django_db
def test_the_survey_rate_limit_still_refuses_in_a_group(survey, users, lean_app):
    feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                           rate_limit_per_minute=2)
    public_surveys.forget()
    statuses = [wsgi_post(lean_app, INGESTION_PATH, body(survey))[0] for _ in range(3)]
    assert statuses == [201, 201, 429]


@pytest.mark.django_db(transaction=True)
def test_the_committer_thread_stores_concurrent_responses_once_each(survey, settings):
    settings.FEEDBACK_GROUP_COMMIT = True
    current = survey.versions.get()
    keys = [f"group-key-{n:04d}" for n in range(24)] + ["group-key-0000", "group-key-0001"]
    outcomes: dict[int, object] = {}

    def submit(index: int, key: str) -> None:
        overall = 1 if index == 25 else 4  # the second reuse of group-key-0001 changes the answers
        try:
            outcomes[index] = ingest.response_submit_grouped(
                survey=survey, current=current, allowance=Allowance(f"survey:{survey.pk}", "198.51.100.7", 1000),
                submission=feedback.Submission(idempotency_key=key, answers={"overall": overall},
                                               elapsed_seconds=20))
        except Exception as error:  # noqa: BLE001 (kept for the assertion below)
            outcomes[index] = error
        finally:
            close_old_connections()

    threads = [threading.Thread(target=submit, args=(index, key)) for index, key in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert Response.objects.filter(survey=survey).count() == 24
    created = [o for o in outcomes.values() if isinstance(o, feedback.Accepted) and o.created]
    assert len(created) == 24 and len({o.response.pk for o in created}) == 24
    refused = [o for o in outcomes.values() if isinstance(o, Conflict)]
    duplicates = [o for o in outcomes.values() if isinstance(o, feedback.Accepted) and not o.created]
    assert len(refused) + len(duplicates) == 2 and not [o for o in outcomes.values() if isinstance(o, RateLimited)]


@pytest.mark.django_db
def test_the_committers_plain_insert_stores_what_bulk_create_stores(survey):
    """common.rows.insert_objects (one JSON parameter on PostgreSQL, placeholders elsewhere) against the ORM."""
    version = survey.versions.get()
    moment = dt.datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=dt.timezone(dt.timedelta(hours=3)))
    tricky = "it's \"quoted\", back\\slash, new\nline, tab\t, ёжик 🙂, 100% {%s}"

    def response(key: str, **values) -> Response:
        return Response(survey=survey, survey_version=version, service_id=survey.service_id,
                        organisation_id=survey.service.owner_id, idempotency_key=key, payload_hash="h" * 64,
                        submitted_at=moment, **values)

    def rows(keys):
        stored = Response.objects.filter(survey=survey, idempotency_key__in=keys).order_by("idempotency_key")
        return ([{k: v for k, v in r.items() if k not in ("id", "idempotency_key", "received_at")}
                 for r in stored.values()],
                [{k: v for k, v in a.items() if k not in ("id", "response_id")}
                 for a in Answer.objects.filter(response__in=stored)
                 .order_by("response__idempotency_key", "question_key").values()])

    variants = [dict(comment=tricky, context={"office": tricky, "page": "/a?b"}, pii_found=["email", "phone"],
                     spam_score=0.4375, spam_reasons=[tricky], is_spam=True, client_submitted_at=moment,
                     channel="widget", language="ru", client_category="citizens"),
                dict(is_partial=True)]
    answers = [dict(question_key="overall", measure="rating", scale_min=1, scale_max=5, value=4.0),
               dict(question_key="comment", text=tricky), dict(question_key="nps", measure="nps", value=None)]
    by_orm = [response(f"orm-{n}-key", **v) for n, v in enumerate(variants)]
    Response.objects.bulk_create(by_orm)
    Answer.objects.bulk_create([Answer(response=r, **a) for r in by_orm for a in answers])
    plain = [response(f"raw-{n}-key", **v) for n, v in enumerate(variants)]
    insert_objects(plain)
    assert all(r.pk and not r._state.adding for r in plain)
    insert_objects([Answer(response=r, **a) for r in plain for a in answers], set_pks=False)
    assert rows([r.idempotency_key for r in plain]) == rows([r.idempotency_key for r in by_orm])
    assert [Response.objects.get(pk=r.pk).idempotency_key for r in plain] == ["raw-0-key", "raw-1-key"]


@pytest.mark.django_db
def test_the_lean_handler_sends_no_signals_but_checks_connections_and_resets_the_url_map(survey, lean_app):
    from django.urls import get_urlconf

    sent: list = []

    def record(**kwargs) -> None:
        sent.append(kwargs)

    request_started.connect(record)
    request_finished.connect(record)
    checks = mock.Mock()
    try:
        with mock.patch("govcx.feedback.public_wsgi.close_old_connections", checks):
            raw = json.dumps(body(survey)).encode()
            started: list = []
            result = lean_app({"REQUEST_METHOD": "POST", "PATH_INFO": INGESTION_PATH, "SERVER_NAME": "testserver",
                               "SERVER_PORT": "80", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(raw),
                               "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": "application/json",
                               "REMOTE_ADDR": "127.0.0.1"}, lambda status, headers: started.append(status))
    finally:
        request_started.disconnect(record)
        request_finished.disconnect(record)
    assert started == ["201 Created"] and json.loads(b"".join(result))["status"] == "created"
    assert sent == [] and checks.call_count == 1 and get_urlconf() is None
