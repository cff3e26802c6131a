"""The self-assessment pages: the authority's form (levels as radio choices in plain words), saving and submitting
through it, the central office's review page (self-score, evidence, flags) and the frozen page after review."""

from __future__ import annotations

import pytest

from govcx.practices.models import Status
from govcx.practices.selectors import self_levels
from govcx.practices.services import self_assessment_answer, self_assessment_create, self_assessment_submit

pytestmark = pytest.mark.django_db

FUNCTIONS = ("measurement", "culture", "customer_research", "service_design", "governance")


@pytest.fixture
def draft(users, reference_data):
    return self_assessment_create(actor=users["owner_a"], organisation_id=reference_data["ministry"].pk,
                                  period="2026Q3")


def test_the_form_offers_each_level_in_plain_words(client_for, users, draft):
    page = client_for(users["owner_a"]).get(f"/practices/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert page.count('type="radio"') == 25
    assert "По основным услугам идёт постоянный опрос" in page
    viewer = client_for(users["viewer_a"]).get(f"/practices/{draft.pk}/").content.decode()
    assert 'type="radio"' not in viewer  # sees the assessment, may not fill it


def test_save_then_submit_through_the_form(client_for, users, draft):
    client = client_for(users["owner_a"])
    posted = {f"level-{code}": "3" for code in FUNCTIONS[:2]} | {"justification-culture": "Курс пройден",
                                                                 "links-culture": "https://gov.example/a"}
    assert client.post(f"/practices/{draft.pk}/", posted).status_code == 302
    assert self_levels(draft) == {"measurement": 3, "culture": 3}
    response = client.post(f"/practices/{draft.pk}/", {**posted, "submit": "1"}, follow=True)
    assert "Choose a level for Customer research" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    posted |= {f"level-{code}": "4" for code in FUNCTIONS}
    client.post(f"/practices/{draft.pk}/", {**posted, "submit": "1"})
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_a_bad_link_is_refused_with_a_message_and_nothing_saved(client_for, users, draft):
    response = client_for(users["owner_a"]).post(
        f"/practices/{draft.pk}/", {"level-measurement": "3", "links-measurement": "ftp://x"}, follow=True)
    assert "is not a web address" in response.content.decode() and self_levels(draft) == {}


def test_the_review_page_shows_evidence_and_flags_and_the_review_freezes(client_for, users, draft):
    self_assessment_answer(actor=users["owner_a"], assessment=draft,
                           answers=[{"function": code, "level": 4} for code in FUNCTIONS])
    self_assessment_submit(actor=users["owner_a"], assessment=draft)
    analyst = client_for(users["analyst"])
    page = analyst.get(f"/practices/{draft.pk}/review/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Evidence from the other areas" in page
    assert "No survey responses were received" in page  # measurement 4 without any response: flagged
    assert "<svg" in page and 'name="decision"' in page
    owner_page = client_for(users["owner_a"]).get(f"/practices/{draft.pk}/review/").content.decode()
    assert 'name="decision"' not in owner_page
    response = analyst.post(f"/practices/{draft.pk}/review/", {
        "decision": "reviewed", "level-measurement": "2", "reason-measurement": "Нет данных опросов"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.REVIEWED
    frozen = client_for(users["owner_a"]).get(f"/practices/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert 'type="radio"' not in frozen and "Нет данных опросов" in frozen and "Проверена" in frozen
    assert "не получено ни одного ответа" in frozen  # the flag as the reviewer saw it


def test_the_list_shows_the_quarter_and_status(client_for, users, draft):
    page = client_for(users["owner_a"]).get("/practices/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "3 кв. 2026" in page and "Черновик" in page and "Министерство А" in page
    assert "Начать самооценку" in page
    assert "Начать самооценку" not in client_for(users["analyst"]).get(
        "/practices/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
