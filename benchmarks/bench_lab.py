"""Benchmark: the lab's metrics and report for a study of 10,000 attempts (20 tasks × 500 sessions).

Run:  uv run python benchmarks/bench_lab.py [--tasks 20] [--sessions 500] [--repeat 5]
Prints the time to load and analyse the study (selectors.study_analysis), to build the report context, to answer
GET /api/lab/studies/{id}/metrics and to render the report page (lab:study_report) through Django's test client.
The database is a fresh SQLite file in a temporary folder (set GOVCX_DATABASE_URL to measure PostgreSQL).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable


def setup_django(var_dir: str) -> None:
    os.environ["GOVCX_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()


def build_study(tasks: int, sessions: int, seed: int = 7):
    """A closed study with `tasks` × `sessions` attempts, SUS answers, observations and findings (bulk inserts)."""
    from django.core.management import call_command
    from django.utils import timezone

    from govcx.accounts.models import User
    from govcx.accounts.roles import Role
    from govcx.lab.models import (
        Attempt,
        Finding,
        Observation,
        Participant,
        QuestionnaireResponse,
        Session,
        Study,
        Task,
    )
    from govcx.registry.models import ClientCategory, Organisation, Service

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(seed)
    lab = Organisation.objects.create(code="bench-lab", name_en="Bench lab", level="federal")
    ClientCategory.objects.get_or_create(code="citizens", defaults={"name_en": "Citizens"})
    service = Service.objects.create(code="bench-service", name_en="Bench service", owner=lab)
    researcher = User.objects.create_user(username="bench", password="bench-password-123", role=Role.LAB_RESEARCHER,
                                          organisation=lab)
    study = Study.objects.create(service=service, lab=lab, title="Benchmark study", use_umux_lite=True)
    task_rows = Task.objects.bulk_create(
        Task(study=study, key=f"task-{i:02d}", order=i, title=f"Task {i}", critical_path=i <= 3)
        for i in range(1, tasks + 1)
    )
    people = Participant.objects.bulk_create(
        Participant(study=study, code=f"P{i:03d}", status="completed", full_name=f"Person {i}")
        for i in range(1, sessions + 1)
    )
    now = timezone.now()
    session_rows = Session.objects.bulk_create(
        Session(study=study, participant=p, status="completed", started_at=now, finished_at=now) for p in people
    )
    attempts = []
    for session in session_rows:
        for task in task_rows:
            ok = rng.random() < 0.85
            attempts.append(Attempt(
                session=session, task=task, outcome="success" if ok else rng.choice(["failure", "partial"]),
                seconds=round(rng.lognormvariate(math.log(60 + task.order * 5), 0.5), 1),
                errors=rng.choice([0, 0, 1, 2]), assists=0 if ok else rng.choice([0, 1]),
                seq=rng.randint(4, 7) if ok else rng.randint(1, 4),
            ))
    Attempt.objects.bulk_create(attempts, batch_size=2000)
    QuestionnaireResponse.objects.bulk_create(
        [QuestionnaireResponse(session=s, kind="sus", answers=[rng.randint(1, 5) for _ in range(10)])
         for s in session_rows]
        + [QuestionnaireResponse(session=s, kind="umux_lite", answers=[rng.randint(1, 7), rng.randint(1, 7)])
           for s in session_rows], batch_size=2000)
    findings = Finding.objects.bulk_create(
        Finding(study=study, title=f"Problem {i}", severity=i % 5, task=rng.choice(task_rows)) for i in range(40)
    )
    Observation.objects.bulk_create(
        (Observation(session=rng.choice(session_rows), task=f.task, text=f"observed {f.title}", finding=f,
                     at_seconds=rng.uniform(0, 600)) for f in findings for _ in range(rng.randint(5, 60))),
        batch_size=2000)
    Study.objects.filter(pk=study.pk).update(status="closed")
    study.refresh_from_db()
    return study, researcher, len(attempts)


def timed(label: str, function: Callable[[], object], repeat: int) -> list[float]:
    function()  # warm-up: imports, template loading, query compilation
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    print(f"{label:<48} median {statistics.median(times) * 1000:8.1f} ms   min {min(times) * 1000:8.1f} ms   "
          f"(n={repeat})")
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tasks", type=int, default=20)
    parser.add_argument("--sessions", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as var_dir:
        setup_django(var_dir)
        from django.conf import settings
        from django.test import Client
        from django.urls import NoReverseMatch, reverse

        from govcx.lab import analysis, selectors

        settings.ALLOWED_HOSTS = ["*"]
        started = time.perf_counter()
        study, researcher, count = build_study(args.tasks, args.sessions)
        print(f"study of {count} attempts ({args.tasks} tasks × {args.sessions} sessions) built in "
              f"{time.perf_counter() - started:.1f} s")
        plain = selectors.study_input(study)
        timed("load plain data from the DB (study_input)", lambda: selectors.study_input(study), args.repeat)
        timed("analyse (pure analysis.analyse)", lambda: analysis.analyse(plain), args.repeat)
        timed("study_analysis (load + analyse)", lambda: selectors.study_analysis(study), args.repeat)
        timed("study_report_context", lambda: selectors.study_report_context(study, researcher), args.repeat)
        client = Client()
        client.force_login(researcher)

        def get(path: str) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        timed("GET /api/lab/studies/{id}/metrics", lambda: get(f"/api/lab/studies/{study.pk}/metrics"), args.repeat)
        try:
            report = reverse("lab:study_report", args=[study.pk])
        except NoReverseMatch:
            print("the report page (lab:study_report) does not exist yet: only the context builder was timed")
        else:
            timed(f"GET {report} (report page)", lambda: get(report), args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
