"""Which function runs each kind of job. Apps register theirs in their own `jobs.py` (found by the jobs app):

    @job_handler("audit.run")
    def run_audit(context) -> dict | None: ...

The handler gets a `JobContext` (payload, actor, `progress()`, `cancelled()`) and returns a small JSON summary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Handler = Callable[[Any], "dict[str, Any] | None"]

_HANDLERS: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        known = _HANDLERS.get(kind)
        if known is not None and (known.__module__, known.__qualname__) != (function.__module__, function.__qualname__):
            raise ValueError(f"two handlers for job kind {kind!r}")
        _HANDLERS[kind] = function
        return function

    return register


def handler_for(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def kinds() -> list[str]:
    return sorted(_HANDLERS)
