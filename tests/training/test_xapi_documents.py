"""The xAPI document resources: activity state, activity profile and agent profile (xAPI-Communication 2.3)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from tests.training.conftest import HOME

ACTIVITY = "https://lms.example.gov/course/basics"
AGENT = json.dumps({"account": {"homePage": HOME, "name": "p001"}})


def _url(resource: str, **params: str) -> str:
    return f"/xapi/{resource}?{urlencode(params)}"


def _send(lrs, method: str, url: str, body: bytes = b"", content_type: str = "application/json", **headers):
    call = getattr(lrs.client, method.lower())
    return call(url, body, content_type=content_type, **{**lrs.headers, **headers})


def test_state_put_merge_list_and_delete(lrs, staff):
    one = _url("activities/state", activityId=ACTIVITY, agent=AGENT, stateId="bookmark")
    assert _send(lrs, "PUT", one, b'{"page": 3, "done": false}').status_code == 204
    assert _send(lrs, "POST", one, b'{"page": 4, "score": 7}').status_code == 204
    got = lrs.client.get(one, **lrs.headers)
    assert got.status_code == 200 and json.loads(got.content) == {"page": 4, "done": False, "score": 7}
    assert got["ETag"].startswith('"') and got["X-Experience-API-Version"] == "1.0.3"
    assert _send(lrs, "POST", one, b"plain text", content_type="text/plain").status_code == 400  # no merge
    other = _url("activities/state", activityId=ACTIVITY, agent=AGENT, stateId="notes")
    assert _send(lrs, "PUT", other, b"hello", content_type="text/plain").status_code == 204
    listed = lrs.client.get(_url("activities/state", activityId=ACTIVITY, agent=AGENT), **lrs.headers)
    assert json.loads(listed.content) == ["bookmark", "notes"]
    assert lrs.client.get(_url("activities/state", activityId=ACTIVITY, agent=AGENT, registration="x",
                               stateId="notes"), **lrs.headers).status_code == 400
    assert lrs.client.get(_url("activities/state", agent=AGENT, stateId="notes"), **lrs.headers).status_code == 400
    assert lrs.client.delete(_url("activities/state", activityId=ACTIVITY, agent=AGENT),
                             **lrs.headers).status_code == 204
    assert lrs.client.get(one, **lrs.headers).status_code == 404


def test_profiles_need_the_concurrency_headers(lrs, staff):
    url = _url("activities/profile", activityId=ACTIVITY, profileId="settings")
    assert _send(lrs, "PUT", url, b'{"a": 1}', HTTP_IF_NONE_MATCH="*").status_code == 204
    assert _send(lrs, "PUT", url, b'{"a": 2}').status_code == 409  # exists, no header
    assert _send(lrs, "PUT", url, b'{"a": 2}', HTTP_IF_NONE_MATCH="*").status_code == 412
    etag = lrs.client.get(url, **lrs.headers)["ETag"]
    assert _send(lrs, "PUT", url, b'{"a": 2}', HTTP_IF_MATCH='"0000"').status_code == 412
    assert _send(lrs, "PUT", url, b'{"a": 2}', HTTP_IF_MATCH=etag).status_code == 204
    assert json.loads(lrs.client.get(url, **lrs.headers).content) == {"a": 2}
    agent = _url("agents/profile", agent=AGENT, profileId="prefs")
    assert _send(lrs, "POST", agent, b'{"lang": "ru"}').status_code == 204
    assert _send(lrs, "POST", agent, b'{"size": 2}').status_code == 204
    assert json.loads(lrs.client.get(agent, **lrs.headers).content) == {"lang": "ru", "size": 2}
    assert json.loads(lrs.client.get(_url("agents/profile", agent=AGENT), **lrs.headers).content) == ["prefs"]
    assert lrs.client.delete(agent, **lrs.headers).status_code == 204
    assert lrs.client.get(agent, **lrs.headers).status_code == 404


def test_documents_need_credentials_and_version(lrs, client, staff):
    url = _url("agents/profile", agent=AGENT, profileId="prefs")
    assert client.get(url, HTTP_X_EXPERIENCE_API_VERSION="1.0.3").status_code == 401
    assert lrs.client.get(url, HTTP_AUTHORIZATION=lrs.headers["HTTP_AUTHORIZATION"]).status_code == 400
