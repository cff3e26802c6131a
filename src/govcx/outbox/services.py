"""Use cases of the outbox: put a message in it (idempotently, inside the caller's transaction) and send what is
due (the worker's `outbox.send` job, every minute).

Sending is at least once and never twice at the same time: a worker claims a message with one conditional UPDATE
before sending it, so two workers never send the same message; a worker that dies after sending but before
recording it leaves a claim that goes stale, and the message is sent again (the only case of a duplicate). A failed
attempt is retried with a growing pause (1, 2, 4, ... minutes) until MAX_ATTEMPTS; then the message is `failed`.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from govcx.errors import Invalid
from govcx.outbox.models import Message, MessageState

log = logging.getLogger("govcx.outbox")

MAX_ATTEMPTS = 6
STALE_CLAIM = dt.timedelta(minutes=10)
BATCH = 200


def message_enqueue(*, key: str, recipient: str, subject: str, body: str) -> Message:
    """Queue one e-mail. The key names the event it reports ("complaint-received:<number>"); queueing the same key
    again returns the message already queued, so a retried request never mails twice."""
    recipient = (recipient or "").strip()
    try:
        validate_email(recipient)
    except ValidationError:
        raise Invalid(f"{recipient!r} is not an e-mail address", details=[{"field": "recipient"}]) from None
    message, _created = Message.objects.get_or_create(key=key[:100], defaults={
        "recipient": recipient, "subject": " ".join(subject.split())[:200], "body": body,
        "next_attempt_at": timezone.now(),
    })
    return message


@dataclass(frozen=True)
class SendReport:
    sent: int
    retrying: int
    failed: int
    erased: int


def _claim(message_id: int, now: dt.datetime) -> bool:
    due = Q(state=MessageState.PENDING, next_attempt_at__lte=now) | Q(state=MessageState.SENDING,
                                                                       claimed_at__lt=now - STALE_CLAIM)
    claimed = Message.objects.filter(due, pk=message_id, attempts__lt=MAX_ATTEMPTS).update(
        state=MessageState.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    return claimed == 1


def _send_one(message: Message) -> None:
    EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient]).send()


def messages_send(*, now: dt.datetime | None = None, limit: int = BATCH) -> SendReport:
    """Send the messages that are due, oldest first, and erase those sent more than RETENTION_DAYS ago."""
    now = now or timezone.now()
    due = (Q(state=MessageState.PENDING, next_attempt_at__lte=now)
           | Q(state=MessageState.SENDING, claimed_at__lt=now - STALE_CLAIM))
    ids = list(Message.objects.filter(due).order_by("id").values_list("pk", flat=True)[:limit])
    sent = retrying = failed = 0
    for message_id in ids:
        if not _claim(message_id, now):
            continue  # another worker has it, or it ran out of attempts
        message = Message.objects.get(pk=message_id)
        try:
            _send_one(message)
        except Exception as exc:  # the mail server's refusal, a timeout: try again later
            log.warning("outbox: message %s not sent (attempt %s): %s", message.pk, message.attempts, exc)
            last = message.attempts >= MAX_ATTEMPTS
            Message.objects.filter(pk=message.pk).update(
                state=MessageState.FAILED if last else MessageState.PENDING, last_error=str(exc)[:500],
                next_attempt_at=now + dt.timedelta(minutes=2 ** (message.attempts - 1)))
            failed, retrying = failed + last, retrying + (not last)
            continue
        Message.objects.filter(pk=message.pk).update(state=MessageState.SENT, sent_at=timezone.now(), last_error="")
        sent += 1
    erased = messages_erase(before=now - dt.timedelta(days=Message.RETENTION_DAYS))
    return SendReport(sent, retrying, failed, erased)


@transaction.atomic
def messages_erase(*, before: dt.datetime) -> int:
    """Delete messages sent or given up before `before`: their addresses and texts are personal data kept no
    longer than needed to show that they were sent."""
    old = Message.objects.filter(Q(state=MessageState.SENT, sent_at__lt=before)
                                 | Q(state=MessageState.FAILED, next_attempt_at__lt=before))
    deleted, _by_model = old.delete()
    return deleted
