"""Figures of an audit run and the comparison of two runs. Plain Python, no Django."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from statistics import fmean
from typing import Any


def page_dict(result: Any) -> dict[str, Any]:
    """An engine PageResult as plain JSON-able data, without screenshot bytes."""
    data = asdict(result)
    for issue in data["issues"]:
        issue.pop("screenshot_png", None)
        issue.pop("screenshots", None)
        for key in ("wcag", "targets", "html", "tags"):
            if key in issue:
                issue[key] = list(issue[key])
    return data


IMPACTS = ("critical", "serious", "moderate", "minor")
IMPACT_RANK = {impact: rank for rank, impact in enumerate(IMPACTS)}


def at_least(impact: str | None, threshold: str) -> bool:
    """Is `impact` as bad as `threshold` or worse (critical > serious > moderate > minor)?"""
    return impact in IMPACT_RANK and IMPACT_RANK[impact] <= IMPACT_RANK[threshold]


VIOLATIONS_COUNTED = "elements"  # what every violation count of govcx counts: each rule × element × page once


def violation_elements(issue: dict[str, Any]) -> int:
    """The elements a violation counts for (a rule without a located element counts once)."""
    return max(1, len(issue.get("targets") or []))


def summarise(pages: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts over all pages of a run: violations by impact and in total, counted in elements (each rule ×
    element × page once, :data:`VIOLATIONS_COUNTED`), "needs review" items (rule × page), pages that failed,
    mean reading ease, form fields asking for data the state holds, mobile problems and page weight."""
    violations: Counter[str] = Counter()
    needs_review = manual = 0
    ease, held, unlabelled, horizontal, small_targets, weight = [], 0, 0, 0, 0, []
    not_for_phone = 0
    for page in pages:
        for issue in page.get("issues", []):
            if issue["kind"] == "violation":
                violations[issue.get("impact") or "minor"] += violation_elements(issue)
            elif issue["kind"] == "needs_review":
                needs_review += 1
            else:
                manual += 1
        language = page.get("language") or {}
        if language.get("reading_ease") is not None:
            ease.append(language["reading_ease"])
        forms = page.get("forms") or {}
        held += len(forms.get("registry_held_fields", []))
        unlabelled += forms.get("unlabelled", 0)
        mobile = page.get("mobile") or {}
        horizontal += bool(mobile.get("horizontal_scroll"))
        not_for_phone += mobile.get("laid_out_for_phone") is False
        small_targets += mobile.get("small_tap_targets", 0)
        if (page.get("weight") or {}).get("bytes") is not None:
            weight.append(page["weight"]["bytes"])
    return {
        "pages": len(pages),
        "pages_failed": sum(not p.get("ok") for p in pages),
        "violations": {impact: violations.get(impact, 0) for impact in IMPACTS},
        "violations_total": sum(violations.values()),
        "violations_counted": VIOLATIONS_COUNTED,
        "needs_review": needs_review,
        "manual": manual,
        "reading_ease": round(fmean(ease), 1) if ease else None,
        "registry_held_fields": held,
        "unlabelled_fields": unlabelled,
        "pages_scrolling_sideways": horizontal,
        "pages_not_laid_out_for_phones": not_for_phone,
        "small_tap_targets": small_targets,
        "bytes": sum(weight),
    }


Key = tuple[str, str, str]  # page URL, rule, element selector


@dataclass(frozen=True)
class RunComparison:
    new: list[Key]
    fixed: list[Key]
    remaining: list[Key]


def violation_keys(pages: list[dict[str, Any]]) -> set[Key]:
    keys = set()
    for page in pages:
        for issue in page.get("issues", []):
            if issue["kind"] == "violation":
                for target in issue.get("targets") or [""]:
                    keys.add((page["url"], issue["rule"], target))
    return keys


def compare_runs(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> RunComparison:
    """Violations that appeared, disappeared and stayed, by page, rule and element."""
    old, new = violation_keys(before), violation_keys(after)
    return RunComparison(new=sorted(new - old), fixed=sorted(old - new), remaining=sorted(old & new))
