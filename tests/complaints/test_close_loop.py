"""Closing the loop: a complaint shows the change made to the service in response (an adjustment of its
assessment), and the citizen is told by e-mail, once, when that change is done."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone, translation

from govcx.complaints.jobs import tell_citizens_what_changed
from govcx.complaints.models import Complaint
from govcx.complaints.services import Author, complaint_link_adjustment, complaint_submit, loop_close_done
from govcx.errors import Invalid
from govcx.outbox.models import Message
from govcx.standards.services import adjustment_create, adjustment_set_status, assessment_create


@pytest.fixture
def change(users, services, packs):
    def make(side: str = "a"):
        admin = users["admin"]
        pack = next(iter(packs.values()))
        assessment = assessment_create(actor=admin, service=services[side], pack=pack)
        return adjustment_create(actor=admin, assessment=assessment,
                                 requirement_id=next(iter(pack.parsed.requirements())).id,
                                 action="Opening hours extended to 20:00 on Thursdays", owner=users[f"owner_{side}"],
                                 due_date=timezone.localdate() + dt.timedelta(days=20))

    return make


@pytest.fixture
def complaint(services):
    with translation.override("ru"):  # the citizen wrote in Russian: the letters to them are in Russian
        return complaint_submit(service=services["a"], text="The office closes before I leave work.",
                                author=Author(name="Анна Петрова", email="anna@example.org", consent=True))[0]


def finish(adjustment, users):
    return adjustment_set_status(actor=users["admin"], adjustment=adjustment, status="done",
                                 expected_version=adjustment.version)


def test_the_citizen_is_told_once_when_the_linked_change_is_done(complaint, change, handlers, users, client_for):
    adjustment = change()
    linked = complaint_link_adjustment(complaint=complaint, adjustment_id=adjustment.pk, actor=handlers["a"],
                                       expected_version=complaint.version)
    assert linked.adjustment_id == adjustment.pk and linked.citizen_told_at is None
    assert loop_close_done() == 0  # planned, not done: nothing to tell yet
    finish(adjustment, users)
    assert tell_citizens_what_changed(None) == {"citizens_told": 1}
    assert loop_close_done() == 0  # told once
    message = Message.objects.get(key=f"complaint-changed:{complaint.number}")
    assert message.recipient == "anna@example.org"
    assert "Opening hours extended" in message.body and "Здравствуйте" in message.body  # the citizen's language
    page = client_for(handlers["a"]).get(f"/complaints/{complaint.pk}/").content.decode()
    assert "What changed in response" in page and "Opening hours extended" in page and "was told on" in page


def test_the_citizen_sees_the_change_on_the_status_page_once_it_is_done(services, change, handlers, users, client):
    complaint, token = complaint_submit(service=services["a"], text="The office closes early.", author=Author(
        name="Анна Петрова", postal_address="Тула, ул. Ленина, 1", consent=True))
    adjustment = change()
    complaint_link_adjustment(complaint=complaint, adjustment_id=adjustment.pk, actor=handlers["a"],
                              expected_version=complaint.version)
    assert "Opening hours extended" not in client.get(f"/complaints/status/{token}/").content.decode()
    finish(adjustment, users)
    assert loop_close_done() == 0  # no e-mail address: told by post, as the handler's page says
    assert "Opening hours extended" in client.get(f"/complaints/status/{token}/").content.decode()


def test_linking_a_change_already_done_tells_the_citizen_at_once(complaint, change, handlers, users):
    adjustment = finish(change(), users)
    complaint_link_adjustment(complaint=complaint, adjustment_id=adjustment.pk, actor=handlers["a"],
                              expected_version=complaint.version)
    assert Complaint.objects.get(pk=complaint.pk).citizen_told_at is not None
    assert Message.objects.filter(key=f"complaint-changed:{complaint.number}").count() == 1


def test_only_a_change_to_the_same_service_in_the_handlers_scope_can_be_linked(complaint, change, handlers):
    other_service = change("b")
    with pytest.raises(Invalid):
        complaint_link_adjustment(complaint=complaint, adjustment_id=other_service.pk, actor=handlers["a"],
                                  expected_version=complaint.version)
    assert Complaint.objects.get(pk=complaint.pk).adjustment_id is None


def test_the_handler_links_the_change_from_the_complaint_page(complaint, change, handlers, client_for):
    adjustment = change()
    client = client_for(handlers["a"])
    page = client.get(f"/complaints/{complaint.pk}/").content.decode()
    assert "No change to the service is linked yet." in page and "Opening hours extended" in page  # offered
    reply = client.post(f"/complaints/{complaint.pk}/change/", {"version": complaint.version,
                                                                "adjustment": adjustment.pk})
    assert reply.status_code == 302
    assert Complaint.objects.get(pk=complaint.pk).adjustment_id == adjustment.pk
    assert client_for(handlers["b"]).post(f"/complaints/{complaint.pk}/change/", {
        "version": complaint.version + 1, "adjustment": ""}).status_code == 404  # another authority's complaint
