"""A study's raw data: the pseudonymous export (ZIP of CSV or XLSX) and the import of attempts recorded
elsewhere."""

from __future__ import annotations

from typing import Literal

from django.http import HttpRequest
from ninja import File, Router
from ninja.files import UploadedFile

from govcx.accounts.roles import Action
from govcx.common.bounds import Id
from govcx.common.downloads import download
from govcx.common.tabular import BUNDLE_CONTENT_TYPES, BUNDLE_SUFFIXES, bundle
from govcx.lab import selectors
from govcx.lab.schemas import ImportOut
from govcx.lab.services.imports import attempts_import

router = Router(tags=["lab"])

_EXPORT_OPENAPI = {"responses": {200: {"description": "ZIP of CSV files, or an XLSX workbook", "content": {
    media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
    for media in BUNDLE_CONTENT_TYPES.values()}}}}


@router.get("/studies/{study_id}/export", response={200: None}, openapi_extra=_EXPORT_OPENAPI,
            operation_id="govcx_lab_api_study_export")
def study_export(request: HttpRequest, study_id: Id, fmt: Literal["csv", "xlsx"] = "csv"):
    """The study's raw data, pseudonymous (no personal field): a table per file (ZIP of CSV) or per sheet."""
    study = selectors.access_study(request.user, study_id)
    return download(bundle(fmt, selectors.study_export_tables(study)),
                    filename=f"study-{study.pk}.{BUNDLE_SUFFIXES[fmt]}", content_type=BUNDLE_CONTENT_TYPES[fmt])


@router.post("/studies/{study_id}/import", response=ImportOut, operation_id="govcx_lab_api_study_import")
def study_import(request: HttpRequest, study_id: Id, file: UploadedFile = File(...)):  # noqa: B008
    """Attempts recorded elsewhere (CSV or XLSX: participant_code, task_key, outcome, seconds, errors, assists,
    seq[, mode]), all or nothing; the problems name file:row:field. Importing the same file again is harmless."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return attempts_import(actor=request.user, study=study, data=file.read(), file_name=file.name or "")
