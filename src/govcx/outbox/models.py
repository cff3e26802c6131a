"""Persistence of outgoing messages (e-mail to a person, signed webhook calls to a portal): one row per message,
with its delivery state.

A message is written in the transaction of the change it reports (a complaint received), so it exists exactly when
the change does; the worker sends it later (`outbox.services.messages_send`). The recipient and the body are
personal data (an address, a name, a complaint's number): declared, and erased `RETENTION_DAYS` after sending.
"""

from __future__ import annotations

from django.db import models


class MessageState(models.TextChoices):
    PENDING = "pending"  # waiting for the worker (also after a failed attempt, until attempts run out)
    SENDING = "sending"  # claimed by a worker; a claim older than the stale limit is taken again
    SENT = "sent"
    FAILED = "failed"  # every attempt failed; kept for an operator to look at


class Channel(models.TextChoices):
    EMAIL = "email"  # recipient: an e-mail address
    WEBHOOK = "webhook"  # recipient: the receiver's URL; body: the JSON payload, signed when sent


class Message(models.Model):
    """One message to one recipient through one channel."""

    PERSONAL_DATA_FIELDS = ("recipient", "body")
    RETENTION_DAYS = 90

    key = models.CharField(max_length=100, unique=True)  # the sender's idempotency key: one message per event
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.EMAIL)
    recipient = models.CharField(max_length=500)
    subject = models.CharField(max_length=200)
    body = models.TextField()
    state = models.CharField(max_length=8, choices=MessageState.choices, default=MessageState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    next_attempt_at = models.DateTimeField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"message {self.pk} ({self.state})"
