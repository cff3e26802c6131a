"""How much of the standard an assessment's score speaks for, for every page that shows a score or a grade."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def assessment_figures(assessment: Any) -> dict[str, Any]:
    """{score, grade, withheld, indicative, assessed, applicable, unknown, coverage, needed} of an assessment:
    the grade only when the coverage allows it (standards.scoring.MIN_COVERAGE_FOR_GRADE), the one it would
    earn on what is known otherwise. Assessments saved before coverage was recorded get it from their counts."""
    result = assessment.result or {}
    counts = result.get("counts", {})
    applicable = counts.get("applicable", 0)
    assessed = counts.get("met", 0) + counts.get("not_met", 0)
    coverage = result.get("coverage", assessed / applicable if applicable else None)
    grade = assessment.grade or ""
    indicative = result.get("indicative_grade") or ""
    if grade and coverage is not None and coverage < settings.MIN_COVERAGE_FOR_GRADE:
        indicative, grade = grade, ""  # saved before grades were withheld
    return {
        "score": assessment.score, "grade": grade, "withheld": not grade and bool(indicative),
        "indicative": indicative, "assessed": assessed, "applicable": applicable,
        "unknown": counts.get("unknown", 0), "coverage": coverage, "needed": settings.MIN_COVERAGE_FOR_GRADE,
    }


@register.filter
def share(value: float | None) -> str:
    """0.25 → "25 %"; "—" for no figure."""
    return "—" if value is None else f"{value * 100:.0f} %"
