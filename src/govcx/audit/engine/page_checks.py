"""The in-page JavaScript the audit runs, and the pure functions that turn its output into results.

Each JS snippet is a function expression for Playwright's ``evaluate``; each parser takes the plain JSON it
returns. The parsers hold the rules, so they are tested without a browser.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from govcx.audit import language as lang_mod

from .options import MAPPED_RULES, VIEWPORT_ZOOM_RULE, WCAG22_MANUAL, WCAG22_UNDERSTANDING
from .results import Issue, IssueKind

FRAME_SEPARATOR = " >>> "
SHADOW_SEPARATOR = " >> "
MIN_TARGET_PX = 24  # WCAG 2.2 SC 2.5.8 Target Size (Minimum): 24 by 24 CSS pixels
MIN_MAXIMUM_SCALE = 2.0  # WCAG 1.4.4 Resize Text (200 %); axe rule meta-viewport uses the same bound
MAX_TEXT_CHARS = 200_000
MAX_LISTED = 20
SMALL_LISTED = 5  # small tap targets listed as examples (all are counted)

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

#: The border boxes of axe node targets in the top document's coordinates, from one evaluation: each target is a
#: path of selectors, one per frame (an iframe's document entered through ``contentDocument``: same origin, as
#: axe itself), a list step walking open shadow roots; a missing element, one without a box, or a document's root
#: element (``html-has-lang``, ``document-title``: a picture of the whole page shows nothing) gives null. With
#: the page's full size, so that the pictures around them stay on the page, and the part of it in view.
DOCUMENT_BOXES_JS = """
(targets) => {
  const box = (target) => {
    let doc = document, left = window.scrollX, top = window.scrollY, element = null;
    for (let i = 0; i < target.length; i++) {
      const step = target[i];
      if (Array.isArray(step)) {
        let root = doc;
        for (const part of step) {
          element = root ? root.querySelector(part) : null;
          if (!element) return null;
          root = element.shadowRoot;
        }
      } else {
        element = doc.querySelector(step);
      }
      if (!element) return null;
      if (i < target.length - 1) {
        const frame = element.getBoundingClientRect();
        const style = getComputedStyle(element);
        left += frame.left + element.clientLeft + (parseFloat(style.paddingLeft) || 0);
        top += frame.top + element.clientTop + (parseFloat(style.paddingTop) || 0);
        doc = element.contentDocument;
        if (!doc) return null;
      }
    }
    if (element === doc.documentElement) return null;  // the whole document: nothing to point at
    const rect = element.getBoundingClientRect();
    if (!(rect.width > 0 && rect.height > 0)) return null;
    return {x: rect.left + left, y: rect.top + top, width: rect.width, height: rect.height};
  };
  const root = document.documentElement;
  const body = document.body;
  return {
    boxes: targets.map((target) => { try { return box(target); } catch (e) { return null; } }),
    width: Math.max(root.scrollWidth, body ? body.scrollWidth : 0, root.clientWidth),
    height: Math.max(root.scrollHeight, body ? body.scrollHeight : 0, root.clientHeight),
    view: {x: window.scrollX, y: window.scrollY, width: root.clientWidth, height: root.clientHeight},
  };
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
    viewport: (() => {
      const meta = document.querySelector('meta[name="viewport" i]');
      return meta ? (meta.getAttribute('content') || '') : null;
    })(),
    domElements: document.getElementsByTagName('*').length,
    domContentLoadedMs: nav ? ms(nav.domContentLoadedEventEnd) : null,
    loadMs: nav ? ms(nav.loadEventEnd) : null,
    text: body ? (body.innerText || '').slice(0, MAX_TEXT_CHARS) : '',
  };
}
""".replace("MAX_TEXT_CHARS", str(MAX_TEXT_CHARS))

AXE_PRESENT_JS = "() => typeof window.axe === 'object' && window.axe !== null && typeof window.axe.run === 'function'"

#: Colour contrast and target size on a sample of long runs of look-alike siblings. axe's color-contrast rule
#: costs about as much per text element as all other rules together (about 10 s on a 2,000-cell table), and
#: target-size (WCAG 2.5.8) about a second on a list of 600 links: where a table section or list has more than
#: REPEAT_MIN rows or items, only the first SAMPLE_PER_STYLE of each style (colours, backgrounds, font, opacity,
#: shadow of the row and of every element in it) are checked by these two rules; the rest are marked with
#: SAMPLED_OUT, which the rules' selectors skip. Other rules still see every element, and the skipped rows'
#: targets still count as the sampled targets' neighbours. A failure that no style explains (an overlapping
#: element on one row, a much shorter link text) can be missed in the skipped rows.
SAMPLED_OUT = "data-govcx-sampled-out"
SAMPLED_RULES = ("color-contrast", "target-size")
REPEAT_MIN = 20
SAMPLE_PER_STYLE = 3
SAMPLE_REPEATS_JS = r"""() => {
  const styleOf = (el) => {
    const s = getComputedStyle(el);
    return [el.tagName, s.color, s.backgroundColor, s.backgroundImage, s.fontSize, s.fontWeight, s.opacity,
            s.textShadow, s.visibility, s.mixBlendMode].join('|');
  };
  const signature = (el) => {
    const parts = [styleOf(el)];
    const inner = el.getElementsByTagName('*');
    for (let i = 0; i < inner.length && i < 200; i++) parts.push(styleOf(inner[i]));
    return parts.join('/');
  };
  let marked = 0;
  for (const parent of document.querySelectorAll('table, thead, tbody, tfoot, ul, ol')) {
    const rows = Array.from(parent.children).filter((c) => c.tagName === 'TR' || c.tagName === 'LI');
    if (rows.length <= REPEAT_MIN) continue;
    const seen = new Map();
    for (const row of rows) {
      const key = signature(row);
      const count = seen.get(key) || 0;
      seen.set(key, count + 1);
      if (count < SAMPLE_PER_STYLE) continue;
      row.setAttribute('SAMPLED_OUT', '');
      for (const el of row.getElementsByTagName('*')) el.setAttribute('SAMPLED_OUT', '');
      marked++;
    }
  }
  if (marked && window.axe) {
    axe.configure({rules: SAMPLED_RULES.map((id) => ({id, selector: '*:not([SAMPLED_OUT])'}))});
  }
  return marked;
}""".replace("REPEAT_MIN", str(REPEAT_MIN)).replace("SAMPLE_PER_STYLE", str(SAMPLE_PER_STYLE)).replace(
    "SAMPLED_OUT", SAMPLED_OUT).replace("SAMPLED_RULES", json.dumps(list(SAMPLED_RULES)))
UNMARK_SAMPLES_JS = (f"() => {{ for (const el of document.querySelectorAll('[{SAMPLED_OUT}]')) "
                     f"el.removeAttribute('{SAMPLED_OUT}'); }}")

#: ``axe.run`` with only what govcx reads sent back (:func:`issues_from_axe`, the screenshots): the violations and
#: "needs review" rules with their id, impact, tags, help and nodes' targets and HTML (cut to
#: :data:`MAX_HTML_CHARS`). axe's full result also lists every passed and inapplicable rule and each node's
#: checks, all of it copied through the browser, Playwright's driver and Python: 37 kB on a light page (under
#: 1 kB now), 1 MB on a list of 600 links (164 kB now), where it cost Python and the driver about 0.2 s of CPU.
MAX_HTML_CHARS = 1000
AXE_RUN_JS = """
async (options) => {
  let result;
  try {
    result = await axe.run(document, options);
  } finally {
    UNMARK;
  }
  const brief = (rule) => ({
    id: rule.id, impact: rule.impact, tags: rule.tags, help: rule.help, helpUrl: rule.helpUrl,
    nodes: rule.nodes.map((node) => ({target: node.target, html: (node.html || '').slice(0, MAX_HTML_CHARS)})),
  });
  return {violations: result.violations.map(brief), incomplete: result.incomplete.map(brief)};
}
""".replace("MAX_HTML_CHARS", str(MAX_HTML_CHARS)).replace(
    "UNMARK", f"for (const el of document.querySelectorAll('[{SAMPLED_OUT}]')) el.removeAttribute('{SAMPLED_OUT}')")

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
  let smallCount = 0;
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
      smallCount += 1;  // the first few listed: a CSS path walks the siblings (558 small links: 60 ms, now 3)
      if (small.length < SMALL_LISTED) {
        small.push({selector: govcxCssPath(el), width: Math.round(rect.width), height: Math.round(rect.height)});
      }
    }
  }
  return {
    scrollWidth: Math.max(doc.scrollWidth, document.body ? document.body.scrollWidth : 0),
    innerWidth: window.innerWidth,
    viewport: meta ? (meta.getAttribute('content') || '') : null,
    targets, small, smallCount,
  };
}
""".replace("MIN_TARGET_PX", str(MIN_TARGET_PX)).replace("SMALL_LISTED", str(SMALL_LISTED))

# What decides whether the page lays out at the phone's width the same without phone emulation: the viewport meta,
# and media queries on the input device (pointer, hover), which differ between a desktop page and a touch phone.
PHONE_LAYOUT_JS = r"""
() => {
  const meta = document.querySelector('meta[name="viewport" i]');
  let inputQueries = false;
  const visit = (rules) => {
    for (const rule of rules) {
      if (inputQueries) return;
      if (rule.media && /pointer|hover/i.test(rule.media.mediaText || '')) inputQueries = true;
      if (rule.cssRules) visit(rule.cssRules);
    }
  };
  for (const sheet of document.styleSheets) {
    try { visit(sheet.cssRules); } catch (e) { inputQueries = true; }
    if (sheet.media && /pointer|hover/i.test(sheet.media.mediaText || '')) inputQueries = true;
  }
  return {viewport: meta ? (meta.getAttribute('content') || '') : null, inputQueries};
}
"""

META_REFRESH_JS = """
() => {
  const meta = document.querySelector('meta[http-equiv="refresh" i]');
  return meta ? (meta.getAttribute('content') || '') : null;
}
"""

#: The top frame's figures in one evaluation instead of five round trips through the driver: the page info
#: (title, language, viewport meta, DOM size, timings, text), its form fields, the phone-layout probe, whether
#: axe-core is loaded, and (when the argument is true and axe is there) the sampling marks of SAMPLE_REPEATS_JS.
PAGE_FIGURES_JS = f"""(sample) => {{
  const present = ({AXE_PRESENT_JS})();
  return {{info: ({PAGE_INFO_JS})(), forms: ({FORMS_JS})(), phone: ({PHONE_LAYOUT_JS})(), axe: present,
          sampled: sample && present ? ({SAMPLE_REPEATS_JS})() : 0}};
}}"""

#: The same for a child frame: its form fields, whether axe-core is loaded, the sampling marks.
FRAME_FIGURES_JS = f"""(sample) => {{
  const present = ({AXE_PRESENT_JS})();
  return {{forms: ({FORMS_JS})(), axe: present, sampled: sample && present ? ({SAMPLE_REPEATS_JS})() : 0}};
}}"""

#: The phone-width figures, then the document emptied: the page is done with, and the lane's next page sets the
#: desktop viewport again before it navigates, which would otherwise lay the old document out once more (about
#: 20 ms of the renderer on a page of 600 links).
MOBILE_LAST_JS = f"""() => {{
  const figures = ({MOBILE_JS})();
  document.documentElement.replaceChildren();
  return figures;
}}"""

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


def axe_options(tags: Sequence[str], extra_rules: Iterable[str] = ()) -> dict[str, Any]:
    """Options for ``axe.run``: the rules of the given tags plus ``extra_rules`` (axe's documented way to add
    rules to a tag selection, experimental ones included), violations and incomplete results, iframes included."""
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": list(tags)},
        "resultTypes": ["violations", "incomplete"],
        "iframes": True,
    }
    extra = sorted(extra_rules)
    if extra:
        options["rules"] = {rule: {"enabled": True} for rule in extra}
    return options


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
                help=rule.get("help", ""), help_url=rule.get("helpUrl", ""),
                wcag=wcag_criteria(tags) or MAPPED_RULES.get(rule["id"], ()),
                targets=tuple(target_text(node.get("target") or ()) for node in nodes),
                html=tuple((node.get("html") or "")[:MAX_HTML_CHARS] for node in nodes),
                screenshot_png=rule_shots[0] if rule_shots else None, screenshots=tuple(rule_shots), tags=tags,
            ))
    return issues


def _kind(value: str) -> IssueKind:
    return "violation" if value == "violation" else "needs_review"


def viewport_issue(content: str | None, axe_rules: Iterable[str]) -> Issue | None:
    """A violation of 1.4.4 Resize Text when the viewport meta stops zooming in a way axe's ``meta-viewport``
    did not report (``user-scalable=false``, ``maximum-scale=yes``...; see :func:`parse_viewport`)."""
    viewport = parse_viewport(content)
    if not viewport["zoom_disabled"] or "meta-viewport" in set(axe_rules):
        return None
    return Issue(
        rule=VIEWPORT_ZOOM_RULE, impact="critical", kind="violation",
        help=f"Zooming must not be disabled: the viewport meta ({content[:200] if content else ''}) stops zoom",
        help_url="https://www.w3.org/WAI/WCAG22/Understanding/resize-text.html", wcag=("1.4.4",),
        targets=('meta[name="viewport"]',), html=(f'<meta name="viewport" content="{content}">',),
        tags=("govcx", "wcag2aa", "wcag144"),
    )


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


NUMBER_PREFIX = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)")


def _viewport_number(value: str) -> float:
    """A viewport value as Chromium reads it: ``yes`` = 1, ``no`` = 0, ``device-width``/``device-height`` = 10,
    else the leading number, and 0 when there is none (so ``maximum-scale=yes`` is 1 and ``=no`` is 0)."""
    words = {"yes": 1.0, "no": 0.0, "device-width": 10.0, "device-height": 10.0}
    if value in words:
        return words[value]
    match = NUMBER_PREFIX.match(value)
    return float(match.group(0)) if match else 0.0


def parse_viewport(content: str | None) -> dict[str, Any]:
    """The viewport meta's ``content`` read as Chromium reads it: present, width, scales, and whether it limits
    zoom (WCAG 1.4.4 Resize Text) — ``user-scalable`` whose value is below 1 (``no``, ``0``, and values
    browsers do not know, such as ``false``, which Chromium reads as 0), or ``maximum-scale`` below 2 (the
    same bound as axe's ``meta-viewport`` rule; ``yes`` reads as 1, ``no`` and unknown words as 0).
    ``invalid`` lists the values that are not a known word or a number."""
    if content is None:
        return {"present": False, "content": None, "width": None, "user_scalable": True, "maximum_scale": None,
                "initial_scale": None, "minimum_scale": None, "zoom_disabled": False, "invalid": []}
    values: dict[str, str] = {}
    for item in re.split(r"[,;]", content):
        key, _, value = item.partition("=")
        if key.strip():
            values[key.strip().lower()] = value.strip().lower()
    known = {"yes", "no", "device-width", "device-height"}
    invalid = [f"{key}={value}" for key, value in values.items()
               if key in ("user-scalable", "maximum-scale", "minimum-scale", "initial-scale")
               and value not in known and not NUMBER_PREFIX.fullmatch(value)]
    scalable = values.get("user-scalable")
    user_scalable = scalable is None or abs(_viewport_number(scalable)) >= 1
    scales = {key: _viewport_number(values[key]) if key in values else None
              for key in ("maximum-scale", "initial-scale", "minimum-scale")}
    maximum_scale = scales["maximum-scale"]
    return {
        "present": True, "content": content, "width": values.get("width"), "user_scalable": user_scalable,
        "maximum_scale": maximum_scale, "initial_scale": scales["initial-scale"],
        "minimum_scale": scales["minimum-scale"],
        "zoom_disabled": (not user_scalable) or (maximum_scale is not None and maximum_scale < MIN_MAXIMUM_SCALE),
        "invalid": invalid,
    }


def same_layout_on_phone(probe: dict[str, Any] | None) -> bool:
    """Whether a page lays out the same in a desktop page at the phone's width as on a phone: its viewport meta
    says ``width=device-width`` at scale 1 (or no initial scale) and no style sheet asks about the pointer or
    hover (``PHONE_LAYOUT_JS``); a page without a viewport meta is laid out 980 px wide on a phone."""
    if not probe or probe.get("inputQueries"):
        return False
    viewport = parse_viewport(probe.get("viewport"))
    return (viewport["present"] and viewport["width"] == "device-width"
            and viewport["initial_scale"] in (None, 1.0) and viewport["minimum_scale"] in (None, 1.0))


def refresh_delay(content: str | None) -> float | None:
    """Seconds before a ``<meta http-equiv=refresh content="5; url=...">`` navigates, or ``None`` when it does
    not name another address (a refresh of the page itself is not a redirect)."""
    if not content:
        return None
    delay, _, rest = content.partition(";") if ";" in content else content.partition(",")
    if not re.search(r"url\s*=\s*\S", rest, re.IGNORECASE):
        return None
    try:
        return max(float(delay.strip() or 0), 0.0)
    except ValueError:
        return None


def mobile_summary(data: dict[str, Any], viewport_size: tuple[int, int], emulation: str) -> dict[str, Any]:
    """Phone-sized figures: sideways scrolling, the viewport meta, and tap targets under 24×24 CSS px
    (WCAG 2.5.8; links inside sentences are exempt).

    A page laid out for phones (``width=device-width``) scrolls sideways (WCAG 1.4.10 Reflow) when its content
    is wider than the phone (``scrollWidth`` over the phone's width in CSS px; a phone would widen its layout
    viewport and zoom out, so ``innerWidth`` is no measure). A page that is not laid out for phones (no viewport
    meta, or a fixed width) is shown zoomed out to its layout width (980 px without a meta): it scrolls
    sideways only when its content is wider still; ``laid_out_for_phone`` is false and says what is wrong.
    """
    viewport = parse_viewport(data.get("viewport"))
    small = list(data.get("small", []))
    scroll_width = int(data.get("scrollWidth", 0))
    phone_width = max(viewport_size[0], 1)
    for_phone = bool(viewport["present"] and viewport["width"] == "device-width")
    layout_width = phone_width if for_phone else max(int(data.get("innerWidth", 0)), phone_width)
    return {
        "emulation": emulation,
        "viewport_size": list(viewport_size),
        "horizontal_scroll": scroll_width > layout_width,
        "scroll_width": scroll_width,
        "laid_out_for_phone": for_phone,
        "viewport_meta": viewport["present"],
        "viewport": viewport,
        "zoom_disabled": viewport["zoom_disabled"],
        "tap_targets": int(data.get("targets", 0)),
        "small_tap_targets": int(data.get("smallCount", len(small))),
        "small_tap_target_examples": small[:SMALL_LISTED],
    }
