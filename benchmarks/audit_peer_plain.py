"""The peer of the audit benchmark: a plain Playwright + axe-core loop, as a team would write it in an afternoon.

One Chromium (started like govcx's, sandboxed), one page at a time: open a new page, ``goto`` until load, run
axe (its default rules) through axe-playwright-python, close the page. No screenshots, no phone pass, no
language, forms or weight figures, no network guard. A page whose navigation or axe run fails counts as an
error (the loop goes on).

Run alone:  uv run python benchmarks/audit_peer_plain.py URL...
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


@dataclass
class PeerRun:
    seconds: float
    pages: int
    errors: int
    violations: int  # rules violated, summed over pages

    @property
    def pages_per_minute(self) -> float:
        return self.pages / self.seconds * 60


def plain_loop(urls: list[str]) -> PeerRun:
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    from govcx.audit.engine.launcher import launch_options

    axe = Axe()
    errors = violations = 0
    started = time.perf_counter()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        for url in urls:
            page = browser.new_page()
            try:
                page.goto(url)
                violations += len(axe.run(page).response.get("violations", []))
            except Exception:  # noqa: BLE001 - the peer counts a failed page and goes on
                errors += 1
            finally:
                page.close()
        browser.close()
    return PeerRun(time.perf_counter() - started, len(urls), errors, violations)


if __name__ == "__main__":
    run = plain_loop(sys.argv[1:])
    print(f"{run.pages} pages in {run.seconds:.1f} s = {run.pages_per_minute:.0f} pages/min, {run.errors} errors")
