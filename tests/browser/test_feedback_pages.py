"""The analysts' feedback pages (surveys, dashboard, comments, quarterly report) in real Chromium: axe finds no
serious or critical violation, in English and in Russian."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govcx.feedback import services as feedback
from govcx.feedback.analytics_sync import analytics_sync
from govcx.feedback.models import SurveyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENTS = ["Очень долго ждал в очереди.", "The website crashed on upload.", "Всё понятно, спасибо!",
            "Сотрудник помог заполнить заявление.", "I waited two hours in the queue."]


@pytest.fixture
def rated(services, users):
    survey = feedback.survey_create(service=services["a"], title="A-11 survey", template="a11_280",
                                    actor=users["admin"])
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    for i in range(60):
        answers = {"overall": 1 + i % 5, "ease": 1 + (i + 1) % 5, "trust": 1 + (i * 3) % 5,
                   "effectiveness": 1 + (i * 7) % 5, "efficiency": 1 + i % 5, "equity": 4}
        if i % 6 == 0:
            answers["comment"] = COMMENTS[i % len(COMMENTS)]
        feedback.response_submit(survey=survey, submission=feedback.Submission(
            idempotency_key=f"browser-{i:04d}", answers=answers, elapsed_seconds=60,
            submitted_at=timezone.now() - dt.timedelta(days=i * 3)))
    analytics_sync(settle_seconds=0)
    return survey


def test_feedback_pages_are_accessible_in_english_and_russian(page, live_server, rated, users, password,
                                                             assert_accessible):
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    service_id = rated.service_id
    paths = ["/feedback/", f"/feedback/surveys/{rated.pk}/", "/feedback/surveys/new/", "/feedback/dashboard/",
             f"/feedback/dashboard/?service={service_id}&group_by=channel", f"/feedback/comments/?service={service_id}",
             f"/feedback/services/{service_id}/report/"]
    for language in ("en", "ru"):
        if language == "ru":
            page.get_by_role("button", name="Русский").click()
            page.wait_for_load_state()
            assert page.locator("html").get_attribute("lang") == "ru"
        for path in paths:
            page.goto(f"{live_server.url}{path}")
            assert page.locator("h1").count() == 1, path
            assert_accessible(page)
    page.goto(f"{live_server.url}/feedback/dashboard/?service={service_id}")
    assert page.locator("figure.chart svg").count() >= 1  # the charts render
