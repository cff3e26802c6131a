"""Which function runs each kind of job. Apps register theirs in their own `jobs.py` (found by the jobs app):

    @job_handler("audit.run")
    def run_audit(context) -> dict | None: ...

The handler gets a `JobContext` (payload, actor, `progress()`, `cancelled()`) and returns a small JSON summary.

The apps' `jobs.py` modules import their services (and through them Ibis, Altair, PyArrow), so they are found at
the first lookup (`discover_with`), not when Django starts: loading the URL map must not pay for them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], "dict[str, Any] | None"]

_HANDLERS: dict[str, Handler] = {}
_discover: Callable[[], None] | None = None
_discovering = threading.Lock()


def discover_with(discover: Callable[[], None]) -> None:
    """Run `discover` (which imports every app's `jobs.py`) once, before the first lookup of a handler."""
    global _discover
    _discover = discover


def _discovered() -> dict[str, Handler]:
    global _discover
    if _discover is not None:
        with _discovering:  # a second request thread waits until every handler is registered
            if _discover is not None:
                _discover()
                _discover = None
    return _HANDLERS


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        known = _HANDLERS.get(kind)
        if known is not None and (known.__module__, known.__qualname__) != (function.__module__, function.__qualname__):
            raise ValueError(f"two handlers for job kind {kind!r}")
        _HANDLERS[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler | None:
    return _discovered().get(kind)


def kinds() -> list[str]:
    return sorted(_discovered())
