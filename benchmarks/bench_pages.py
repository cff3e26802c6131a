"""Benchmark: the main pages under 20 concurrent signed-in clients, with the full demo data (issue 11, issue 12).

Serves the database in GOVCX_DATABASE_URL (the issue's figure is on PostgreSQL; load it first with
`GOVCX_DEMO=1 govcx demo --no-serve`) with `govcx serve` (gunicorn, no whole-page caching anywhere), signs in as the
demo administrator, waits until the workers have finished warming their engines, and runs wrk against each page
in turn: 20 connections, --warm-seconds not counted (every worker thread's first request of the page), then
--seconds measured. Prints requests/s, p50/p95/p99 per page, the CPU per request of the gunicorn workers and of
PostgreSQL's backends (from /proc), and the target (p95 under 300 ms; the quarterly report, the assessment and
filtered comments under 1 s warm). A page that answers anything but 200 fails the run. The server runs with
`govcx serve`'s defaults unless --workers, --threads or --keepalive say otherwise.

    GOVCX_DEMO=1 GOVCX_DATABASE_URL=postgres://postgres@127.0.0.1:54332/govcx \\
        uv run python benchmarks/bench_pages.py [--clients 20] [--seconds 10] [--workers N] [--threads N]
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = "target: p95 under 300 ms per page at 20 signed-in clients; report, assessment, comments under 1 s warm"

WRK_SCRIPT = """
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"duration_us":%d,"non2xx":%d,"socket_errors":%d,"p50":%.3f,"p95":%.3f,"p99":%.3f}\\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
"""


def setup_django() -> None:
    os.environ.setdefault("GOVCX_SECRET_KEY", secrets.token_urlsafe(48))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()


def main_pages() -> dict[str, str]:
    """The pages the issue names, on the first object of each kind in the demo data (name -> path)."""
    from django.urls import reverse

    from govcx.audit.models import AuditRun
    from govcx.lab.models import Study
    from govcx.registry.models import Service
    from govcx.standards.models import Assessment

    pages = {"home": reverse("home"), "registry": reverse("registry:service_list")}
    assessment = Assessment.objects.order_by("pk").first()
    if assessment is not None:
        pages["assessment"] = reverse("standards:assessment_detail", args=[assessment.pk])
    study = Study.objects.order_by("pk").first()
    if study is not None:
        pages["lab study"] = reverse("lab:study_detail", args=[study.pk])
    run = AuditRun.objects.order_by("-pk").first()
    if run is not None:
        pages["audit run"] = reverse("audit:run_detail", args=[run.pk])
    pages["dashboard"] = reverse("feedback:dashboard")
    pages["complaints"] = reverse("complaints:list")
    service = Service.objects.filter(surveys__isnull=False).order_by("pk").first()
    if service is not None:
        pages["quarterly report"] = reverse("feedback:service_report", args=[service.pk])
    pages["comments (filtered)"] = reverse("feedback:comments") + "?sentiment=negative"
    return pages


def session_cookie() -> str:
    """A signed-in session of the demo administrator (or any administrator), as a Cookie header."""
    from django.conf import settings
    from django.test import Client

    from govcx.accounts.models import User

    user = User.objects.filter(role="admin", is_active=True).order_by("-is_demo", "pk").first()
    if user is None:
        raise SystemExit("no administrator in this database: load the demo data first (govcx demo --no-serve)")
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def start_server(port: int, options: list[str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "govcx.cli", "serve", "--bind", f"127.0.0.1:{port}", *options, "--no-access-log"],
        env={**os.environ}, stdout=subprocess.PIPE, stderr=open(log, "w"), text=True,
    )


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def get(base: str, path: str, cookie: str, timeout: float = 120) -> tuple[int, float]:
    """Status and seconds of one GET."""
    request = urllib.request.Request(base + path, headers={"Cookie": cookie})
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.perf_counter() - started


def wait_until_up(base: str, server: subprocess.Popen, deadline_seconds: float = 180) -> float:
    """Seconds until the sign-in page answers 200."""
    started = time.perf_counter()
    while True:
        try:
            status, _ = get(base, "/login/", "", timeout=60)
            if status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        if server.poll() is not None or time.perf_counter() - started > deadline_seconds:
            raise SystemExit("the server did not come up")
        time.sleep(0.05)


def run_wrk(base: str, path: str, cookie: str, clients: int, seconds: int, folder: Path) -> dict:
    script = folder / "pages.lua"
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "30s", "-H", f"Cookie: {cookie}",
               "-s", str(script), base + path]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 90)
    line = next((ln for ln in finished.stdout.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk did not report:\n{finished.stdout[-2000:]}\n{finished.stderr[-2000:]}")
    return json.loads(line.removeprefix("WRKJSON "))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--warm-seconds", type=int, default=3)
    parser.add_argument("--workers", type=int, help="default: govcx serve's")
    parser.add_argument("--threads", type=int, help="default: govcx serve's")
    parser.add_argument("--keepalive", type=int, help="default: govcx serve's")
    parser.add_argument("--port", type=int, default=8768)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    setup_django()
    from bench_feedback_ingest import cpu_snapshot, cpu_spent, database_server_pid, wait_for_idle_workers
    from django.db import connection

    pages, cookie = main_pages(), session_cookie()
    folder = Path(tempfile.mkdtemp(prefix="govcx-bench-pages-"))
    base = f"http://127.0.0.1:{args.port}"
    options = [f"--{name}={value}" for name, value in
               (("workers", args.workers), ("threads", args.threads), ("keepalive", args.keepalive))
               if value is not None]
    server = start_server(args.port, options, folder / "server.log")
    failed = False
    try:
        wait_until_up(base, server)
        wait_for_idle_workers(server.pid)
        database_pid = database_server_pid()
        serving = server.stdout.readline().strip() if server.stdout else ""
        print(f"database: {connection.vendor}; {serving}; keep-alive: "
              f"{args.keepalive if args.keepalive is not None else 'serve default'}; {args.clients} signed-in "
              f"clients, {args.warm_seconds} s warm + {args.seconds} s measured a page, on the same "
              f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        print(f"{'page':22s} {'first s':>8s} {'warm s':>7s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} "
              f"{'p99 ms':>7s} {'CPU ms':>7s} {'DB ms':>6s}  path")
        for name, path in pages.items():
            status, first = get(base, path, cookie)
            warm_status, warm = get(base, path, cookie)
            if (status, warm_status) != (200, 200):
                print(f"{name:22s} answered {status}/{warm_status}: {path}")
                failed = True
                continue
            if args.warm_seconds:
                run_wrk(base, path, cookie, args.clients, args.warm_seconds, folder)
            before = cpu_snapshot(server.pid, database_pid)
            figures = run_wrk(base, path, cookie, args.clients, args.seconds, folder)
            after = cpu_snapshot(server.pid, database_pid)
            rate = figures["requests"] / (figures["duration_us"] / 1e6)
            errors = figures["non2xx"] + figures["socket_errors"]
            failed |= errors > 0
            each = 1000 / max(figures["requests"], 1)
            print(f"{name:22s} {first:8.2f} {warm:7.2f} {rate:7.1f} {figures['p50']:7.0f} {figures['p95']:7.0f} "
                  f"{figures['p99']:7.0f} {cpu_spent(before, after, 'w') * each:7.1f} "
                  f"{cpu_spent(before, after, 'd') * each:6.1f}  {path}" + (f"  ({errors} errors)" if errors else ""))
        print(f"load average at the end: {os.getloadavg()[0]:.1f}")
        print(TARGET)
    finally:
        stop_server(server)
    if failed:
        sys.exit(f"failures; server log in {folder}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    main()
