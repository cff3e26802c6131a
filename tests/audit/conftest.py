"""A local HTTP server for the audit engine's browser tests: serves tests/audit/fixtures/site/ on 127.0.0.1.

Besides the static files it has two hostile endpoints: ``/slow`` (answers after ``?s=`` seconds, default 10)
and ``/big.bin`` (3 MB of bytes with a Content-Length). Every request is logged as (Host header, path), so a
test can prove a page, or another origin, was never requested. No network beyond the loopback is used. The
audit engine refuses loopback addresses, so tests allow this server's port explicitly (``site.options()``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from govcx.audit.engine import AuditOptions

SITE = Path(__file__).parent / "fixtures" / "site"
BIG_BYTES = 3_000_000


@dataclass
class SiteServer:
    base: str
    port: int
    log: list[tuple[str, str]] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}/{path.lstrip('/')}"

    @property
    def allowed_hosts(self) -> tuple[str, ...]:
        """The test site under both its names, allowed as an administrator would allow an internal host
        (GOVCX_AUDIT_ALLOWED_HOSTS); every other loopback port stays refused by the network guard."""
        return (f"127.0.0.1:{self.port}", f"localhost:{self.port}")

    def options(self, **values: Any) -> AuditOptions:
        return AuditOptions(allowed_hosts=self.allowed_hosts, **values)

    def requested(self, fragment: str) -> list[tuple[str, str]]:
        return [(host, path) for host, path in list(self.log) if fragment in path]


class Handler(SimpleHTTPRequestHandler):
    log_entries: list[tuple[str, str]]

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's signature
        pass

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self.log_entries.append((self.headers.get("Host", ""), self.path))
        parts = urlsplit(self.path)
        if parts.path == "/slow":
            seconds = float(parse_qs(parts.query).get("s", ["10"])[0])
            time.sleep(min(seconds, 30))
            self._send(b"<!DOCTYPE html><html lang='en'><title>Slow</title><h1>Finally</h1></html>", "text/html")
            return
        if parts.path == "/big.bin":
            self._send(b"\0" * BIG_BYTES, "application/octet-stream")
            return
        super().do_GET()

    def _send(self, body: bytes, content_type: str) -> None:
        try:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser gave up first, which is the point of the hostile endpoints


@pytest.fixture(scope="session")
def site() -> Iterator[SiteServer]:
    log: list[tuple[str, str]] = []
    handler = type("LoggingHandler", (Handler,), {"log_entries": log})
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(handler, directory=str(SITE)))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="audit-site", daemon=True)
    thread.start()
    port = server.server_address[1]
    try:
        yield SiteServer(base=f"http://127.0.0.1:{port}", port=port, log=log)
    finally:
        server.shutdown()
        server.server_close()
