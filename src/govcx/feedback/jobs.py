"""The feedback app's background work: the analytics-store sync and the new comments' vectors (every few minutes),
the nightly compaction of the store and of the comments' vectors, and large survey-history imports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from govcx.analytics import store
from govcx.errors import DomainError
from govcx.feedback.analytics_sync import analytics_sync, answers_store_path
from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext


@job_handler("feedback.sync")
def sync_answers(context: JobContext) -> dict[str, Any]:
    context.progress(0, 1, "copying new answers to the analytics store")
    copied = analytics_sync()
    context.progress(1, 1, "")
    return {"copied": copied}


@job_handler("feedback.embed")
def embed_comments(context: JobContext) -> dict[str, Any]:
    from govcx.feedback.text.analysis import embed_new_comments

    context.progress(0, 1, "embedding new comments")
    return {"embedded": embed_new_comments(lambda done, of: context.progress(done, of, "embedding new comments"))}


@job_handler("feedback.compact")
def compact_answers(context: JobContext) -> dict[str, Any]:
    path = answers_store_path()
    before = len(store.live_parts(path))
    merged = store.compact(path)
    from govcx.feedback.text.analysis import prune_comment_vectors

    return {"parts_before": before, "parts_after": len(store.live_parts(path)), "merged": len(merged),
            "vectors_forgotten": prune_comment_vectors()}


@job_handler("feedback.history_import")
def import_history(context: JobContext) -> dict[str, Any]:
    """All or nothing and idempotent (see `responses_import`): a retry after a worker died re-reads the kept
    file. The file is removed once the import succeeded or was refused."""
    from govcx.feedback.exports import responses_import
    from govcx.feedback.models import Survey

    payload = context.payload
    path = Path(payload["path"])
    survey = Survey.objects.get(pk=payload["survey_id"])
    try:
        result = responses_import(survey=survey, data=path.read_bytes(), file_name=payload["file_name"],
                                  actor=context.actor, progress=context.progress)
    except DomainError:
        path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    return {"created": result.created, "duplicates": result.duplicates}
