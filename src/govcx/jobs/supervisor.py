"""The worker's supervisor: a thread of `govcx worker` that beats, recovers a dead worker's jobs and reads the
schedule, every few seconds, whatever the task loop is busy with."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection

from govcx.jobs.services import job_recover_stale, schedule_enqueue_due, worker_beat, worker_gone

log = logging.getLogger("govcx.jobs")


class OneWorkerOnly(Exception):
    pass


class Supervisor(threading.Thread):
    def __init__(self, *, worker_id: str, every: float, run_schedule: bool) -> None:
        super().__init__(name="govcx-supervisor", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.run_schedule = run_schedule
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                self.once()
                self.stopping.wait(self.every)
        finally:
            connection.close()

    def once(self) -> None:
        close_old_connections()
        try:
            worker_beat(worker_id=self.worker_id, host=socket.gethostname(), pid=os.getpid())
            recovered = job_recover_stale()
            if any(recovered.values()):
                log.warning("recovered jobs of a stopped worker: %s", recovered)
            if self.run_schedule:
                for job in schedule_enqueue_due():
                    log.info("scheduled job %s (%s) queued", job.pk, job.kind)
        except Exception:  # noqa: BLE001 - a busy database or a bad pass must not stop the supervisor
            log.exception("supervisor pass failed; trying again in %s s", self.every)

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=self.every + 5)
        close_old_connections()
        worker_gone(worker_id=self.worker_id)


@contextmanager
def single_worker_on_sqlite() -> Iterator[None]:
    """SQLite takes one writer at a time: one worker per database file, held by an OS lock next to it (freed
    by the OS if the worker dies, so a stale lock never blocks a restart)."""
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        yield
        return
    import fcntl

    path = Path(f"{database['NAME']}.worker.lock")
    handle = path.open("a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "?"
            raise OneWorkerOnly(
                f"another govcx worker (pid {holder}) is running on this SQLite database; SQLite takes one "
                "writer at a time, so run one worker (or move to PostgreSQL for several)") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()
