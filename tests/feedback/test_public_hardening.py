"""The public ingestion endpoints under attack: rate limits per response, integrators' quota, Retry-After,
timestamps (naive, extreme, backdated) and the context object (declared keys, bounded, masked)."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
from django.test import Client
from django.utils import timezone

from govcx import throttle
from govcx.accounts.services import api_token_create
from govcx.feedback import services as feedback
from govcx.feedback.models import Response, SurveyStatus
from govcx.feedback.selectors import public_surveys

ONE = "/api/feedback/public/responses"
BATCH = "/api/feedback/public/responses/batch"


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(throttle.time, "time", lambda: 1_700_000_000.0)


@pytest.fixture
def make_survey(services, users):
    def make(rate_limit_per_minute: int = 1000):
        admin = users["admin"]
        survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=admin)
        survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                        status=SurveyStatus.LIVE, rate_limit_per_minute=rate_limit_per_minute,
                                        opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))  # history is imported
        public_surveys.forget()
        return survey

    return make


def post(client: Client, path: str, body: dict, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def item(survey, **extra) -> dict:
    return {"survey": survey.public_key, "idempotency_key": str(uuid.uuid4()), "answers": {"overall": 4},
            "channel": "web", "elapsed_ms": 20000, **extra}


# --- rate limits ---


def test_a_batch_counts_each_response_and_is_refused_whole_beyond_the_allowance(make_survey, clock):
    survey = make_survey(rate_limit_per_minute=30)
    client = Client()
    assert post(client, BATCH, {"responses": [item(survey) for _ in range(20)]}).status_code == 200
    refused = post(client, BATCH, {"responses": [item(survey) for _ in range(20)]})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "20"  # 10 left; 10 more come back at one per 2 s
    assert refused.json()["error"] == "rate_limited"
    assert Response.objects.filter(survey=survey).count() == 20  # nothing of the refused batch
    assert post(client, BATCH, {"responses": [item(survey) for _ in range(10)]}).status_code == 200
    assert post(client, ONE, item(survey)).status_code == 429
    assert Response.objects.filter(survey=survey).count() == 30


def test_three_batches_cannot_store_more_than_the_limit(make_survey, clock):
    survey = make_survey(rate_limit_per_minute=30)
    codes = [post(Client(), BATCH, {"responses": [item(survey) for _ in range(500)]}).status_code
             for _ in range(3)]
    assert codes == [429, 429, 429]
    assert not Response.objects.filter(survey=survey).exists()


def test_every_429_carries_retry_after_in_seconds(make_survey, clock):
    survey = make_survey(rate_limit_per_minute=3)
    client = Client()
    replies = [post(client, ONE, item(survey)) for _ in range(4)]
    assert [r.status_code for r in replies] == [201, 201, 201, 429]
    assert replies[3]["Retry-After"] == "20"
    assert "Retry-After" not in replies[0]


def test_an_integrators_token_has_its_own_quota(make_survey, users, settings, clock):
    settings.THROTTLE_INTEGRATOR_PER_MINUTE = 40
    survey = make_survey(rate_limit_per_minute=3)
    _token, secret = api_token_create(user=users["analyst"], name="call centre")
    anonymous = Client()
    assert [post(anonymous, ONE, item(survey)).status_code for _ in range(4)] == [201, 201, 201, 429]
    integrator = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")  # same address as the anonymous caller
    assert post(integrator, BATCH, {"responses": [item(survey) for _ in range(40)]}).status_code == 200
    refused = post(integrator, ONE, item(survey))
    assert (refused.status_code, refused["Retry-After"]) == (429, "2")  # 60/40 s, rounded up
    assert post(Client(HTTP_AUTHORIZATION="Bearer not-a-token"), ONE, item(survey)).status_code == 401


# --- timestamps ---


@pytest.mark.parametrize("moment", ["2025-01-01T00:00:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                                    "0001-01-01T00:00:00+03:00", "9999-12-31T23:59:59-05:00", "1999-12-31T23:59:59Z"])
def test_naive_and_extreme_timestamps_are_a_422_naming_the_field(make_survey, moment):
    survey = make_survey()
    one = post(Client(), ONE, item(survey, submitted_at=moment))
    assert one.status_code == 422, one.content
    assert [d["field"] for d in one.json()["details"]] == ["submitted_at"]
    batch = post(Client(), BATCH, {"responses": [item(survey), item(survey, submitted_at=moment)]})
    assert batch.status_code == 422
    assert [(d["row"], d["field"]) for d in batch.json()["details"]] == [(1, "submitted_at")]
    assert not Response.objects.exists()


def test_public_clients_cannot_backdate_beyond_the_allowed_clock_skew(make_survey, settings):
    settings.FEEDBACK_CLOCK_SKEW_SECONDS = 600
    survey = make_survey()
    now = timezone.now()
    slightly_off = now - dt.timedelta(minutes=5)
    last_quarter = now - dt.timedelta(days=120)
    near = post(Client(), ONE, item(survey, submitted_at=slightly_off.isoformat()))
    far = post(Client(), ONE, item(survey, submitted_at=last_quarter.isoformat()))
    kept, replaced = Response.objects.get(pk=near.json()["id"]), Response.objects.get(pk=far.json()["id"])
    assert (kept.submitted_at, kept.client_submitted_at) == (slightly_off, None)
    assert abs(replaced.submitted_at - timezone.now()) < dt.timedelta(minutes=1)
    assert replaced.client_submitted_at == last_quarter


def test_an_analysts_import_keeps_historical_dates(make_survey, users):
    survey = make_survey()
    historical = dt.datetime(2021, 3, 15, 10, 0, tzinfo=dt.UTC)
    feedback.responses_import(survey=survey, actor=users["admin"], rows=[(2, feedback.Submission(
        idempotency_key="import:row-0002", answers={"overall": 5}, channel="import", submitted_at=historical))])
    stored = Response.objects.get(survey=survey)
    assert (stored.submitted_at, stored.client_submitted_at) == (historical, None)


# --- context ---


def test_unknown_context_keys_are_refused_by_name(make_survey):
    survey = make_survey()
    reply = post(Client(), ONE, item(survey, context={"page": "/apply", "session_cookie": "x", "email": "y"}))
    assert reply.status_code == 422
    assert [d["field"] for d in reply.json()["details"]] == ["context.email", "context.session_cookie"]
    assert "allowed: channel, office, page, stage, referrer, locale, app_version" in reply.json()["message"]


def test_a_flood_of_context_keys_stores_nothing(make_survey):
    survey = make_survey()
    reply = post(Client(), ONE, item(survey, context={f"k{i}": "x" * 200 for i in range(5000)}))
    assert reply.status_code == 422
    assert len(reply.json()["details"]) == 20
    assert not Response.objects.exists()


def test_context_values_are_bounded(make_survey):
    survey = make_survey()
    long_value = post(Client(), ONE, item(survey, context={"page": "/" + "a" * 200}))
    assert (long_value.status_code, long_value.json()["details"][0]["field"]) == (422, "context.page")
    keys = ("office", "page", "stage", "referrer", "locale", "app_version")
    too_big = post(Client(), ONE, item(survey, context={k: "ж" * 199 for k in keys}))
    assert (too_big.status_code, too_big.json()["details"]) == (422, [{"field": "context"}])


def test_context_values_are_masked_and_pages_lose_their_query(make_survey):
    survey = make_survey()
    reply = post(Client(), ONE, item(survey, context={
        "page": "/apply?email=ivan@mail.ru&phone=89161234567", "referrer": "/search#ivan(at)mail.ru",
        "office": "MFC-01, спросить Ивана +7 916 123-45-67", "app_version": "2.4.1", "locale": "ru-RU"}))
    assert reply.status_code == 201, reply.content
    stored = Response.objects.get(pk=reply.json()["id"])
    assert stored.context == {"page": "/apply", "referrer": "/search", "office": "MFC-01, спросить Ивана [PHONE]",
                              "app_version": "2.4.1", "locale": "ru-RU"}
    assert "phone" in stored.pii_found
