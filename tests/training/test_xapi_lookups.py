"""The xAPI 1.0.3 Agents and Activities resources (xAPI-Communication 2.4 and 2.5), tested from the spec's text."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.training.conftest import HOME

from govcx.training import xapi_lookups

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
BASICS = "https://lms.example.gov/course/basics"
ELSEWHERE = "https://other.example.org/activity/7"


def _get(lrs, resource: str, method: str = "get", **params: str):
    return getattr(lrs.client, method)(f"/xapi/{resource}?{urlencode(params)}", **lrs.headers)


def _agent(key: str = "p001", **more) -> dict:
    return {"objectType": "Agent", "account": {"homePage": HOME, "name": key}, **more}


def test_agents_answers_a_person_for_an_agent_it_knows_nothing_about(lrs, staff):
    # 2.4: "If an LRS does not have any additional information about an Agent to return, the LRS MUST still return a
    # Person when queried, but that Person Object will only include the information associated with the requested
    # Agent." Every property is an array.
    response = _get(lrs, "agents", agent=json.dumps({"mbox": "mailto:Someone@Example.org"}))
    assert response.status_code == 200 and response["X-Experience-API-Version"] == "1.0.3"
    assert response.json() == {"objectType": "Person", "mbox": ["mailto:Someone@Example.org"]}
    named = _get(lrs, "agents", agent=json.dumps(_agent("p009", name="Ivan"))).json()
    assert named == {"objectType": "Person", "name": ["Ivan"], "account": [{"homePage": HOME, "name": "p009"}]}


def test_agents_adds_the_names_statements_gave_the_agent(lrs, staff):
    for name in ("Anna Petrova", "Anna P.", "Anna Petrova"):
        statement = {"actor": _agent(name=name), "verb": {"id": COMPLETED}, "object": {"id": BASICS}}
        assert lrs.post(statement).status_code == 200
    other = {"actor": _agent("p002", name="Boris"), "verb": {"id": COMPLETED}, "object": {"id": BASICS}}
    assert lrs.post(other).status_code == 200
    person = _get(lrs, "agents", agent=json.dumps(_agent())).json()
    assert person["objectType"] == "Person" and sorted(person["name"]) == ["Anna P.", "Anna Petrova"]
    assert person["account"] == [{"homePage": HOME, "name": "p001"}]
    assert "mbox" not in person and "mbox_sha1sum" not in person  # nothing joined from the roster


def test_agents_refuses_what_is_not_one_agent(lrs, client):
    assert _get(lrs, "agents").status_code == 400  # the agent parameter is required
    assert _get(lrs, "agents", agent="{not json").status_code == 400
    assert _get(lrs, "agents", agent=json.dumps({"name": "no identifier"})).status_code == 400
    group = {"objectType": "Group", "mbox": "mailto:team@example.org"}
    assert _get(lrs, "agents", agent=json.dumps(group)).status_code == 400
    assert _get(lrs, "agents", agent=json.dumps(_agent()), extra="1").status_code == 400
    assert _get(lrs, "agents", method="post", agent=json.dumps(_agent())).status_code == 405
    assert client.get("/xapi/agents?" + urlencode({"agent": json.dumps(_agent())}),
                      HTTP_X_EXPERIENCE_API_VERSION="1.0.3").status_code == 401


def test_activities_answers_the_activity_with_its_canonical_definition(lrs, staff):
    # 2.5: "If an LRS does not have a canonical definition of the Activity to return, the LRS SHOULD still return an
    # Activity Object when queried."
    unknown = _get(lrs, "activities", activityId=ELSEWHERE)
    assert unknown.status_code == 200 and unknown.json() == {"objectType": "Activity", "id": ELSEWHERE}
    course = _get(lrs, "activities", activityId=BASICS).json()  # a course of the programme: its name
    assert course["definition"] == {"name": {"und": "Client-centricity basics"}}
    first = {"name": {"en-US": "Client basics"}, "type": "http://adlnet.gov/expapi/activities/course"}
    second = {"name": {"ru-RU": "Основы"}, "description": {"en-US": "Four modules"},
              "type": "http://adlnet.gov/expapi/activities/module"}
    for definition in (first, second):
        statement = {"actor": _agent(), "verb": {"id": COMPLETED},
                     "object": {"id": BASICS, "definition": definition}}
        assert lrs.post(statement).status_code == 200
    # Data 2.4.4.1: the LRS updates its definition from a newer statement; language maps keep other languages
    answer = _get(lrs, "activities", activityId=BASICS).json()
    assert answer == {"objectType": "Activity", "id": BASICS, "definition": {
        "name": {"en-US": "Client basics", "ru-RU": "Основы"}, "description": {"en-US": "Four modules"},
        "type": "http://adlnet.gov/expapi/activities/module"}}
    head = _get(lrs, "activities", method="head", activityId=BASICS)
    assert head.status_code == 200 and head.content == b""


def test_activities_keeps_definitions_from_context_activities(lrs, staff):
    parent = {"id": ELSEWHERE, "definition": {"name": {"en": "Programme"}}}
    statement = {"actor": _agent(), "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
                 "object": {"id": BASICS}, "context": {"contextActivities": {"parent": parent}}}
    assert lrs.post(statement).status_code == 200
    assert _get(lrs, "activities", activityId=ELSEWHERE).json()["definition"] == {"name": {"en": "Programme"}}


def test_activities_refuses_a_missing_or_malformed_id(lrs):
    assert _get(lrs, "activities").status_code == 400
    assert _get(lrs, "activities", activityId="not an iri").status_code == 400
    assert _get(lrs, "activities", method="put", activityId=BASICS).status_code == 405


def test_the_alternate_request_syntax_reaches_both_resources(lrs):
    form = urlencode({"activityId": ELSEWHERE, "X-Experience-API-Version": "1.0.3",
                      "Authorization": lrs.headers["HTTP_AUTHORIZATION"]})
    response = lrs.client.post("/xapi/activities?method=GET", form,
                               content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and response.json()["id"] == ELSEWHERE


def test_definition_merging_and_reading():
    known = {"name": {"en": "A"}, "extensions": {"http://x.example/a": 1}, "moreInfo": "http://x.example/old"}
    merged = xapi_lookups.merge_definition(known, {"name": {"ru": "А"}, "extensions": {"http://x.example/b": 2},
                                                   "moreInfo": "http://x.example/new"})
    assert merged == {"name": {"en": "A", "ru": "А"}, "moreInfo": "http://x.example/new",
                      "extensions": {"http://x.example/a": 1, "http://x.example/b": 2}}
    sub = {"actor": _agent(), "verb": {"id": COMPLETED},
           "object": {"objectType": "SubStatement", "actor": _agent(), "verb": {"id": COMPLETED},
                      "object": {"id": ELSEWHERE, "definition": {"name": {"en": "Inner"}}}}}
    assert xapi_lookups.definitions(sub) == {ELSEWHERE: {"name": {"en": "Inner"}}}
    assert xapi_lookups.person_object({"openid": "http://id.example/1"}, ["", "X", "X"]) == {
        "objectType": "Person", "name": ["X"], "openid": ["http://id.example/1"]}
