"""Use cases of reports: subscribing to a report and sending the subscriptions that are due (through the outbox)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from govcx.accounts.models import User
from govcx.accounts.services import audit_record
from govcx.errors import Invalid
from govcx.outbox.services import message_enqueue
from govcx.registry.models import Organisation
from govcx.reports.models import Frequency, ReportKind, Subscription
from govcx.reports.quarterly import quarterly_report

WEEKLY_DAY = 0  # Monday


@transaction.atomic
def subscription_set(*, actor: User, organisation: Organisation | None, frequency: str) -> Subscription | None:
    """Subscribe the actor to the quarterly report of `organisation` (None: all they may see), weekly or monthly;
    an empty frequency unsubscribes. The report reaches their e-mail address, so they need one."""
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
    subscription, _created = Subscription.objects.update_or_create(
        user=actor, report=ReportKind.QUARTERLY, organisation=organisation, defaults={"frequency": frequency})
    audit_record(actor=actor, action="report.subscribe", obj=actor, organisation_id=actor.organisation_id,
                 changes={"organisation": organisation.pk if organisation else None, "frequency": frequency})
    return subscription


def _due(subscription: Subscription, today: dt.date) -> bool:
    """Weekly: on Mondays; monthly: on the first day of the month; a day the worker missed is made up later."""
    last = subscription.last_sent_on
    if subscription.frequency == Frequency.WEEKLY:
        monday = today - dt.timedelta(days=(today.weekday() - WEEKLY_DAY) % 7)
        return last is None or last < monday
    return last is None or (last.year, last.month) < (today.year, today.month)


def _message(subscription: Subscription, today: dt.date) -> tuple[str, str]:
    report = quarterly_report(user=subscription.user, organisation=subscription.organisation, quarter="")
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
        _("As PDF: %(link)s") % {"link": base + reverse("reports:quarterly_pdf") + query},
        _("As a spreadsheet: %(link)s") % {"link": base + reverse("reports:quarterly_xlsx") + query},
        "",
        _("You receive this because you subscribed on the report page; unsubscribe there."),
    ]
    return subject, "\n".join(lines)


def subscriptions_send(*, today: dt.date) -> int:
    """Queue the e-mail of every subscription due today (once per subscription and day: the outbox key names
    both); returns how many were queued."""
    sent = 0
    for subscription in Subscription.objects.select_related("user", "organisation").filter(user__is_active=True):
        if not _due(subscription, today) or not subscription.user.email:
            continue
        with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            subject, body = _message(subscription, today)
            message_enqueue(key=f"report:{subscription.pk}:{today.isoformat()}", recipient=subscription.user.email,
                            subject=subject, body=body)
            Subscription.objects.filter(pk=subscription.pk).update(last_sent_on=today)
        sent += 1
    return sent
