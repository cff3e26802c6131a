"""POST /api/proactive/calculate and /trace in OpenFisca's web-API style; events pushed idempotently."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db

SITUATION = {
    "persons": {"mum": {"birth": {"ETERNITY": "1990-01-01"}, "salary": {"2025-03": 20000}},
                "kid": {"birth": {"ETERNITY": "2020-01-01"}}},
    "households": {"family": {"adults": ["mum"], "children": ["kid"], "region": {"2025-03": "RU-LIP"},
                              "unified_allowance": {"2025-03": None}}},
}


def post(client, path, body):
    return client.post(path, data=json.dumps(body), content_type="application/json")


def test_calculate_fills_the_nulls(client_for, users):
    response = post(client_for(users["viewer_a"]), "/api/proactive/calculate?pack=unified_allowance", SITUATION)
    assert response.status_code == 200, response.content
    # income 10 000 a member, below Lipetsk's 16 146: with 75 % of 15 599 still below, so 100 %
    assert response.json()["households"]["family"]["unified_allowance"] == {"2025-03": 15599.0}


def test_trace_gives_reasons_in_russian(client_for, users):
    response = post(client_for(users["viewer_a"]), "/api/proactive/trace?pack=unified_allowance&language=ru",
                    SITUATION)
    assert response.status_code == 200
    [item] = response.json()["trace"].values()
    assert item["entitled"] is True
    assert {r["condition"] for r in item["reasons"]} == {"has_child_under_age_limit",
                                                         "income_below_subsistence_minimum"}


def test_anonymous_callers_are_refused(client):
    assert post(client, "/api/proactive/calculate?pack=unified_allowance", SITUATION).status_code in (401, 403)


def test_bad_situation_is_a_422(client_for, users):
    response = post(client_for(users["viewer_a"]), "/api/proactive/calculate?pack=unified_allowance",
                    {"persons": {"a": {"nonsense": {"2025-03": None}}}})
    assert response.status_code == 422 and "nonsense" in response.json()["message"]


def test_events_are_idempotent(client_for, users, officers):
    body = {"event_id": "zags-1", "kind": "birth_registered", "person_id": "p1", "occurred_on": "2025-03-02"}
    client = client_for(officers["b"])
    first, second = post(client, "/api/proactive/events", body), post(client, "/api/proactive/events", body)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert post(client_for(users["viewer_a"]), "/api/proactive/events", body).status_code == 403


def test_offers_return_their_answer_by_day(client_for, officers, reference_data, tmp_path):
    import datetime as dt

    from django.utils import timezone

    from govcx.proactive import services
    from govcx.proactive.models import Offer, Run, Snapshot

    org = reference_data["region"]
    snapshot = Snapshot.objects.create(organisation=org, taken_on=dt.date(2025, 3, 1), directory=str(tmp_path))
    run = Run.objects.create(organisation=org, snapshot=snapshot, period="2025-03", status="done")
    offer = Offer.objects.create(organisation=org, benefit="unified_allowance", beneficiary_id="h1", amount=15599,
                                 entitlement_key="2025-03", run=run, pack_version="unified_allowance 2025.1")
    client = client_for(officers["b"])
    [proposed] = client.get("/api/proactive/offers").json()
    assert proposed["respond_by"] is None
    moved = post(client, f"/api/proactive/offers/{offer.pk}/move", {"state": "notified"}).json()
    expected = (timezone.localdate() + dt.timedelta(days=services.ANSWER_DAYS)).isoformat()
    assert moved["respond_by"] == expected
    assert client.get("/api/proactive/offers?state=notified").json()[0]["respond_by"] == expected
