"""Complaints over HTTP: the handlers' API and pages by organisation scope, and the citizen's public form, API and
private status link (rate limited, never showing the contact)."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.utils import timezone

from govcx import throttle
from govcx.accounts.models import User
from govcx.complaints.models import Complaint, RoutingRule
from govcx.complaints.services import PUBLIC_SUBMIT_PER_MINUTE, complaint_answer
from govcx.feedback.services import survey_create

API = "/api/feedback/complaints"
CONTACT = "anna@example.org"
AUTHOR = {"name": "Anna Petrova", "email": CONTACT, "consent": True}  # what 59-FZ art. 7 and 152-FZ art. 9 ask


def post_json(client: Client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def submit_public(services):
    def make() -> str:
        reply = post_json(Client(REMOTE_ADDR="10.9.9.9"), f"{API}/public", {"service": "svc-a", "text": "Late",
                                                                            **AUTHOR})
        assert reply.status_code == 201
        return reply.json()["number"]

    return make


@pytest.fixture
def complaint(submit):
    complaint, _token = submit("a", contact=CONTACT)
    return complaint


# --- the handlers' API: who sees what ---


@pytest.mark.parametrize(("who", "visible", "sees_contact"), [
    ("cx_a", True, True), ("owner_a", True, True), ("viewer_a", True, False), ("analyst", True, False),
    ("admin", True, True), ("cx_b", False, False), ("owner_b", False, False),
])
def test_scoping_matrix(complaint, users, handlers, client_for, who, visible, sees_contact):
    user = {"cx_a": handlers["a"], "cx_b": handlers["b"]}.get(who) or users[who]
    client = client_for(user)
    listed = client.get(API).json()
    assert [c["id"] for c in listed["items"]] == ([complaint.pk] if visible else [])
    reply = client.get(f"{API}/{complaint.pk}")
    assert reply.status_code == (200 if visible else 404)
    if visible:
        assert reply.json()["contact"] == (CONTACT if sees_contact else None)


def test_anonymous_callers_get_401(complaint):
    assert Client().get(API).status_code == 401
    assert Client().get(f"{API}/{complaint.pk}").status_code == 401
    assert post_json(Client(), f"{API}/{complaint.pk}/take", {"version": 1}).status_code == 401


def test_take_answer_and_extend_over_the_api(complaint, handlers, client_for):
    client = client_for(handlers["a"])
    taken = post_json(client, f"{API}/{complaint.pk}/take", {"version": 1})
    assert taken.status_code == 200 and taken.json()["status"] == "in_work" and taken.json()["assignee"] == "cx-a"
    stale = post_json(client, f"{API}/{complaint.pk}/extend", {"version": 1, "reason": "Archive"})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    extended = post_json(client, f"{API}/{complaint.pk}/extend", {"version": 2, "reason": "Archive"})
    assert extended.status_code == 200 and extended.json()["extended"] is True
    again = post_json(client, f"{API}/{complaint.pk}/extend", {"version": 3, "reason": "Again"})
    assert again.status_code == 422
    answered = post_json(client, f"{API}/{complaint.pk}/answer", {"version": 3, "answer": "Approved."})
    assert answered.json()["status"] == "answered" and answered.json()["answer"] == "Approved."


def test_readers_without_the_right_may_not_act(complaint, users, handlers, client_for):
    assert post_json(client_for(users["viewer_a"]), f"{API}/{complaint.pk}/take", {"version": 1}).status_code == 403
    assert post_json(client_for(handlers["b"]), f"{API}/{complaint.pk}/take", {"version": 1}).status_code == 404


def test_list_filters(submit, handlers, client_for, services):
    overdue, _token = submit("a", received_on=dt.date(2025, 1, 9))
    fresh, _token = submit("a", text="A queue of three hours", topic="queues")
    other_service, _token = submit("a1")
    client = client_for(handlers["a"])

    def ids(**params) -> list[int]:
        return [c["id"] for c in client.get(API, params).json()["items"]]

    assert ids(status="overdue") == [overdue.pk]
    assert overdue.pk not in ids(status="received")
    assert ids(service_id=services["a1"].pk) == [other_service.pk]
    assert ids(topic="queues") == [fresh.pk]
    assert ids(due_before="2025-03-01") == [overdue.pk]
    assert client.get(API, {"status": "lost"}).status_code == 422
    assert client.get(API).json()["items"][0]["days_left"] < 0


def test_routing_rules_crud(services, handlers, users, client_for, reference_data):
    client = client_for(handlers["a"])
    body = {"owner_id": reference_data["ministry"].pk, "service_id": services["a"].pk, "topic": "queues",
            "handler_id": reference_data["agency"].pk}
    created = post_json(client, f"{API}/routing-rules", body)
    assert created.status_code == 201
    rule_id = created.json()["id"]
    assert post_json(client, f"{API}/routing-rules", body).status_code == 409
    changed = client.put(f"{API}/routing-rules/{rule_id}", json.dumps({**body, "topic": ""}),
                         content_type="application/json")
    assert changed.status_code == 200 and changed.json()["topic"] == ""
    assert [r["id"] for r in client.get(f"{API}/routing-rules").json()] == [rule_id]
    assert client_for(handlers["b"]).get(f"{API}/routing-rules").json() == []
    assert client_for(handlers["b"]).delete(f"{API}/routing-rules/{rule_id}").status_code == 404
    assert post_json(client_for(handlers["b"]), f"{API}/routing-rules", body).status_code == 404
    assert post_json(client, f"{API}/routing-rules", {**body, "topic": "weather"}).status_code == 422
    assert client.delete(f"{API}/routing-rules/{rule_id}").status_code == 204
    assert not RoutingRule.objects.exists()


# --- the citizen's API ---


def test_public_submit_by_service_code_and_follow_the_status_link(services):
    reply = post_json(Client(), f"{API}/public", {"service": "svc-a", "text": "Nobody answers the phone +7 916 "
                                                   "123-45-67", **AUTHOR})
    assert reply.status_code == 201
    body = reply.json()
    assert body["status"] == "received" and body["status_url"].startswith("http://testserver/complaints/status/")
    token = body["status_url"].rstrip("/").rsplit("/", 1)[1]
    stored = Complaint.objects.get()
    assert "[PHONE]" in stored.text and stored.email == CONTACT and stored.author_name == "Anna Petrova"
    assert body["number"] == stored.number and stored.consent_at is not None
    status = Client().get(f"{API}/public/{token}")
    assert status.status_code == 200
    assert status.json()["status"] == "received" and status.json()["answer"] == ""
    assert CONTACT not in status.content.decode() and "contact" not in status.json()
    assert Client().get(f"{API}/public/{'x' * len(token)}").status_code == 404


def test_public_status_shows_the_answer_once_answered(submit, handlers):
    complaint, token = submit(contact=CONTACT)
    complaint_answer(complaint=complaint, answer="Your application is approved.", actor=handlers["a"],
                     expected_version=1)
    body = Client().get(f"{API}/public/{token}").json()
    assert body["status"] == "answered" and body["answer"] == "Your application is approved."
    page = Client().get(f"/complaints/status/{token}/")
    assert page.status_code == 200 and "Your application is approved." in page.content.decode()
    assert CONTACT not in page.content.decode()
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_public_submit_about_a_survey_goes_to_its_service(services, users):
    survey = survey_create(service=services["b"], title="Satisfaction", template="csat", actor=users["admin"])
    reply = post_json(Client(), f"{API}/public", {"survey": survey.public_key, "text": "The form lost my data.",
                                                  **AUTHOR})
    assert reply.status_code == 201
    assert Complaint.objects.get().service == services["b"]


def test_public_submit_refuses_unknown_services_empty_texts_and_robots(services):
    assert post_json(Client(), f"{API}/public", {"service": "nope", "text": "Text", **AUTHOR}).status_code == 404
    assert post_json(Client(), f"{API}/public", {"service": "svc-a", "text": "", **AUTHOR}).status_code == 422
    robot = post_json(Client(), f"{API}/public", {"service": "svc-a", "text": "Buy", "website": "http://spam",
                                                  **AUTHOR})
    assert robot.status_code == 422
    assert not Complaint.objects.exists()


def test_public_submissions_are_rate_limited_per_caller(services, monkeypatch):
    monkeypatch.setattr(throttle.time, "time", lambda: 1_700_000_000.0)  # one window for the whole test
    client = Client()
    codes = [post_json(client, f"{API}/public", {"service": "svc-a", "text": f"Complaint {i}", **AUTHOR}).status_code
             for i in range(PUBLIC_SUBMIT_PER_MINUTE + 1)]
    assert codes == [201] * PUBLIC_SUBMIT_PER_MINUTE + [429]
    other = Client(REMOTE_ADDR="10.0.0.2")
    assert post_json(other, f"{API}/public", {"service": "svc-a", "text": "Mine", **AUTHOR}).status_code == 201
    page = client.post("/complaints/new/", {"service": "svc-a", "text": "From the form", **AUTHOR})
    assert page.status_code == 429


# --- pages ---


def test_list_page_shows_status_chips_and_highlights_overdue(submit, handlers, client_for):
    submit("a", received_on=dt.date(2025, 1, 9))
    submit("a")
    page = client_for(handlers["a"]).get("/complaints/")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'class="tag warn">Overdue: 1' in html and "Received: 1" in html
    assert "overdue by" in html
    only_overdue = client_for(handlers["a"]).get("/complaints/", {"status": "overdue"}).content.decode()
    assert len(re.findall(r'href="/complaints/\d+/"', only_overdue)) == 1  # one complaint listed


def test_the_queue_opens_on_open_complaints_with_their_text(submit, handlers, client_for):
    waiting, _token = submit("a")
    answered, _token = submit("a", received_on=dt.date(2025, 1, 9))
    complaint_answer(actor=handlers["a"], complaint=answered, answer="Fixed.", expected_version=answered.version)
    client = client_for(handlers["a"])
    queue = client.get("/complaints/").content.decode()
    assert f"/complaints/{waiting.pk}/" in queue and f"/complaints/{answered.pk}/" not in queue
    assert waiting.text[:40] in queue and 'aria-current="true"><span class="tag">Not answered yet: 1' in queue
    assert 'href="?status=all">All (2)' in queue
    everything = client.get("/complaints/", {"status": "all"}).content.decode()
    assert f"/complaints/{waiting.pk}/" in everything and f"/complaints/{answered.pk}/" in everything


def test_an_answer_after_the_deadline_stays_on_the_record_as_late(submit, handlers, client_for):
    late, _token = submit("a", received_on=dt.date(2025, 1, 9))
    complaint_answer(actor=handlers["a"], complaint=late, answer="Sorry for the wait.", expected_version=late.version)
    late.refresh_from_db()
    days = (timezone.localdate(late.answered_at) - late.due_on).days
    page = client_for(handlers["a"]).get(f"/complaints/{late.pk}/").content.decode()
    assert f"answered {days} days late" in page
    on_time, _token = submit("a")
    complaint_answer(actor=handlers["a"], complaint=on_time, answer="Done.", expected_version=on_time.version)
    assert "answered on time" in client_for(handlers["a"]).get(f"/complaints/{on_time.pk}/").content.decode()


def test_detail_page_shows_the_contact_only_to_handlers(complaint, users, handlers, client_for):
    url = f"/complaints/{complaint.pk}/"
    assert CONTACT in client_for(handlers["a"]).get(url).content.decode()
    viewer_page = client_for(users["viewer_a"]).get(url)
    assert viewer_page.status_code == 200 and CONTACT not in viewer_page.content.decode()
    assert "Take into work" not in viewer_page.content.decode()
    assert client_for(handlers["b"]).get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_actions_from_the_page_with_optimistic_locking(complaint, users, handlers, client_for):
    client = client_for(handlers["a"])
    taken = client.post(f"/complaints/{complaint.pk}/take/", {"version": "1"})
    assert taken.status_code == 302
    stale = client.post(f"/complaints/{complaint.pk}/answer/", {"version": "1", "answer": "My typed answer"})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone else changed this complaint" in html and "My typed answer" in html
    assert client.post(f"/complaints/{complaint.pk}/extend/", {"version": "2", "reason": "Archive"}).status_code == 302
    detail = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "Extend the deadline" not in detail and "Deadline extended" in detail
    assert client.post(f"/complaints/{complaint.pk}/answer/", {"version": "3", "answer": "Done"}).status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).status == "answered"
    assert client_for(users["viewer_a"]).post(f"/complaints/{complaint.pk}/take/", {"version": "4"}).status_code == 403


def test_routing_rules_page(services, handlers, client_for, reference_data):
    client = client_for(handlers["a"])
    assert client.get("/complaints/routing/").status_code == 200
    saved = client.post("/complaints/routing/", {"owner": reference_data["ministry"].pk, "service": "",
                                                  "topic": "queues", "handler": reference_data["agency"].pk})
    assert saved.status_code == 302
    rule = RoutingRule.objects.get()
    assert "Agency A1" in client.get("/complaints/routing/").content.decode()
    assert client_for(handlers["b"]).post(f"/complaints/routing/{rule.pk}/delete/").status_code == 404
    assert client.post(f"/complaints/routing/{rule.pk}/delete/").status_code == 302
    assert not RoutingRule.objects.exists()


def test_the_law_s_requirements_are_refused_one_by_one(services):
    def refusal(**author):
        reply = post_json(Client(), f"{API}/public", {"service": "svc-a", "text": "Late", **author})
        assert reply.status_code == 422
        return {d["field"] for d in reply.json()["details"]}

    assert refusal() == {"name", "email", "consent"}
    assert refusal(name="Anna", email="not-an-address", consent=True) == {"email"}
    assert refusal(name="Anna", postal_address="Tula, Lenina 1") == {"consent"}
    assert not Complaint.objects.exists()
    assert post_json(Client(), f"{API}/public", {"service": "svc-a", "text": "Late", "name": "Anna", "consent": True,
                                                 "postal_address": "Tula, Lenina 1"}).status_code == 201


def test_a_confirmation_with_the_number_goes_through_the_outbox_in_the_citizens_language(services):
    from django.core import mail

    from govcx.outbox.models import Message
    from govcx.outbox.services import messages_send

    reply = post_json(Client(HTTP_ACCEPT_LANGUAGE="ru"), f"{API}/public", {"service": "svc-a", "text": "Late",
                                                                          **AUTHOR, "name": "Петрова А. В."})
    number = reply.json()["number"]
    message = Message.objects.get()
    assert message.key == f"complaint-received:{number}" and message.recipient == CONTACT
    assert number in message.subject and number in message.body and reply.json()["status_url"] in message.body
    assert message.body.startswith("Здравствуйте, Петрова А. В.\n")  # one full stop after the initials
    assert not mail.outbox  # nothing leaves until the worker sends it
    messages_send()
    assert [m.to for m in mail.outbox] == [[CONTACT]]
    no_email = {**AUTHOR, "email": "", "postal_address": "Tula, Lenina 1"}
    post_json(Client(REMOTE_ADDR="10.0.0.3"), f"{API}/public", {"service": "svc-a", "text": "Late", **no_email})
    assert Message.objects.count() == 1  # a postal address gets no e-mail


def test_the_citizen_follows_a_complaint_by_number_and_email(submit_public):
    number = submit_public()
    body = post_json(Client(), f"{API}/public/lookup", {"number": number.lower().replace("-", " "),
                                                        "email": CONTACT.upper()})
    assert body.status_code == 200 and body.json()["number"] == number and CONTACT not in body.content.decode()
    assert post_json(Client(), f"{API}/public/lookup", {"number": number, "email": "eve@example.org"}
                     ).status_code == 404
    page = Client().post("/complaints/find/", {"number": number, "email": CONTACT})
    assert page.status_code == 200 and number in page.content.decode() and CONTACT not in page.content.decode()
    wrong = Client().post("/complaints/find/", {"number": number, "email": "eve@example.org"})
    assert wrong.status_code == 404 and "No complaint has this number and this e-mail address" in wrong.content.decode()


def test_guessing_emails_for_a_number_is_stopped_from_any_address(submit_public, monkeypatch):
    from govcx.complaints.services import LOOKUP_FAILURES_PER_HOUR

    monkeypatch.setattr(throttle.time, "time", lambda: 1_700_000_000.0)
    number = submit_public()
    codes = [post_json(Client(REMOTE_ADDR=f"10.1.0.{i}"), f"{API}/public/lookup",
                       {"number": number, "email": f"guess{i}@example.org"}).status_code
             for i in range(LOOKUP_FAILURES_PER_HOUR + 1)]
    assert codes == [404] * LOOKUP_FAILURES_PER_HOUR + [429]
    right = post_json(Client(REMOTE_ADDR="10.2.0.1"), f"{API}/public/lookup", {"number": number, "email": CONTACT})
    assert right.status_code == 429  # even the right pair waits: the guesser learns nothing from a 200


def test_lookups_are_limited_per_caller(submit_public, monkeypatch):
    from govcx.complaints.services import PUBLIC_LOOKUP_PER_MINUTE

    monkeypatch.setattr(throttle.time, "time", lambda: 1_700_000_000.0)
    number = submit_public()
    client = Client(REMOTE_ADDR="10.3.0.1")
    codes = [post_json(client, f"{API}/public/lookup", {"number": number, "email": CONTACT}).status_code
             for _ in range(PUBLIC_LOOKUP_PER_MINUTE + 1)]
    assert codes == [200] * PUBLIC_LOOKUP_PER_MINUTE + [429]


def test_public_form_finds_the_service_by_typing_and_only_public_services(services, reference_data):
    from govcx.registry.models import ClientCategory

    staff_only = services["b"]
    staff_only.client_categories.set([ClientCategory.objects.get(code="civil_servants")])
    client = Client()
    page = client.get("/complaints/new/").content.decode()
    assert services["a"].name_en in page and staff_only.name_en not in page  # the datalist
    several = client.post("/complaints/new/", {"service_query": "Service", "text": "Late", **AUTHOR,
                                               "consent": "yes"})
    html = several.content.decode()
    assert several.status_code == 422 and "Several services match" in html
    assert 'value="svc-a"' in html and 'value="svc-b"' not in html
    assert client.post("/complaints/new/", {"service_query": staff_only.name_en, "text": "Late", **AUTHOR,
                                            "consent": "yes"}).status_code == 422
    sent = client.post("/complaints/new/", {"service": "svc-a", "service_query": "Service", "text": "Late",
                                            **AUTHOR, "consent": "yes"}, follow=True)
    assert sent.redirect_chain[0][0].startswith("/complaints/received/")
    assert Complaint.objects.get().number in sent.content.decode()


def test_public_form_without_javascript(services, users):
    client = Client()
    form = client.get("/complaints/new/", {"service": "svc-b"})
    assert form.status_code == 200 and f'value="{services["b"].name_en}"' in form.content.decode()
    missing = client.post("/complaints/new/", {"service": "svc-b", "text": " ", **AUTHOR, "consent": ""})
    html = missing.content.decode()
    assert missing.status_code == 422 and "Write what happened" in html and "Agree to the processing" in html
    assert 'value="Anna Petrova"' in html  # what was typed is kept
    sent = client.post("/complaints/new/", {"service": "svc-b", "text": "Wrong fee", **AUTHOR, "consent": "yes"},
                       follow=True)
    assert sent.status_code == 200 and sent.redirect_chain[0][0].startswith("/complaints/received/")
    html = sent.content.decode()
    assert Complaint.objects.get().number in html and "Keep this private link" in html and CONTACT not in html
    survey = survey_create(service=services["a"], title="Satisfaction", template="csat", actor=users["admin"])
    from_survey = client.get("/complaints/new/", {"survey": survey.public_key}).content.decode()
    assert services["a"].name_en in from_survey and 'name="service"' not in from_survey


def test_the_assignee_is_named_not_shown_by_login(complaint, handlers, client_for):
    handler = handlers["a"]
    handler.first_name, handler.last_name = "Ольга", "Смирнова"
    handler.save()
    client = client_for(handler)
    assert client.post(f"/complaints/{complaint.pk}/take/", {"version": "1"}).status_code == 302
    detail = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "<dt>Assignee</dt><dd>Ольга Смирнова</dd>" in detail
    assert "<td>Ольга Смирнова</td><td>Taken into work" in detail
    queue = client.get("/complaints/?status=").content.decode()
    assert "<td>Ольга Смирнова</td></tr>" in queue and ">cx-a<" not in queue + detail
    colleague = User.objects.create_user(username="cx-a2", password="x" * 12, role=handler.role,
                                         organisation=handler.organisation, first_name="Пётр", last_name="Иванов")
    assert client_for(colleague).post(f"/complaints/{complaint.pk}/take/", {"version": "2"}).status_code == 302
    history = client_for(colleague).get(f"/complaints/{complaint.pk}/").content.decode()
    assert "<td>Пётр Иванов</td><td>Taken into work</td><td>taken over from Ольга Смирнова</td>" in history
