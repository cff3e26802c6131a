"""Offers not answered by their day expire (the daily job), and the portal's webhook: queued once per offer in the
shared outbox, signed, retried until the portal takes it, never queued twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import urllib.error
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone

from govcx.accounts.models import AuditEvent
from govcx.outbox.models import Message, MessageState
from govcx.outbox.services import messages_send
from govcx.proactive import services
from govcx.proactive.jobs import expire_offers
from govcx.proactive.models import Offer, OfferStep, Run, Snapshot

pytestmark = pytest.mark.django_db

PORTAL = "https://portal.example.gov/govcx-offers"


@pytest.fixture
def offer(reference_data, tmp_path):
    org = reference_data["region"]
    snapshot = Snapshot.objects.create(organisation=org, taken_on=dt.date(2025, 3, 1), directory=str(tmp_path))
    run = Run.objects.create(organisation=org, snapshot=snapshot, period="2025-03", status="done")
    return Offer.objects.create(organisation=org, benefit="unified_allowance", beneficiary_id="h1", amount=15599,
                                entitlement_key="2025-03", run=run, pack_version="unified_allowance 2025.1",
                                reasons=[{"condition": "resident", "value": True, "label": "Resident",
                                          "reference": "Law 1"}])


def test_an_unanswered_offer_expires_after_its_day(offer):
    services.offer_notify(offer=offer)
    offer.refresh_from_db()
    assert offer.respond_by == timezone.localdate() + dt.timedelta(days=services.ANSWER_DAYS)
    assert services.offers_expire(today=offer.respond_by) == 0  # the last day is still open
    assert services.offers_expire(today=offer.respond_by + dt.timedelta(days=1)) == 1
    offer.refresh_from_db()
    assert offer.state == "expired" and OfferStep.objects.filter(offer=offer, state="expired").exists()
    assert AuditEvent.objects.filter(action="proactive.offer_move", object_id=str(offer.pk)).count() == 2
    assert services.offers_expire(today=offer.respond_by + dt.timedelta(days=9)) == 0  # once


def test_an_answered_offer_does_not_expire_and_the_job_runs(offer):
    services.offer_notify(offer=offer)
    services.offer_move(offer=offer, state="accepted")
    Offer.objects.filter(pk=offer.pk).update(respond_by=timezone.localdate() - dt.timedelta(days=1))
    assert expire_offers(mock.Mock()) == {"expired": 0}
    assert Offer.objects.get(pk=offer.pk).state == "accepted"


class Answer:
    def __init__(self, status: int) -> None:
        self.status = status

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@override_settings(PROACTIVE_PORTAL_WEBHOOK_URL=PORTAL, WEBHOOK_SECRET="portal-shared-secret")
def test_the_portal_webhook_is_signed_retried_and_sent_once(offer):
    services.offer_notify(offer=offer)
    assert Message.objects.filter(channel="webhook").count() == 1
    calls = []

    def refuse(request, timeout):
        calls.append(request)
        raise urllib.error.URLError("connection refused")

    now = timezone.now()
    with mock.patch("urllib.request.urlopen", refuse):
        report = messages_send(now=now)
    assert (report.sent, report.retrying) == (0, 1)
    message = Message.objects.get()
    assert message.state == MessageState.PENDING and message.next_attempt_at > now

    def accept(request, timeout):
        calls.append(request)
        return Answer(204)

    with mock.patch("urllib.request.urlopen", accept):
        assert messages_send(now=now).sent == 0  # not due yet: the back-off holds
        assert messages_send(now=now + dt.timedelta(minutes=2)).sent == 1
        assert messages_send(now=now + dt.timedelta(minutes=30)).sent == 0  # sent: never again
    assert len(calls) == 2
    request = calls[-1]
    body = request.data
    expected = "sha256=" + hmac.new(b"portal-shared-secret", body, hashlib.sha256).hexdigest()
    assert request.get_header("X-govcx-signature") == expected
    assert request.get_header("Idempotency-key") == f"proactive.offer_notified:{offer.pk}"
    sent = json.loads(body)
    assert sent["event"] == "proactive.offer_notified" and sent["data"]["offer_id"] == offer.pk
    assert sent["data"]["respond_by"] and sent["data"]["reasons"][0]["condition"] == "resident"
    assert Message.objects.get().state == MessageState.SENT


def test_no_portal_address_means_no_webhook(offer):
    services.offer_notify(offer=offer)
    assert not Message.objects.exists() and Offer.objects.get(pk=offer.pk).state == "notified"
