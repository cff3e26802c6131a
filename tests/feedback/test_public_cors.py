"""CORS on the public feedback endpoints only: the widget on another site may read surveys and submit."""

from __future__ import annotations

import pytest

from govcx.feedback import selectors
from govcx.feedback import services as feedback_services

SITE = "https://www.ministry.example"


@pytest.fixture
def live_survey(services, users):
    admin = users["admin"]
    survey = feedback_services.survey_create(service=services["a"], title="CSAT", template="csat", actor=admin)
    survey = feedback_services.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                             status="live", allowed_origins=[SITE])
    selectors.public_surveys.forget()
    return survey


def test_preflight_is_answered_for_the_public_endpoints(client, db):
    response = client.options("/api/feedback/public/responses", HTTP_ORIGIN=SITE,
                              HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                              HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type")
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == SITE
    assert response["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    assert response["Access-Control-Allow-Headers"] == "Content-Type"
    assert int(response["Access-Control-Max-Age"]) > 0
    assert "Access-Control-Allow-Credentials" not in response
    assert "Origin" in response["Vary"]


def test_a_survey_read_from_another_site_carries_the_cors_header(client, live_survey):
    response = client.get(f"/api/feedback/public/surveys/{live_survey.public_key}", HTTP_ORIGIN=SITE)
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == SITE


def test_a_site_outside_the_allow_list_can_read_its_refusal(client, live_survey):
    response = client.post("/api/feedback/public/responses", {
        "survey": live_survey.public_key, "idempotency_key": "k" * 16, "answers": {"overall": 4},
        "channel": "widget",
    }, content_type="application/json", HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    assert response["Access-Control-Allow-Origin"] == "https://elsewhere.example"


@pytest.mark.parametrize("path", ["/api/feedback/surveys", "/login/", "/api/feedback/publicity"])
def test_other_paths_get_no_cors_headers(client, db, path):
    response = client.options(path, HTTP_ORIGIN=SITE, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
    assert "Access-Control-Allow-Origin" not in response
    assert "Access-Control-Allow-Origin" not in client.get(path, HTTP_ORIGIN=SITE)


def test_a_request_without_an_origin_gets_no_allow_origin(client, live_survey):
    response = client.get(f"/api/feedback/public/surveys/{live_survey.public_key}")
    assert "Access-Control-Allow-Origin" not in response
