"""govcx reaudit: re-audit services now, in the foreground. `govcx worker` runs the same re-audit nightly from
its schedule (jobs/schedule.py), as background jobs."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from govcx.audit import services
from govcx.audit.selectors import reaudit_actor, services_due_for_reaudit


class Command(BaseCommand):
    help = "Re-audit every service with page URLs whose last finished audit is older than --older-than hours."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than", type=float, default=24.0, help="hours (default 24)")
        parser.add_argument("--service", action="append", default=[], help="only these service codes")
        parser.add_argument("--as", dest="username")

    def handle(self, *args, older_than: float, service: list[str], username: str | None, **options) -> None:
        actor = reaudit_actor(username)
        if actor is None:
            raise CommandError("no user to run audits as: give --as USERNAME")
        due = services_due_for_reaudit(older_than_hours=older_than, codes=service)
        self.stdout.write(f"{len(due)} service(s) due for a re-audit")
        for item in due:
            run = services.audit_run_execute(run=services.audit_run_create(actor=actor, service=item))
            pages = run.summary.get("pages", 0)
            self.stdout.write(f"{item.code}: run {run.pk} {run.status}, {pages} page(s)")
