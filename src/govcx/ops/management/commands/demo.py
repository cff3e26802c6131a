"""govcx demo: embedded SQLite under ./var/, migrations, demo data, a login, and the app served by gunicorn."""

from __future__ import annotations

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from govcx.server import serve, worker_beside


class Command(BaseCommand):
    help = "Run govcx on the embedded demo database: migrate, load demo data, print logins, serve."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete and rebuild the demo data")
        parser.add_argument("--no-serve", action="store_true", help="prepare the data and exit")
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-worker", action="store_true", help="do not start `govcx worker` beside the server")

    def handle(self, *args, reset: bool, no_serve: bool, bind: str, workers: int, no_worker: bool, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo runs only with GOVCX_DEMO=1 (set by `govcx demo`)")
        from govcx.demo import build_demo

        console = Console(highlight=False)
        console.print(f"database: {settings.DATABASES['default']['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=console, transient=True,
        ) as progress:
            task = progress.add_task("demo data", total=None)

            def report(step: str, done: int, total: int) -> None:
                progress.update(task, description=step, completed=done, total=total)

            summary = build_demo(reset=reset, progress=report)
        console.print(
            f"demo data: {summary.organisations} organisations, {summary.services} services, "
            f"{summary.life_situations} life situations, {summary.assessments} assessments "
            f"({', '.join(f'{k}: {v}' for k, v in summary.verdicts.items())}), {summary.adjustments} adjustments; "
            f"{summary.studies} lab studies, {summary.survey_responses} survey responses, "
            f"{summary.complaints} complaints"
        )
        table = Table(title="Demo logins (demo mode only)")
        for column in ("username", "password", "role", "organisation"):
            table.add_column(column)
        for login in summary.logins:
            table.add_row(login.username, login.password, login.role, login.organisation)
        console.print(table)
        if no_serve:
            return
        console.print(f"open http://{bind}/ and sign in (Ctrl+C stops the server and its background worker)")
        with worker_beside(enabled=not no_worker):
            serve(bind=bind, workers=workers, threads=4)
