"""Use cases of the outbox: put a message in it (idempotently, inside the caller's transaction) and send what is
due (the worker's `outbox.send` job, every minute). E-mail goes through Django's mail backend; a webhook message is
POSTed as JSON with an HMAC-SHA256 signature of the body (`X-Govcx-Signature: sha256=<hex>`, keyed with
GOVCX_WEBHOOK_SECRET) and the message's key as `Idempotency-Key`, so a receiver drops a retry it has already had.

Sending is at least once and never twice at the same time: a worker claims a message with one conditional UPDATE
before sending it, so two workers never send the same message; a worker that dies after sending but before
recording it leaves a claim that goes stale, and the message is sent again (the only case of a duplicate). A failed
attempt is retried with a growing pause (1, 2, 4, ... minutes) until MAX_ATTEMPTS; then the message is `failed`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from govcx.errors import Invalid
from govcx.outbox.models import Channel, Message, MessageState

log = logging.getLogger("govcx.outbox")

MAX_ATTEMPTS = 6
STALE_CLAIM = dt.timedelta(minutes=10)
BATCH = 200
WEBHOOK_TIMEOUT_SECONDS = 10


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


def webhook_enqueue(*, key: str, url: str, event: str, payload: dict[str, Any]) -> Message:
    """Queue one call of a receiver's webhook; the same key again returns the call already queued."""
    if not url.startswith(("https://", "http://")):
        raise Invalid(f"{url!r} is not a webhook address", details=[{"field": "url"}])
    message, _created = Message.objects.get_or_create(key=key[:100], defaults={
        "channel": Channel.WEBHOOK, "recipient": url[:500], "subject": event[:200],
        "body": json.dumps({"event": event, "key": key[:100], "data": payload}, ensure_ascii=False, sort_keys=True),
        "next_attempt_at": timezone.now(),
    })
    return message


#: (file name, content, MIME type) of a file sent with an e-mail
Attachment = tuple[str, bytes, str]
_attachment_providers: dict[str, Callable[[str], list[Attachment]]] = {}


def attachments_register(*, key_prefix: str, provider: Callable[[str], list[Attachment]]) -> None:
    """An app whose e-mails carry files (a report's PDF) keeps them itself and gives them to the outbox by the
    message's key when it sends: the outbox stores no file and knows no other app's models."""
    _attachment_providers[key_prefix] = provider


def _attachments(key: str) -> list[Attachment]:
    for prefix, provider in _attachment_providers.items():
        if key.startswith(prefix):
            return provider(key)
    return []


def webhook_signature(body: bytes) -> str:
    secret = (getattr(settings, "WEBHOOK_SECRET", "") or settings.SECRET_KEY).encode()
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


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
    if message.channel == Channel.WEBHOOK:
        _post_webhook(message)
        return
    email = EmailMessage(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])
    for filename, content, mimetype in _attachments(message.key):
        email.attach(filename, content, mimetype)
    email.send()


def _post_webhook(message: Message) -> None:
    """One attempt; any answer but 2xx is a failure to retry (urllib raises on 4xx/5xx and on no answer)."""
    body = message.body.encode()
    request = urllib.request.Request(message.recipient, data=body, method="POST", headers={
        "Content-Type": "application/json", "Idempotency-Key": message.key, "X-Govcx-Event": message.subject,
        "X-Govcx-Signature": webhook_signature(body)})
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as answer:  # noqa: S310 - http(s) only
        if not 200 <= answer.status < 300:
            raise OSError(f"the webhook answered {answer.status}")


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
