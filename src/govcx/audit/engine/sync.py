"""Run the engine's coroutines from ordinary code, even where an event loop is already running."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    """`asyncio.run` in this thread, or in a fresh thread when this one already runs a loop (Playwright's sync
    API, a notebook, an async server), since a thread can run only one loop at a time."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="govcx-audit") as pool:
        return pool.submit(asyncio.run, coroutine).result()
