"""A dashboard request only reads the analytics store (issue 10, Reliability): the worker's `feedback.sync` job
writes it, and the page says how fresh its figures are."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from govcx.feedback import services as feedback
from govcx.feedback.analytics_sync import analytics_sync, analytics_synced_at, answers_store_path
from govcx.feedback.models import SurveyStatus
from govcx.feedback.selectors import public_surveys
from govcx.jobs.models import JobState
from govcx.jobs.services import job_enqueue

pytestmark = pytest.mark.django_db


def store_files() -> dict[str, float]:
    return {p.name: p.stat().st_mtime_ns for p in answers_store_path().iterdir()}


def live_survey(service, actor):
    survey = feedback.survey_create(service=service, title="CSAT", template="csat", actor=actor)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=actor,
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    public_surveys.forget()
    return survey


def submit(survey, ratings, prefix):
    moment = timezone.now() - dt.timedelta(days=3)
    for number, rating in enumerate(ratings):
        feedback.response_submit(survey=survey, submission=feedback.Submission(
            idempotency_key=f"{prefix}-answer-{number:04d}", answers={"overall": rating}, submitted_at=moment,
            elapsed_seconds=60))


def test_a_dashboard_request_leaves_the_store_alone_and_shows_when_it_was_synced(services, users, client_for):
    survey = live_survey(services["a"], users["admin"])
    client = client_for(users["analyst"])
    submit(survey, [5, 4, 3], "first")
    assert "No figures yet" in client.get("/feedback/dashboard/").content.decode()
    assert not answers_store_path().exists()  # the request did not sync

    job = job_enqueue(kind="feedback.sync", actor=None, organisation=None)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.result == {"copied": 0}  # younger than the settle window
    assert analytics_sync(settle_seconds=0) == 3
    synced = analytics_synced_at()
    assert synced is not None
    before = store_files()
    submit(survey, [1, 1], "second")  # new answers wait for the next sync
    page = client.get("/feedback/dashboard/").content.decode()
    assert store_files() == before  # no new part, no compaction, no marker rewritten
    assert f"Figures as of {date_format(timezone.localtime(synced), 'SHORT_DATETIME_FORMAT')}" in page
    api = client.get("/api/feedback/dashboard")
    assert api.status_code == 200 and store_files() == before
