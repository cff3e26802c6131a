"""The engine's blocking calls work where an event loop already runs (Playwright's sync API in the same
thread, a notebook, an async server)."""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

from govcx.audit.engine.sync import run_sync


async def _where() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def _in_a_thread_without_a_loop(function):
    # The test session itself may hold a running loop (Playwright's sync API in the browser tests).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="plain") as pool:
        return pool.submit(function).result()


def test_without_a_running_loop_it_runs_here():
    assert _in_a_thread_without_a_loop(lambda: run_sync(_where())).startswith("plain")


def test_inside_a_running_loop_it_runs_in_a_fresh_thread():
    async def outer() -> str:
        return run_sync(_where())

    assert _in_a_thread_without_a_loop(lambda: asyncio.run(outer())).startswith("govcx-audit")
