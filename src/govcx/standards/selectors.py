"""Reads of packs and assessments, through the user's scope."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import access, can
from govcx.errors import Invalid, NotFound
from govcx.registry.models import Service
from govcx.standards import scoring
from govcx.standards.checks import DocumentFact, ServiceFacts, StepFact
from govcx.standards.loader import grade_scales
from govcx.standards.models import Adjustment, Assessment, RequirementOutcome, StandardPack
from govcx.standards.scoring import OutcomeStatus


def assessment_list(*, user: Any) -> QuerySet[Assessment]:
    return (
        Assessment.objects.for_user(user)
        .select_related("service", "service__owner", "pack")
        .defer("pack__content")  # parsed packs are cached by version; see StandardPack.parsed
    )


def latest_assessments(*, user: Any) -> QuerySet[Assessment]:
    """The most recent assessment of each service the user can see (any pack)."""
    newest = (
        Assessment.objects.filter(service_id=OuterRef("service_id")).order_by("-created_at", "-id").values("id")[:1]
    )
    return assessment_list(user=user).filter(id=Subquery(newest))


def access_assessment(user: Any, assessment_id: Any, action: Action = Action.VIEW) -> Assessment:
    return access(assessment_list(user=user), user, assessment_id, action, what="assessment")


def access_adjustment(user: Any, adjustment_id: Any, action: Action = Action.VIEW) -> Adjustment:
    queryset = Adjustment.objects.select_related("assessment", "assessment__service")
    return access(queryset, user, adjustment_id, action, what="adjustment")


def adjustment_owner_candidates(*, organisation_id: int) -> QuerySet[User]:
    """The people who may own an adjustment of a service: the active staff of the service's own authority."""
    return User.objects.filter(organisation_id=organisation_id, is_active=True).order_by(
        "last_name", "first_name", "username")


def adjustment_owner(*, assessment: Assessment, owner_id: int | None, owner_name: str = "") -> User:
    """The owner an API client named, by id or by the person's exact name or login, among the service's people."""
    people = adjustment_owner_candidates(organisation_id=assessment.service.owner_id)
    if owner_id is not None:
        found = list(people.filter(pk=owner_id))
    else:
        wanted = owner_name.strip().casefold()
        found = [p for p in people if wanted and wanted in {p.person_name().casefold(), p.username.casefold()}]
    if len(found) != 1:
        raise Invalid(
            "the owner must be one person of the service's authority",
            details=[{"field": "owner_id" if owner_id is not None else "owner",
                      "message": "not one of the active people of the service's authority"
                      if not found else "more than one person has this name; give owner_id"}],
        )
    return found[0]


def pack_list() -> QuerySet[StandardPack]:
    return StandardPack.objects.all()


def access_pack(user: Any, pack_pk: Any) -> StandardPack:
    """Packs are public reference material for every signed-in user."""
    if not can(user, Action.VIEW):
        raise NotFound(f"pack {pack_pk} not found")
    try:
        return StandardPack.objects.get(pk=pack_pk)
    except (StandardPack.DoesNotExist, ValueError):
        raise NotFound(f"pack {pack_pk} not found") from None


def service_facts(service: Service) -> ServiceFacts:
    """The plain snapshot the standards' checks read."""
    return ServiceFacts(
        id=service.pk,
        code=service.code,
        stage=service.stage,
        channels=tuple(service.channels),
        client_categories=tuple(c.code for c in service.client_categories.all()),
        deadline_days=service.deadline_days,
        deadline_kind=service.deadline_kind,
        fee=service.fee,
        legal_basis=service.legal_basis,
        page_urls=tuple(service.page_urls),
        feedback_url=service.feedback_url,
        documents=tuple(
            DocumentFact(d.name, d.held_in_registry, d.registry_name) for d in service.documents.all()
        ),
        steps=tuple(StepFact(s.title, s.requires_visit) for s in service.steps.all()),
        passport_url=reverse("registry:service_detail", args=[service.pk]),
    )


def _outcome_value(record: RequirementOutcome) -> scoring.Outcome:
    if record.in_conflict:  # neither the judgement nor the check is known to be right until an assessor decides
        return scoring.Outcome(record.requirement_id, OutcomeStatus.UNKNOWN)
    return scoring.Outcome(record.requirement_id, OutcomeStatus(record.status), record.rating)


def assessment_result(assessment: Assessment) -> scoring.AssessmentResult:
    pack = assessment.pack.parsed
    outcomes = {o.requirement_id: _outcome_value(o) for o in assessment.outcomes.all()}
    categories = {c.code for c in assessment.service.client_categories.all()}
    return scoring.evaluate(
        pack, outcomes, stage=assessment.stage, client_categories=categories, scale=grade_scales()[pack.grade_scale],
        min_coverage=settings.MIN_COVERAGE_FOR_GRADE,
    )


def assessment_comparison(assessment: Assessment) -> scoring.Comparison | None:
    if assessment.previous is None:
        return None
    return scoring.compare(assessment_result(assessment.previous), assessment_result(assessment))
