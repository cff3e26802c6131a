"""govcx delivery analyse FILE [--case COL --activity COL --timestamp COL] [--json]

`analyse` reads a file alone: it opens no database, so it runs on a machine without govcx's data.
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

    def handle(self, *args, action: str, **options) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            figures = _analyse(path, case=options["case"], activity=options["activity"],
                               timestamp=options["timestamp"], top=options["top"])
        except InvalidInput as exc:
            raise CommandError(exc.message) from None
        if options["json"]:
            sys.stdout.write(json.dumps(figures, ensure_ascii=False) + "\n")
            return
        self._print(figures)

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
