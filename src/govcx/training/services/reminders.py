"""Reminders before the programme's deadline and the weekly summary for training officers.

Each reminder is a record (`Reminder`, listed on the programme's page) and an e-mail in the one outbox
(`outbox.message_enqueue`, sent by the worker's `outbox.send`), both made at most once a day per person and kind:
the outbox key names the reminder, so a rerun of the same day queues nothing twice. People still to train (with a
work e-mail) and their managers are reminded on fixed days before the deadline; the training officers of the
programme's organisation get a summary every Monday.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import override

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.errors import Invalid
from govcx.outbox.services import message_enqueue
from govcx.training import selectors
from govcx.training.models import Person, Programme, Reminder

DAYS_BEFORE = (90, 60, 30, 14, 7, 1)


@dataclass(frozen=True)
class ReminderReport:
    people: int = 0
    managers: int = 0
    summaries: int = 0


def reminders_create(*, today: dt.date) -> ReminderReport:
    people = managers = summaries = 0
    with transaction.atomic(), override("ru"):
        for programme in Programme.objects.select_related("organisation"):
            days_left = (programme.deadline_on - today).days
            if days_left in DAYS_BEFORE:
                p, m = _before_deadline(programme, today, days_left)
                people, managers = people + p, managers + m
            if today.weekday() == 0:
                summaries += _summary(programme, today)
    return ReminderReport(people, managers, summaries)


def _before_deadline(programme: Programme, today: dt.date, days_left: int) -> tuple[int, int]:
    untrained = selectors.roster(programme).filter(trained_on__isnull=True)
    subject = _("Client-centricity training: %(days)s days to the deadline") % {"days": days_left}
    made = [Reminder(programme=programme, organisation_id=p.organisation_id, kind="person", person_key=p.person_key,
                     recipient=p.work_email, subject=subject, created_on=today,
                     body=_("Please complete the required courses by %(date)s.") % {"date": programme.deadline_on})
            for p in untrained.exclude(work_email="").only("person_key", "work_email", "organisation_id")]
    by_manager = dict(untrained.exclude(manager_key="").order_by().values_list("manager_key")
                      .annotate(n=Count("id")))
    contacts = Person.objects.filter(programme=programme, person_key__in=list(by_manager)).exclude(work_email="")
    for manager in contacts.only("person_key", "work_email", "organisation_id"):
        made.append(Reminder(
            programme=programme, organisation_id=manager.organisation_id, kind="manager",
            person_key=manager.person_key, recipient=manager.work_email, subject=subject, created_on=today,
            body=_("%(count)s of your staff still have to complete the training by %(date)s.")
            % {"count": by_manager[manager.person_key], "date": programme.deadline_on}))
    Reminder.objects.bulk_create(made, ignore_conflicts=True, batch_size=2000)
    _queue(made)
    return sum(1 for r in made if r.kind == "person"), sum(1 for r in made if r.kind == "manager")


def _summary(programme: Programme, today: dt.date) -> int:
    rows = selectors.coverage(programme, today=today)
    overall = selectors.total(rows, programme, today)
    behind = sum(1 for r in rows if not r.forecast.on_track)
    body = _("Trained: %(share)s%% (%(trained)s of %(people)s). Organisations that will miss the deadline at the "
             "current rate: %(behind)s.") % {"share": round(overall.share * 100, 1), "trained": overall.trained,
                                             "people": overall.people, "behind": behind}
    officers = [u for u in User.objects.filter(organisation_id=programme.organisation_id, is_active=True)
                .exclude(email="") if can(u, Action.MANAGE_TRAINING)]
    made = [Reminder(programme=programme, organisation_id=programme.organisation_id, kind="summary",
                     person_key=f"user:{u.pk}", recipient=u.email, created_on=today, body=body,
                     subject=_("Weekly training summary: %(name)s") % {"name": programme.name}) for u in officers]
    Reminder.objects.bulk_create(made, ignore_conflicts=True)
    _queue(made)
    return len(made)


def _queue(made: list[Reminder]) -> None:
    """Put each reminder in the outbox; a recipient the outbox refuses keeps its record, unsent."""
    for reminder in made:
        key = f"training:{reminder.programme_id}:{reminder.created_on:%Y%m%d}:{reminder.kind}:{reminder.person_key}"
        try:
            message_enqueue(key=key, recipient=reminder.recipient, subject=reminder.subject, body=reminder.body)
        except Invalid:
            continue
