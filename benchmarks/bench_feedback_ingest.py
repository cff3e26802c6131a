"""Benchmark: sustained responses per second through the public ingestion API, with a real load generator.

Starts `govcx serve` (gunicorn, 2 workers x 32 threads by default) on loopback against the database in
GOVCX_DATABASE_URL, creates one live survey (US A-11 §280 template) through the feedback services, waits until
the workers have finished warming, then runs wrk (default; new responses only) or locust (5 % replays of an
already accepted key) with 32 clients and no think time. Prints responses/s, p50/p99 latency and failures, the
CPU time per accepted response of the gunicorn workers and of PostgreSQL (from /proc), checks that every
accepted response is stored exactly once (the count, no key twice, each response with its answers), and prints
the peer figure beside it.

The issue's target is PostgreSQL. A scratch database, as .ci/run starts one (initdb + pg_ctl on port 54329):
    GOVCX_DATABASE_URL=postgres://postgres@127.0.0.1:54329/govcx \\
        uv run python benchmarks/bench_feedback_ingest.py [--users 32] [--seconds 60] [--workers 2]
Without GOVCX_DATABASE_URL it runs on a fresh SQLite file (figures then say so). The benchmark migrates the
database and adds its own authority, service and survey to it: point it at a scratch database.
Locust, the server and the database share this machine's cores: the load generator's own CPU is part of
what limits the figure.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PATH = "/api/feedback/public/responses"
PEER = ("Touchpoints (GSA): 58 ms average widget request after its Rust rewrite (published); "
        "~7 requests/s under ab at concurrency 10 (published)")
TARGET = "target: at least 1,000 responses/s with p99 under 100 ms at 32 clients (issue 11)"


def setup_django(var_dir: str) -> str:
    os.environ["GOVCX_VAR_DIR"] = var_dir
    # `govcx serve` refuses the development key; a throwaway one for this run's server.
    os.environ.setdefault("GOVCX_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()
    from django.db import connection

    return connection.vendor


def create_survey() -> tuple[str, int]:
    """A live survey on a new service of a new authority, made by the feedback services as an analyst would;
    returns its public key and id. Imported here: the benchmark module loads without Django."""
    from django.core.management import call_command

    from govcx.accounts.models import User
    from govcx.accounts.roles import Role
    from govcx.feedback.services import survey_create, survey_update
    from govcx.registry.models import ClientCategory, Organisation
    from govcx.registry.schemas import ServiceIn
    from govcx.registry.services import service_create

    call_command("migrate", interactive=False, verbosity=0)
    suffix = secrets.token_hex(3)
    authority = Organisation.objects.create(code=f"bench-ingest-{suffix}", name_en="Benchmark authority",
                                            level="federal")
    ClientCategory.objects.get_or_create(code="citizens", defaults={"name_en": "Citizens", "name_ru": "Граждане"})
    analyst = User.objects.create_user(username=f"bench-ingest-{suffix}", password=secrets.token_urlsafe(16),
                                       role=Role.ADMIN, organisation=authority)
    service = service_create(actor=analyst, passport=ServiceIn.model_validate({
        "code": f"bench-ingest-{suffix}", "name_en": "Benchmark service", "owner": authority.code,
        "client_categories": ["citizens"], "channels": ["portal"],
    }))
    survey = survey_create(service=service, title="Benchmark survey", template="a11_280", actor=analyst)
    # The per-caller limit guards real surveys against floods; here every client shares one loopback address.
    survey = survey_update(survey=survey, expected_version=survey.version, actor=analyst, status="live",
                           rate_limit_per_minute=100_000)
    return survey.public_key, survey.pk


CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def process_cpu_seconds(pid: int, *, reaped_children: bool = False) -> float:
    """User + system CPU of one process from /proc (Linux), 0 if it is gone; with `reaped_children` also that of
    its children that have exited and been waited for (PostgreSQL's backends of connections closed meanwhile)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def database_server_pid() -> int | None:
    """The PostgreSQL postmaster of the benchmark's database, when it runs on this machine."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW data_directory")
        folder = Path(cursor.fetchone()[0])
    try:
        return int((folder / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cpu_snapshot(server_pid: int, database_pid: int | None) -> dict[str, float]:
    """CPU seconds so far of the gunicorn workers and of the database's backends (children of the postmaster).
    A backend whose connection closes during the run (Django reopens them after CONN_MAX_AGE) leaves the live
    children; its CPU is then in the postmaster's reaped children's, which is counted too."""
    snapshot = {f"w{pid}": process_cpu_seconds(pid) for pid in children(server_pid)}
    if database_pid is not None:
        snapshot[f"d{database_pid}"] = process_cpu_seconds(database_pid, reaped_children=True)
        snapshot |= {f"d{pid}": process_cpu_seconds(pid) for pid in children(database_pid)}
    return snapshot


def cpu_spent(before: dict[str, float], after: dict[str, float], kind: str) -> float:
    """The CPU spent between the snapshots; a process gone by the second one counts minus what it had at the
    first (its whole CPU is then in its parent's reaped children's)."""
    return sum(after.get(key, 0.0) - before.get(key, 0.0) for key in after.keys() | before.keys()
               if key.startswith(kind))


def wait_for_idle_workers(server_pid: int, timeout: float = 180) -> None:
    """The workers warm their engines in the background as they start (govcx/warmup.py): that CPU is not the
    ingestion's, so the measurement starts once they are idle."""
    deadline = time.monotonic() + timeout
    before = cpu_snapshot(server_pid, None)
    while time.monotonic() < deadline:
        time.sleep(1)
        after = cpu_snapshot(server_pid, None)
        if cpu_spent(before, after, "w") < 0.05:
            return
        before = after


def stored_responses(survey_id: int) -> int:
    from govcx.feedback.models import Response

    return Response.objects.filter(survey_id=survey_id).count()


def storage_problems(survey_id: int, answers_each: int | None) -> list[str]:
    """What would break "stored exactly once" beyond the count: a key stored twice, a response without its
    answers or with them twice (wrk's requests and the warm-up's answer two questions each; locust's vary, so
    there each response needs at least one)."""
    from django.db.models import Count

    from govcx.feedback.models import Response

    stored = Response.objects.filter(survey_id=survey_id)
    problems = []
    keys = stored.values("idempotency_key").distinct().count()
    if keys != stored.count():
        problems.append(f"{stored.count() - keys} keys stored twice")
    answered = stored.annotate(answered=Count("answers"))
    wrong = (answered.exclude(answered=answers_each) if answers_each else answered.filter(answered=0)).count()
    if wrong:
        problems.append(f"{wrong} responses without exactly their answers")
    return problems


def post(base: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(f"{base}{PATH}", data=json.dumps(body).encode(),
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"error": error.read()[:300].decode(errors="replace")}


def check_contract_and_warm_up(base: str, public_key: str, workers: int, server: subprocess.Popen) -> int:
    """Wait for the server; one response answers 201, its replay 200 with the same id; then let every worker
    load the URL map before anything is timed. Returns the number of responses created here."""
    body = {"survey": public_key, "idempotency_key": str(uuid.uuid4()), "answers": {"overall": 5, "trust": 4},
            "context": {"channel": "web"}, "elapsed_ms": 30_000}
    deadline = time.monotonic() + 180
    while True:
        try:
            status, first = post(base, body)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not come up; see its log above") from None
            time.sleep(0.5)
    replay_status, replay = post(base, body)
    if (status, replay_status) != (201, 200) or first.get("id") != replay.get("id"):
        raise SystemExit(f"the ingestion API broke its contract: {status} {first}, replay {replay_status} {replay}")
    warm = [{**body, "idempotency_key": str(uuid.uuid4())} for _ in range(8 * workers)]
    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        statuses = list(pool.map(lambda b: post(base, b)[0], warm))
    if set(statuses) != {201}:
        raise SystemExit(f"warm-up responses were not all accepted: {statuses}")
    return 1 + len(warm)


def run_locust(base: str, public_key: str, users: int, seconds: int, batch: int, folder: Path) -> list[dict]:
    """Locust's final statistics per request name (its JSON file: the CSV may miss the last second)."""
    result = folder / "locust.json"
    command = [
        sys.executable, "-m", "locust", "-f", str(HERE / "locustfile_feedback.py"), "--headless",
        "--users", str(users), "--spawn-rate", str(users), "--run-time", f"{seconds}s", "--host", base,
        "--json-file", str(result.with_suffix("")), "--only-summary", "--stop-timeout", "10",
        "--loglevel", "WARNING",
    ]
    env = {**os.environ, "GOVCX_BENCH_SURVEY": public_key, "GOVCX_BENCH_BATCH": str(batch)}
    finished = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 120)
    if not result.exists():
        raise SystemExit(f"locust did not run:\n{finished.stderr[-3000:]}")
    return json.loads(result.read_text())


WRK_SCRIPT = """
-- One new response per request, each with its own idempotency key: thread id, counter, this run's id.
local threads = {}
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  survey, run, counter = args[1], args[2], 0
end
function request()
  counter = counter + 1
  local body = string.format(
    '{"survey":"%s","idempotency_key":"wrk-%s-%d-%d","answers":{"overall":%d,"ease":%d},'
    .. '"channel":"api","elapsed_ms":20000}', survey, run, id, counter, counter % 5 + 1, (counter + 2) % 5 + 1)
  return wrk.format("POST", "/api/feedback/public/responses", {["Content-Type"] = "application/json"}, body)
end
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50":%.3f,"p99":%.3f,"mean":%.3f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.mean / 1000))
end
"""


def run_wrk(base: str, public_key: str, users: int, seconds: int, folder: Path) -> Figures:
    """wrk (C, event-driven) takes far less CPU than locust, so more of the machine is left to the server."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    script = folder / "ingest.lua"
    script.write_text(WRK_SCRIPT)
    command = [wrk, "-t2", f"-c{users}", f"-d{seconds}s", "--timeout", "10s", "--latency", "-s", str(script),
               base, "--", public_key, secrets.token_hex(4)]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in finished.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk did not report:\n{finished.stdout[-2000:]}\n{finished.stderr[-2000:]}")
    data = json.loads(line.removeprefix("WRKJSON "))
    return Figures(requests=data["requests"], failures=data["non2xx"] + data["socket_errors"],
                   per_second=data["requests"] / (data["duration_us"] / 1e6), p50=data["p50"], p99=data["p99"],
                   mean=data["mean"])


@dataclass
class Figures:
    requests: int
    failures: int
    per_second: float
    p50: float
    p99: float
    mean: float


def percentile(histogram: Counter, q: float) -> float:
    """From locust's histogram of rounded response times (ms)."""
    rank, seen = q * sum(histogram.values()), 0
    for milliseconds in sorted(histogram):
        seen += histogram[milliseconds]
        if seen >= rank:
            return milliseconds
    return math.nan


def figures(entries: list[dict]) -> Figures:
    histogram: Counter = Counter()
    for entry in entries:
        histogram.update({float(ms): count for ms, count in entry["response_times"].items()})
    requests = sum(entry["num_requests"] for entry in entries)
    started = min(entry["start_time"] for entry in entries)
    ended = max(entry["last_request_timestamp"] for entry in entries)
    return Figures(
        requests=requests,
        failures=sum(entry["num_failures"] for entry in entries),
        per_second=requests / max(ended - started, 1e-9),
        p50=percentile(histogram, 0.50),
        p99=percentile(histogram, 0.99),
        mean=sum(entry["total_response_time"] for entry in entries) / max(requests, 1),
    )


def report(entries: list[dict], users: int, seconds: int, batch: int) -> tuple[int, int]:
    """Prints the table; returns (new responses accepted, failures)."""
    print(f"{'requests':28s} {'count':>8s} {'failures':>8s} {'req/s':>8s} {'p50 ms':>7s} {'p99 ms':>7s} {'avg ms':>7s}")
    rows = [(entry["name"].replace(PATH, "POST responses"), figures([entry])) for entry in entries]
    total = figures(entries)
    for label, row in [*rows, ("all", total)]:
        print(f"{label:28s} {row.requests:8d} {row.failures:8d} {row.per_second:8.0f} {row.p50:7.0f} "
              f"{row.p99:7.0f} {row.mean:7.1f}")
    if batch > 1:
        print(f"\nsustained: {total.per_second * batch:.0f} responses/s ({total.per_second:.0f} batches of {batch}/s) "
              f"over {seconds} s at {users} clients; per batch p50 {total.p50:.0f} ms, p99 {total.p99:.0f} ms; "
              f"failures {total.failures}")
    else:
        print(f"\nsustained: {total.per_second:.0f} responses/s over {seconds} s at {users} clients; "
              f"p50 {total.p50:.0f} ms, p99 {total.p99:.0f} ms; failures {total.failures}")
    print(TARGET)
    print(f"peer: {PEER}")
    new = [entry for entry in entries if entry["name"].endswith("new)")]
    return batch * sum(entry["num_requests"] - entry["num_failures"] for entry in new), total.failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=32)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32,
                        help="a request thread mostly waits for its group's commit; threads bound the group size")
    parser.add_argument("--keepalive", type=int, default=2,
                        help="seconds a connection is kept (govcx serve --keepalive): a widget's browser keeps it; "
                             "reconnecting per response costs about a quarter of the throughput")
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--batch", type=int, default=1,
                        help="post this many responses per request to the batch endpoint (default: one by one)")
    parser.add_argument("--generator", choices=("locust", "wrk"), default="wrk",
                        help="locust (replays 5 %% of keys; Python, takes a core) or wrk (new responses only)")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="govcx-bench-ingest-"))
    vendor = setup_django(str(folder))
    try:
        public_key, survey_id = create_survey()
    except ImportError as missing:
        raise SystemExit(f"the feedback services are not there yet ({missing}); the benchmark waits for them") from None
    if vendor != "postgresql":
        print(f"database: {vendor} (set GOVCX_DATABASE_URL to a PostgreSQL database for the issue's figure)")
    else:
        print("database: PostgreSQL")
    base = f"http://127.0.0.1:{args.port}"
    server_log = open(folder / "server.log", "w+")
    server = subprocess.Popen(
        [sys.executable, "-m", "govcx.cli", "serve", "--bind", f"127.0.0.1:{args.port}", "--workers",
         str(args.workers), "--threads", str(args.threads), "--keepalive", str(args.keepalive), "--no-access-log"],
        env={**os.environ}, stdout=subprocess.DEVNULL, stderr=server_log,
    )
    try:
        created_before = check_contract_and_warm_up(base, public_key, args.workers, server)
        print(f"server: gunicorn, {args.workers} workers x {args.threads} threads, keep-alive {args.keepalive} s; "
              f"load: {args.generator}, "
              f"{args.users} clients, {args.seconds} s, on the same {os.cpu_count()} cores; "
              f"load average before {os.getloadavg()[0]:.1f}")
        wait_for_idle_workers(server.pid)
        database_pid = database_server_pid()
        cpu_before = cpu_snapshot(server.pid, database_pid)
        if args.generator == "wrk":
            if args.batch > 1:
                raise SystemExit("--batch is measured with locust")
            measured = run_wrk(base, public_key, args.users, args.seconds, folder)
        else:
            entries = run_locust(base, public_key, args.users, args.seconds, args.batch, folder)
        cpu_after = cpu_snapshot(server.pid, database_pid)
        load_after = os.getloadavg()[0]
    except SystemExit:
        server_log.seek(0)
        print(server_log.read()[-3000:], file=sys.stderr)
        raise
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()
    print(f"load average at the end of the run: {load_after:.1f} (the other processes on these cores)")
    if args.generator == "wrk":
        print(f"sustained: {measured.per_second:.0f} responses/s over {args.seconds} s at {args.users} connections; "
              f"p50 {measured.p50:.1f} ms, p99 {measured.p99:.1f} ms; failures {measured.failures}")
        print(TARGET)
        print(f"peer: {PEER}")
        accepted, failures = measured.requests - measured.failures, measured.failures
    else:
        accepted, failures = report(entries, args.users, args.seconds, args.batch)
    stored = stored_responses(survey_id) - created_before
    # wrk stops with up to one request per connection in flight: the server stores those, wrk does not count them
    in_flight = stored - accepted if args.generator == "wrk" and 0 < stored - accepted <= args.users else 0
    problems = storage_problems(survey_id, 2 if args.generator == "wrk" else None)
    consistent = stored - in_flight == accepted and not problems
    verdict = "every accepted response stored once, with its answers" if consistent else "MISMATCH"
    if in_flight:
        verdict += f"; {in_flight} more were in flight when wrk stopped"
    print(f"stored: {stored} new responses for {accepted} accepted ({verdict}{''.join('; ' + p for p in problems)})")
    if accepted:
        server_cpu, database_cpu = cpu_spent(cpu_before, cpu_after, "w"), cpu_spent(cpu_before, cpu_after, "d")
        database_part = f", PostgreSQL {database_cpu / accepted * 1000:.2f} ms" if database_pid is not None else ""
        print(f"server CPU per accepted response: gunicorn workers {server_cpu / accepted * 1000:.2f} ms"
              f"{database_part} ({server_cpu:.1f} s and {database_cpu:.1f} s over the run; the CPU of the "
              f"{in_flight} in flight at the end is in these sums)")
    if not consistent or failures:
        sys.exit(f"logs kept in {folder}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    main()
