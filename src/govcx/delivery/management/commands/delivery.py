"""govcx delivery analyse FILE [--case COL --activity COL --timestamp COL] [--json]
govcx delivery import SERVICE_CODE FILE [--case COL --activity COL --timestamp COL]

`analyse` reads a file alone: it opens no database, so it runs on a machine without govcx's data. `import` adds
the file's new events to a service's event store, as the upload page does (all or nothing).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.table import Table

from govcx.errors import InvalidInput


def _analyse(path: Path, *, case: str | None, activity: str | None, timestamp: str | None, top: int) -> dict:
    import ibis

    from govcx.delivery import eventlog, mining

    file_format = eventlog.file_format_of(path)
    default = eventlog.ColumnMapping.default_for(file_format)
    if case or activity or timestamp:
        # Named columns replace the XES defaults; the optional XES columns stay only where the file has them.
        default = eventlog.ColumnMapping(case or default.case, activity or default.activity,
                                         timestamp or default.timestamp)
    log = eventlog.read_event_log(path, default)
    return mining.summary(ibis.memtable(log.events), top=top)


class Command(BaseCommand):
    help = "Service delivery: analyse an event log file (XES, CSV, Parquet) without a database."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        analyse = sub.add_parser("analyse", help="figures of one event log file: variants, durations, DFG, rework")
        analyse.add_argument("file", type=Path)
        analyse.add_argument("--case", help="case column (default: case:concept:name)")
        analyse.add_argument("--activity", help="activity column (default: concept:name)")
        analyse.add_argument("--timestamp", help="timestamp column (default: time:timestamp)")
        analyse.add_argument("--top", type=int, default=10, help="how many variants to list (default 10)")
        analyse.add_argument("--json", action="store_true", help="print one JSON object")
        into = sub.add_parser("import", help="add a file's new events to a service's event store")
        into.add_argument("service", help="the service's code")
        into.add_argument("file", type=Path)
        for role in ("case", "activity", "timestamp"):
            into.add_argument(f"--{role}", help=f"{role} column (default: the last import's, else the XES name)")

    def handle(self, *args, action: str, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        if action == "import":
            self._import(options["service"], path, {r: options[r] for r in ("case", "activity", "timestamp")})
            return
        try:
            figures = _analyse(path, case=options["case"], activity=options["activity"],
                               timestamp=options["timestamp"], top=options["top"])
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
            return
        self._print(figures)

    def _import(self, code: str, path: Path, columns: dict[str, str | None]) -> None:
        from govcx.accounts.models import User
        from govcx.delivery.services import eventlog_import
        from govcx.errors import DomainError
        from govcx.registry.models import Service

        service = Service.objects.filter(code=code).first()
        if service is None:
            raise CommandError(f"no service with the code {code!r}")
        # The command line acts as the system: the first active superuser is recorded as the importer.
        actor = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        if actor is None:
            raise CommandError("no active superuser to act as (create one with `govcx createsuperuser`)")
        mapping = {role: column for role, column in columns.items() if column} or None
        try:
            record = eventlog_import(actor=actor, service_id=service.pk, path=path, mapping=mapping)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        Console(highlight=False).print(f"[green]ok[/green] {record.events_added} new events of {record.events_read} "
                                       f"read into {code}")

    def _print(self, figures: dict) -> None:
        console = Console(highlight=False)
        durations = figures["case_duration_seconds"]
        console.print(f"{figures['cases']} cases, {figures['events']} events, {figures['activities']} activities, "
                      f"{figures['variants']} variants")
        console.print("case duration (days): " + ", ".join(
            f"{key} {value / 86400:.2f}" for key, value in durations.items() if value is not None))
        variants = Table(title="Most frequent variants")
        variants.add_column("cases", justify="right")
        variants.add_column("activities")
        for row in figures["top_variants"]:
            variants.add_row(str(row["cases"]), " → ".join(row["activities"]))
        console.print(variants)
        arcs = Table(title="Directly-follows arcs")
        for column in ("from", "to", "count", "mean (h)"):
            arcs.add_column(column)
        for arc in figures["dfg"][:20]:
            arcs.add_row(arc["from"], arc["to"], str(arc["count"]), f"{(arc['mean_seconds'] or 0) / 3600:.1f}")
        console.print(arcs)
