"""govcx training roster PROGRAMME FILE | platform PROGRAMME NAME HOME_PAGE | remind [--today YYYY-MM-DD]"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from rich.console import Console
from rich.progress import Progress

from govcx.accounts.models import User
from govcx.errors import DomainError
from govcx.training.models import Programme
from govcx.training.services.programme import platform_create
from govcx.training.services.reminders import reminders_create
from govcx.training.services.roster_imports import roster_import


class Command(BaseCommand):
    help = ("Training: import a roster file (all or nothing), create a learning platform's xAPI credentials, make "
            "today's reminders (`govcx worker` makes them each morning).")

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        roster = sub.add_parser("roster", help="apply a roster CSV/XLSX to a programme")
        roster.add_argument("programme", type=int)
        roster.add_argument("file")
        roster.add_argument("--as", dest="username", default="", help="the acting user (default: a superuser)")
        platform = sub.add_parser("platform", help="create a learning platform; prints its xAPI credentials once")
        platform.add_argument("programme", type=int)
        platform.add_argument("name")
        platform.add_argument("home_page", help="the account homePage of the actors it reports")
        platform.add_argument("--as", dest="username", default="")
        remind = sub.add_parser("remind", help="make today's reminders and the Monday summary")
        remind.add_argument("--today", help="YYYY-MM-DD; default: today")

    def handle(self, *args, action: str, **options) -> None:
        console = Console(highlight=False)
        try:
            if action == "remind":
                day = dt.date.fromisoformat(options["today"]) if options.get("today") else timezone.localdate()
                report = reminders_create(today=day)
                console.print(f"[green]ok[/green] {report.people} to people, {report.managers} to managers, "
                              f"{report.summaries} summaries")
                return
            actor = self._actor(options["username"])
            programme = Programme.objects.filter(pk=options["programme"]).first()
            if programme is None:
                raise CommandError(f"no programme {options['programme']}")
            if action == "platform":
                record, secret = platform_create(actor=actor, programme=programme, name=options["name"],
                                                 home_page=options["home_page"])
                console.print(f"xAPI endpoint: /xapi/  username: {record.username}  secret: {secret}")
                console.print("[yellow]the secret is shown once; only its hash is stored[/yellow]")
                return
            path = Path(options["file"])
            with Progress(console=console) as bar:
                task = bar.add_task("reading the roster", total=None)
                done = roster_import(actor=actor, programme=programme, data=path, file_name=path.name,
                                     progress=lambda n: bar.update(task, completed=n))
            console.print(f"[green]ok[/green] {done.rows} people: {done.joiners} joined, {done.leavers} left, "
                          f"{done.moves} moved")
        except DomainError as exc:
            raise CommandError(exc.message) from exc

    def _actor(self, username: str) -> User:
        users = User.objects.filter(username=username) if username else User.objects.filter(is_superuser=True)
        actor = users.filter(is_active=True).first()
        if actor is None:
            raise CommandError("give --as USERNAME of a user who may manage training (no superuser found)")
        return actor
