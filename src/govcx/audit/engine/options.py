"""What to audit and how: targets, journey steps, limits (plain values; no Django)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

DEFAULT_WCAG_TAGS: tuple[str, ...] = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")

# The WCAG 2.2 level A/AA success criteria new in 2.2 that axe-core has no automated rule for
# (axe-core rule descriptions, axe 4.x; W3C "What's new in WCAG 2.2"). 2.5.8 Target Size (Minimum) is not here:
# axe covers it with the rule `target-size` (tag wcag22aa). 2.4.11 is AA, 2.5.7 AA, 3.2.6 A, 3.3.7 A, 3.3.8 AA.
WCAG22_MANUAL: tuple[tuple[str, str], ...] = (
    ("2.4.11", "Focus Not Obscured (Minimum)"),
    ("2.5.7", "Dragging Movements"),
    ("3.2.6", "Consistent Help"),
    ("3.3.7", "Redundant Entry"),
    ("3.3.8", "Accessible Authentication (Minimum)"),
)

# axe-core rules outside its WCAG tags (best-practice or experimental) whose failure is a failure of a WCAG 2.2 A/AA
# success criterion, with that criterion; each was checked against labelled failing and passing pages
# (tests/audit/test_accuracy.py). Rules that flag what WCAG allows (heading-order, region, landmark rules,
# page-has-heading-one, tabindex, meta-viewport-large, image-redundant-alt...) are left out: they are advice;
# so is the experimental p-as-heading, which takes a big bold figure in a summary card for a heading.
MAPPED_RULES: dict[str, tuple[str, ...]] = {
    "label-content-name-mismatch": ("2.5.3",),  # experimental: the accessible name must contain the visible label
    "empty-heading": ("1.3.1", "2.4.6"),  # a heading with no text: structure without a label
    "empty-table-header": ("1.3.1",),  # a header cell with no text relates nothing
    "presentation-role-conflict": ("1.3.1", "4.1.2"),  # "decorative" but focusable or with ARIA: exposed anyway
    "td-has-header": ("1.3.1",),  # experimental: data cells of a large table without headers
    "table-fake-caption": ("1.3.1",),  # experimental: a spanning first row used as the caption
    "css-orientation-lock": ("1.3.4",),  # experimental: CSS locks the page to one orientation
    "scope-attr-valid": ("1.3.1",),  # scope with a value browsers ignore
    "label-title-only": ("3.3.2",),  # a field whose only label is a tooltip: no visible label
    "skip-link": ("2.4.1",),  # a skip link to nothing: the bypass mechanism does not work
    "aria-dialog-name": ("4.1.2",),  # a dialog without a name
    "aria-treeitem-name": ("4.1.2",),  # a tree item without a name
}

# govcx's own rule for the viewport meta: axe's meta-viewport reads only "no"/"0" and numbers, so it misses values
# Chromium reads as "no zoom" (user-scalable=false, maximum-scale=yes); see page_checks.parse_viewport.
VIEWPORT_ZOOM_RULE = "govcx-viewport-zoom"

WCAG22_UNDERSTANDING: dict[str, str] = {
    "2.4.11": "https://www.w3.org/WAI/WCAG22/Understanding/focus-not-obscured-minimum.html",
    "2.5.7": "https://www.w3.org/WAI/WCAG22/Understanding/dragging-movements.html",
    "3.2.6": "https://www.w3.org/WAI/WCAG22/Understanding/consistent-help.html",
    "3.3.7": "https://www.w3.org/WAI/WCAG22/Understanding/redundant-entry.html",
    "3.3.8": "https://www.w3.org/WAI/WCAG22/Understanding/accessible-authentication-minimum.html",
}


@dataclass(frozen=True)
class AuditOptions:
    """Limits and switches of an audit run.

    - ``parallel``: pages audited at once (each in its own browser context).
    - ``timeout_ms``: navigation and per-action timeout; ``page_budget_ms``: the whole per-page time budget
      (navigation, axe, screenshots, mobile pass); ``None`` means ``3 × timeout_ms``.
    - ``max_page_bytes``: transferred bytes after which further requests are aborted and the page is reported
      as too big (``ok=False``); ``max_resources``: requests after which further requests are aborted (the page
      is still audited, ``weight["limit_hit"] == "max_resources"``).
    - ``wcag_tags``: axe-core tags to run; ``mapped_rules`` adds the best-practice and experimental rules of
      :data:`MAPPED_RULES` (and govcx's viewport rule), reported under their success criterion;
      ``include_best_practice`` adds every axe ``best-practice`` rule (e.g. ``heading-order``, ``region``),
      which are advice, not WCAG failures.
    - ``registry_held``: names of documents or data the state already holds (from the service passport),
      matched case-insensitively against form field labels, names and placeholders.
    - ``same_site_only``: requests to other origins (scheme, host, port) are blocked.
    - ``allowed_hosts``: internal hosts an administrator allowed the browser to reach (``host`` or
      ``host:port``); every other loopback, private, link-local... address is refused
      (:mod:`govcx.audit.engine.netguard`).
    - ``sample_repeats``: colour contrast and target size are checked on a sample of long runs of same-styled
      table rows and list items (:data:`~.page_checks.SAMPLED_RULES`); ``False`` checks every element.
    """

    parallel: int = 2
    timeout_ms: int = 20000
    max_page_bytes: int = 10_000_000
    max_resources: int = 300
    wcag_tags: tuple[str, ...] = DEFAULT_WCAG_TAGS
    screenshots: bool = True
    max_screenshots_per_rule: int = 3
    mobile_viewport: tuple[int, int] = (390, 844)
    desktop_viewport: tuple[int, int] = (1280, 900)
    registry_held: tuple[str, ...] = ()
    same_site_only: bool = True
    include_best_practice: bool = False
    mapped_rules: bool = True
    page_budget_ms: int | None = None
    mobile: bool = True
    allowed_hosts: tuple[str, ...] = ()
    sample_repeats: bool = True

    def __post_init__(self) -> None:
        if self.parallel < 1:
            raise ValueError("parallel must be at least 1")
        if self.timeout_ms <= 0 or self.max_page_bytes <= 0 or self.max_resources <= 0:
            raise ValueError("timeout_ms, max_page_bytes and max_resources must be positive")

    @property
    def budget_ms(self) -> int:
        return self.page_budget_ms if self.page_budget_ms is not None else 3 * self.timeout_ms

    @property
    def axe_tags(self) -> tuple[str, ...]:
        if self.include_best_practice and "best-practice" not in self.wcag_tags:
            return (*self.wcag_tags, "best-practice")
        return self.wcag_tags


@dataclass(frozen=True)
class Target:
    """A page to audit: an http(s) URL, or a ``file:`` URL of an HTML file (served to the browser from the run's
    isolated upload server, :mod:`govcx.audit.engine.uploads`), and an optional human label."""

    url: str
    label: str = ""


@dataclass(frozen=True)
class JourneyStep:
    """One step of a scripted journey.

    - ``goto``: open ``value`` (or ``selector`` when ``value`` is empty), resolved against the current URL;
    - ``fill``: type ``value`` into the field matched by ``selector``;
    - ``click``: click ``selector`` and wait for any navigation it starts to load;
    - ``expect``: wait until ``selector`` is visible (the step fails after ``timeout_ms``);
      with a ``value``, the element's text must contain it;
    - ``audit``: audit the page as it is now (one :class:`PageResult`).
    """

    action: Literal["goto", "fill", "click", "expect", "audit"]
    selector: str = ""
    value: str = ""


DEFAULT_OPTIONS = AuditOptions()
