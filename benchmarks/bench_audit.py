"""Benchmark: pages audited per minute by govcx (all its checks) against a plain Playwright + axe loop (the peer,
``audit_peer_plain.py``), in one run, over the frozen corpus of ``audit_corpus/generate.py`` (120 local pages:
light, heavy, forms, iframes, long text, tables, redirects, failing pages) served on 127.0.0.1.

govcx does more per page than the peer: WCAG rules plus the best-practice and experimental rules that map to a
criterion, "needs review" results, same-origin iframes, screenshots of violations, language, forms, weight,
the phone-width figures and the network guard on every request. The peer runs axe's default rules only.

Printed: pages/min for govcx with 1 and 2 pages in parallel and for the peer, where govcx's time goes (median
milliseconds per step, from ``PageResult.timings``), the CPU seconds each run took per page (this process, the
Playwright driver and every Chromium process; the corpus is served by a separate process that is not counted),
the load average before and after, and the issue's two targets with whether this run met them: govcx with 2 in
parallel faster than the peer, and at least 150 pages/min. On a busy machine the wall-clock figures shrink with
the load; the CPU seconds per page change less.

Run:  uv run python benchmarks/bench_audit.py [--pages 120] [--skip-peer]
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from audit_corpus import generate  # noqa: E402
from audit_peer_plain import plain_loop  # noqa: E402

TARGET_PAGES_PER_MINUTE = 150


def serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    """The corpus on 127.0.0.1 from ``python -m http.server`` in its own process, so that serving the pages is
    not counted in the CPU time of the runs."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as client:
            if client.connect_ex(("127.0.0.1", port)) == 0:
                return server, f"http://127.0.0.1:{port}"
        time.sleep(0.05)
    server.kill()
    raise RuntimeError("the corpus server did not start")


class CpuMeter:
    """CPU seconds of this process and of its descendants (the Playwright driver, Chromium and its helpers)
    while a run works, the corpus server aside. Chromium's processes are not all reaped by their parents, so
    ``RUSAGE_CHILDREN`` misses part of them; each descendant's own user + system time is read from /proc every
    0.1 s instead (a process that ends loses at most its last 0.1 s)."""

    TICK = os.sysconf("SC_CLK_TCK")

    def __init__(self, exclude: int) -> None:
        self.exclude = exclude
        self.seen: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _descendants(self) -> dict[int, float]:
        children: dict[int, list[tuple[int, float]]] = defaultdict(list)
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children[int(fields[1])].append((int(entry), (int(fields[11]) + int(fields[12])) / self.TICK))
        found: dict[int, float] = {}
        stack = [os.getpid()]
        while stack:
            for pid, cpu in children.get(stack.pop(), []):
                if pid != self.exclude:
                    found[pid] = cpu
                    stack.append(pid)
        return found

    def _sample(self) -> None:
        while not self._stop.is_set():
            for pid, cpu in self._descendants().items():
                self.seen[pid] = max(self.seen.get(pid, 0.0), cpu)
            self._stop.wait(0.1)

    def measure(self, work: Callable[[], Any]) -> tuple[Any, float]:
        """``work()`` and the CPU seconds spent while it ran (processes alive before it count from then on)."""
        before = {pid: cpu for pid, cpu in self._descendants().items()}
        usage = resource.getrusage(resource.RUSAGE_SELF)
        own = usage.ru_utime + usage.ru_stime
        self.seen = dict(before)
        self._stop.clear()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        try:
            result = work()
        finally:
            self._stop.set()
            self._thread.join()
        for pid, cpu in self._descendants().items():
            self.seen[pid] = max(self.seen.get(pid, 0.0), cpu)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        spent = usage.ru_utime + usage.ru_stime - own
        spent += sum(cpu - before.get(pid, 0.0) for pid, cpu in self.seen.items())
        return result, spent


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def govcx_run(urls: list[str], base: str, parallel: int) -> tuple[float, list]:
    from govcx.audit.engine import AuditOptions, Target, audit

    options = AuditOptions(parallel=parallel, allowed_hosts=(base.removeprefix("http://"),))
    started = time.perf_counter()

    def progress(done: int, total: int, url: str) -> None:
        print(f"  {done}/{total} {time.perf_counter() - started:.1f} s {url.removeprefix(base)}", file=sys.stderr)

    results = audit([Target(u) for u in urls], options, progress=progress)
    return time.perf_counter() - started, results


def step_report(results: list) -> str:
    steps: dict[str, list[float]] = defaultdict(list)
    for result in results:
        for step, ms in result.timings.items():
            steps[step].append(ms)
    return ", ".join(f"{step} {statistics.median(values):.0f}" for step, values in steps.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=generate.PAGES)
    parser.add_argument("--skip-peer", action="store_true")
    parser.add_argument("--parallel", type=int, nargs="*", default=[1, 2])
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="govcx-audit-corpus-"))
    names = generate.write(folder)[: args.pages]
    server, base = serve(folder)
    meter = CpuMeter(exclude=server.pid)
    urls = [f"{base}/{name}" for name in names]
    print(f"{len(urls)} pages of the frozen corpus (sha256 {generate.SHA256[:12]}); {os.cpu_count()} cores; "
          f"load average {load_average()}")
    speed: dict[str, float] = {}
    try:
        for parallel in args.parallel:
            (elapsed, results), cpu = meter.measure(functools.partial(govcx_run, urls, base, parallel))
            ok = sum(r.ok for r in results)
            speed[f"govcx {parallel}"] = len(urls) / elapsed * 60
            print(f"govcx, all checks, {parallel} in parallel: {ok}/{len(urls)} audited in {elapsed:.1f} s = "
                  f"{len(urls) / elapsed * 60:.0f} pages/min; CPU {cpu / len(urls) * 1000:.0f} ms a page")
            print(f"  median ms per step: {step_report(results)}")
            print(f"  at this CPU cost the {os.cpu_count()} cores allow at most "
                  f"{(os.cpu_count() or 1) * 60 / (cpu / len(urls)):.0f} pages/min (an upper bound, not a measurement)")
            for result in results:
                if not result.ok:
                    print(f"  not audited: {result.url.removeprefix(base)}: {result.error}")
        if not args.skip_peer:
            peer, cpu = meter.measure(functools.partial(plain_loop, urls))
            speed["peer"] = peer.pages_per_minute
            print(f"peer, plain Playwright + axe loop (axe defaults only, one at a time): {peer.seconds:.1f} s = "
                  f"{peer.pages_per_minute:.0f} pages/min, {peer.errors} pages failed; "
                  f"CPU {cpu / len(urls) * 1000:.0f} ms a page")
    finally:
        server.terminate()
        server.wait()
    print(f"load average after: {load_average()}")
    best = max((value for key, value in speed.items() if key.startswith("govcx")), default=None)
    if "govcx 2" in speed:
        two = speed["govcx 2"]
        met = "met" if two >= TARGET_PAGES_PER_MINUTE else "NOT met"
        print(f"target, at least {TARGET_PAGES_PER_MINUTE} pages/min with 2 in parallel: {two:.0f} pages/min, {met}")
    if best is not None and "peer" in speed:
        met = "met" if best > speed["peer"] else "NOT met"
        print(f"target, more pages/min than the plain loop doing all checks: govcx {best:.0f} against "
              f"{speed['peer']:.0f} pages/min ({best / speed['peer']:.2f}x), {met}")


if __name__ == "__main__":
    main()
