"""HTML to PDF with WeasyPrint. Only govcx's own static files may be fetched while rendering."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse


class LocalStaticFetcher(URLFetcher):
    """Resolve /static/ URLs from disk and refuse anything else, so a report never touches the network."""

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        marker = "/static/"
        if marker in url and not url.startswith("data:"):
            path = finders.find(url.split(marker, 1)[1].split("?")[0])
            if path:
                return URLFetcherResponse(url, Path(path).read_bytes(), {}, 200)
        if url.startswith("data:"):
            return super().fetch(url, headers)
        raise ValueError(f"external resource refused in PDF rendering: {url}")


def html_to_pdf(html: str, *, base_url: str) -> bytes:
    return HTML(string=html, base_url=base_url, url_fetcher=LocalStaticFetcher()).write_pdf()
