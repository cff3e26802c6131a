"""The engine's rules without a browser: parsers of in-page data, URL rules, options, and no Django inside."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from govcx.audit.engine import WCAG22_MANUAL, AuditOptions, normalize_url
from govcx.audit.engine.browser import origin
from govcx.audit.engine.page_checks import (
    forms_summary,
    issues_from_axe,
    language_summary,
    manual_issues,
    mobile_summary,
    parse_viewport,
    registry_match,
    target_text,
    wcag_criteria,
)

SRC = Path(__file__).resolve().parents[2] / "src" / "govcx" / "audit"


def test_engine_and_language_import_no_django():
    """Read with ast (every import statement, at any depth) and proved by importing in a fresh interpreter."""
    files = [SRC / "language.py", *sorted((SRC / "engine").glob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(("django", "ninja")), f"{path.name} imports {name}"
    code = ("import sys, govcx.audit.engine, govcx.audit.language; "
            "print(sorted(m for m in sys.modules if m == 'django' or m.startswith(('django.', 'ninja'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_wcag_criteria_from_axe_tags():
    assert wcag_criteria(["cat.color", "wcag2aa", "wcag143", "wcag21aa", "wcag2411", "wcag1410", "EN-301-549"]) == (
        "1.4.3", "2.4.11", "1.4.10")
    assert wcag_criteria(["best-practice"]) == ()


def test_targets_join_frames_and_shadow_roots():
    assert target_text(["#main"]) == "#main"
    assert target_text(["iframe#booking", "#email"]) == "iframe#booking >>> #email"
    assert target_text([["#host", "button"]]) == "#host >> button"


def test_axe_results_map_to_issues():
    axe = {
        "violations": [{"id": "image-alt", "impact": "critical", "help": "Images must have alternate text",
                        "helpUrl": "https://dequeuniversity.com/rules/axe/4.12/image-alt",
                        "tags": ["cat.text-alternatives", "wcag2a", "wcag111"],
                        "nodes": [{"target": ["img"], "html": "<img src=a.png>"},
                                  {"target": ["#logo"], "html": "<img id=logo>"}]}],
        "incomplete": [{"id": "color-contrast", "impact": "serious", "help": "Contrast", "helpUrl": "u",
                        "tags": ["wcag2aa", "wcag143"], "nodes": [{"target": ["p"], "html": "<p>"}]}],
    }
    png = b"\x89PNG\r\n\x1a\n"
    violation, review = issues_from_axe(axe, {"image-alt": (png,)})
    assert (violation.rule, violation.kind, violation.impact, violation.wcag) == (
        "image-alt", "violation", "critical", ("1.1.1",))
    assert violation.targets == ("img", "#logo") and violation.screenshot_png == png
    assert (review.rule, review.kind, review.wcag, review.screenshot_png) == (
        "color-contrast", "needs_review", ("1.4.3",), None)


def test_manual_items_are_the_wcag22_criteria_axe_cannot_check():
    criteria = [criterion for criterion, _ in WCAG22_MANUAL]
    assert criteria == ["2.4.11", "2.5.7", "3.2.6", "3.3.7", "3.3.8"]
    assert "2.5.8" not in criteria  # Target Size (Minimum): axe rule target-size
    issues = manual_issues()
    assert [i.wcag for i in issues] == [(c,) for c in criteria]
    assert all(i.kind == "manual" and i.impact is None and "manual review" in i.help for i in issues)
    assert all(i.help_url.startswith("https://www.w3.org/WAI/WCAG22/Understanding/") for i in issues)


@pytest.mark.parametrize(
    ("content", "zoom_disabled"),
    [
        ("width=device-width, initial-scale=1", False),
        ("width=device-width, user-scalable=no", True),
        ("width=device-width, user-scalable=0", True),
        ("width=device-width, maximum-scale=1.0", True),
        ("width=device-width, maximum-scale=2", False),
        ("width=device-width, maximum-scale=5, user-scalable=yes", False),
        # values Chromium does not know read as 0 (zoom off), "yes" as 1: axe's meta-viewport misses these
        ("width=device-width, user-scalable=false", True),
        ("width=device-width, maximum-scale=yes", True),
        ("width=device-width, maximum-scale=no", True),
        ("width=device-width; user-scalable=0.5", True),
        ("width=device-width, user-scalable=1", False),
        ("width=device-width, maximum-scale=3.0x", False),
    ],
)
def test_viewport_zoom_rules(content, zoom_disabled):
    parsed = parse_viewport(content)
    assert parsed["present"] and parsed["zoom_disabled"] is zoom_disabled


def test_mobile_summary_uses_the_phone_width():
    # A phone widens its layout viewport for wide content, so innerWidth grows with the page.
    data = {"scrollWidth": 1200, "innerWidth": 1200, "viewport": "width=device-width", "targets": 4,
            "small": [{"selector": "#a", "width": 16, "height": 16}]}
    summary = mobile_summary(data, (390, 844), "device")
    assert summary["horizontal_scroll"] is True and summary["laid_out_for_phone"] is True
    assert summary["small_tap_targets"] == 1 and summary["tap_targets"] == 4
    assert mobile_summary({"scrollWidth": 390, "innerWidth": 390, "viewport": "width=device-width"},
                          (390, 844), "device")["horizontal_scroll"] is False


def test_a_page_not_laid_out_for_phones_scrolls_sideways_only_beyond_its_layout_width():
    # Without a viewport meta a phone lays the page out 980 px wide and shows it zoomed out: no sideways
    # scrolling, but not laid out for phones either.
    zoomed_out = mobile_summary({"scrollWidth": 980, "innerWidth": 980, "viewport": None}, (390, 844), "device")
    assert zoomed_out["horizontal_scroll"] is False and zoomed_out["laid_out_for_phone"] is False
    wider = mobile_summary({"scrollWidth": 1400, "innerWidth": 980, "viewport": None}, (390, 844), "device")
    assert wider["horizontal_scroll"] is True


def test_registry_match_both_ways_case_insensitive():
    held = ("СНИЛС", "Passport number", "Свидетельство о рождении")
    assert registry_match(["Номер снилс"], held) == "СНИЛС"
    assert registry_match(["passport"], held) == "Passport number"  # field name inside a registry name
    assert registry_match(["Свидетельство о рождении ребёнка"], held) == "Свидетельство о рождении"
    assert registry_match(["Телефон", "phone"], held) is None
    assert registry_match(["n", "no"], held) is None  # too short to match inside a name


def test_forms_summary_counts():
    top = {"forms": 1, "fields": [
        {"tag": "input", "type": "text", "name": "snils", "id": "snils", "labels": ["СНИЛС"], "required": True,
         "selector": "#snils"},
        {"tag": "input", "type": "file", "name": "scan", "id": "scan", "labels": [], "ariaLabel": "Скан",
         "selector": "#scan"},
        {"tag": "input", "type": "tel", "name": "phone", "labels": [], "placeholder": "Телефон",
         "selector": "#phone"},
    ]}
    frame = {"forms": 1, "fields": [{"tag": "input", "type": "email", "name": "email", "labels": [],
                                     "selector": "#email"}]}
    summary = forms_summary([("", top), ("#booking", frame)], ("СНИЛС",))
    assert (summary["forms"], summary["fields"], summary["required"], summary["file_uploads"]) == (2, 4, 1, 1)
    assert summary["unlabelled_fields"] == ["#phone", "#booking >>> #email"]  # a placeholder is not a label
    assert summary["registry_held"] == 1
    assert summary["registry_held_fields"] == [{"selector": "#snils", "label": "СНИЛС", "matches": "СНИЛС"}]


def test_language_summary_compares_detected_and_declared():
    text = "Подать заявление можно на портале. Ответ придёт через пять дней."
    summary = language_summary(text, "en-GB")
    assert (summary["detected"], summary["declared"], summary["lang_matches"]) == ("ru", "en", False)
    assert summary["reading_ease"] == pytest.approx(74.125)  # see test_language.py for the hand count
    assert language_summary(text, "ru-RU")["lang_matches"] is True
    assert language_summary("Short", "")["readability"] is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://Example.org:80/a.html#top", "http://example.org/a.html"),
        ("https://example.org", "https://example.org/"),
        ("http://127.0.0.1:8000/p?x=1#f", "http://127.0.0.1:8000/p?x=1"),
        ("mailto:help@example.org", None),
        ("javascript:void(0)", None),
        ("tel:+78001000000", None),
        ("http://example.org/form.pdf", None),
    ],
)
def test_normalize_url(url, expected):
    assert normalize_url(url) == expected


def test_origins():
    assert origin("http://example.org/a") == origin("http://EXAMPLE.org:80/b")
    assert origin("http://127.0.0.1:8000/") != origin("http://localhost:8000/")
    assert origin("https://example.org/") != origin("http://example.org/")


def test_options_validate_and_best_practice_tag():
    assert "best-practice" not in AuditOptions().axe_tags
    assert AuditOptions(include_best_practice=True).axe_tags[-1] == "best-practice"
    assert AuditOptions(timeout_ms=1000).budget_ms == 3000
    with pytest.raises(ValueError):
        AuditOptions(parallel=0)


def test_a_capture_region_in_view_and_in_whole_pixels():
    from govcx.audit.engine.runner import in_view, whole_pixels

    view = {"x": 0, "y": 300, "width": 1280, "height": 900}  # scrolled down 300 px
    assert in_view({"x": 10, "y": 350, "width": 100, "height": 50}, view) == {"x": 10, "y": 50, "width": 100,
                                                                              "height": 50}
    assert in_view({"x": 10, "y": 250, "width": 100, "height": 100}, view) is None  # starts above the view
    assert in_view({"x": 10, "y": 1150, "width": 100, "height": 51}, view) is None  # ends below it (1200)
    assert in_view({"x": 1200, "y": 400, "width": 81, "height": 10}, view) is None  # past its right edge
    assert in_view({"x": 10, "y": 350, "width": 100, "height": 50}, None) is None
    assert whole_pixels({"x": 10.5, "y": 3.2, "width": 5.1, "height": 2}) == {"x": 10, "y": 3, "width": 6, "height": 3}
