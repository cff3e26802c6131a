"""The in-page JavaScript the audit runs, and the pure functions that turn its output into results.

Each JS snippet is a function expression for Playwright's ``evaluate``; each parser takes the plain JSON it
returns. The parsers hold the rules, so they are tested without a browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from govcx.audit import language as lang_mod

from .options import WCAG22_MANUAL, WCAG22_UNDERSTANDING
from .results import Issue, IssueKind

FRAME_SEPARATOR = " >>> "
SHADOW_SEPARATOR = " >> "
MIN_TARGET_PX = 24  # WCAG 2.2 SC 2.5.8 Target Size (Minimum): 24 by 24 CSS pixels
MIN_MAXIMUM_SCALE = 2.0  # WCAG 1.4.4 Resize Text (200 %); axe rule meta-viewport uses the same bound
MAX_TEXT_CHARS = 200_000
MAX_LISTED = 20

# A short, stable CSS path for an element (id when unique, else tag:nth-of-type up to 5 levels).
CSS_PATH_JS = r"""
function govcxCssPath(el) {
  const parts = [];
  let node = el;
  for (let depth = 0; node && node.nodeType === 1 && depth < 5; depth++) {
    if (node.id && document.querySelectorAll('#' + CSS.escape(node.id)).length === 1) {
      parts.unshift('#' + CSS.escape(node.id));
      break;
    }
    let part = node.tagName.toLowerCase();
    const parent = node.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.tagName === node.tagName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
    }
    parts.unshift(part);
    node = parent;
  }
  return parts.join(' > ');
}
"""

PAGE_INFO_JS = """
() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const ms = (v) => (nav && v > 0 ? v - nav.startTime : null);
  const body = document.body;
  return {
    title: document.title || '',
    lang: document.documentElement.getAttribute('lang') || '',
    domElements: document.getElementsByTagName('*').length,
    domContentLoadedMs: nav ? ms(nav.domContentLoadedEventEnd) : null,
    loadMs: nav ? ms(nav.loadEventEnd) : null,
    text: body ? (body.innerText || '').slice(0, MAX_TEXT_CHARS) : '',
  };
}
""".replace("MAX_TEXT_CHARS", str(MAX_TEXT_CHARS))

AXE_RUN_JS = "(options) => axe.run(document, options)"

FORMS_JS = "() => {" + CSS_PATH_JS + r"""
  const skip = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  const text = (el) => (el ? (el.innerText || el.textContent || '').replace(/\s+/g, ' ').trim() : '');
  const fields = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    const tag = el.tagName.toLowerCase();
    const type = tag === 'input' ? (el.getAttribute('type') || 'text').toLowerCase() : tag;
    if (tag === 'input' && skip.has(type)) continue;
    const labels = Array.from(el.labels || []).map(text).filter(Boolean);
    const ariaLabel = (el.getAttribute('aria-label') || '').trim();
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
    const labelledBy = ids.map((id) => text(document.getElementById(id))).filter(Boolean).join(' ');
    const title = (el.getAttribute('title') || '').trim();
    fields.push({
      tag, type,
      name: el.getAttribute('name') || '',
      id: el.id || '',
      labels, ariaLabel, labelledBy, title,
      placeholder: el.getAttribute('placeholder') || '',
      required: el.required === true || el.getAttribute('aria-required') === 'true',
      selector: govcxCssPath(el),
    });
  }
  return {forms: document.forms.length, fields};
}
"""

MOBILE_JS = "() => {" + CSS_PATH_JS + r"""
  const doc = document.documentElement;
  const meta = document.querySelector('meta[name="viewport" i]');
  const selector = 'a[href], button, input:not([type="hidden"]), select, textarea, [role="button"]';
  const small = [];
  let targets = 0;
  for (const el of document.querySelectorAll(selector)) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    // SC 2.5.8 "inline" exception: a link inside a sentence is sized by the line height of the text.
    const parent = el.parentElement;
    if (style.display === 'inline' && parent &&
        (parent.textContent || '').trim().length > (el.textContent || '').trim().length) continue;
    targets += 1;
    if (rect.width < MIN_TARGET_PX || rect.height < MIN_TARGET_PX) {
      small.push({selector: govcxCssPath(el), width: Math.round(rect.width), height: Math.round(rect.height)});
    }
  }
  return {
    scrollWidth: Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0),
    innerWidth: window.innerWidth,
    viewport: meta ? (meta.getAttribute('content') || '') : null,
    targets, small,
  };
}
""".replace("MIN_TARGET_PX", str(MIN_TARGET_PX))

# The outline comes from a constructed style sheet (adoptedStyleSheets: no DOM node, not blocked by a page's CSP)
# and a marker attribute, never from the element's inline style: Chromium can leave an empty style="" behind
# after inline-style edits around a screenshot.
OUTLINE_JS = """
(el) => {
  const doc = el.ownerDocument;
  if (!doc.__govcxOutline) {
    const sheet = new doc.defaultView.CSSStyleSheet();
    sheet.replaceSync('[data-govcx-outline] { outline: 4px solid #d4351c !important; ' +
                      'outline-offset: 2px !important; }');
    doc.adoptedStyleSheets = [...doc.adoptedStyleSheets, sheet];
    doc.__govcxOutline = sheet;
  }
  el.setAttribute('data-govcx-outline', '');
}
"""

UNOUTLINE_JS = """
(el) => {
  el.removeAttribute('data-govcx-outline');
  const doc = el.ownerDocument;
  if (doc.__govcxOutline) {
    doc.adoptedStyleSheets = doc.adoptedStyleSheets.filter((sheet) => sheet !== doc.__govcxOutline);
    delete doc.__govcxOutline;
  }
}
"""

LINKS_JS = "() => Array.from(document.querySelectorAll('a[href], area[href]'), (a) => a.href)"


# --- accessibility ------------------------------------------------------------------------------------------

WCAG_TAG = re.compile(r"^wcag(\d)(\d)(\d{1,2})$")


def wcag_criteria(tags: Iterable[str]) -> tuple[str, ...]:
    """Success criteria from axe tags: ``wcag143`` → ``1.4.3``, ``wcag2411`` → ``2.4.11``; level tags such as
    ``wcag2aa`` or ``wcag21a`` are not criteria and are skipped."""
    found: list[str] = []
    for tag in tags:
        match = WCAG_TAG.match(tag)
        if match:
            criterion = ".".join(match.groups())
            if criterion not in found:
                found.append(criterion)
    return tuple(found)


def target_text(target: Sequence[Any]) -> str:
    """axe's node target (a frame path of selectors, each maybe a shadow-DOM path) as one string."""
    parts = []
    for step in target:
        parts.append(SHADOW_SEPARATOR.join(step) if isinstance(step, list) else str(step))
    return FRAME_SEPARATOR.join(parts)


def axe_options(tags: Sequence[str]) -> dict[str, Any]:
    """Options for ``axe.run``: only the given tags, violations and incomplete results, iframes included."""
    return {
        "runOnly": {"type": "tag", "values": list(tags)},
        "resultTypes": ["violations", "incomplete"],
        "iframes": True,
    }


def issues_from_axe(results: dict[str, Any], screenshots: dict[str, tuple[bytes, ...]] | None = None
                    ) -> list[Issue]:
    """axe ``violations`` → ``"violation"`` issues, ``incomplete`` → ``"needs_review"``, in axe's order.

    ``screenshots`` maps a rule id to the PNGs taken for its violation nodes.
    """
    shots = screenshots or {}
    issues: list[Issue] = []
    for key, kind in (("violations", "violation"), ("incomplete", "needs_review")):
        for rule in results.get(key) or []:
            nodes = rule.get("nodes") or []
            tags = tuple(rule.get("tags") or ())
            rule_shots = shots.get(rule["id"], ()) if kind == "violation" else ()
            issues.append(Issue(
                rule=rule["id"], impact=rule.get("impact"), kind=_kind(kind),
                help=rule.get("help", ""), help_url=rule.get("helpUrl", ""), wcag=wcag_criteria(tags),
                targets=tuple(target_text(node.get("target") or ()) for node in nodes),
                html=tuple((node.get("html") or "")[:1000] for node in nodes),
                screenshot_png=rule_shots[0] if rule_shots else None, screenshots=tuple(rule_shots), tags=tags,
            ))
    return issues


def _kind(value: str) -> IssueKind:
    return "violation" if value == "violation" else "needs_review"


def manual_issues() -> list[Issue]:
    """One ``"manual"`` issue per WCAG 2.2 A/AA criterion that no axe rule checks (:data:`WCAG22_MANUAL`)."""
    return [
        Issue(rule=f"wcag22-manual-{criterion}", impact=None, kind="manual",
              help=f"WCAG 2.2 {criterion} {title}: needs manual review (no automated rule)",
              help_url=WCAG22_UNDERSTANDING[criterion], wcag=(criterion,), targets=(), html=())
        for criterion, title in WCAG22_MANUAL
    ]


# --- language -----------------------------------------------------------------------------------------------


PARAGRAPH_BREAK = re.compile(r"[ \t\r\f\v]*\n\s*")


def primary_subtag(lang_attr: str) -> str:
    """``"ru-RU"`` → ``"ru"`` (BCP 47 primary language subtag, lower case)."""
    return lang_attr.strip().split("-")[0].split("_")[0].lower()


def language_summary(text: str, lang_attr: str) -> dict[str, Any]:
    """Detected language against ``<html lang>``, readability, long sentences and words, flagged phrases.

    The text is analysed in the detected language, or in the declared one when detection is inconclusive;
    a page in neither Russian nor English gets only the detection figures. ``text`` is the page's
    ``innerText``, where a line break separates blocks (a heading, a paragraph, a list item, a button), so each
    line is taken as a paragraph: a heading without a full stop does not run into the next sentence.
    """
    text = PARAGRAPH_BREAK.sub("\n\n", text[:MAX_TEXT_CHARS]).strip()
    detected = lang_mod.detect_language(text)
    declared = primary_subtag(lang_attr)
    summary: dict[str, Any] = {
        "detected": detected, "lang_attr": lang_attr, "declared": declared,
        "lang_matches": (declared == detected) if detected != "unknown" and declared else None,
        "characters": len(text),
    }
    analysed = detected if detected != "unknown" else (declared if declared in ("ru", "en") else "")
    summary["analysed_as"] = analysed or None
    if not analysed:
        summary.update(readability=None, reading_ease=None, grade=None, long_sentences=[], long_sentence_count=0,
                       long_words=[], long_word_count=0, phrase_hits=[], phrase_hit_count=0, bureaucratic_count=0,
                       passive_count=0)
        return summary
    sentences = lang_mod.long_sentences(text, analysed)
    words = lang_mod.long_words(text, analysed)
    hits = lang_mod.flagged_phrases(text, analysed)
    figures = lang_mod.readability(text, analysed)
    summary.update(
        readability=figures.as_dict(), reading_ease=figures.reading_ease, grade=figures.grade,
        long_sentences=sentences[:MAX_LISTED], long_sentence_count=len(sentences),
        long_words=words[: 2 * MAX_LISTED], long_word_count=len(words),
        phrase_hits=[{"phrase": h.phrase, "kind": h.kind, "sentence": h.sentence} for h in hits[: 3 * MAX_LISTED]],
        phrase_hit_count=len(hits),
        bureaucratic_count=sum(1 for h in hits if h.kind == "bureaucratic"),
        passive_count=sum(1 for h in hits if h.kind == "passive"),
    )
    return summary


# --- forms --------------------------------------------------------------------------------------------------


def _norm(value: str) -> str:
    return " ".join(value.casefold().replace("ё", "е").split())


def registry_match(candidates: Iterable[str], registry_held: Iterable[str]) -> str | None:
    """The first registry-held name that a field's label, name or placeholder matches: case-insensitive
    substring either way ("СНИЛС" in "Номер СНИЛС", or a field named "passport" in "passport number"); "ё" = "е";
    a field string must have at least 3 characters to match inside a registry name."""
    names = [(name, _norm(name)) for name in registry_held if name.strip()]
    for candidate in candidates:
        value = _norm(candidate)
        if not value:
            continue
        for name, norm in names:
            if norm in value or (len(value) >= 3 and value in norm):
                return name
    return None


def forms_summary(frames: Sequence[tuple[str, dict[str, Any]]], registry_held: Sequence[str]) -> dict[str, Any]:
    """Counts over every frame's fields. ``frames`` is ``[(frame_path, FORMS_JS output), ...]`` with ``""`` for
    the top frame.

    A field is an ``input`` (not hidden, submit, button, reset or image), ``select`` or ``textarea``. It has an
    accessible label when it has a ``<label for>`` or wrapping label with text, ``aria-label``,
    ``aria-labelledby`` pointing at text, or ``title`` (WCAG 1.3.1, 4.1.2; a placeholder is not a label).
    """
    details: list[dict[str, Any]] = []
    forms = 0
    for path, data in frames:
        forms += int(data.get("forms", 0))
        for raw in data.get("fields", []):
            label = " ".join([*raw.get("labels", []), raw.get("ariaLabel", ""), raw.get("labelledBy", ""),
                              raw.get("title", "")]).strip()
            selector = raw.get("selector", "")
            field = {
                "selector": f"{path}{FRAME_SEPARATOR}{selector}" if path else selector,
                "tag": raw.get("tag", ""), "type": raw.get("type", ""), "name": raw.get("name", ""),
                "label": " ".join(label.split()), "placeholder": raw.get("placeholder", ""),
                "required": bool(raw.get("required")), "labelled": bool(label),
            }
            field["registry_held"] = registry_match(
                [field["label"], field["name"], field["placeholder"], raw.get("id", "")], registry_held)
            details.append(field)
    return {
        "forms": forms,
        "fields": len(details),
        "required": sum(1 for f in details if f["required"]),
        "unlabelled": sum(1 for f in details if not f["labelled"]),
        "unlabelled_fields": [f["selector"] for f in details if not f["labelled"]],
        "file_uploads": sum(1 for f in details if f["type"] == "file"),
        "registry_held": sum(1 for f in details if f["registry_held"]),
        "registry_held_fields": [
            {"selector": f["selector"], "label": f["label"] or f["name"] or f["placeholder"],
             "matches": f["registry_held"]}
            for f in details if f["registry_held"]
        ],
        "details": details,
    }


# --- mobile -------------------------------------------------------------------------------------------------


def parse_viewport(content: str | None) -> dict[str, Any]:
    """The viewport meta's ``content``: present, width, and whether it limits zoom — ``user-scalable=no`` (or 0)
    or ``maximum-scale`` below 2 (WCAG 1.4.4 Resize Text; the same bound as axe's ``meta-viewport`` rule)."""
    if content is None:
        return {"present": False, "content": None, "width": None, "user_scalable": True, "maximum_scale": None,
                "zoom_disabled": False}
    values: dict[str, str] = {}
    for item in re.split(r"[,;]", content):
        key, _, value = item.partition("=")
        if key.strip():
            values[key.strip().lower()] = value.strip().lower()
    user_scalable = values.get("user-scalable", "yes") not in ("no", "0")
    try:
        maximum_scale: float | None = float(values["maximum-scale"]) if "maximum-scale" in values else None
    except ValueError:
        maximum_scale = None
    return {
        "present": True, "content": content, "width": values.get("width"), "user_scalable": user_scalable,
        "maximum_scale": maximum_scale,
        "zoom_disabled": (not user_scalable) or (maximum_scale is not None and maximum_scale < MIN_MAXIMUM_SCALE),
    }


def mobile_summary(data: dict[str, Any], viewport_size: tuple[int, int], emulation: str) -> dict[str, Any]:
    """Phone-sized figures: horizontal scrolling, the viewport meta, and tap targets under 24×24 CSS px
    (WCAG 2.5.8; links inside sentences are exempt).

    Horizontal scrolling (WCAG 1.4.10 Reflow) is ``scrollWidth`` wider than the phone's width in CSS px, not
    than ``innerWidth``: a mobile browser widens its layout viewport (and zooms out) to fit wide content, so
    ``innerWidth`` grows with the page; a page without a viewport meta is laid out 980 px wide and so counts too.
    """
    viewport = parse_viewport(data.get("viewport"))
    small = list(data.get("small", []))
    scroll_width = int(data.get("scrollWidth", 0))
    inner_width = int(data.get("innerWidth", 0))
    return {
        "emulation": emulation,
        "viewport_size": list(viewport_size),
        "horizontal_scroll": scroll_width > max(viewport_size[0], 1),
        "scroll_width": scroll_width,
        "inner_width": inner_width,
        "viewport_meta": viewport["present"],
        "viewport": viewport,
        "zoom_disabled": viewport["zoom_disabled"],
        "tap_targets": int(data.get("targets", 0)),
        "small_tap_targets": len(small),
        "small_tap_target_examples": small[:5],
    }
