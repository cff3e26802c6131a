"""govcx worker: runs background jobs (the django-tasks-db task loop), beats, recovers the jobs of a worker that
died, and queues the schedule's jobs (jobs/schedule.py) instead of cron lines. SIGTERM/SIGINT stop it after the
job in hand; a second signal stops at once (the job is then retried by the next worker's supervisor)."""

from __future__ import annotations

import logging
import os
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker

from govcx.jobs.supervisor import OneWorkerOnly, Supervisor, single_worker_on_sqlite


class Command(BaseCommand):
    help = "Run background jobs with their supervisor and schedule (one worker on SQLite)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls of an empty queue")
        parser.add_argument("--supervise-every", type=float, default=5.0, help="seconds between supervisor passes")
        parser.add_argument("--no-schedule", action="store_true", help="do not queue the scheduled jobs")
        parser.add_argument("--supervise-only", action="store_true",
                            help="run only the supervisor and schedule (the task backend has its own workers, "
                                 "e.g. django-tasks-rq's rqworker)")

    def handle(self, *args, interval: float, supervise_every: float, no_schedule: bool, supervise_only: bool,
               verbosity: int, **options) -> None:
        logging.getLogger("govcx.jobs").setLevel(logging.INFO if verbosity else logging.WARNING)
        backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]
        if not supervise_only and not isinstance(backend, DatabaseBackend):
            raise CommandError(f"the task backend is {type(backend).__name__}, not the database: run its own "
                               "workers and `govcx worker --supervise-only` beside them")
        worker_id = f"{socket.gethostname()[:30]}-{os.getpid()}-{get_random_string(8)}"
        try:
            with single_worker_on_sqlite():
                self._run(worker_id, interval, supervise_every, not no_schedule, supervise_only)
        except OneWorkerOnly as exc:
            raise CommandError(str(exc)) from None

    def _run(self, worker_id: str, interval: float, every: float, run_schedule: bool, supervise_only: bool) -> None:
        supervisor = Supervisor(worker_id=worker_id, every=every, run_schedule=run_schedule)
        worker = Worker(queue_names=["default"], interval=interval, batch=False, startup_delay=False, max_tasks=None,
                        backend_name=DEFAULT_TASK_BACKEND_ALIAS, worker_id=worker_id, excluded_queue_names=[])
        database = settings.DATABASES["default"]["NAME"]
        self.stdout.write(f"govcx worker {worker_id} on {database} (schedule {'on' if run_schedule else 'off'})")
        self.stdout.flush()
        worker.configure_signals()
        supervisor.start()
        try:
            if supervise_only:
                while worker.running:
                    supervisor.stopping.wait(interval)
            else:
                worker.run()
        except SystemExit:
            pass  # the task loop's signal handler exits this way when idle
        finally:
            supervisor.stop()
            self.stdout.write(f"govcx worker {worker_id} stopped")
