"""A survey takes answers only during its life: after it opened, before it closed, each version until a newer one
replaced it. Outside it, every channel refuses the response (page, API, batch, import) and stores nothing."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from govcx.errors import Invalid
from govcx.feedback import services as feedback
from govcx.feedback.models import Response, Survey, SurveyStatus, SurveyVersion
from govcx.feedback.selectors import public_surveys
from govcx.feedback.survey_life import SurveyLife, life_refusal

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def life(**changes) -> SurveyLife:
    return SurveyLife(**{"opened_at": T0, "closed_at": None, "version": 1, "version_started_at": T0 + DAY,
                         "version_retired_at": None, **changes})


@pytest.mark.parametrize(("changes", "moment", "code"), [
    ({}, T0, None),
    ({}, T0 - dt.timedelta(seconds=1), "before_opening"),
    ({"opened_at": None}, T0, "not_opened"),
    ({"closed_at": T0 + DAY}, T0 + DAY, None),
    ({"closed_at": T0 + DAY}, T0 + 2 * DAY, "after_closing"),
    ({"version": 2}, T0, "before_version"),
    ({"version": 2}, T0 + DAY, None),
    ({"version_retired_at": T0 + 3 * DAY}, T0 + 4 * DAY, "retired_version"),
    ({"version_retired_at": T0 + 3 * DAY}, T0 + 4 * DAY - dt.timedelta(seconds=1), None),  # finishing a form
])
def test_the_bounds_of_a_life(changes, moment, code):
    refusal = life_refusal(life(**changes), moment)
    assert (refusal.code if refusal else None) == code


@pytest.fixture
def survey(services, users):
    admin = users["admin"]
    survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=admin)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                    status=SurveyStatus.LIVE, rate_limit_per_minute=1000)
    public_surveys.forget()
    return survey


def post(path: str, body: dict):
    return Client().post(path, data=json.dumps(body), content_type="application/json")


def item(survey, **extra) -> dict:
    return {"survey": survey.public_key, "idempotency_key": str(uuid.uuid4()), "answers": {"overall": 4},
            "channel": "web", **extra}


def history(when: dt.datetime, key: str = "import:row-0002") -> list:
    return [(2, feedback.Submission(idempotency_key=key, answers={"overall": 5}, channel="import",
                                    submitted_at=when))]


def test_going_live_opens_and_closing_ends_the_life(survey, users):
    assert survey.opened_at is not None and abs(survey.opened_at - timezone.now()) < dt.timedelta(minutes=1)
    closed = feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                                    status=SurveyStatus.CLOSED)
    assert closed.closed_at is not None and closed.opened_at == survey.opened_at


def test_an_import_dated_before_the_opening_is_refused_until_the_opening_moves_earlier(survey, users):
    last_year = timezone.now() - dt.timedelta(days=365)
    with pytest.raises(Invalid) as refused:
        feedback.responses_import(survey=survey, actor=users["admin"], rows=history(last_year))
    assert refused.value.details[0]["field"] == "submitted_at" and "before the survey opened" in (
        refused.value.details[0]["message"])
    assert not Response.objects.exists()
    moved = feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                                   opened_at=last_year - DAY)
    feedback.responses_import(survey=moved, actor=users["admin"], rows=history(last_year))
    assert Response.objects.get().submitted_at == last_year
    with pytest.raises(Invalid):  # the opening never moves later: stored answers would fall outside the life
        feedback.survey_update(survey=moved, expected_version=moved.version, actor=users["admin"],
                               opened_at=timezone.now())


def test_answers_dated_after_the_closing_are_refused_by_the_import(survey, users):
    feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                           opened_at=T0)
    survey.refresh_from_db()
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                                    status=SurveyStatus.CLOSED)
    with pytest.raises(Invalid) as refused:
        feedback.responses_import(survey=survey, actor=users["admin"],
                                  rows=history(timezone.now() + dt.timedelta(hours=1)))
    assert "after the survey closed" in refused.value.details[0]["message"]
    feedback.responses_import(survey=survey, actor=users["admin"], rows=history(T0 + DAY))  # inside: kept
    assert Response.objects.count() == 1


def test_a_retired_version_is_refused_by_the_api_and_the_batch(survey, users):
    definition = survey.versions.get().definition
    definition["questions"][0]["label"]["en"] = "How satisfied are you, all in all?"
    feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                           definition=definition)
    public_surveys.forget()
    assert post("/api/feedback/public/responses", item(survey, version=1)).status_code == 201  # a form in progress
    Response.objects.all().delete()
    two_days_ago = timezone.now() - 2 * DAY
    Survey.objects.filter(pk=survey.pk).update(opened_at=two_days_ago - DAY)
    SurveyVersion.objects.filter(survey=survey, number=1).update(created_at=two_days_ago - DAY)
    SurveyVersion.objects.filter(survey=survey, number=2).update(created_at=two_days_ago)
    public_surveys.forget()
    one = post("/api/feedback/public/responses", item(survey, version=1))
    assert one.status_code == 422 and one.json()["details"][0]["code"] == "retired_version"
    batch = post("/api/feedback/public/responses/batch", {"responses": [item(survey), item(survey, version=1)]})
    assert batch.status_code == 422 and not Response.objects.exists()
    assert post("/api/feedback/public/responses", item(survey, version=2)).status_code == 201


def test_the_survey_page_shows_when_it_takes_answers_and_moves_the_opening(survey, users, client_for):
    client = client_for(users["admin"])
    page = client.get(f"/feedback/surveys/{survey.pk}/").content.decode()
    assert "Takes answers" in page and 'name="opened_on"' in page
    reply = client.post(f"/feedback/surveys/{survey.pk}/", {"version": survey.version, "status": "live",
                                                            "opened_on": "2025-03-01"})
    assert reply.status_code == 302
    survey.refresh_from_db()
    assert survey.opened_at == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
