"""Proactive's own outbox moved into the shared one: a database holding a notified offer with its inbox and
webhook rows migrates forward with the webhook call in `outbox.Message` (once, under the key offer_notify uses),
the inbox row gone, and the offer given an answer-by day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings

from govcx.outbox.models import Message
from govcx.proactive.models import Offer

BEFORE = [("proactive", "0001_proactive_offers_registers"), ("outbox", "0001_messages")]
PORTAL = "https://portal.example.gov/govcx-offers"


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
@override_settings(PROACTIVE_PORTAL_WEBHOOK_URL=PORTAL)
def test_webhook_rows_move_to_the_shared_outbox(reference_data):
    organisation = reference_data["region"]
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        snapshot = old.get_model("proactive", "Snapshot").objects.create(
            organisation_id=organisation.pk, taken_on=dt.date(2025, 3, 1), directory="/nonexistent")
        run = old.get_model("proactive", "Run").objects.create(organisation_id=organisation.pk, snapshot=snapshot,
                                                               period="2025-03", status="done")
        offer = old.get_model("proactive", "Offer").objects.create(
            organisation_id=organisation.pk, benefit="unified_allowance", beneficiary_id="h1", amount=15599,
            entitlement_key="2025-03", run=run, pack_version="unified_allowance 2025.1", state="notified")
        old.get_model("proactive", "OfferStep").objects.create(offer=offer, state="notified")
        outbox = old.get_model("proactive", "OutboxMessage").objects
        payload = {"offer_id": offer.pk, "benefit": "unified_allowance", "amount": "15599.00"}
        outbox.create(offer=offer, channel="inbox", payload=payload, status="sent")
        outbox.create(offer=offer, channel="webhook", payload=payload, status="pending", attempts=2)
    finally:
        _migrate(None)

    message = Message.objects.get()
    assert (message.key, message.channel, message.recipient) == (f"proactive.offer_notified:{offer.pk}", "webhook",
                                                                 PORTAL)
    assert (message.state, message.attempts) == ("pending", 2) and '"benefit": "unified_allowance"' in message.body
    assert Offer.objects.get(pk=offer.pk).respond_by is not None
