"""The engine's blocking calls work where an event loop already runs (Playwright's sync API in the same
thread, a notebook, an async server)."""

from __future__ import annotations

import asyncio
import threading

from govcx.audit.engine.sync import run_sync


async def _where() -> str:
    await asyncio.sleep(0)
    return threading.current_thread().name


def test_without_a_running_loop_it_runs_here():
    assert run_sync(_where()) == threading.current_thread().name


def test_inside_a_running_loop_it_runs_in_a_fresh_thread():
    async def outer() -> str:
        return run_sync(_where())

    assert asyncio.run(outer()).startswith("govcx-audit")
