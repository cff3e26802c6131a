"""govcx serve: the production entry point (gunicorn, settings from the environment).

Background jobs (audits, the analytics sync, reminders, the schedule) need `govcx worker` running as its own
process (a second service beside this one); `--with-worker` starts one as a child, for small installations."""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from govcx.server import serve, worker_beside
from govcx.startup import unsafe_start_reasons


class Command(BaseCommand):
    help = "Serve govcx with gunicorn. Refuses default secrets and demo accounts outside demo mode."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--bind", default=os.environ.get("GOVCX_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("GOVCX_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("GOVCX_THREADS", "4")))
        parser.add_argument("--keepalive", type=int, default=int(os.environ.get("GOVCX_KEEPALIVE", "0")),
                            help="seconds a client's connection is kept for its next request; 0 (default): one "
                                 "request per connection, each request to the first free worker")
        parser.add_argument("--migrate", action="store_true", help="apply database migrations first")
        parser.add_argument("--no-access-log", action="store_true")
        parser.add_argument("--with-worker", action="store_true",
                            help="also run `govcx worker` as a child process (production runs it as its own service)")

    def handle(self, *args, bind: str, workers: int, threads: int, keepalive: int, migrate: bool, no_access_log: bool,
               with_worker: bool, **options):
        reasons = unsafe_start_reasons()
        if reasons:
            raise CommandError("refusing to start: " + "; ".join(reasons))
        if migrate:
            call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"govcx serving on http://{bind} ({workers} workers × {threads} threads)")
        with worker_beside(enabled=with_worker):
            serve(bind=bind, workers=workers, threads=threads, keepalive=keepalive, access_log=not no_access_log)
