"""Benchmark: assess every demo service against every pack; then the dashboard and an assessment page under
20 concurrent clients, served by the production server (gunicorn) on loopback.

Run:  uv run python benchmarks/bench_assessments.py [--clients 20] [--requests 400]
Prints services assessed per second and p50/p95 latency per page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path


def setup_django(var_dir: str) -> None:
    os.environ["GOVCX_VAR_DIR"] = var_dir
    os.environ["GOVCX_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()


def assess_all() -> tuple[int, float]:
    from django.core.management import call_command

    from govcx.accounts.models import User
    from govcx.demo import build_demo
    from govcx.registry.models import Service
    from govcx.standards.models import StandardPack
    from govcx.standards.services import assessment_create

    call_command("migrate", interactive=False, verbosity=0)
    started = time.perf_counter()
    build_demo(reset=True)
    print(f"demo data built in {time.perf_counter() - started:.1f} s")
    admin = User.objects.filter(role="admin").first()
    services = list(Service.objects.prefetch_related("client_categories", "steps", "documents"))
    packs = list(StandardPack.objects.all())
    started = time.perf_counter()
    for service in services:
        for pack in packs:
            assessment_create(actor=admin, service=service, pack=pack)
    elapsed = time.perf_counter() - started
    return len(services) * len(packs), elapsed


def login_opener(base: str, username: str, password: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    request = urllib.request.Request(f"{base}/login/", data=body.encode(), headers={"Referer": f"{base}/login/"})
    opener.open(request).read()
    return opener


def load(base: str, path: str, clients: int, requests: int, password: str) -> list[float]:
    openers = [login_opener(base, "admin", password) for _ in range(clients)]

    def one(i: int) -> float:
        started = time.perf_counter()
        with openers[i % clients].open(f"{base}{path}") as response:
            response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - started

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(one, range(clients)))  # warm-up, one per client
        return list(pool.map(one, range(requests)))


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    var_dir = tempfile.mkdtemp(prefix="govcx-bench-")
    setup_django(var_dir)
    count, elapsed = assess_all()
    print(f"assessments: {count} (services × packs) in {elapsed:.2f} s = {count / elapsed:.1f} assessments/s")

    from govcx.demo import DEMO_PASSWORD
    from govcx.standards.models import Assessment

    assessment_id = Assessment.objects.filter(pack__pack_id="govcx-model-standard").order_by("id").first().pk
    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "govcx.cli", "serve", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--no-access-log"],
        env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login/", timeout=1).read()
                break
            except OSError:
                time.sleep(0.2)
        print(f"server: gunicorn, {args.workers} workers × 4 threads, SQLite; {args.clients} concurrent clients")
        for name, path in (("dashboard", "/"), ("assessment page", f"/standards/assessments/{assessment_id}/")):
            started = time.perf_counter()
            latencies = load(base, path, args.clients, args.requests, DEMO_PASSWORD)
            wall = time.perf_counter() - started
            print(
                f"{name:16s} {len(latencies)} requests: p50 {percentile(latencies, 50) * 1000:.0f} ms, "
                f"p95 {percentile(latencies, 95) * 1000:.0f} ms, {len(latencies) / wall:.0f} req/s"
            )
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
