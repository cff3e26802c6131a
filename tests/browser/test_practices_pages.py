"""The self-assessment pages (list, the authority's form, the review with its evidence, flags and chart, the frozen
page after review) in real Chromium at 390 px and 1366 px, in English and Russian: axe finds no serious or critical
violation and no page scrolls sideways, even with a justification longer than a phone is wide."""

from __future__ import annotations

import pytest

import govcx.urls  # noqa: F401  (loaded here, not inside the first request to the live server)
from govcx.practices.services import (
    self_assessment_answer,
    self_assessment_create,
    self_assessment_review,
    self_assessment_submit,
)

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]

FUNCTIONS = ("measurement", "culture", "customer_research", "service_design", "governance")
LONG_WORD = "Государственнаяинформационнаясистемаобеспеченияпредоставлениягосударственныхуслуг" * 2
LONG_URL = "https://portal.example.gov.ru/reports/" + "very-long-path-segment/" * 12


@pytest.fixture
def assessments(users, reference_data):
    owner = users["owner_a"]
    answers = [{"function": code, "level": 4, "justification": LONG_WORD, "evidence_links": [LONG_URL]}
               for code in FUNCTIONS]
    found = {}
    for period in ("2026Q1", "2026Q2", "2026Q3"):
        a = self_assessment_create(actor=owner, organisation_id=reference_data["ministry"].pk, period=period)
        found[period] = self_assessment_answer(actor=owner, assessment=a, answers=answers)
    self_assessment_submit(actor=owner, assessment=found["2026Q1"])
    self_assessment_submit(actor=owner, assessment=found["2026Q2"])
    self_assessment_review(actor=users["analyst"], assessment=found["2026Q1"], decision="reviewed",
                           comment=LONG_WORD,
                           scores=[{"function": "measurement", "level": 2, "reason": LONG_WORD}])
    return {"reviewed": found["2026Q1"].pk, "submitted": found["2026Q2"].pk, "draft": found["2026Q3"].pk}


@pytest.mark.parametrize("width", [390, 1366])
def test_practices_pages_are_accessible_and_fit_the_screen(signed_in_page, assert_pages_fit, live_server,
                                                           assessments, width):
    page = signed_in_page("admin", width)
    assert_pages_fit(page, ["/practices/?period=2026Q2", f"/practices/{assessments['draft']}/",
                            f"/practices/{assessments['submitted']}/review/", f"/practices/{assessments['reviewed']}/",
                            f"/practices/{assessments['reviewed']}/review/"])
    page.goto(f"{live_server.url}/practices/{assessments['draft']}/")
    assert page.locator('input[type="radio"]').count() == 25
