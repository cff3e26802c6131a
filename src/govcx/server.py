"""Gunicorn, embedded: the production WSGI server behind `govcx serve` and `govcx demo`."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gunicorn.app.base import BaseApplication


class GovcxServer(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings and value is not None:
                self.cfg.set(key, value)

    def load(self):
        from govcx.warmup import load_routes
        from govcx.wsgi import application

        load_routes()
        return application


def _post_fork(server: Any, worker: Any) -> None:
    from govcx.warmup import freeze_long_lived_objects, warm_in_background

    freeze_long_lived_objects()  # what the arbiter loaded, at once; the engines once the warm-up has them
    warm_in_background()


def one_queue(threads: int, keepalive: int) -> dict[str, Any]:
    """Without kept-alive connections (`keepalive` 0, the default) a worker takes a connection only when one of its
    threads is free, and a connection carries one request: the kernel hands each request to a worker that can start
    it at once, one queue for all workers, as behind a proxy that opens a connection per request. A kept-alive
    connection stays with the worker that first accepted it, however busy that worker is: at 20 signed-in clients on
    2 cores that nearly doubled the slowest pages' p95 (docs/architecture.md, "Serving"). With keep-alive (a public
    ingestion server without a proxy, where reconnecting per response costs a quarter of its throughput) a worker
    must go on accepting while its idle connections wait, so gunicorn's own limit stays."""
    return {"worker_connections": threads} if keepalive == 0 else {}


def serve(*, bind: str, workers: int, threads: int, keepalive: int = 0, timeout: int = 60,
          access_log: bool = True) -> None:
    from govcx.warmup import ReplacementImports

    GovcxServer(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "keepalive": keepalive,
            **one_queue(threads, keepalive),
            "timeout": timeout,
            "accesslog": "-" if access_log else None,
            "preload_app": True,
            "pre_fork": ReplacementImports(initial=workers),
            "post_fork": _post_fork,
        }
    ).run()


@contextmanager
def worker_beside(*, enabled: bool = True) -> Iterator[subprocess.Popen | None]:
    """`govcx worker` as a child process for as long as the server runs (`govcx demo`, `govcx serve
    --with-worker`); production runs `govcx worker` as a service of its own."""
    if not enabled:
        yield None
        return
    child = subprocess.Popen([sys.executable, "-m", "govcx.cli", "worker"])
    try:
        yield child
    finally:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
            try:
                child.wait(timeout=30)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
