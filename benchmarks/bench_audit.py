"""Benchmark: pages audited per minute on this machine with 1, 2 and 4 pages in parallel, and, in the same
run, a plain Playwright + axe loop over the same pages (the peer: one page at a time, axe only).

govcx's audit does more per page than the peer (axe with "needs review" results and same-origin iframes,
screenshots of violations, language, forms, weight, and a second visit at a phone viewport), so the
comparison shows the price of that work as well as the effect of parallel pages.

Run:  uv run python benchmarks/bench_audit.py [--pages 24]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

FIXTURES = ROOT / "tests" / "audit" / "fixtures" / "site"


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def pages_for(base: str, folder: Path, count: int) -> list[str]:
    hostile = ("many-images", "big", "slow")  # fixtures that test the limits, not typical pages
    html = sorted(p.name for p in folder.glob("*.html") if not p.name.startswith(hostile))
    return [f"{base}/{html[i % len(html)]}?copy={i}" for i in range(count)]


def plain_playwright_axe(urls: list[str]) -> float:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from govcx.audit.engine.launcher import launch_options

    axe = Axe()
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        for url in urls:
            page = browser.new_page()
            page.goto(url)
            axe.run(page)
            page.close()
        browser.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=24)
    args = parser.parse_args()
    from govcx.audit.engine import AuditOptions, Target, audit

    folder = Path(tempfile.mkdtemp(prefix="govcx-bench-audit-"))
    shutil.copytree(FIXTURES, folder, dirs_exist_ok=True)
    server, base = serve(folder)
    urls = pages_for(base, folder, args.pages)
    print(f"{len(urls)} pages from {len(set(u.split('?')[0] for u in urls))} local fixture pages; 2-core machine")
    for parallel in (1, 2, 4):
        started = time.perf_counter()
        results = audit([Target(u) for u in urls], AuditOptions(parallel=parallel, allowed_hosts=(base.removeprefix("http://"),)))
        elapsed = time.perf_counter() - started
        ok = sum(r.ok for r in results)
        print(f"govcx audit, {parallel} in parallel: {ok}/{len(urls)} pages in {elapsed:.1f} s = "
              f"{len(urls) / elapsed * 60:.0f} pages/min")
    elapsed = plain_playwright_axe(urls)
    print(f"peer: plain Playwright + axe loop (axe only, one at a time): {len(urls) / elapsed * 60:.0f} pages/min")
    server.shutdown()


if __name__ == "__main__":
    main()
