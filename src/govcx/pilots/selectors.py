"""Reads of pilots: programmes in the reader's scope, criteria with their version history, the latest analysis."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.pilots.models import EffectivenessCriterion, PilotAnalysis, PilotParticipant, PilotProgramme, PilotResult


def programme_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[PilotProgramme]:
    return PilotProgramme.objects.for_user(user, action).select_related("owner")


def access_programme(user: Any, programme_id: Any, action: Action = Action.VIEW) -> PilotProgramme:
    return access(PilotProgramme.objects.select_related("owner"), user, programme_id, action, what="programme")


def access_criterion(user: Any, criterion_id: Any, action: Action = Action.VIEW) -> EffectivenessCriterion:
    return access(EffectivenessCriterion.objects.select_related("programme"), user, criterion_id, action,
                  what="criterion")


def access_analysis(user: Any, analysis_id: Any, action: Action = Action.VIEW) -> PilotAnalysis:
    return access(PilotAnalysis.objects.select_related("programme"), user, analysis_id, action, what="analysis")


def participants(programme: PilotProgramme) -> QuerySet[PilotParticipant]:
    return programme.participants.select_related("organisation").order_by("role", "organisation__code")


def criteria_history(programme: PilotProgramme) -> list[list[EffectivenessCriterion]]:
    """Each criterion's versions, oldest first; criteria in key order."""
    by_key: dict[str, list[EffectivenessCriterion]] = defaultdict(list)
    for criterion in programme.criteria.order_by("key", "version"):
        by_key[criterion.key].append(criterion)
    return list(by_key.values())


def latest_analysis(programme: PilotProgramme) -> PilotAnalysis | None:
    found: PilotAnalysis | None = programme.analyses.order_by("-created_at", "-id").first()
    return found


def results(analysis: PilotAnalysis) -> QuerySet[PilotResult]:
    return analysis.results.select_related("criterion").order_by("criterion__tool", "criterion__key")
