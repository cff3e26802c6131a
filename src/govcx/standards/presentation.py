"""Shapes an assessment for pages and reports: the requirement tree with outcomes, rating choices."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from govcx.standards import scoring
from govcx.standards.models import Assessment, RequirementOutcome
from govcx.standards.schema import Group, Requirement, ScoringScheme

RATING_CHOICES: dict[ScoringScheme, list[str]] = {
    ScoringScheme.MET_NOT_MET: ["met", "not_met"],
    ScoringScheme.RED_AMBER_GREEN: ["red", "amber", "green"],
    ScoringScheme.ZERO_FIFTY_HUNDRED: ["0", "50", "100"],
    ScoringScheme.ONE_TO_FIVE: ["1", "2", "3", "4", "5"],
    ScoringScheme.WEIGHTED_PERCENTAGE: [],  # free number 0–100
}


@dataclass
class Row:
    depth: int
    group: Group | None
    requirement: Requirement | None
    outcome: RequirementOutcome | None
    score: float | None


def requirement_rows(assessment: Assessment) -> list[Row]:
    """Groups and applicable requirements in document order, each requirement with its recorded outcome."""
    pack = assessment.pack.parsed
    outcomes = {o.requirement_id: o for o in assessment.outcomes.select_related("recorded_by")}  # rows name who
    scores = {n["id"]: n for n in assessment.result.get("nodes", [])}
    categories = {c.code for c in assessment.service.client_categories.all()}
    applicable = {
        r.id for r in scoring.applicable_requirements(pack, stage=assessment.stage, client_categories=categories)
    }
    rows: list[Row] = []

    def walk(groups: list[Group], depth: int) -> None:
        for group in groups:
            if group.id not in scores:
                continue
            rows.append(Row(depth, group, None, None, scores[group.id]["score"]))
            walk(group.groups, depth + 1)
            for requirement in group.requirements:
                if requirement.id in applicable:
                    node = scores.get(requirement.id, {})
                    rows.append(Row(depth + 1, None, requirement, outcomes.get(requirement.id), node.get("score")))

    walk(pack.groups, 0)
    return rows


def group_scores(assessment: Assessment) -> list[dict[str, Any]]:
    """Top-level group scores with titles in the active language, for the chart."""
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    titles = {g.id: getattr(g.title, lang, None) or g.title.en for g in assessment.pack.parsed.groups}
    return [
        {"id": n["id"], "title": titles.get(n["id"], n["title_en"]), "score": n["score"]}
        for n in assessment.result.get("nodes", [])
        if n["kind"] == "group" and n["depth"] == 0
    ]


def requirement_titles(assessment: Assessment) -> dict[str, str]:
    """Requirement id → title in the active language."""
    from django.utils.translation import get_language

    lang = (get_language() or "en")[:2]
    return {r.id: getattr(r.title, lang, None) or r.title.en for r in assessment.pack.parsed.requirements()}


def localized_changes(assessment: Assessment, comparison: scoring.Comparison | None) -> list[dict[str, Any]]:
    """The requirements whose score changed since the previous assessment, titles in the active language."""
    if comparison is None:
        return []
    titles = requirement_titles(assessment)
    return [
        {**asdict(c), "title": titles.get(c.requirement_id, c.title_en)}
        for c in comparison.changes
        if c.direction != "unchanged"
    ]


def localized_gaps(assessment: Assessment, kind: str) -> list[dict[str, Any]]:
    """The blocking or non-blocking gaps with the requirement's title in the active language."""
    titles = requirement_titles(assessment)
    return [
        {**gap, "title": titles.get(gap["requirement_id"], gap["title_en"])}
        for gap in assessment.result.get(kind, [])
    ]
