"""The xAPI 1.0.3 statement resource (/xapi/statements) and about resource, as a learning platform uses them."""

from __future__ import annotations

import hashlib
import json
import uuid
from urllib.parse import urlencode

import pytest
from tests.training.conftest import HOME

from govcx.training.models import Completion, Person, Statement

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
BASICS = "https://lms.example.gov/course/basics"


def statement(person="p005", verb=COMPLETED, activity=BASICS, **more):
    return {"actor": {"objectType": "Agent", "account": {"homePage": HOME, "name": person}},
            "verb": {"id": verb, "display": {"en-US": "completed"}},
            "object": {"objectType": "Activity", "id": activity}, **more}


def test_about_needs_no_credentials(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200 and "1.0.3" in response.json()["version"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_credentials_and_version_header_are_required(lrs, client):
    assert client.get("/xapi/statements", HTTP_X_EXPERIENCE_API_VERSION="1.0.3").status_code == 401
    assert lrs.get(HTTP_X_EXPERIENCE_API_VERSION="").status_code == 400
    response = lrs.get(HTTP_AUTHORIZATION="Basic " + "bm9ib2R5Ondyb25n")
    assert response.status_code == 401 and response["X-Experience-API-Version"] == "1.0.3"
    response = lrs.client.get("/xapi/statements", HTTP_AUTHORIZATION=lrs.headers["HTTP_AUTHORIZATION"])
    assert response.status_code == 400


def test_post_put_get_and_completion(lrs, staff):
    response = lrs.post([statement(), statement(person="p006", verb="http://adlnet.gov/expapi/verbs/attempted")])
    assert response.status_code == 200, response.content
    first, second = response.json()
    stored = lrs.get(f"?statementId={first}")
    assert stored.status_code == 200
    body = stored.json()
    assert body["id"] == first and body["stored"] and body["authority"]["account"]["homePage"] == HOME
    assert body["version"] == "1.0.0" and body["timestamp"]
    assert stored["X-Experience-API-Consistent-Through"] and stored["Last-Modified"]
    person = Person.objects.get(person_key="p005")
    assert Completion.objects.filter(person=person, source="xapi").count() == 1
    person.refresh_from_db()
    assert person.trained_on is not None  # a specialist needs only the basics
    new_id = str(uuid.uuid4())
    assert lrs.put(new_id, statement(person="p007")).status_code == 204
    assert lrs.put(new_id, statement(person="p007")).status_code == 204  # the same statement again: stored once
    assert Statement.objects.filter(pk=new_id).count() == 1
    assert lrs.put(new_id, statement(person="p008")).status_code == 409
    assert lrs.post([{**statement(person="p009"), "id": new_id}]).status_code == 409
    assert not Completion.objects.filter(person__person_key="p009").exists()  # nothing of a refused request
    assert lrs.post({**statement(person="p007"), "id": new_id}).status_code == 200


def test_malformed_statements_are_refused_and_nothing_stored(lrs, staff):
    bad = statement()
    bad["actor"] = {"name": "no identifier"}
    assert lrs.post([statement(), bad]).status_code == 400
    assert Statement.objects.count() == 0
    assert lrs.post({**statement(), "unknown": 1}).status_code == 400
    assert lrs.put("not-a-uuid", statement()).status_code == 400
    assert lrs.put(str(uuid.uuid4()), {**statement(), "id": str(uuid.uuid4())}).status_code == 400
    assert lrs.post(statement(), content_type="text/plain").status_code == 400


def test_voiding(lrs, staff):
    target = lrs.post(statement()).json()[0]
    assert Completion.objects.filter(person__person_key="p005").exists()
    voiding = {**statement(verb="http://adlnet.gov/expapi/verbs/voided"),
               "object": {"objectType": "StatementRef", "id": target}}
    voider = lrs.post(voiding).json()[0]
    assert not Completion.objects.filter(person__person_key="p005").exists()
    assert lrs.get(f"?statementId={target}").status_code == 404
    assert lrs.get(f"?voidedStatementId={target}").json()["id"] == target
    listed = [s["id"] for s in lrs.get().json()["statements"]]
    assert target not in listed and voider in listed
    again = {**voiding, "object": {"objectType": "StatementRef", "id": voider}}
    assert lrs.post(again).status_code == 400


def test_filters_and_paging(lrs, staff):
    ids = lrs.post([statement(person=f"p{i:03d}", context={"registration": str(uuid.UUID(int=i + 1))})
                    for i in range(5)]).json()
    agent = json.dumps({"objectType": "Agent", "account": {"homePage": HOME, "name": "p002"}})
    from urllib.parse import quote

    assert [s["id"] for s in lrs.get(f"?agent={quote(agent)}").json()["statements"]] == [ids[2]]
    assert len(lrs.get(f"?verb={quote(COMPLETED)}&activity={quote(BASICS)}").json()["statements"]) == 5
    assert lrs.get(f"?registration={uuid.UUID(int=4)}").json()["statements"][0]["id"] == ids[3]
    page = lrs.get("?limit=2&ascending=true").json()
    assert len(page["statements"]) == 2 and page["more"]
    following = lrs.client.get(page["more"], **lrs.headers).json()
    assert len(following["statements"]) == 2
    seen = {s["id"] for s in page["statements"]} | {s["id"] for s in following["statements"]}
    assert len(seen) == 4
    reduced = lrs.get("?format=ids&limit=1").json()["statements"][0]
    assert set(reduced["verb"]) == {"id"}
    assert lrs.get("?unknown=1").status_code == 400
    assert lrs.get(f"?statementId={ids[0]}&verb={quote(COMPLETED)}").status_code == 400
    assert lrs.get("?agent=notjson").status_code == 400
    assert lrs.get("?since=yesterday").status_code == 400


def test_alternate_request_syntax(lrs, staff):
    form = {"content": json.dumps(statement()), "Content-Type": "application/json",
            "X-Experience-API-Version": "1.0.3", "Authorization": lrs.headers["HTTP_AUTHORIZATION"]}
    form_type = "application/x-www-form-urlencoded"
    response = lrs.client.post("/xapi/statements?method=POST", urlencode(form), content_type=form_type)
    assert response.status_code == 200, response.content
    get_form = {"X-Experience-API-Version": "1.0.3", "Authorization": lrs.headers["HTTP_AUTHORIZATION"],
                "limit": "1"}
    answer = lrs.client.post("/xapi/statements?method=GET", urlencode(get_form), content_type=form_type)
    assert len(answer.json()["statements"]) == 1


def test_attachments_multipart(lrs, staff):
    content = b"certificate"
    sha2 = hashlib.sha256(content).hexdigest()
    body = {**statement(), "attachments": [{"usageType": "http://id.tincanapi.com/attachment/certificate",
                                            "display": {"en": "certificate"}, "contentType": "text/plain",
                                            "length": len(content), "sha2": sha2}]}
    boundary = "abcABC0123"
    payload = (f"--{boundary}\r\nContent-Type: application/json\r\n\r\n{json.dumps(body)}\r\n--{boundary}\r\n"
               f"Content-Type: text/plain\r\nContent-Transfer-Encoding: binary\r\nX-Experience-API-Hash: {sha2}"
               f"\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    response = lrs.client.post("/xapi/statements", payload, content_type=f"multipart/mixed; boundary={boundary}",
                               **lrs.headers)
    assert response.status_code == 200, response.content
    fetched = lrs.get(f"?statementId={response.json()[0]}&attachments=true")
    assert fetched["Content-Type"].startswith("multipart/mixed") and content in fetched.content
    missing = lrs.post(body)
    assert missing.status_code == 400


@pytest.mark.parametrize("version", ["0.95", "2.0.0", "1.1.0"])
def test_other_versions_are_refused(lrs, version):
    assert lrs.get(HTTP_X_EXPERIENCE_API_VERSION=version).status_code == 400
