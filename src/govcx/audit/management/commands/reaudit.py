"""govcx reaudit: the scheduled re-audit (run it from cron or a task queue, e.g. nightly)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Max, Q
from django.utils import timezone

from govcx.accounts.models import User
from govcx.audit import services
from govcx.audit.models import RunStatus
from govcx.registry.models import Service


class Command(BaseCommand):
    help = "Re-audit every service with page URLs whose last finished audit is older than --older-than hours."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--older-than", type=float, default=24.0, help="hours (default 24)")
        parser.add_argument("--service", action="append", default=[], help="only these service codes")
        parser.add_argument("--as", dest="username")

    def handle(self, *args, older_than: float, service: list[str], username: str | None, **options) -> None:
        actor = (User.objects.filter(username=username).first() if username
                 else User.objects.filter(role="admin", is_active=True).order_by("id").first())
        if actor is None:
            raise CommandError("no user to run audits as: give --as USERNAME")
        cutoff = timezone.now() - dt.timedelta(hours=older_than)
        queryset = Service.objects.exclude(page_urls=[]).annotate(
            last_audit=Max("audit_runs__finished_at", filter=Q(audit_runs__status=RunStatus.DONE))
        )
        if service:
            queryset = queryset.filter(code__in=service)
        due = [s for s in queryset if s.page_urls and (s.last_audit is None or s.last_audit < cutoff)]
        self.stdout.write(f"{len(due)} service(s) due for a re-audit")
        for item in due:
            run = services.audit_run_execute(run=services.audit_run_create(actor=actor, service=item))
            pages = run.summary.get("pages", 0)
            self.stdout.write(f"{item.code}: run {run.pk} {run.status}, {pages} page(s)")

