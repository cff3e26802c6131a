"""Benchmark: the feedback widget's size and its time to interactive in Chromium.

A plain page on another local origin, with a strict Content-Security-Policy, embeds the widget from `govcx serve`
(gunicorn) on loopback. Each run opens the page in a fresh browser context (nothing cached) and measures, from
navigation start, when the form is rendered and its first control takes the focus; plus the duration of the
widget's one API request (the survey's questions), as the Resource Timing API reports it.

Run:  uv run python benchmarks/bench_widget.py [--runs 20] [--workers 2]
"""

from __future__ import annotations

import argparse
import gzip
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
STATIC = SRC / "govcx" / "static" / "govcx"
PEER = "Touchpoints (GSA), after its Rust rewrite: 58 ms average widget request (published figure)"


def print_sizes() -> None:
    total_raw = total_gz = 0
    for name in ("feedback-widget.js", "feedback-widget.css"):
        raw = (STATIC / name).read_bytes()
        packed = len(gzip.compress(raw, compresslevel=9))
        total_raw, total_gz = total_raw + len(raw), total_gz + packed
        print(f"{name:22s} {len(raw) / 1024:6.1f} KB raw, {packed / 1024:5.1f} KB gzipped")
    print(f"{'widget total':22s} {total_raw / 1024:6.1f} KB raw, {total_gz / 1024:5.1f} KB gzipped (budget 15 KB)")


def prepare_database(var_dir: str) -> str:
    """A fresh SQLite database with one service and one live CSAT survey; returns the survey's public key."""
    os.environ["GOVCX_VAR_DIR"] = var_dir
    os.environ["GOVCX_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govcx.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from govcx.accounts.models import User
    from govcx.accounts.roles import Role
    from govcx.feedback.services import survey_create, survey_update
    from govcx.registry.models import ClientCategory, Organisation
    from govcx.registry.schemas import ServiceIn
    from govcx.registry.services import service_create

    call_command("migrate", interactive=False, verbosity=0)
    ministry = Organisation.objects.create(code="min-bench", name_en="Ministry", level="federal")
    ClientCategory.objects.create(code="citizens", name_en="Citizens", name_ru="Граждане")
    admin = User.objects.create_user(username="bench-admin", password="bench-password-not-used",
                                     role=Role.ADMIN, organisation=ministry)
    service = service_create(actor=admin, passport=ServiceIn.model_validate({
        "code": "bench-service", "name_en": "Benchmark service", "owner": "min-bench",
        "client_categories": ["citizens"], "channels": ["portal"],
    }))
    survey = survey_create(service=service, title="CSAT", template="csat", actor=admin)
    survey_update(survey=survey, expected_version=survey.version, actor=admin, status="live",
                  rate_limit_per_minute=100_000)
    return survey.public_key


def host_page_server(govcx: str, public_key: str) -> ThreadingHTTPServer:
    policy = (f"default-src 'none'; script-src {govcx}; style-src {govcx}; connect-src {govcx}; "
              f"img-src {govcx}")
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host page</title></head><body><main>'
        f'<h1>A ministry page</h1><script src="{govcx}/static/govcx/feedback-widget.js" data-survey="{public_key}" '
        'async></script></main></body></html>'
    ).encode()

    class HostPage(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), HostPage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def warm_up(url: str, workers: int) -> None:
    """Wait for the server, then let every worker load the URL map (seconds each) before anything is timed."""
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(url, timeout=60).read()
            break
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)
    with ThreadPoolExecutor(max_workers=4 * workers) as pool:
        list(pool.map(lambda _: urllib.request.urlopen(url, timeout=120).read(), range(8 * workers)))


# Runs before the page's own scripts; the widget announces itself with this event once its form is in the page.
READY_PROBE = """
document.addEventListener("govcx-feedback-ready", () => {
  const first = document.querySelector(".gcxw input, .gcxw textarea");
  first.focus();
  window.__widgetInteractive = document.activeElement === first ? performance.now() : -1;
});
"""

MEASURE = """
() => {
  const api = performance.getEntriesByType("resource").find(e => e.name.includes("/api/feedback/public/surveys/"));
  return {interactive: window.__widgetInteractive, api: api ? api.duration : null};
}
"""


def measure(page_url: str, runs: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    from govcx.audit.engine.launcher import launch_options

    interactive: list[float] = []
    api: list[float] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(**launch_options())
        try:
            for run in range(runs + 1):  # the first run warms the server's caches and is not counted
                context = browser.new_context()
                page = context.new_page()
                page.add_init_script(READY_PROBE)
                page.goto(page_url)
                page.wait_for_selector(".gcxw[data-state=ready]", timeout=15000)
                result = page.evaluate(MEASURE)
                context.close()
                if result["interactive"] < 0:
                    raise SystemExit("the widget rendered but its first control did not take the focus")
                if run:
                    interactive.append(result["interactive"])
                    if result["api"] is not None:
                        api.append(result["api"])
        finally:
            browser.close()
    return interactive, api


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8766)
    args = parser.parse_args()

    print_sizes()
    public_key = prepare_database(tempfile.mkdtemp(prefix="govcx-bench-widget-"))
    govcx = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "govcx.cli", "serve", "--bind", f"127.0.0.1:{args.port}",
         "--workers", str(args.workers), "--no-access-log"],
        env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    host = None
    try:
        warm_up(f"{govcx}/api/feedback/public/surveys/{public_key}", args.workers)
        host = host_page_server(govcx, public_key)
        page_url = f"http://localhost:{host.server_address[1]}/"  # another origin than the govcx server
        interactive, api = measure(page_url, args.runs)
        print(f"server: gunicorn, {args.workers} workers, SQLite; host page on another origin under a strict CSP")
        print(f"time to interactive (navigation start → form rendered and focusable), {len(interactive)} cold runs: "
              f"median {statistics.median(interactive):.0f} ms, min {min(interactive):.0f} ms, "
              f"max {max(interactive):.0f} ms")
        if api:
            print(f"widget API request (GET the survey's questions): median {statistics.median(api):.1f} ms, "
                  f"mean {statistics.mean(api):.1f} ms")
        print(f"peer: {PEER}")
    finally:
        if host:
            host.shutdown()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    sys.path.insert(0, str(SRC))
    main()
