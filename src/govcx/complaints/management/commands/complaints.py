"""govcx complaints remind [--today YYYY-MM-DD] | govcx complaints overdue [--today YYYY-MM-DD]"""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.table import Table

from govcx.complaints.selectors import OVERDUE, overdue_complaints
from govcx.complaints.services import reminders_send


def _day(value: str | None) -> dt.date:
    if not value:
        return timezone.localdate()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--today must be a date like 2025-01-31, not {value!r}") from None


class Command(BaseCommand):
    help = ("Complaints: e-mail today's reminders to the organisations that must answer (`govcx worker` sends them "
            "each morning), list overdue ones.")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("remind", "send today's reminders; a second run the same day sends nothing"),
                           ("overdue", "list unanswered complaints past their due date")):
            command = sub.add_parser(name, help=text)
            command.add_argument("--today", help="the day to act as of (YYYY-MM-DD); default: today")

    def handle(self, *args, action: str, today: str | None = None, **options) -> None:
        console = Console(highlight=False)
        day = _day(today)
        if action == "remind":
            report = reminders_send(today=day)
            sent = f"{report.complaints} complaint(s) reminded of in {report.emails} e-mail(s)"
            console.print(f"[green]ok[/green] {sent}")
            for code in report.organisations_without_recipients:
                console.print(f"[yellow]warning[/yellow] {code}: nobody with an e-mail handles its complaints")
            return
        overdue = overdue_complaints(today=day)
        table = Table(title=f"Complaints {OVERDUE} on {day.isoformat()}")
        for column in ("#", "service", "handled by", "due", "days late", "status", "assignee"):
            table.add_column(column)
        for c in overdue:
            table.add_row(str(c.pk), c.service.code, c.organisation.code, c.due_on.isoformat(),
                          str((day - c.due_on).days), c.status, c.assignee.username if c.assignee else "—")
        console.print(table if table.row_count else "[green]no complaints are overdue[/green]")
