"""Use cases of reports: subscribing to a report and sending the subscriptions that are due (through the outbox),
each in its subscriber's language with the report's PDF attached."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from govcx.accounts.models import User
from govcx.accounts.services import audit_record
from govcx.common.pdf import render_pdf
from govcx.errors import Invalid
from govcx.outbox.services import message_enqueue
from govcx.registry.models import Organisation
from govcx.reports.models import Frequency, ReportAttachment, ReportKind, Subscription
from govcx.reports.quarterly import QuarterlyReport, quarterly_report

WEEKLY_DAY = 0  # Monday
REPORT_KEY_PREFIX = "report:"
ATTACHMENT_DAYS = 30  # the PDFs of sent report e-mails are kept this long, for the outbox's retries


def subscription_language(language: str | None) -> str:
    """One of the site's languages: the given one (a browser's "ru-RU" counts as "ru"), else the site's."""
    code = (language or "").strip().lower()[:2]
    return code if code in {c for c, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


@transaction.atomic
def subscription_set(*, actor: User, organisation: Organisation | None, frequency: str,
                     language: str | None = None) -> Subscription | None:
    """Subscribe the actor to the quarterly report of `organisation` (None: all they may see), weekly, monthly or
    quarterly, in `language` (by default the one they use now); an empty frequency unsubscribes. The report
    reaches their e-mail address, so they need one."""
    existing = Subscription.objects.filter(user=actor, report=ReportKind.QUARTERLY, organisation=organisation)
    if not frequency:
        existing.delete()
        audit_record(actor=actor, action="report.unsubscribe", obj=actor, organisation_id=actor.organisation_id,
                     changes={"organisation": organisation.pk if organisation else None})
        return None
    if frequency not in Frequency.values:
        raise Invalid(f"unknown frequency {frequency!r}", details=[{"field": "frequency"}])
    if not actor.email:
        raise Invalid(_("Your account has no e-mail address: ask an administrator to add one."),
                      details=[{"field": "email"}])
    language = subscription_language(language or translation.get_language())
    subscription, _created = Subscription.objects.update_or_create(
        user=actor, report=ReportKind.QUARTERLY, organisation=organisation,
        defaults={"frequency": frequency, "language": language})
    audit_record(actor=actor, action="report.subscribe", obj=actor, organisation_id=actor.organisation_id,
                 changes={"organisation": organisation.pk if organisation else None, "frequency": frequency,
                          "language": language})
    return subscription


def _due(subscription: Subscription, today: dt.date) -> bool:
    """Weekly: on Mondays; monthly: on the first day of the month; quarterly: on the first day of the quarter
    (when the last full quarter's report is new); a day the worker missed is made up later."""
    last = subscription.last_sent_on
    if subscription.frequency == Frequency.WEEKLY:
        monday = today - dt.timedelta(days=(today.weekday() - WEEKLY_DAY) % 7)
        return last is None or last < monday
    if subscription.frequency == Frequency.QUARTERLY:
        return last is None or (last.year, (last.month - 1) // 3) < (today.year, (today.month - 1) // 3)
    return last is None or (last.year, last.month) < (today.year, today.month)


def _message(subscription: Subscription, report: QuarterlyReport) -> tuple[str, str]:
    scope = subscription.organisation.name if subscription.organisation else _("all your services")
    query = f"?quarter={report.quarter_code}" + (f"&organisation={subscription.organisation_id}"
                                                  if subscription.organisation_id else "")
    base = settings.SITE_URL.rstrip("/")
    totals = report.totals
    subject = _("Quarterly report, %(quarter)s: %(scope)s") % {"quarter": report.quarter_label, "scope": scope}
    lines = [
        _("The quarterly report for %(scope)s, %(quarter)s.") % {"scope": scope, "quarter": report.quarter_label},
        "",
        _("Services: %(n)s") % {"n": len(report.rows)},
        _("Survey responses: %(n)s") % {"n": totals["responses"]},
        _("Mean overall rating: %(mean)s") % {
            "mean": "—" if totals["mean_rating"] is None else f"{totals['mean_rating']:.2f}"},
        _("Complaints: %(n)s, answered %(answered)s, late %(late)s") % {
            "n": totals["complaints"], "answered": totals["answered"], "late": totals["late"]},
        _("Open adjustments: %(n)s") % {"n": totals["open_adjustments"]},
        "",
        _("The report: %(link)s") % {"link": base + reverse("reports:quarterly") + query},
        _("The PDF is attached; online: %(link)s") % {"link": base + reverse("reports:quarterly_pdf") + query},
        _("As a spreadsheet: %(link)s") % {"link": base + reverse("reports:quarterly_xlsx") + query},
        "",
        _("You receive this because you subscribed on the report page; unsubscribe there."),
    ]
    return subject, "\n".join(lines)


def _pdf(report: QuarterlyReport) -> tuple[str, bytes]:
    """The report's PDF, as the PDF link gives it (the same print template), in the active language."""
    scope = report.organisation.code if report.organisation else "all"
    content = render_pdf("reports/quarterly_print.html", {"report": report, "totals": report.totals})
    return f"quarterly-{scope}-{report.quarter_code}.pdf", content


def subscriptions_send(*, today: dt.date) -> int:
    """Queue the e-mail of every subscription due today (once per subscription and day: the outbox key names
    both), subject, body and the attached PDF in the subscriber's language; returns how many were queued.
    Attachments older than ATTACHMENT_DAYS are erased."""
    sent = 0
    for subscription in Subscription.objects.select_related("user", "organisation").filter(user__is_active=True):
        if not _due(subscription, today) or not subscription.user.email:
            continue
        key = f"{REPORT_KEY_PREFIX}{subscription.pk}:{today.isoformat()}"
        with transaction.atomic(), translation.override(subscription_language(subscription.language)):
            report = quarterly_report(user=subscription.user, organisation=subscription.organisation, quarter="")
            subject, body = _message(subscription, report)
            filename, content = _pdf(report)
            ReportAttachment.objects.update_or_create(message_key=key,
                                                      defaults={"filename": filename, "content": content})
            message_enqueue(key=key, recipient=subscription.user.email, subject=subject, body=body)
            Subscription.objects.filter(pk=subscription.pk).update(last_sent_on=today)
        sent += 1
    ReportAttachment.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=ATTACHMENT_DAYS)).delete()
    return sent


def report_attachments(key: str) -> list[tuple[str, bytes, str]]:
    """The outbox's provider for report e-mails: the PDF kept under the message's key."""
    return [(a.filename, bytes(a.content), "application/pdf")
            for a in ReportAttachment.objects.filter(message_key=key)]
