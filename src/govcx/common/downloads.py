"""A file the browser saves: one way for every export and PDF (FileResponse writes Content-Disposition)."""

from __future__ import annotations

import io

from django.http import FileResponse


def download(content: bytes, *, filename: str, content_type: str) -> FileResponse:
    """`content` as an attachment named `filename` (quoted and, for non-ASCII names, encoded by Django)."""
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)
