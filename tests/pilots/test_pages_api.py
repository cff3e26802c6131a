"""Pilot pages, API errors and the report's PDF, on a small running pilot with an analysis."""

from __future__ import annotations

import json

import pytest
from tests.pilots.conftest import CRITERION

from govcx.pilots.services import analysis_run, criterion_revise, programme_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysed(pilot, users, evidence):
    programme_start(actor=users["admin"], programme=pilot)
    criterion_revise(actor=users["admin"], criterion=pilot.criteria.get(), values={"minimum_effect": 0.02},
                     reason="re-agreed with the committee")
    analysis_run(actor=users["admin"], programme=pilot, reps=499, event_reps=99)
    return pilot


def test_api_refuses_a_criterion_without_comparison_group_naming_the_field(pilot, users, client_for):
    client = client_for(users["admin"])
    body = {**CRITERION, "key": "other", "comparison_group": ""}
    response = client.post(f"/api/pilots/programmes/{pilot.pk}/criteria", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "comparison_group"
    body = {**CRITERION, "key": "other", "measure": "no_such_measure"}
    response = client.post(f"/api/pilots/programmes/{pilot.pk}/criteria", json.dumps(body),
                           content_type="application/json")
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "measure"


def test_programme_page_names_participants_and_shows_every_version(analysed, users, client_for):
    html = client_for(users["admin"]).get(f"/pilots/{analysed.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ministry A" in html and "Agency A1" in html and "Tula Region Government" in html
    assert "re-agreed with the committee" in html
    assert "Version 1, replaced" in html


def test_report_page_has_a_verdict_and_a_chart_per_criterion(analysed, users, client_for):
    html = client_for(users["viewer_a"]).get(f"/pilots/{analysed.pk}/report/",
                                             HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Масштабировать" in html
    assert html.count("<svg") == 1
    assert "п. п." in html


def test_report_pdf_says_the_decision(analysed, users, client_for, pdf_text):
    response = client_for(users["admin"]).get(f"/pilots/{analysed.pk}/report.pdf", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "Scale up" in text and "Satisfaction" in text


def test_api_analysis_returns_the_decision(analysed, users, client_for):
    client = client_for(users["analyst"])
    analysis_id = analysed.analyses.get().pk
    data = client.get(f"/api/pilots/analyses/{analysis_id}").json()
    assert data["results"][0]["decision"] == "scale"
    assert data["results"][0]["version"] == 2
    detail = client.get(f"/api/pilots/programmes/{analysed.pk}").json()
    assert [(c["version"], c["superseded"]) for c in detail["criteria"]] == [(1, True), (2, False)]
