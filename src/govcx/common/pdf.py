"""HTML to PDF with WeasyPrint, and the PDF twin of a report page.

A report's page and its PDF are rendered from the same context (page: its template; PDF: the print template,
with `printing` set so links and video clips are left out), so the two never disagree. Only govcx's own static
files may be fetched while rendering.
"""

from __future__ import annotations

import functools
import mimetypes
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.http import FileResponse, HttpRequest
from django.template.loader import render_to_string

from govcx.common.downloads import download

#: Only /static/ URLs are fetched while printing; without a request the host is a placeholder that never resolves.
DEFAULT_BASE_URL = "http://govcx.invalid/"


@functools.cache
def local_static_fetcher() -> type:
    """WeasyPrint takes about a second to import: only a process that prints pays for it (`govcx serve` warms
    it in its workers after they start serving)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class LocalStaticFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no types
        """Resolve /static/ URLs from disk and refuse anything else, so a report never touches the network."""

        def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
            marker = "/static/"
            if marker in url and not url.startswith("data:"):
                path = finders.find(url.split(marker, 1)[1].split("?")[0])
                if path:
                    # WeasyPrint uses a stylesheet only when served as text/css (without a type it ignores print.css)
                    kind = mimetypes.guess_type(path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, Path(path).read_bytes(), {"Content-Type": kind}, 200)
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise ValueError(f"external resource refused in PDF rendering: {url}")

    return LocalStaticFetcher


def html_to_pdf(html: str, *, base_url: str = DEFAULT_BASE_URL) -> bytes:
    from weasyprint import HTML

    pdf: bytes = HTML(string=html, base_url=base_url, url_fetcher=local_static_fetcher()()).write_pdf()
    return pdf


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The print template rendered with the page's context and `printing` set, as PDF bytes."""
    html = render_to_string(template, {**context, "printing": True}, request=request)
    return html_to_pdf(html, base_url=request.build_absolute_uri("/") if request is not None else DEFAULT_BASE_URL)


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], *, filename: str) -> FileResponse:
    """The PDF twin of a report page: the same context through the print template, as a download."""
    return download(render_pdf(template, context, request=request), filename=filename, content_type="application/pdf")
