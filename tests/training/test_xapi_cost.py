"""What one completion statement costs the LRS in queries (the xAPI stream's budget, issue 15)."""

from __future__ import annotations

import base64
import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.training.conftest import HOME

from govcx.training.models import Completion


def test_a_completion_statement_takes_few_queries(lrs, staff):
    def statement(person: str) -> dict:
        return {"id": str(uuid.uuid4()), "actor": {"account": {"homePage": HOME, "name": person}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"id": "https://lms.example.gov/course/basics"}}

    assert lrs.post(statement("p004")).status_code == 200  # warms the caches a worker keeps
    with CaptureQueriesContext(connection) as queries:
        assert lrs.post(statement("p005")).status_code == 200
    assert Completion.objects.filter(person__person_key="p005").exists()
    # the credentials, the ids already stored (and voided), then the statement, its filter keys, the completion, the
    # refresh of trained_on and its coverage tally taken out and put back, which PostgreSQL receives in one round trip
    round_trips = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(round_trips) <= (3 if connection.vendor == "postgresql" else 8), round_trips


def test_the_lean_path_answers_as_the_full_stack_does(platform, staff):
    import io
    import json

    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    from govcx.training.xapi_wsgi import with_lean_xapi

    record, secret = platform
    app = with_lean_xapi(WSGIHandler())
    raw = json.dumps({"actor": {"account": {"homePage": HOME, "name": "p006"}},
                      "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                      "object": {"id": "https://lms.example.gov/course/basics"}}).encode()
    token = base64.b64encode(f"{record.username}:{secret}".encode()).decode()
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/xapi/statements", "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http",
               "wsgi.input": io.BytesIO(raw), "CONTENT_LENGTH": str(len(raw)), "CONTENT_TYPE": "application/json",
               "HTTP_AUTHORIZATION": f"Basic {token}", "HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
    started: list[tuple[str, dict[str, str]]] = []
    request_started.disconnect(close_old_connections)  # keep the test's connection open, as the test client does
    request_finished.disconnect(close_old_connections)
    try:
        body = b"".join(app(environ, lambda status, headers, exc_info=None: started.append((status, dict(headers)))))
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    status, headers = started[0]
    assert status.startswith("200") and headers["X-Experience-API-Version"] == "1.0.3"
    assert "Set-Cookie" not in headers and "Content-Security-Policy" in headers
    assert len(json.loads(body)) == 1
    assert Completion.objects.filter(person__person_key="p006").exists()
