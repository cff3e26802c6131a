"""Offers get their answer-by day, and proactive's own outbox gives way to the shared one (`govcx.outbox`).

Webhook notifications still pending, failed or sent move to `outbox.Message` (channel webhook) under the key
`offer_notify` now uses, so none is sent twice and none is lost; the inbox rows carried nothing the notified offer
does not (the inbox reads the offers), so they go. Offers notified before this get an answer-by day 30 days after
their notification, so the daily expiry treats them like new ones.
"""

import datetime as dt
import json

from django.conf import settings
from django.db import migrations, models

STATES = {"pending": "pending", "sent": "sent", "failed": "failed"}


def to_shared_outbox(apps, schema_editor):
    Proactive = apps.get_model("proactive", "OutboxMessage")
    Message = apps.get_model("outbox", "Message")
    url = settings.PROACTIVE_PORTAL_WEBHOOK_URL
    for old in Proactive.objects.filter(channel="webhook").order_by("pk"):
        key = f"proactive.offer_notified:{old.offer_id}"
        body = json.dumps({"event": "proactive.offer_notified", "key": key, "data": old.payload},
                          ensure_ascii=False, sort_keys=True)
        Message.objects.get_or_create(key=key, defaults={
            "channel": "webhook", "recipient": url, "subject": "proactive.offer_notified", "body": body,
            "state": STATES.get(old.status, "pending") if url or old.status == "sent" else "failed",
            "attempts": old.attempts, "sent_at": old.sent_at, "next_attempt_at": old.created_at,
            "last_error": "" if url or old.status == "sent" else "no portal webhook address was configured"})
    Offer = apps.get_model("proactive", "Offer")
    Step = apps.get_model("proactive", "OfferStep")
    for step in Step.objects.filter(state="notified", offer__state="notified", offer__respond_by__isnull=True):
        Offer.objects.filter(pk=step.offer_id).update(respond_by=step.at.date() + dt.timedelta(days=30))


def back_to_proactive_outbox(apps, schema_editor):
    Proactive = apps.get_model("proactive", "OutboxMessage")
    Message = apps.get_model("outbox", "Message")
    for message in Message.objects.filter(channel="webhook", key__startswith="proactive.offer_notified:"):
        Proactive.objects.create(offer_id=int(message.key.split(":")[1]), channel="webhook",
                                 payload=json.loads(message.body)["data"], attempts=message.attempts,
                                 status={"sending": "pending"}.get(message.state, message.state),
                                 sent_at=message.sent_at)
        message.delete()


class Migration(migrations.Migration):

    dependencies = [
        ('proactive', '0001_proactive_offers_registers'),
        ('outbox', '0002_message_channels'),
    ]

    operations = [
        migrations.AddField(
            model_name='offer',
            name='respond_by',
            field=models.DateField(blank=True, null=True),
        ),
        migrations.RunPython(to_shared_outbox, back_to_proactive_outbox),
        migrations.DeleteModel(
            name='OutboxMessage',
        ),
    ]
