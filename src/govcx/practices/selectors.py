"""Reads of the self-assessments: lists and one assessment through the user's scope, the levels per function (self,
reviewer, accepted), the contradiction flags and the scores the maturity index reads (`practice_scores`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.practices import evidence
from govcx.practices.contradictions import EvidenceKey, Flag, contradictions, evidence_needed, mean_level
from govcx.practices.models import PracticeAnswer, ReviewerScore, SelfAssessment, Status
from govcx.practices.questionnaire import Questionnaire, parse_quarter, questionnaire_for


def self_assessment_list(*, user: Any, period: str | None = None,
                         action: Action = Action.VIEW) -> QuerySet[SelfAssessment]:
    found = SelfAssessment.objects.for_user(user, action).select_related("organisation")
    return found.filter(period=period) if period else found


def access_self_assessment(user: Any, self_assessment_id: Any, action: Action = Action.VIEW) -> SelfAssessment:
    return access(SelfAssessment.objects.select_related("organisation"), user, self_assessment_id, action,
                  what="self-assessment")


def periods(*, user: Any) -> list[str]:
    """The quarters the user's assessments are for, newest first."""
    return sorted(set(self_assessment_list(user=user).values_list("period", flat=True)), reverse=True)


def self_levels(assessment: SelfAssessment) -> dict[str, int]:
    return dict(PracticeAnswer.objects.filter(assessment=assessment).values_list("function", "level"))


def reviewer_levels(assessment: SelfAssessment) -> dict[str, int]:
    return dict(ReviewerScore.objects.filter(assessment=assessment).values_list("function", "level"))


def accepted_levels(self_scores: dict[str, int], reviewer_scores: dict[str, int]) -> dict[str, int]:
    """The reviewer's level where given, else the self-score accepted at review."""
    return {**self_scores, **reviewer_scores}


def assessment_evidence(assessment: SelfAssessment, questionnaire: Questionnaire) -> dict[EvidenceKey, float | None]:
    return evidence.gather(assessment.organisation_id, parse_quarter(assessment.period),
                           evidence_needed(questionnaire))


def assessment_flags(assessment: SelfAssessment) -> list[Flag]:
    """The contradictions: as the reviewer saw them once reviewed, from today's evidence before."""
    if assessment.status == Status.REVIEWED:
        return [Flag.from_dict(f) for f in assessment.flags_at_review]
    questionnaire = questionnaire_for(assessment.questionnaire)
    return contradictions(questionnaire, self_levels(assessment), assessment_evidence(assessment, questionnaire))


@dataclass(frozen=True)
class FunctionRow:
    code: str
    name: str
    self_level: int | None
    reviewer_level: int | None
    reviewer_reason: str
    justification: str
    evidence_links: list[str]
    flags: list[Flag]


def function_rows(assessment: SelfAssessment, *, language: str, flags: list[Flag]) -> list[FunctionRow]:
    questionnaire = questionnaire_for(assessment.questionnaire)
    answers = {a.function: a for a in PracticeAnswer.objects.filter(assessment=assessment)}
    reviews = {r.function: r for r in ReviewerScore.objects.filter(assessment=assessment)}
    by_function: dict[str, list[Flag]] = defaultdict(list)
    for flag in flags:
        by_function[flag.function].append(flag)
    rows = []
    for function in questionnaire.functions:
        answer, review = answers.get(function.code), reviews.get(function.code)
        rows.append(FunctionRow(
            code=function.code, name=function.name.in_language(language),
            self_level=answer.level if answer else None, reviewer_level=review.level if review else None,
            reviewer_reason=review.reason if review else "", justification=answer.justification if answer else "",
            evidence_links=list(answer.evidence_links) if answer else [], flags=by_function[function.code]))
    return rows


def _levels_by_assessment(ids: list[int],
                          model: type[PracticeAnswer] | type[ReviewerScore]) -> dict[int, dict[str, int]]:
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for assessment_id, function, level in model.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "function", "level"):
        found[assessment_id][function] = level
    return found


def mean_levels(assessments: list[SelfAssessment]) -> dict[int, float | None]:
    """Assessment id → mean accepted level (the self-scores until reviewed); None while a function has no level.
    Two queries for the whole list."""
    ids = [a.pk for a in assessments]
    answers = _levels_by_assessment(ids, PracticeAnswer)
    reviews = _levels_by_assessment([a.pk for a in assessments if a.status == Status.REVIEWED], ReviewerScore)
    return {a.pk: mean_level(accepted_levels(answers[a.pk], reviews[a.pk]),
                             questionnaire_for(a.questionnaire).function_codes) for a in assessments}


def practice_scores(*, period: str) -> dict[int, float]:
    """Organisation id → mean reviewed level over the questionnaire's functions (the reviewer's level where given,
    else the self-score accepted at review), for the REVIEWED assessments of the quarter only.

    Read by the maturity index (its management-practices dimension); not scoped: the index is computed for all."""
    quarter = str(parse_quarter(period))
    reviewed = list(SelfAssessment.objects.filter(period=quarter, status=Status.REVIEWED))
    means = mean_levels(reviewed)
    return {a.organisation_id: mean for a in reviewed if (mean := means[a.pk]) is not None}
