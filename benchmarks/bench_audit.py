"""Benchmark: pages audited per minute by govcx (all its checks) against a plain Playwright + axe loop (the peer,
``audit_peer_plain.py``), in one run, over the frozen corpus of ``audit_corpus/generate.py`` (120 local pages:
light, heavy, forms, iframes, long text, tables, redirects, failing pages) served on 127.0.0.1.

govcx does more per page than the peer: WCAG rules plus the best-practice and experimental rules that map to a
criterion, "needs review" results, same-origin iframes, screenshots of violations, language, forms, weight,
the phone-width figures and the network guard on every request. The peer runs axe's default rules only.

Printed: pages/min for govcx with 1 and 2 pages in parallel and for the peer, and where govcx's time goes
(median milliseconds per step, from ``PageResult.timings``).

Run:  uv run python benchmarks/bench_audit.py [--pages 120] [--skip-peer]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from audit_corpus import generate  # noqa: E402
from audit_peer_plain import plain_loop  # noqa: E402


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


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
    urls = [f"{base}/{name}" for name in names]
    print(f"{len(urls)} pages of the frozen corpus (sha256 {generate.SHA256[:12]}); {os.cpu_count()} cores")
    for parallel in args.parallel:
        elapsed, results = govcx_run(urls, base, parallel)
        ok = sum(r.ok for r in results)
        print(f"govcx, all checks, {parallel} in parallel: {ok}/{len(urls)} audited in {elapsed:.1f} s = "
              f"{len(urls) / elapsed * 60:.0f} pages/min")
        print(f"  median ms per step: {step_report(results)}")
        for result in results:
            if not result.ok:
                print(f"  not audited: {result.url.removeprefix(base)}: {result.error}")
    if not args.skip_peer:
        peer = plain_loop(urls)
        print(f"peer, plain Playwright + axe loop (axe defaults only, one at a time): {peer.seconds:.1f} s = "
              f"{peer.pages_per_minute:.0f} pages/min, {peer.errors} pages failed")
    server.shutdown()


if __name__ == "__main__":
    main()
