"""Benchmark: rate-limit checks per second of govcx.throttle (GCRA buckets in the operational database).

Runs on a fresh SQLite file (WAL, the embedded default's settings) unless GOVCX_DATABASE_URL names another
database; migrates only the throttle table. Measures one process checking as fast as it can (1,000 distinct
callers, a limit never reached, so every check is one UPDATE that commits) and then `--processes` processes at
once on the same file, as several gunicorn workers would. The target: ~1,000 single responses/s, one check each.

Run:  uv run python benchmarks/throttle_bench.py [--checks 20000] [--processes 2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKER = """
import sys, time
import django
django.setup()
from govcx import throttle
checks, offset = int(sys.argv[1]), int(sys.argv[2])
go = float(sys.argv[3])
while time.time() < go:
    time.sleep(0.001)
started = time.perf_counter()
for i in range(checks):
    throttle.consume("survey:1", f"10.0.{(offset + i) % 1000 // 250}.{(offset + i) % 250}", limit=1_000_000)
print(time.perf_counter() - started)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=20000, help="checks per process")
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    var_dir = tempfile.mkdtemp(prefix="govcx-throttle-bench-")
    env = {**os.environ, "GOVCX_VAR_DIR": var_dir, "DJANGO_SETTINGS_MODULE": "govcx.settings"}
    env.setdefault("GOVCX_DATABASE_URL", f"sqlite:///{Path(var_dir) / 'bench.sqlite3'}")
    engine = env["GOVCX_DATABASE_URL"].split(":", 1)[0]
    subprocess.run([sys.executable, "-m", "django", "migrate", "throttle", "-v", "0"], env=env, check=True)

    def run(processes: int) -> float:
        go = time.time() + 8  # every process has imported Django by then
        workers = [subprocess.Popen([sys.executable, "-c", WORKER, str(args.checks), str(n * 7919), str(go)],
                                    env=env, stdout=subprocess.PIPE, text=True) for n in range(processes)]
        seconds = [float(w.communicate()[0]) for w in workers]
        return processes * args.checks / max(seconds)

    single = run(1)
    print(f"database: {engine}")
    print(f"1 process : {single:,.0f} checks/s ({1e6 / single:.0f} µs per check)")
    shared = run(args.processes)
    print(f"{args.processes} processes: {shared:,.0f} checks/s together on one database file")
    print(f"target    : 1,000 checks/s (one per single response) -> {'met' if shared >= 1000 else 'NOT met'}")


if __name__ == "__main__":
    main()
