"""The page-audit engine: real-Chromium audits of public-service pages (plain Python, no Django).

Public API::

    audit(targets, options, progress=..., cancelled=...) -> list[PageResult]     # pages, concurrently
    audit_journey(start_url, steps, options) -> list[PageResult]  # a scripted path, auditing on the way
    crawl(start_url, max_depth=2, max_pages=20, options) -> list[str]   # same-site URLs to audit

Accessibility by axe-core (WCAG 2.0–2.2 A/AA tags and the best-practice and experimental rules that map to an
A/AA criterion, :data:`~.options.MAPPED_RULES`), govcx's viewport zoom rule, plus the WCAG 2.2 criteria axe cannot check
(:data:`WCAG22_MANUAL`) listed for manual review; plain-language figures (:mod:`govcx.audit.language`); forms
(labels, required fields, data the state already holds); page weight and timing; phone-size checks.

Audited pages are hostile: every request and connection passes the network guard (:mod:`.netguard`, enforced
by the route of :mod:`.browser` and the pinning :mod:`.proxy`), ``file:`` targets are served from an isolated
per-run server (:mod:`.uploads`), and Chromium runs sandboxed, never as root (:mod:`.launcher`).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .options import DEFAULT_OPTIONS, DEFAULT_WCAG_TAGS, WCAG22_MANUAL, AuditOptions, JourneyStep, Target
from .results import Issue, PageResult

if TYPE_CHECKING:
    from .crawling import crawl, crawl_async, normalize_url
    from .journey import audit_journey, audit_journey_async
    from .runner import Cancelled, audit, audit_async

#: Imported on first use: they bring in Playwright (half a second), which loading the web app must not pay for.
_DRIVING_BROWSERS = {
    "crawl": "crawling", "crawl_async": "crawling", "normalize_url": "crawling",
    "audit_journey": "journey", "audit_journey_async": "journey",
    "Cancelled": "runner", "audit": "runner", "audit_async": "runner",
}


def __getattr__(name: str) -> Any:
    if name in _DRIVING_BROWSERS:
        return getattr(importlib.import_module(f".{_DRIVING_BROWSERS[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "DEFAULT_OPTIONS", "DEFAULT_WCAG_TAGS", "WCAG22_MANUAL", "AuditOptions", "Cancelled", "Issue", "JourneyStep",
    "PageResult", "Target", "audit", "audit_async", "audit_journey", "audit_journey_async", "crawl", "crawl_async",
    "normalize_url",
]
