"""The feedback app's background work: the analytics-store sync (every few minutes) and its nightly compaction."""

from __future__ import annotations

from typing import Any

from govcx.analytics import store
from govcx.feedback.analytics_sync import analytics_sync, answers_store_path
from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext


@job_handler("feedback.sync")
def sync_answers(context: JobContext) -> dict[str, Any]:
    context.progress(0, 1, "copying new answers to the analytics store")
    copied = analytics_sync()
    context.progress(1, 1, "")
    return {"copied": copied}


@job_handler("feedback.compact")
def compact_answers(context: JobContext) -> dict[str, Any]:
    path = answers_store_path()
    before = len(store.live_parts(path))
    merged = store.compact(path)
    return {"parts_before": before, "parts_after": len(store.live_parts(path)), "merged": len(merged)}
