"""govcx maturity recompute [--period 2026Q3 ...]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from govcx.errors import DomainError
from govcx.maturity.services import measures_recompute


class Command(BaseCommand):
    help = "Maturity index: recompute the per-quarter measures of services and authorities (all or nothing)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        recompute = sub.add_parser("recompute", help="recompute the measures catalogue")
        recompute.add_argument("--period", action="append", dest="periods",
                               help="a quarter like 2026Q3 (repeatable); default: every quarter with evidence")

    def handle(self, *args, action: str, **options) -> None:
        console = Console(highlight=False)
        try:
            report = measures_recompute(periods=options.get("periods"))
        except DomainError as error:
            raise CommandError(f"{error.message} {error.details or ''}") from error
        console.print(f"[green]ok[/green] {len(report.periods)} quarters, {report.service_values} service values, "
                      f"{report.organisation_values} authority values")
