"""The outbox: a message is queued once per event, sent once by the worker (claimed before sending), retried with
a growing pause when the mail server refuses, given up after MAX_ATTEMPTS, and erased after its retention."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from govcx.errors import Invalid
from govcx.jobs.registry import handler_for
from govcx.jobs.schedule import SCHEDULE
from govcx.outbox import services
from govcx.outbox.models import Message, MessageState

pytestmark = pytest.mark.django_db


def queue(key: str = "complaint-received:1", recipient: str = "anna@example.org") -> Message:
    return services.message_enqueue(key=key, recipient=recipient, subject="Your complaint", body="Number 1")


def test_the_same_event_queues_one_message():
    first, again = queue(), queue()
    assert first.pk == again.pk and Message.objects.count() == 1
    assert first.state == MessageState.PENDING and first.attempts == 0


def test_an_address_that_is_not_an_email_is_refused():
    with pytest.raises(Invalid):
        queue(recipient="not an address")


def test_the_worker_sends_each_message_once():
    queue()
    report = services.messages_send()
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    assert [m.to for m in mail.outbox] == [["anna@example.org"]] and mail.outbox[0].subject == "Your complaint"
    message = Message.objects.get()
    assert message.state == MessageState.SENT and message.sent_at is not None and message.attempts == 1
    assert services.messages_send().sent == 0 and len(mail.outbox) == 1


def test_a_refused_message_is_retried_later_then_given_up(monkeypatch):
    queue()

    def refuse(message):
        raise OSError("connection refused")

    monkeypatch.setattr(services, "_send_one", refuse)
    now = timezone.now()
    assert services.messages_send(now=now).retrying == 1
    message = Message.objects.get()
    assert message.state == MessageState.PENDING and "connection refused" in message.last_error
    assert services.messages_send(now=now).retrying == 0  # not due yet: the pause has begun
    for attempt in range(2, services.MAX_ATTEMPTS + 1):
        now += dt.timedelta(minutes=2 ** attempt)
        services.messages_send(now=now)
    message.refresh_from_db()
    assert message.state == MessageState.FAILED and message.attempts == services.MAX_ATTEMPTS


def test_a_claimed_message_is_not_sent_by_a_second_worker_until_the_claim_goes_stale():
    message = queue()
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(state=MessageState.SENDING, claimed_at=now, attempts=1)
    assert services.messages_send(now=now).sent == 0
    assert services.messages_send(now=now + services.STALE_CLAIM + dt.timedelta(seconds=1)).sent == 1


def test_sent_messages_are_erased_after_their_retention():
    queue()
    services.messages_send()
    later = timezone.now() + dt.timedelta(days=Message.RETENTION_DAYS + 1)
    assert services.messages_send(now=later).erased == 1 and not Message.objects.exists()


def test_personal_data_is_declared_and_the_worker_sends_every_minute():
    assert set(Message.PERSONAL_DATA_FIELDS) == {"recipient", "body"}
    assert handler_for("outbox.send") is not None
    assert [e.every for e in SCHEDULE if e.kind == "outbox.send"] == [dt.timedelta(minutes=1)]
