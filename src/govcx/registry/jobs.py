"""The registry app's background work: large register imports, with progress."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_noop

from govcx.errors import DomainError
from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext
from govcx.registry.services import services_import


@job_handler("registry.import")
def import_services(context: JobContext) -> dict[str, Any]:
    """All or nothing, and idempotent: a retry after a worker died re-reads the kept file, and rows already
    stored count as unchanged. The file is removed once the import succeeded or was refused."""
    payload = context.payload
    path = Path(payload["path"])
    if context.actor is None:  # the user was deleted since: nobody's rights to import under
        path.unlink(missing_ok=True)
        raise RuntimeError("the user who started this import no longer exists")
    step = gettext_noop("checking and storing the services")
    try:
        summary = services_import(actor=context.actor, data=path.read_bytes(), fmt=payload["fmt"],
                                  file_name=payload["file_name"],
                                  progress=lambda done, total: context.progress(done, total, step))
    except DomainError:
        path.unlink(missing_ok=True)
        raise
    path.unlink(missing_ok=True)
    return {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged}
