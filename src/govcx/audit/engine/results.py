"""What an audit returns: issues and per-page results (frozen dataclasses of plain values)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

IssueKind = Literal["violation", "needs_review", "manual"]


@dataclass(frozen=True)
class Issue:
    """One accessibility rule outcome on one page.

    ``kind``: axe-core *violations* → ``"violation"``, axe *incomplete* results → ``"needs_review"``, and WCAG 2.2
    criteria no automated rule covers → ``"manual"``. ``wcag`` holds success criteria ("1.4.3") read from axe's
    tags (``wcag143``). ``targets`` are CSS selectors; an element inside an iframe is written as the frame path
    joined by ``" >>> "`` (``"iframe#f >>> #name"``). ``screenshots`` holds up to
    ``AuditOptions.max_screenshots_per_rule`` PNGs of the page around the outlined elements (violations only);
    ``screenshot_png`` is the first of them.
    """

    rule: str
    impact: str | None
    kind: IssueKind
    help: str
    help_url: str
    wcag: tuple[str, ...]
    targets: tuple[str, ...]
    html: tuple[str, ...]
    screenshot_png: bytes | None = None
    screenshots: tuple[bytes, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageResult:
    """The audit of one page. ``ok=False`` means the page could not be audited (``error`` says why: timeout,
    refused, HTTP error status, too big, crashed, journey step failed); the other fields then hold what was
    measured before the failure, often nothing.

    - ``language``: detected language, ``<html lang>`` and whether they agree, readability, long sentences and
      words, flagged phrases (see :mod:`govcx.audit.language`).
    - ``forms``: field counts, required, unlabelled, file uploads, registry-held fields, per-field details.
    - ``weight``: transferred bytes, requests, blocked requests, DOM elements, DOMContentLoaded and load ms.
    - ``mobile``: horizontal scrolling, viewport meta and zoom, tap targets smaller than 24×24 CSS px.
    - ``blocked_requests``: requests and navigations the network guard refused (``url``, ``reason``): local
      files, internal addresses, other schemes (:mod:`govcx.audit.engine.netguard`).
    - ``timings``: milliseconds spent in each step of the audit (``open``, ``load``, ``axe``, ``screenshots``,
      ``page``, ``mobile``, ``close``), where the time of a run goes.
    """

    url: str
    final_url: str
    ok: bool
    error: str
    status: int | None
    title: str
    lang_attr: str
    issues: tuple[Issue, ...]
    language: dict[str, Any] = field(default_factory=dict)
    forms: dict[str, Any] = field(default_factory=dict)
    weight: dict[str, Any] = field(default_factory=dict)
    mobile: dict[str, Any] = field(default_factory=dict)
    duration_ms: float = 0.0
    label: str = ""
    blocked_requests: tuple[dict[str, str], ...] = ()
    timings: dict[str, float] = field(default_factory=dict)

    def rules(self, kind: IssueKind | None = "violation") -> set[str]:
        """Rule ids of the issues of ``kind`` (all kinds when ``None``)."""
        return {issue.rule for issue in self.issues if kind is None or issue.kind == kind}

    def issue(self, rule: str, kind: IssueKind | None = None) -> Issue | None:
        """The first issue for ``rule`` (of ``kind`` when given), or ``None``."""
        for issue in self.issues:
            if issue.rule == rule and (kind is None or issue.kind == kind):
                return issue
        return None


def failed(url: str, error: str, *, label: str = "", status: int | None = None, final_url: str = "",
           duration_ms: float = 0.0, weight: dict[str, Any] | None = None,
           blocked_requests: tuple[dict[str, str], ...] = ()) -> PageResult:
    """A result for a page that could not be audited."""
    return PageResult(url=url, final_url=final_url or url, ok=False, error=error, status=status, title="",
                      lang_attr="", issues=(), weight=weight or {}, duration_ms=duration_ms, label=label,
                      blocked_requests=blocked_requests)
