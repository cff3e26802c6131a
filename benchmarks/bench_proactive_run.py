"""Benchmark: the peak memory of a proactive run through its background job on a large synthetic register.

A first process migrates a fresh SQLite database (in a temporary GOVCX_VAR_DIR, or GOVCX_DATABASE_URL), loads a
synthetic register of the demo regions as a snapshot (`snapshot_load`: validated and stored by household) and
queues a full run (`run_start`: the `proactive.run` job). A second, fresh process then executes that job as the
worker does (`jobs.runner.job_execute`) and prints its own peak memory (VmHWM) before and after, its wall and CPU
time and the run's counts, so the figure is the job's and not the loading's.

Run:  uv run python benchmarks/bench_proactive_run.py [--persons 1000000] [--src DIR]
`--src DIR` executes the job with another checkout's `src` (e.g. `git archive main src | tar -x -C DIR`) against
the same prepared database and snapshot (copied first), to compare before and after a change.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PERIOD = "2025-03"
TAKEN_ON = "2025-03-01"


def memory() -> dict[str, float]:
    found = {}
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(("VmHWM:", "VmRSS:")):
                found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return found


def setup_django(var_dir: str) -> None:
    os.environ["GOVCX_VAR_DIR"] = var_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()


def prepare(var_dir: str, persons: int) -> None:
    """Child process: database, snapshot and a queued full run; prints the job's id."""
    setup_django(var_dir)
    import datetime as dt

    import pyarrow as pa
    import pyarrow.parquet as pq
    from django.core.management import call_command

    from govcx.jobs.models import Job
    from govcx.proactive import services
    from govcx.proactive.synthetic import register
    from govcx.registry.models import Organisation

    call_command("migrate", interactive=False, verbosity=0)
    organisation = Organisation.objects.create(code="bench-proactive", name_en="Bench authority", level="regional")
    people, households = register(int(persons / 2.2), seed=14, as_of=TAKEN_ON)
    people = people.append_column("receives_insurance_pension", pa.array([False] * people.num_rows))
    households = households.append_column("maternity_capital_granted", pa.array([False] * households.num_rows))
    extract = Path(var_dir) / "extract"
    extract.mkdir()
    pq.write_table(people, extract / "persons.parquet")
    pq.write_table(households, extract / "households.parquet")
    started = time.perf_counter()
    snapshot = services.snapshot_load(organisation=organisation, taken_on=dt.date.fromisoformat(TAKEN_ON),
                                      persons_file=extract / "persons.parquet",
                                      households_file=extract / "households.parquet")
    loaded = time.perf_counter() - started
    run = services.run_create(organisation=organisation, snapshot=snapshot, period=PERIOD, full=True)
    job = Job.objects.get(kind="proactive.run", pk=services.run_start(run=run).pk)
    print(json.dumps({"job_id": job.pk, "run_id": run.pk, "persons": snapshot.persons,
                      "households": snapshot.households, "load_seconds": round(loaded, 1)}))


def execute(var_dir: str, job_id: int) -> None:
    """Child process: the worker's execution of the queued job, with this process's own peak memory."""
    setup_django(var_dir)
    from govcx.jobs.runner import job_execute
    from govcx.proactive import jobs as _handlers  # noqa: F401  (the worker has its handlers loaded)
    from govcx.proactive.models import Run

    before = memory()
    start, cpu = time.perf_counter(), time.process_time()
    job = job_execute(job_id=job_id, worker_id="bench")
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    after = memory()
    run = Run.objects.get(pk=job.payload["run_id"])
    print(json.dumps({"job_state": job.state, "run_status": run.status, "error": run.error,
                      "evaluated": run.evaluated, "entitled": run.entitled, "offers": run.offers_created,
                      "wall_seconds": round(wall, 1), "cpu_seconds": round(cpu, 1),
                      "rss_before_mb": round(before["VmRSS"]), "peak_mb": round(after["VmHWM"])}))


def child(args: list[str], src: str | None = None) -> dict:
    env = {**os.environ}
    if src:
        env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--src", action="append", default=[],
                        help="also execute the job with this checkout's src (a copy of the prepared database)")
    parser.add_argument("--only-src", action="store_true", help="execute only with the --src checkouts")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--execute", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare, args.persons)
        return
    if args.execute:
        execute(args.execute[0], int(args.execute[1]))
        return
    with tempfile.TemporaryDirectory(prefix="govcx-bench-run-") as base:
        prepared = str(Path(base) / "prepared")
        Path(prepared).mkdir()
        with open("/proc/loadavg") as load:
            print("load average before:", load.read().strip())
        setup = child(["--persons", str(args.persons), "--prepare", prepared])
        print("prepared:", json.dumps(setup))
        sides = [*((f"src {s}", s) for s in args.src), *([] if args.only_src else [("this checkout", None)])]
        for label, src in sides:
            var_dir = str(Path(base) / f"run-{abs(hash(label))}")
            shutil.copytree(prepared, var_dir)  # the same database and snapshot for each side
            result = child(["--execute", var_dir, str(setup["job_id"])], src=src)
            print(f"{label}:", json.dumps(result))
            shutil.rmtree(var_dir)
        with open("/proc/loadavg") as load:
            print("load average after:", load.read().strip())


if __name__ == "__main__":
    main()
