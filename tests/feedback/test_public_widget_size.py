"""The embeddable widget stays small and safe to embed under a strict Content-Security-Policy."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import govcx
from govcx.feedback import survey_schema

STATIC = Path(govcx.__file__).parent / "static" / "govcx"
WIDGET_JS = STATIC / "feedback-widget.js"
WIDGET_CSS = STATIC / "feedback-widget.css"
GZIP_BUDGET_BYTES = 15 * 1024


def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def test_widget_script_and_stylesheet_together_are_under_15_kb_gzipped():
    total = gzipped_size(WIDGET_JS) + gzipped_size(WIDGET_CSS)
    assert total < GZIP_BUDGET_BYTES, f"the widget is {total} bytes gzipped; the budget is {GZIP_BUDGET_BYTES}"


def test_widget_uses_nothing_a_strict_content_security_policy_blocks():
    source = WIDGET_JS.read_text(encoding="utf-8")
    forbidden = {
        "eval": r"\beval\s*\(",
        "new Function": r"new\s+Function\b",
        "string timers": r"set(Timeout|Interval)\(\s*['\"]",
        "markup from strings": r"\.(innerHTML|outerHTML)\b|insertAdjacentHTML|document\.write",
        "inline style attributes": r"setAttribute\(\s*['\"]style|\.style\b|\bstyle:",
    }
    found = [name for name, pattern in forbidden.items() if re.search(pattern, source)]
    assert not found, f"the widget uses {found}"


def test_widget_mirrors_the_channels_the_schema_accepts():
    source = WIDGET_JS.read_text(encoding="utf-8")
    listed = re.search(r"var CHANNELS = \[([^\]]*)\]", source)
    assert listed, "the widget no longer lists the channels a hidden channel field accepts"
    assert tuple(re.findall(r'"([a-z]+)"', listed.group(1))) == survey_schema.CHANNELS
