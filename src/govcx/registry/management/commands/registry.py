"""govcx registry export FILE.csv|FILE.xlsx [--as USERNAME] | govcx registry import FILE [--as USERNAME]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from rich.console import Console
from rich.progress import Progress

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.common.tabular import format_for, render_table
from govcx.errors import DomainError, Invalid
from govcx.registry import selectors, services


def _actor(username: str | None) -> User:
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user
    user = (
        User.objects.filter(Q(is_superuser=True) | Q(role=Role.ADMIN), is_active=True)
        .order_by("-is_superuser", "pk")
        .first()
    )
    if user is None:
        raise CommandError("no superuser or admin user to act as; create one or pass --as USERNAME")
    return user


def _format(path: Path) -> str:
    fmt = format_for(path.name)
    if not fmt:
        raise CommandError(f"{path}: the file name must end in .csv or .xlsx")
    return fmt


class Command(BaseCommand):
    help = "Export service passports to a CSV/XLSX file, or import them from one (all or nothing)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="write the passports in the user's scope to FILE.csv or .xlsx")
        export.add_argument("file")
        export.add_argument("--as", dest="as_user", metavar="USERNAME",
                            help="act as this user (default: the first superuser or admin)")
        load = sub.add_parser("import", help="create and update passports from FILE (all or nothing)")
        load.add_argument("file")
        load.add_argument("--as", dest="as_user", metavar="USERNAME",
                          help="act as this user (default: the first superuser or admin)")

    def handle(self, *args: Any, action: str, file: str, as_user: str | None = None, **options: Any) -> None:
        path = Path(file)
        fmt = _format(path)
        actor = _actor(as_user)
        if action == "export":
            header, rows = selectors.services_export_rows(selectors.service_list(user=actor))
            path.write_bytes(render_table(fmt, header, rows, sheet="services"))
            self.stdout.write(f"exported {len(rows)} service(s) to {path}")
            return
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror or exc}") from None
        try:
            with Progress(console=Console(stderr=True)) as bar:
                task = bar.add_task(f"checking and storing {path.name}", total=None)
                summary = services.services_import(
                    actor=actor, data=data, fmt=fmt, file_name=str(path),
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        except Invalid as exc:
            for d in exc.details:
                where = f"{d.get('file', path)}:{d['row']}" if d.get("row") else str(d.get("file", path))
                self.stderr.write(f"{where}: {d.get('field') or '(file)'}: {d.get('message')}")
            raise CommandError(exc.message) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"imported {path}: {summary.created} created, {summary.updated} updated, "
            f"{summary.unchanged} unchanged"
        )
