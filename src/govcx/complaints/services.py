"""Use cases of complaints and requests that need an answer: submit, take, answer, extend, route, remind.

The only writers of `Complaint` and `RoutingRule`. A citizen's complaint carries what 59-FZ art. 7 requires for an
answer (a name and a postal or e-mail address) with consent to processing them (152-FZ art. 9); it gets a number
(`complaints.numbers`), and a confirmation e-mail goes through the outbox when an address is given. Deadlines
follow Federal Law 59-FZ by default (30 calendar days, extendable once by 30; see `complaints.deadlines` and the
COMPLAINT_* settings). Every change is atomic, re-selects the complaint through the actor's scope inside its
transaction and is written to the audit trail; the complaint's `version` guards against two handlers changing
it at once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version
from govcx.common.tokens import new_token, token_hash
from govcx.complaints import deadlines, numbers
from govcx.complaints.models import Complaint, ComplaintStatus, DayKind, RoutingRule
from govcx.complaints.selectors import OVERDUE, Reminder, complaint_by_number, complaint_route, reminders_due
from govcx.errors import Conflict, Invalid, NotFound, RateLimited
from govcx.feedback import pii
from govcx.feedback.models import Response
from govcx.feedback.text import taxonomy
from govcx.outbox.services import message_enqueue
from govcx.registry.models import Organisation, Service
from govcx.standards.models import Adjustment, AdjustmentStatus
from govcx.throttle import check, consume, hit

TEXT_MAX_CHARS = 10_000
ANSWER_MAX_CHARS = 20_000
REASON_MAX_CHARS = 2_000
PUBLIC_SUBMIT_PER_MINUTE = 5  # per client address: a person writes one complaint, a script writes hundreds
PUBLIC_STATUS_PER_MINUTE = 60
PUBLIC_LOOKUP_PER_MINUTE = 10  # number + e-mail look-ups per client address
LOOKUP_FAILURES_PER_HOUR = 5  # wrong e-mails tried against one number, from anywhere
_TOKEN_BYTES = 24
_NUMBER_TRIES = 5


@dataclass(frozen=True)
class Author:
    """Who wrote a complaint and where the answer goes (59-FZ art. 7): a name and a postal or e-mail address,
    given with consent to their processing (152-FZ art. 9)."""

    name: str
    email: str = ""
    postal_address: str = ""
    consent: bool = False


def author_checked(author: Author) -> Author:
    name, email = (author.name or "").strip(), (author.email or "").strip()
    postal = (author.postal_address or "").strip()
    problems = []
    if not name:
        problems.append({"field": "name", "message": _("Give your name: the law requires it for an answer.")})
    elif len(name) > Complaint._meta.get_field("author_name").max_length:
        problems.append({"field": "name", "message": _("The name is too long.")})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append({"field": "email", "message": _("This is not an e-mail address.")})
    if len(postal) > Complaint._meta.get_field("postal_address").max_length:
        problems.append({"field": "postal_address", "message": _("The address is too long.")})
    if not email and not postal:
        problems.append({"field": "email", "message": _("Give an e-mail or a postal address for the answer.")})
    if not author.consent:
        problems.append({"field": "consent", "message": _("Agree to the processing of your personal data: "
                                                           "without it the complaint cannot be answered.")})
    if problems:
        raise Invalid("; ".join(str(p["message"]) for p in problems), details=problems)
    return Author(name, email, postal, True)


def _greeting(name: str) -> str:
    """"Hello, Лебедева Н. Г." with one full stop, whether or not the name ends with an initial's."""
    return _("Hello, %(name)s.") % {"name": name.rstrip(". ")}


def _confirmation(complaint: Complaint, status_url: str) -> tuple[str, str]:
    """The confirmation e-mail's subject and body, in the language active now (the citizen's)."""
    subject = _("Your complaint %(number)s is received") % {"number": complaint.number}
    lines = [
        _greeting(complaint.author_name),
        "",
        _("We have received your complaint about the service “%(service)s”.") % {"service": complaint.service.name},
        _("Its number is %(number)s.") % {"number": complaint.number},
        _("The answer is due by %(due)s.") % {"due": date_format(complaint.due_on, "DATE_FORMAT")},
        "",
        _("Follow it here: %(link)s") % {"link": status_url} if status_url else "",
        _("Or enter the number and this e-mail address on the complaint search page."),
        "",
        _("This message was sent automatically; do not reply to it."),
    ]
    return subject, "\n".join(lines)


def _known_topic(topic: str) -> str:
    topic = (topic or "").strip()
    if topic and topic not in taxonomy.topic_codes():
        raise Invalid(f"unknown topic {topic!r}", details=[{"field": "topic"}])
    return topic


def _topic(text: str, topic: str | None) -> str:
    """The topic given, or the taxonomy's best match in the text (blank when nothing matches)."""
    return (taxonomy.best_topic(text) or "") if topic is None else _known_topic(topic)


def _required_text(value: str, *, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(f"{field} is required", details=[{"field": field}])
    if len(value) > limit:
        raise Invalid(f"{field} is longer than {limit} characters", details=[{"field": field}])
    return value


def _numbered(fields: dict) -> Complaint:
    """Create the complaint with a fresh number; a number already taken (about one in 10¹² a year) draws again."""
    for attempt in range(_NUMBER_TRIES):
        try:
            with transaction.atomic():
                return Complaint.objects.create(number=numbers.new_number(fields["received_on"].year), **fields)
        except IntegrityError:
            if attempt == _NUMBER_TRIES - 1:
                raise
    raise AssertionError("unreachable")


@transaction.atomic
def complaint_submit(
    *,
    service: Service,
    text: str,
    contact: str = "",
    author: Author | None = None,
    topic: str | None = None,
    response: Response | None = None,
    received_on: dt.date | None = None,
    status_url: str = "",
) -> tuple[Complaint, str]:
    """Accept a citizen's complaint about a service. Returns the complaint and the raw status token, shown once
    to the citizen; only its hash is stored. With an `author` (the public form and API always give one), the
    name, address and consent are checked, and a confirmation with the number goes to the e-mail address, if
    any, through the outbox; `status_url` is the absolute address of the status page without the token."""
    if author is not None:
        author = author_checked(author)
    masked = pii.mask_pii(_required_text(text, field="text", limit=TEXT_MAX_CHARS))
    contact = (contact or "").strip()
    if len(contact) > Complaint._meta.get_field("contact").max_length:
        raise Invalid("contact is too long", details=[{"field": "contact"}])
    topic = _topic(masked.text, topic)
    received_on = received_on or timezone.localdate()
    day_kind = settings.COMPLAINT_DAY_KIND
    if day_kind not in DayKind.values:
        raise Invalid(f"COMPLAINT_DAY_KIND must be one of {DayKind.values}, not {day_kind!r}")
    handler = complaint_route(service=service, topic=topic)
    token = new_token(_TOKEN_BYTES)
    complaint = _numbered({
        "service": service, "organisation": handler, "response": response, "topic": topic, "text": masked.text,
        "contact": contact, "received_on": received_on, "day_kind": day_kind,
        "due_on": deadlines.due_date(received_on, settings.COMPLAINT_RESPONSE_DAYS, day_kind),
        "status_token_hash": token_hash(token), "language": (get_language() or "")[:8],
        **({"author_name": author.name, "email": author.email, "postal_address": author.postal_address,
            "consent_at": timezone.now()} if author is not None else {}),
    })
    audit_record(
        actor=None, action="complaint.submit", obj=complaint, organisation_id=handler.pk,
        changes={"service": service.code, "topic": topic, "handler": handler.code, "number": complaint.number,
                 "due_on": complaint.due_on.isoformat(), "masked": [str(k) for k in masked.kinds],
                 "consent": complaint.consent_at is not None},
    )
    if complaint.email:
        subject, body = _confirmation(complaint, f"{status_url}{token}/" if status_url else "")
        message_enqueue(key=f"complaint-received:{complaint.number}", recipient=complaint.email, subject=subject,
                        body=body)
    return complaint, token


def complaint_lookup(*, number: str, email: str, client: str) -> Complaint:
    """The complaint a citizen follows by its number and e-mail. Every try counts against the caller's address;
    a wrong pair also counts against the number, from any address, so that guessing e-mails for a known number
    (or numbers for a known e-mail) stops after a few tries. NotFound never says which half was wrong."""
    hit("complaint-lookup", client, limit=PUBLIC_LOOKUP_PER_MINUTE)
    key = numbers.normalised(number) or (number or "").strip().upper()[:40]
    check("complaint-lookup-number", key, limit=LOOKUP_FAILURES_PER_HOUR, window_seconds=3600)
    try:
        return complaint_by_number(number=number, email=email)
    except NotFound:
        try:
            consume("complaint-lookup-number", key, limit=LOOKUP_FAILURES_PER_HOUR, window_seconds=3600)
        except RateLimited:
            pass  # already spent: the next try is refused by `check`
        raise


def _locked(complaint: Complaint, actor: User, expected_version: int) -> Complaint:
    """Re-select through the actor's scope inside the transaction and raise its version, unless someone changed
    it meanwhile."""
    locked = (
        Complaint.objects.for_user(actor, Action.HANDLE_COMPLAINTS)
        .select_for_update()
        .select_related("service", "organisation")
        .filter(pk=complaint.pk)
        .first()
    )
    if locked is None:
        raise NotFound(f"complaint {complaint.pk} not found")
    bump_version(locked, expected=expected_version, what=f"complaint {complaint.pk}")
    return locked


def _save(complaint: Complaint, actor: User, action: str, changes: dict) -> Complaint:
    complaint.save()
    audit_record(actor=actor, action=action, obj=complaint, organisation_id=complaint.organisation_id,
                 changes=changes)
    return complaint


def _not_answered(complaint: Complaint) -> None:
    if complaint.status == ComplaintStatus.ANSWERED:
        raise Invalid(f"complaint {complaint.pk} is already answered", details=[{"field": "status"}])


@transaction.atomic
def complaint_take(*, complaint: Complaint, actor: User, expected_version: int) -> Complaint:
    """The actor takes the complaint into work (or over from a colleague)."""
    locked = _locked(complaint, actor, expected_version)
    _not_answered(locked)
    changes = {"status": [locked.status, ComplaintStatus.IN_WORK.value],
               "assignee": [getattr(locked.assignee, "username", None), actor.username]}
    locked.status = ComplaintStatus.IN_WORK
    locked.assignee = actor
    return _save(locked, actor, "complaint.take", changes)


@transaction.atomic
def complaint_answer(*, complaint: Complaint, answer: str, actor: User, expected_version: int) -> Complaint:
    """Record the answer given to the citizen; the complaint is closed and the citizen sees it by the link."""
    locked = _locked(complaint, actor, expected_version)
    _not_answered(locked)
    locked.answer = _required_text(answer, field="answer", limit=ANSWER_MAX_CHARS)
    changes = {"status": [locked.status, ComplaintStatus.ANSWERED.value], "answer_chars": len(locked.answer)}
    locked.status = ComplaintStatus.ANSWERED
    locked.answered_at = timezone.now()
    locked.assignee = locked.assignee or actor
    return _save(locked, actor, "complaint.answer", changes)


@transaction.atomic
def complaint_extend(*, complaint: Complaint, reason: str, actor: User, expected_version: int) -> Complaint:
    """Extend the deadline once, with a reason, before it has passed (59-FZ art. 12 part 2)."""
    locked = _locked(complaint, actor, expected_version)
    _not_answered(locked)
    if locked.extended:
        raise Invalid("the deadline has already been extended once", details=[{"field": "extended"}])
    if timezone.localdate() > locked.due_on:
        raise Invalid("the deadline has already passed", details=[{"field": "due_on"}])
    reason = _required_text(reason, field="reason", limit=REASON_MAX_CHARS)
    new_due = deadlines.extended_due_date(locked.due_on, settings.COMPLAINT_EXTENSION_DAYS, locked.day_kind)
    changes = {"due_on": [locked.due_on.isoformat(), new_due.isoformat()], "reason": reason}
    locked.due_on, locked.extended, locked.extension_reason = new_due, True, reason
    return _save(locked, actor, "complaint.extend", changes)


# --- closing the loop ---


@transaction.atomic
def complaint_link_adjustment(
    *, complaint: Complaint, adjustment_id: int | None, actor: User, expected_version: int
) -> Complaint:
    """Record which change to the service answers this complaint: an adjustment of one of the service's
    assessments, within the actor's scope (None unlinks). When it is already done the citizen is told at once."""
    locked = _locked(complaint, actor, expected_version)
    adjustment = None
    if adjustment_id is not None:
        adjustment = (Adjustment.objects.for_user(actor).select_related("assessment")
                      .filter(pk=adjustment_id, assessment__service_id=locked.service_id).first())
        if adjustment is None:
            raise Invalid("choose an adjustment of this service's assessments",
                          details=[{"field": "adjustment", "message": "not an adjustment of this service"}])
    changes = {"adjustment": [locked.adjustment_id, adjustment.pk if adjustment else None]}
    locked.adjustment = adjustment
    locked = _save(locked, actor, "complaint.link_adjustment", changes)
    if adjustment is not None and adjustment.status == AdjustmentStatus.DONE:
        _tell_citizen(locked)
    return locked


def _change_done(complaint: Complaint) -> tuple[str, str]:
    """The e-mail telling the citizen what changed, in the language active now (the citizen's)."""
    assert complaint.adjustment is not None
    subject = _("What changed after your complaint %(number)s") % {"number": complaint.number}
    lines = [
        _greeting(complaint.author_name),
        "",
        _("After your complaint about the service “%(service)s” the following change has been made:")
        % {"service": complaint.service.name},
        complaint.adjustment.action,
        "",
        _("Thank you for helping to improve the service."),
        "",
        _("This message was sent automatically; do not reply to it."),
    ]
    return subject, "\n".join(lines)


def _tell_citizen(complaint: Complaint) -> bool:
    """Queue the e-mail once (the outbox key is per complaint) and note when; False without an e-mail address."""
    if not complaint.email or complaint.citizen_told_at is not None:
        return False
    with translation.override(complaint.language or settings.LANGUAGE_CODE):
        subject, body = _change_done(complaint)
    message_enqueue(key=f"complaint-changed:{complaint.number}", recipient=complaint.email, subject=subject,
                    body=body)
    complaint.citizen_told_at = timezone.now()
    Complaint.objects.filter(pk=complaint.pk).update(citizen_told_at=complaint.citizen_told_at)
    audit_record(actor=None, action="complaint.citizen_told", obj=complaint,
                 organisation_id=complaint.organisation_id, changes={"adjustment": complaint.adjustment_id})
    return True


@transaction.atomic
def loop_close_done() -> int:
    """Tell every citizen whose complaint is linked to an adjustment now done (the worker runs it often:
    jobs/schedule.py, `complaints.close_loop`). Returns how many were told."""
    waiting = (Complaint.objects.select_for_update(skip_locked=True)
               .filter(adjustment__status=AdjustmentStatus.DONE, citizen_told_at__isnull=True).exclude(email="")
               .select_related("service", "adjustment"))
    return sum(1 for complaint in waiting if _tell_citizen(complaint))


# --- routing rules ---


def _rule_locked(rule: RoutingRule, actor: User) -> RoutingRule:
    locked = RoutingRule.objects.for_user(actor, Action.HANDLE_COMPLAINTS).select_for_update().filter(
        pk=rule.pk).first()
    if locked is None:
        raise NotFound(f"routing rule {rule.pk} not found")
    return locked


@transaction.atomic
def routing_rule_save(
    *,
    actor: User,
    owner: Organisation,
    handler: Organisation,
    service: Service | None = None,
    topic: str = "",
    rule: RoutingRule | None = None,
) -> RoutingRule:
    """Create a rule (or change `rule`): complaints about the owner's services, or one of them, on a topic or any,
    go to `handler`. One rule per owner, service and topic.

    Both ends are scoped: the owner must be an organisation the actor handles complaints for, and the handler one
    the actor can see (any, for central roles), so a region cannot send citizens' complaints and contacts to an
    authority outside its scope; out of scope is a 404, like any other id."""
    if not Organisation.objects.for_user(actor, Action.HANDLE_COMPLAINTS).filter(pk=owner.pk).exists():
        raise NotFound(f"organisation {owner.pk} not found")
    if not Organisation.objects.for_user(actor).filter(pk=handler.pk).exists():
        raise NotFound(f"organisation {handler.pk} not found")
    if service is not None and service.owner_id != owner.pk:
        raise Invalid("the service belongs to another organisation", details=[{"field": "service_id"}])
    topic = _known_topic(topic)
    if rule is not None:
        rule = _rule_locked(rule, actor)
    same = RoutingRule.objects.filter(owner=owner, service=service, topic=topic)
    if rule is not None:
        same = same.exclude(pk=rule.pk)
    if same.exists():
        raise Conflict("a rule for this service and topic already exists; change it instead")
    before = str(rule) if rule is not None else None
    rule = rule or RoutingRule()
    rule.owner, rule.service, rule.topic, rule.handler = owner, service, topic, handler
    rule.save()
    audit_record(actor=actor, action="routing_rule.save", obj=rule, organisation_id=owner.pk,
                 changes={"before": before, "after": str(rule)})
    return rule


@transaction.atomic
def routing_rule_delete(*, rule: RoutingRule, actor: User) -> None:
    locked = _rule_locked(rule, actor)
    audit_record(actor=actor, action="routing_rule.delete", obj=locked, organisation_id=locked.owner_id,
                 changes={"rule": str(locked)})
    locked.delete()


# --- reminders ---


@dataclass(frozen=True)
class ReminderReport:
    complaints: int
    emails: int
    organisations_without_recipients: tuple[str, ...]


def _recipients(organisation_id: int) -> list[str]:
    users = User.objects.filter(organisation_id=organisation_id, is_active=True).exclude(email="")
    return sorted(u.email for u in users if can(u, Action.HANDLE_COMPLAINTS))


def _reminder_line(reminder: Reminder) -> str:
    c = reminder.complaint
    if reminder.status == OVERDUE:
        when = ngettext("overdue by %(n)d day", "overdue by %(n)d days", -reminder.days_left) % {
            "n": -reminder.days_left}
    else:
        when = ngettext("%(n)d day left", "%(n)d days left", reminder.days_left) % {"n": reminder.days_left}
    return _("#%(id)s %(service)s, due %(due)s (%(when)s): %(link)s") % {
        "id": c.pk, "service": c.service.code, "due": c.due_on.isoformat(), "when": when,
        "link": reverse("complaints:detail", args=[c.pk]),
    }


def reminders_send(*, today: dt.date) -> ReminderReport:
    """E-mail each handling organisation's complaint handlers one digest of its complaints due for a reminder,
    and record the day on them, so a second run the same day sends nothing. One transaction per organisation:
    if its mail cannot be sent, nothing is recorded and the next run tries again."""
    by_organisation: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in reminders_due(today=today):
        by_organisation[reminder.complaint.organisation_id].append(reminder)
    reminded, emails, without = 0, 0, []
    for organisation_id, reminders in by_organisation.items():
        with transaction.atomic():
            ids = list(
                Complaint.objects.select_for_update()
                .filter(pk__in=[r.complaint.pk for r in reminders])
                .exclude(last_reminder_on=today)
                .values_list("pk", flat=True)
            )
            reminders = [r for r in reminders if r.complaint.pk in ids]
            if not reminders:
                continue
            recipients = _recipients(organisation_id)
            if recipients:
                subject = ngettext("%(n)d complaint needs an answer", "%(n)d complaints need an answer",
                                   len(reminders)) % {"n": len(reminders)}
                body = "\n".join(_reminder_line(r) for r in reminders)
                send_mail(f"govcx: {subject}", body, None, recipients)
                emails += 1
            else:
                without.append(reminders[0].complaint.organisation.code)
            Complaint.objects.filter(pk__in=ids).update(last_reminder_on=today)
            reminded += len(ids)
    return ReminderReport(reminded, emails, tuple(without))
