"""Benchmark: cold start of `govcx serve` and the first request of a fresh worker on each main page (issue 11).

1. From starting `govcx serve` to the sign-in page answered (target under 5 s).
2. For each main page: gunicorn adds a worker (TTIN) and retires the oldest (TTOU), exactly as when a worker is
   replaced in production; the page's first request, signed in, is then the new worker's first request
   (target under 1.5 s). The new worker is forked from the arbiter, which loaded the app and every view before
   forking, and, before any fork after the first ones, the engines and the sentiment model; the rest of its
   warm-up (DuckDB, the chart converter) runs in a background thread as it starts (govcx/warmup.py).

Needs a database with the demo data (GOVCX_DEMO=1 govcx demo --no-serve); any size will do for timing starts:
    GOVCX_DEMO=1 GOVCX_VAR_DIR=var uv run python benchmarks/bench_cold_start.py
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET = "targets: serve start to first page under 5 s; a fresh worker's first request on any page under 1.5 s"


def workers_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found |= {int(child) for child in (task / "children").read_text().split()}
        except OSError:
            continue
    return found


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process and its workers so far: the figure a loaded machine does not inflate."""
    total = 0.0
    for each in {pid} | workers_of(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def replace_worker(arbiter: int, timeout: float = 120) -> None:
    """One fresh worker instead of the current one, by gunicorn's own signals."""
    old = workers_of(arbiter)
    os.kill(arbiter, signal.SIGTTIN)
    deadline = time.monotonic() + timeout
    while not workers_of(arbiter) - old:
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not add a worker")
        time.sleep(0.02)
    os.kill(arbiter, signal.SIGTTOU)
    while workers_of(arbiter) & old:
        if time.monotonic() > deadline:
            raise SystemExit("gunicorn did not retire the old worker")
        time.sleep(0.02)


def main() -> None:
    import bench_pages

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=8769)
    parser.add_argument("--settle", type=float, default=0.0,
                        help="seconds to wait after a worker starts before its first request (default: none)")
    args = parser.parse_args()
    bench_pages.setup_django()
    pages, cookie = bench_pages.main_pages(), bench_pages.session_cookie()
    folder = Path(tempfile.mkdtemp(prefix="govcx-bench-cold-"))
    base = f"http://127.0.0.1:{args.port}"
    started = time.perf_counter()
    server = bench_pages.start_server(args.port, ["--workers", "1", "--threads", "4"], folder / "server.log")
    try:
        bench_pages.wait_until_up(base, server)
        first_page = time.perf_counter() - started
        print(f"serve start -> first page (sign-in) answered: {first_page:.2f} s "
              f"({cpu_seconds(server.pid):.2f} s CPU in the server so far; load average {os.getloadavg()[0]:.1f})")
        status, _seconds = bench_pages.get(base, pages["home"], cookie)
        print(f"serve start -> first signed-in page (home, which needs no engine) answered: "
              f"{time.perf_counter() - started:.2f} s" + ("" if status == 200 else f"  (answered {status})"))
        print(f"{'page':22s} {'fresh worker, first request s':>30s}  path")
        worst = 0.0
        for name, path in pages.items():
            replace_worker(server.pid)
            time.sleep(args.settle)
            status, seconds = bench_pages.get(base, path, cookie)
            worst = max(worst, seconds)
            print(f"{name:22s} {seconds:30.2f}  {path}" + ("" if status == 200 else f"  (answered {status})"))
        print(f"slowest first request of a fresh worker: {worst:.2f} s")
        print(TARGET)
    finally:
        bench_pages.stop_server(server)
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent / "src"))
    sys.path.insert(0, str(HERE))
    main()
