"""A real `govcx worker` process on a file database: it runs a queued audit in Chromium, reports progress, refuses a
second worker on the same SQLite file and stops gracefully on SIGTERM. Everything runs in subprocesses, so the
database is a real file the worker shares (not the test run's database)."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.one_database]

FIXTURE_PAGE = Path(__file__).parents[1] / "audit" / "fixtures" / "site" / "no-alt.html"

QUEUE_AN_AUDIT = """
import json
from django.core.files.uploadedfile import SimpleUploadedFile
from govcx.accounts.models import User
from govcx.audit.services import audit_run_create, audit_run_start
from govcx.registry.models import Organisation, Service

org = Organisation.objects.create(code="min-w", name_en="Ministry W", level="federal")
admin = User.objects.create_user(username="w-admin", password="x-long-password-42", role="admin", organisation=org)
service = Service.objects.create(code="svc-w", name_en="Service W", owner=org)
page = SimpleUploadedFile("no-alt.html", open({page!r}, "rb").read())
run = audit_run_create(actor=admin, service=service, uploads=[page])
job = audit_run_start(actor=admin, run=run)
print(json.dumps({{"job": job.pk, "run": run.pk}}))
"""


def govcx(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "govcx.cli", *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False, **kwargs)


def one(database: Path, sql: str, *params) -> tuple:
    with sqlite3.connect(database, timeout=20) as connection:
        return connection.execute(sql, params).fetchone()


def test_a_worker_process_runs_an_audit_job_to_the_end(tmp_path):
    database = tmp_path / "govcx.sqlite3"
    env = {**os.environ, "GOVCX_VAR_DIR": str(tmp_path), "GOVCX_DATABASE_URL": f"sqlite:///{database}",
           "GOVCX_MEDIA_ROOT": str(tmp_path / "media"), "DJANGO_SETTINGS_MODULE": "govcx.settings"}
    env.pop("GOVCX_TASKS_BACKEND", None)
    assert govcx("migrate", "-v0", env=env).returncode == 0
    queued = govcx("shell", "-c", QUEUE_AN_AUDIT.format(page=str(FIXTURE_PAGE)), env=env)
    assert queued.returncode == 0, queued.stderr
    ids = json.loads(queued.stdout.strip().splitlines()[-1])
    assert one(database, "select state from jobs_job where id = ?", ids["job"]) == ("queued",)

    worker = subprocess.Popen([sys.executable, "-m", "govcx.cli", "worker", "--no-schedule", "--supervise-every",
                               "1"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert "govcx worker" in worker.stdout.readline()  # printed once it holds the database's worker lock
        second = govcx("worker", "--no-schedule", env=env)
        assert second.returncode != 0 and "another govcx worker" in second.stderr

        deadline = time.monotonic() + 150
        state = None
        while time.monotonic() < deadline:
            state = one(database, "select state from jobs_job where id = ?", ids["job"])[0]
            if state in ("succeeded", "failed", "cancelled"):
                break
            time.sleep(0.5)
        job = one(database, "select state, progress_done, progress_total, attempts, error, worker_id "
                            "from jobs_job where id = ?", ids["job"])
        assert job[0] == "succeeded", job
        assert job[1] == job[2] >= 1 and job[3] == 1 and job[5]
        run = one(database, "select status, pages_done, pages_total from audit_auditrun where id = ?", ids["run"])
        assert run == ("done", 1, 1)
        violations = one(database, "select count(*) from audit_auditissue i join audit_pageaudit p on i.page_id = p.id "
                                   "where p.run_id = ? and i.kind = 'violation' and i.rule = 'image-alt'", ids["run"])
        assert violations[0] >= 1
        assert one(database, "select count(*) from jobs_workerbeat")[0] == 1
    finally:
        worker.send_signal(signal.SIGTERM)
        output = worker.communicate(timeout=60)[0]
    assert worker.returncode == 0, output
    assert "stopped" in output
    assert one(database, "select count(*) from jobs_workerbeat")[0] == 0
