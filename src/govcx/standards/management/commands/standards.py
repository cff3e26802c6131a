"""govcx standards validate FILE... | govcx standards load [FILE...]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console

from govcx.errors import Conflict, InvalidInput
from govcx.standards.loader import read_pack, shipped_pack_files
from govcx.standards.services import pack_load


class Command(BaseCommand):
    help = "Validate or load standards packs (YAML). Without files, 'load' loads the packs govcx ships."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        validate = sub.add_parser("validate", help="check pack files; errors name file, line and field")
        validate.add_argument("files", nargs="+")
        load = sub.add_parser("load", help="validate and store packs (all or nothing)")
        load.add_argument("files", nargs="*")

    def handle(self, *args, action: str, files: list[str], **options) -> None:
        console = Console(highlight=False)
        paths = [Path(f) for f in files] or shipped_pack_files()
        loaded, problems = [], []
        for path in paths:
            try:
                loaded.append(read_pack(path))
            except InvalidInput as exc:
                problems.extend(exc.problems)
        for problem in problems:
            console.print(f"[red]error[/red] {problem}")
        if problems:
            raise CommandError(f"{len(problems)} problem(s) in {len(paths)} file(s); nothing was loaded")
        if action == "validate":
            for item in loaded:
                count = len(item.pack.requirements())
                console.print(
                    f"[green]ok[/green] {item.file}: {item.pack.id} v{item.pack.version}, {count} requirements"
                )
            return
        from django.db import transaction

        try:
            with transaction.atomic():
                results = [pack_load(loaded=item) for item in loaded]
        except Conflict as exc:
            raise CommandError(exc.message) from None
        for record, created in results:
            state = "loaded" if created else "already loaded"
            console.print(f"[green]{state}[/green] {record.pack_id} v{record.version}: {record.title_en}")
