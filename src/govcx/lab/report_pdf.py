"""The study report as PDF: the same body as the report page (`lab/_report_body.html`), printed by WeasyPrint
through `reports.pdf` (which refuses every resource but govcx's own static files)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from govcx.reports.pdf import html_to_pdf

#: Only /static/ URLs are fetched while printing; the host is a placeholder that never resolves.
DEFAULT_BASE_URL = "http://govcx.invalid/"


def render_study_pdf(context: dict[str, Any], *, base_url: str = DEFAULT_BASE_URL) -> bytes:
    """PDF of a study report from `selectors.study_report_context(study, user)` (page and PDF never disagree)."""
    html = render_to_string("lab/study_report_print.html", {**context, "printing": True})
    return html_to_pdf(html, base_url=base_url)
