"""Gunicorn, embedded: the production WSGI server behind `govcx serve` and `govcx demo`."""

from __future__ import annotations

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
        from govcx.wsgi import application

        return application


def serve(*, bind: str, workers: int, threads: int, timeout: int = 60, access_log: bool = True) -> None:
    GovcxServer(
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "timeout": timeout,
            "accesslog": "-" if access_log else None,
            "preload_app": True,
        }
    ).run()
