"""Demo audit runs: every demo service with pages gets two finished audits (a month ago and last week), from
results recorded by govcx's own audit engine on three local pages of the demo (``audit_pages/``: a good, a
partial and a poor service page). Recorded, not run at demo start: no browser and no network, so the demo
starts as fast as before; ``uv run python -m govcx.demo.audits`` records the results again after the pages or
the engine change (it audits the pages from a local server and rewrites ``audit_recorded.json``).
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

PAGES = Path(__file__).with_name("audit_pages")
RECORDED = Path(__file__).with_name("audit_recorded.json")
QUALITIES = ("good", "partial", "poor")

Progress = Callable[[str, int, int], None]


def record() -> dict[str, Any]:
    """Audit the demo's local pages with the engine and write :data:`RECORDED` (screenshots are left out)."""
    import functools
    import http.server
    import threading

    from govcx.audit.engine import AuditOptions, Target, audit
    from govcx.audit.summary import page_dict

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(PAGES)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        results = audit([Target(f"{base}/{quality}.html") for quality in QUALITIES],
                        AuditOptions(allowed_hosts=(base.removeprefix("http://"),), screenshots=False))
    finally:
        server.shutdown()
    recorded = {}
    for quality, result in zip(QUALITIES, results, strict=True):
        page = page_dict(result)
        page.pop("timings", None)
        for key in ("url", "final_url"):
            page[key] = page[key].removeprefix(base)
        recorded[quality] = page
    RECORDED.write_text(json.dumps(recorded, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return recorded


def _results(pages: list[tuple[str, dict[str, Any]]]) -> list[Any]:
    from govcx.audit.engine import Issue, PageResult

    results = []
    for url, page in pages:
        values = {**page, "url": url, "final_url": url}
        values["issues"] = tuple(Issue(**{**issue, "wcag": tuple(issue["wcag"]), "targets": tuple(issue["targets"]),
                                          "html": tuple(issue["html"]), "tags": tuple(issue.get("tags", ()))})
                                 for issue in page["issues"])
        values["blocked_requests"] = tuple(page.get("blocked_requests", ()))
        results.append(PageResult(**values))
    return results


def build_audit_demo(*, services: dict[str, Any], actor: Any, rng: random.Random, today: dt.date,
                     report: Progress) -> int:
    """Two recorded audit runs per service with pages; a service's pages improve or stay between the two.
    Returns the number of runs."""
    from govcx.audit.services import audit_run_record

    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    with_pages = [service for service in services.values() if service.page_urls]
    runs = 0
    for number, service in enumerate(with_pages, start=1):
        latest = rng.choice(QUALITIES)
        earlier = QUALITIES[min(QUALITIES.index(latest) + rng.choice((0, 1)), len(QUALITIES) - 1)]
        for quality, days_ago in ((earlier, 30), (latest, 7)):
            finished = dt.datetime.combine(today - dt.timedelta(days=days_ago), dt.time(3, 0), tzinfo=dt.UTC)
            pages = [(url, recorded[quality]) for url in service.page_urls]
            audit_run_record(actor=actor, service=service, results=_results(pages), finished_at=finished)
            runs += 1
        report("audits", number, len(with_pages))
    return runs


if __name__ == "__main__":
    for quality, page in record().items():
        violations = sum(1 for issue in page["issues"] if issue["kind"] == "violation")
        print(f"{quality}: ok={page['ok']} violations={violations}")
