"""What the audit engine says, in the reader's language: axe-core's rule help, the reasons a request was
refused and why a page could not be audited.

axe-core ships no Russian locale with the axe-playwright-python package, and the engine (plain Python) speaks
English, so these texts are translated here, through the project's catalogue: every rule govcx runs (axe's WCAG
A/AA rules, the mapped rules, its own viewport rule) has its help text marked for translation; a rule or
message not listed is shown as the engine wrote it.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

RULE_HELP = {
    "area-alt": _("Active <area> elements must have alternative text"),
    "aria-allowed-attr": _("Elements must only use supported ARIA attributes"),
    "aria-braille-equivalent": _("aria-braille attributes must have a non-braille equivalent"),
    "aria-command-name": _("ARIA commands must have an accessible name"),
    "aria-conditional-attr": _("ARIA attributes must be used as specified for the element's role"),
    "aria-deprecated-role": _("Deprecated ARIA roles must not be used"),
    "aria-dialog-name": _("ARIA dialog and alertdialog nodes should have an accessible name"),
    "aria-hidden-body": _("aria-hidden=\"true\" must not be present on the document body"),
    "aria-hidden-focus": _("ARIA hidden element must not be focusable or contain focusable elements"),
    "aria-input-field-name": _("ARIA input fields must have an accessible name"),
    "aria-meter-name": _("ARIA meter nodes must have an accessible name"),
    "aria-progressbar-name": _("ARIA progressbar nodes must have an accessible name"),
    "aria-prohibited-attr": _("Elements must only use permitted ARIA attributes"),
    "aria-required-attr": _("Required ARIA attributes must be provided"),
    "aria-required-children": _("Certain ARIA roles must contain particular children"),
    "aria-required-parent": _("Certain ARIA roles must be contained by particular parents"),
    "aria-roles": _("ARIA roles used must conform to valid values"),
    "aria-tab-name": _("ARIA tab nodes must have an accessible name"),
    "aria-toggle-field-name": _("ARIA toggle fields must have an accessible name"),
    "aria-tooltip-name": _("ARIA tooltip nodes must have an accessible name"),
    "aria-treeitem-name": _("ARIA treeitem nodes should have an accessible name"),
    "aria-valid-attr-value": _("ARIA attributes must conform to valid values"),
    "aria-valid-attr": _("ARIA attributes must conform to valid names"),
    "autocomplete-valid": _("autocomplete attribute must be used correctly"),
    "avoid-inline-spacing": _("Inline text spacing must be adjustable with custom stylesheets"),
    "blink": _("<blink> elements are deprecated and must not be used"),
    "button-name": _("Buttons must have discernible text"),
    "bypass": _("Page must have means to bypass repeated blocks"),
    "color-contrast": _("Elements must meet minimum color contrast ratio thresholds"),
    "css-orientation-lock": _("CSS Media queries must not lock display orientation"),
    "definition-list": _("<dl> elements must only directly contain properly-ordered <dt> and <dd> groups, "
                         "<script>, <template> or <div> elements"),
    "dlitem": _("<dt> and <dd> elements must be contained by a <dl>"),
    "document-title": _("Documents must have <title> element to aid in navigation"),
    "duplicate-id-aria": _("IDs used in ARIA and labels must be unique"),
    "empty-heading": _("Headings should not be empty"),
    "empty-table-header": _("Table header text should not be empty"),
    "form-field-multiple-labels": _("Form field must not have multiple label elements"),
    "frame-focusable-content": _("Frames with focusable content must not have tabindex=-1"),
    "frame-title-unique": _("Frames must have a unique title attribute"),
    "frame-title": _("Frames must have an accessible name"),
    "html-has-lang": _("<html> element must have a lang attribute"),
    "html-lang-valid": _("<html> element must have a valid value for the lang attribute"),
    "html-xml-lang-mismatch": _("HTML elements with lang and xml:lang must have the same base language"),
    "image-alt": _("Images must have alternative text"),
    "input-button-name": _("Input buttons must have discernible text"),
    "input-image-alt": _("Image buttons must have alternative text"),
    "label-content-name-mismatch": _("Elements must have their visible text as part of their accessible name"),
    "label-title-only": _("Form elements should have a visible label"),
    "label": _("Form elements must have labels"),
    "link-in-text-block": _("Links must be distinguishable without relying on color"),
    "link-name": _("Links must have discernible text"),
    "list": _("<ul> and <ol> must only directly contain <li>, <script> or <template> elements"),
    "listitem": _("<li> elements must be contained in a <ul> or <ol>"),
    "marquee": _("<marquee> elements are deprecated and must not be used"),
    "meta-refresh": _("Delayed refresh under 20 hours must not be used"),
    "meta-viewport": _("Zooming and scaling must not be disabled"),
    "nested-interactive": _("Interactive controls must not be nested"),
    "no-autoplay-audio": _("<video> or <audio> elements must not play automatically"),
    "object-alt": _("<object> elements must have alternative text"),
    "p-as-heading": _("Styled <p> elements must not be used as headings"),
    "presentation-role-conflict": _("Elements marked as presentational should be consistently ignored"),
    "role-img-alt": _("[role=\"img\"] elements must have an alternative text"),
    "scope-attr-valid": _("scope attribute should be used correctly"),
    "scrollable-region-focusable": _("Scrollable region must have keyboard access"),
    "select-name": _("Select element must have an accessible name"),
    "server-side-image-map": _("Server-side image maps must not be used"),
    "skip-link": _("The skip-link target should exist and be focusable"),
    "summary-name": _("Summary elements must have discernible text"),
    "svg-img-alt": _("<svg> elements with an img role must have an alternative text"),
    "table-fake-caption": _("Data or header cells must not be used to give caption to a data table."),
    "target-size": _("All touch targets must be 24px large, or leave sufficient space"),
    "td-has-header": _("Non-empty <td> elements in larger <table> must have an associated table header"),
    "td-headers-attr": _("Table cells that use the headers attribute must only refer to cells in the same table"),
    "th-has-data-cells": _("Table headers in a data table must refer to data cells"),
    "valid-lang": _("lang attribute must have a valid value"),
    "video-caption": _("<video> elements must have captions"),
    "govcx-viewport-zoom": _("Zooming must not be disabled: the viewport meta stops zoom"),
}

_PROBLEMS = {
    "loopback": _("loopback"), "private": _("private"), "link-local": _("link-local"),
    "multicast": _("multicast"), "unspecified": _("unspecified"), "reserved": _("reserved"),
    "site-local": _("site-local"), "shared (CGNAT)": _("shared (CGNAT)"),
    "not globally routable": _("not globally routable"),
}


def rule_help(rule: str, english: str) -> str:
    """The rule's help in the active language; a rule not catalogued keeps the engine's English text."""
    if rule.startswith("wcag22-manual-"):
        return english
    text = RULE_HELP.get(rule)
    return str(text) if text is not None else english


def _problem(words: str) -> str:
    base, _sep, rest = words.partition(" (")
    label = _PROBLEMS.get(base) or _PROBLEMS.get(words)
    if label is None:
        return words
    return f"{label} ({rest}" if rest and words not in _PROBLEMS else str(label)


# (pattern of the engine's English message, its translation with the pattern's named groups); the first match
# wins, so a message that wraps another comes first
_MESSAGES: tuple[tuple[re.Pattern[str], Any], ...] = tuple((re.compile(pattern), text) for pattern, text in (
    (r"^refused by the network guard: (?P<reason>.*)$", _("refused by the network guard: %(reason)s")),
    (r"^the (?P<scheme>.*): scheme is not allowed \(only http and https\)$",
     _("the %(scheme)s: scheme is not allowed (only http and https)")),
    (r"^the address has no host$", _("the address has no host")),
    (r"^the address has an invalid port$", _("the address has an invalid port")),
    (r"^a (?P<scheme>.*): URL cannot be the audited page$", _("a %(scheme)s: address cannot be the audited page")),
    (r"^(?P<host>.*) does not resolve$", _("%(host)s does not resolve")),
    (r"^(?P<host>.*) is an? (?P<problem>.*) address; an administrator can allow the host "
     r"\(GOVCX_AUDIT_ALLOWED_HOSTS\)$",
     _("%(host)s is a %(problem)s address; an administrator can allow the host (GOVCX_AUDIT_ALLOWED_HOSTS)")),
    (r"^local files cannot be opened by the audited page$", _("local files cannot be opened by the audited page")),
    (r"^(?P<scheme>.*): cannot be proxied in the clear$", _("%(scheme)s: cannot be proxied in the clear")),
    (r"^HTTP (?P<status>\d+)$", _("the server answered HTTP %(status)s")),
    (r"^navigation timed out after (?P<ms>\d+) ms$", _("the page did not load within %(ms)s ms")),
    (r"^page time budget of (?P<ms>\d+) ms exceeded$", _("the audit of the page took longer than %(ms)s ms")),
    (r"^page too big: over (?P<limit>\d+) bytes transferred \((?P<counted>\d+) counted\)$",
     _("the page is too big: over %(limit)s bytes transferred")),
    (r"^page crashed$", _("the page crashed the browser tab")),
    (r"^redirects to another site \((?P<url>.*)\); audit that address itself$",
     _("the page redirects to another site (%(url)s); audit that address itself")),
))


def engine_message(message: str) -> str:
    """A reason from the engine (a refused request, a page that could not be audited) in the active language,
    on one line; a message not catalogued is shown as written."""
    line = " ".join((message or "").split())
    for pattern, text in _MESSAGES:
        match = pattern.match(line)
        if match:
            values = match.groupdict()
            if "problem" in values:
                values["problem"] = _problem(values["problem"])
            if "reason" in values:
                values["reason"] = engine_message(values["reason"])
            return gettext(str(text)) % values
    return line
