"""Use cases of the standards app: load packs, run assessments, record outcomes and adjustments.

The only writers of StandardPack, Assessment, RequirementOutcome and Adjustment.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version, expect_version
from govcx.common.stored_files import delete_after_commit
from govcx.common.weburls import check_web_url
from govcx.errors import Conflict, Invalid, NotFound
from govcx.registry.models import Service
from govcx.standards import scoring, selectors
from govcx.standards.checks import CheckContext, run_check
from govcx.standards.loader import LoadedPack
from govcx.standards.models import (
    Adjustment,
    AdjustmentStatus,
    Assessment,
    OutcomeSource,
    RequirementOutcome,
    StandardPack,
)
from govcx.standards.scoring import OutcomeStatus
from govcx.standards.selectors import service_facts

# --- packs -------------------------------------------------------------------------------------------------


@transaction.atomic
def pack_load(*, loaded: LoadedPack, actor: User | None = None) -> tuple[StandardPack, bool]:
    """Store a validated pack version. Loading the same content again is a no-op (returns created=False);
    different content under an existing id and version is refused: publish it as a new version."""
    if actor is not None:
        require(actor, Action.MANAGE_STANDARDS)
    pack = loaded.pack
    existing = StandardPack.objects.select_for_update().filter(pack_id=pack.id, version=pack.version).first()
    if existing:
        if existing.sha256 == loaded.sha256 or existing.content == loaded.content:
            return existing, False
        raise Conflict(
            f"{loaded.file}: pack {pack.id} version {pack.version} is already loaded with different content; "
            "raise the version to publish a change"
        )
    record = StandardPack.objects.create(
        pack_id=pack.id,
        version=pack.version,
        title_en=pack.title.en,
        title_ru=pack.title.ru or "",
        effective_from=pack.effective_from,
        effective_to=pack.effective_to,
        is_model=pack.is_model,
        content=loaded.content,
        sha256=loaded.sha256,
        source_file=loaded.file,
        loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(actor=actor, action="pack.load", obj=record, changes={"sha256": [None, loaded.sha256]})
    return record, True


# --- evaluation -----------------------------------------------------------------------------------------


def _result_json(result: scoring.AssessmentResult) -> dict[str, Any]:
    return {
        "nodes": [asdict(n) for n in result.nodes],
        "blocking": [asdict(g) for g in result.blocking],
        "non_blocking": [asdict(g) for g in result.non_blocking],
        "coverage": result.coverage,
        "indicative_grade": result.indicative_grade,
        "counts": {
            "met": result.met,
            "not_met": result.not_met,
            "unknown": result.unknown,
            "not_applicable": result.not_applicable,
            "applicable": result.applicable,
        },
    }


def _evaluate_and_save(assessment: Assessment) -> Assessment:
    result = selectors.assessment_result(assessment)
    assessment.score = result.score
    assessment.grade = result.grade or ""
    assessment.verdict = result.verdict.value
    assessment.result = _result_json(result)
    assessment.evaluated_at = timezone.now()
    assessment.save(update_fields=["score", "grade", "verdict", "result", "evaluated_at"])
    return assessment


# --- assessments -----------------------------------------------------------------------------------------


def _run_checks(assessment: Assessment, service: Service) -> int:
    """Run every automated check of the applicable requirements. Assessors' outcomes are never overwritten,
    but the checks' conclusion is kept next to them (`check_status`), so that one the checks now contradict
    shows as a conflict instead of silently standing. A requirement with several checks is met only if all
    are met; unknown if any is unknown and none fails."""
    pack = assessment.pack.parsed
    facts = service_facts(service)
    applicable = scoring.applicable_requirements(
        pack, stage=assessment.stage, client_categories=set(facts.client_categories)
    )
    written = 0
    for requirement in applicable:
        if not requirement.checks:
            continue
        results = [
            (spec.check, run_check(spec.check, CheckContext(service=facts, params=spec.params)))
            for spec in requirement.checks
        ]
        statuses = {r.status for _, r in results}
        if OutcomeStatus.NOT_MET in statuses:
            status = OutcomeStatus.NOT_MET
        elif OutcomeStatus.UNKNOWN in statuses:
            status = OutcomeStatus.UNKNOWN
        elif statuses == {OutcomeStatus.NOT_APPLICABLE}:
            status = OutcomeStatus.NOT_APPLICABLE
        else:
            status = OutcomeStatus.MET
        values = {
            "source": OutcomeSource.CHECK,
            "status": status.value,
            "rating": None,
            "measured_value": "; ".join(r.value or "" for _, r in results if r.value),
            "detail": "; ".join(r.detail for _, r in results if r.detail),
            "evidence_url": next((r.evidence_url for _, r in results if r.evidence_url), ""),
            "checks_run": [{"check": name, "status": r.status.value, "value": r.value, "detail": r.detail}
                           for name, r in results],
            "check_status": status.value,
        }
        existing = (
            RequirementOutcome.objects.select_for_update()
            .filter(assessment=assessment, requirement_id=requirement.id)
            .first()
        )
        if existing is None:
            RequirementOutcome.objects.create(assessment=assessment, requirement_id=requirement.id, **values)
        elif existing.source == OutcomeSource.ASSESSOR:
            # The assessor's judgement stands; what the checks now say is kept beside it (a conflict when it
            # contradicts the judgement; see RequirementOutcome.in_conflict).
            seen = {"check_status": values["check_status"], "checks_run": values["checks_run"]}
            if any(getattr(existing, key) != value for key, value in seen.items()):
                RequirementOutcome.objects.filter(pk=existing.pk).update(**seen)
                written += 1
            continue
        elif any(getattr(existing, key) != value for key, value in values.items()):
            # A changed result is a new version, so an assessor holding the old one gets a Conflict.
            bump_version(existing, expected=None, what=f"requirement {requirement.id}", **values)
        else:
            continue
        written += 1
    return written


def _in_scope(queryset: QuerySet, pk: int, what: str) -> None:
    """Inside the write's transaction, the object is still within the actor's scope (NotFound otherwise)."""
    if not queryset.filter(pk=pk).exists():
        raise NotFound(f"{what} {pk} not found")


@transaction.atomic
def assessment_create(*, actor: User, service: Service, pack: StandardPack, stage: str | None = None) -> Assessment:
    """Start an assessment of a service against a pack version at a stage; automated checks run at once.
    The previous assessment of the same service against the same pack becomes its baseline."""
    require(actor, Action.ASSESS)
    _in_scope(Service.objects.for_user(actor, Action.ASSESS), service.pk, "service")
    previous = (
        Assessment.objects.filter(service=service, pack__pack_id=pack.pack_id).order_by("-created_at", "-id").first()
    )
    assessment = Assessment.objects.create(
        service=service,
        pack=pack,
        stage=stage or service.stage,
        previous=previous,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _run_checks(assessment, service)
    _evaluate_and_save(assessment)
    audit_record(
        actor=actor,
        action="assessment.create",
        obj=assessment,
        organisation_id=service.owner_id,
        changes={"verdict": [None, assessment.verdict], "score": [None, assessment.score]},
    )
    return assessment


@transaction.atomic
def assessment_rerun_checks(*, actor: User, assessment: Assessment) -> Assessment:
    require(actor, Action.ASSESS)
    _in_scope(Assessment.objects.for_user(actor, Action.ASSESS), assessment.pk, "assessment")
    before = (assessment.verdict, assessment.score)
    _run_checks(assessment, assessment.service)
    _evaluate_and_save(assessment)
    bump_version(assessment, expected=None, what=f"assessment {assessment.pk}")  # the API reports the new one
    audit_record(
        actor=actor,
        action="assessment.rerun_checks",
        obj=assessment,
        organisation_id=assessment.service.owner_id,
        changes={"verdict": [before[0], assessment.verdict], "score": [before[1], assessment.score]},
    )
    return assessment


@transaction.atomic
def outcome_record(
    *,
    actor: User,
    assessment: Assessment,
    requirement_id: str,
    status: str | None = None,
    rating: str | float | None = None,
    evidence_text: str = "",
    evidence_url: str = "",
    evidence_file: Any = None,
    expected_version: int | None,
) -> RequirementOutcome:
    """An assessor's judgement of one requirement. `expected_version` is the outcome's version the assessor
    saw (None: they saw no outcome yet); if someone saved in between, Conflict, and nothing is written."""
    require(actor, Action.ASSESS)
    _in_scope(Assessment.objects.for_user(actor, Action.ASSESS), assessment.pk, "assessment")
    pack = assessment.pack.parsed
    requirement = next((r for r in pack.requirements() if r.id == requirement_id), None)
    if requirement is None:
        raise NotFound(f"requirement {requirement_id!r} is not in {pack.id} v{pack.version}")
    try:
        evidence_url = check_web_url(evidence_url)
    except ValueError as exc:
        raise Invalid(f"evidence link: {exc}", details=[{"field": "evidence_url", "message": str(exc)}]) from None
    if evidence_file is not None and evidence_file.size > settings.EVIDENCE_MAX_BYTES:
        limit_mb = settings.EVIDENCE_MAX_BYTES / 1024 / 1024
        raise Invalid(
            f"the evidence file {evidence_file.name} is larger than {limit_mb:.0f} MB",
            details=[{"field": "evidence_file", "message": f"at most {limit_mb:.0f} MB"}],
        )
    if rating not in (None, ""):
        try:
            derived = scoring.outcome_from_rating(pack.scoring, requirement_id, rating, pack.pass_threshold)
        except scoring.ScoringError as exc:
            raise Invalid(str(exc), details=[{"field": "rating", "message": str(exc)}]) from None
        final_status, final_rating = derived.status, derived.rating
        if status == OutcomeStatus.NOT_APPLICABLE:
            final_status = OutcomeStatus.NOT_APPLICABLE
    else:
        try:
            final_status = OutcomeStatus(status or "")
        except ValueError:
            raise Invalid(
                f"status must be one of {[s.value for s in OutcomeStatus]}",
                details=[{"field": "status", "message": f"got {status!r}"}],
            ) from None
        final_rating = None
    existing = (
        RequirementOutcome.objects.select_for_update()
        .filter(assessment=assessment, requirement_id=requirement_id)
        .first()
    )
    who = existing.recorded_by.username if existing and existing.recorded_by else "an automated check"
    expect_version(existing.version if existing else None, expected=expected_version,
                   what=f"requirement {requirement_id}", by=who)
    values = {
        "source": OutcomeSource.ASSESSOR,
        "status": final_status.value,
        "rating": final_rating,
        "check_seen": existing.check_status if existing else "",  # shown to the assessor with the old outcome
        "evidence_text": evidence_text,
        "evidence_url": evidence_url,
        "recorded_by": actor if getattr(actor, "is_authenticated", False) else None,
    }
    if existing is None:
        outcome = RequirementOutcome.objects.create(assessment=assessment, requirement_id=requirement_id, **values)
        before = {}
    else:
        before = {"status": existing.status, "rating": existing.rating}
        bump_version(existing, expected=expected_version, what=f"requirement {requirement_id}")
        for key, value in values.items():
            setattr(existing, key, value)
        existing.save()
        outcome = existing
    if evidence_file is not None:
        replaced = outcome.evidence_file.name if outcome.evidence_file else ""
        outcome.evidence_file.save(evidence_file.name, evidence_file, save=True)
        if replaced != outcome.evidence_file.name:
            delete_after_commit(outcome.evidence_file.storage, replaced)
    bump_version(assessment, expected=None, what=f"assessment {assessment.pk}")
    _evaluate_and_save(assessment)
    audit_record(
        actor=actor,
        action="outcome.record",
        obj=outcome,
        organisation_id=assessment.service.owner_id,
        changes={
            "requirement": requirement_id,
            "status": [before.get("status"), outcome.status],
            "rating": [before.get("rating"), outcome.rating],
        },
    )
    return outcome


def _current_assessments(service: Service) -> list[Assessment]:
    """The newest assessment of the service against each pack: the ones its passport shows as current."""
    current: dict[str, Assessment] = {}
    for assessment in (Assessment.objects.filter(service=service).select_related("pack", "service")
                       .order_by("-created_at", "-id")):
        current.setdefault(assessment.pack.pack_id, assessment)
    return list(current.values())


@transaction.atomic
def assessments_recheck(*, service: Service, check_prefix: str) -> list[Assessment]:
    """New evidence about a service (an audit finished, say) re-runs the automated checks whose name starts
    with `check_prefix` in the service's current assessments, and re-evaluates them. Called by the app that
    holds the evidence once its write commits; older assessments keep the evidence of their time."""
    changed = []
    for assessment in _current_assessments(service):
        pack = assessment.pack.parsed
        if not any(spec.check.startswith(check_prefix) for r in pack.requirements() for spec in r.checks):
            continue
        Assessment.objects.select_for_update().filter(pk=assessment.pk).first()
        before = (assessment.verdict, assessment.score)
        if not _run_checks(assessment, service):
            continue
        _evaluate_and_save(assessment)
        bump_version(assessment, expected=None, what=f"assessment {assessment.pk}")
        audit_record(
            actor=None,
            action="assessment.recheck",
            obj=assessment,
            organisation_id=service.owner_id,
            changes={"evidence": check_prefix, "verdict": [before[0], assessment.verdict],
                     "score": [before[1], assessment.score]},
        )
        changed.append(assessment)
    return changed


# --- adjustments -----------------------------------------------------------------------------------------


@transaction.atomic
def adjustment_create(
    *, actor: User, assessment: Assessment, requirement_id: str, action: str, owner: User, due_date: dt.date
) -> Adjustment:
    """An adjustment owned by a person of the service's authority, due today or later."""
    require(actor, Action.MANAGE_ADJUSTMENTS)
    _in_scope(Assessment.objects.for_user(actor, Action.MANAGE_ADJUSTMENTS), assessment.pk, "assessment")
    problems = []
    if requirement_id not in {r.id for r in assessment.pack.parsed.requirements()}:
        problems.append({"field": "requirement_id", "message": f"{requirement_id!r} is not in this assessment's pack"})
    if not action.strip():
        problems.append({"field": "action", "message": "required"})
    if not selectors.adjustment_owner_candidates(organisation_id=assessment.service.owner_id).filter(
            pk=owner.pk).exists():
        problems.append({"field": "owner", "message": "not one of the active people of the service's authority"})
    if due_date < timezone.localdate():
        problems.append({"field": "due_date", "message": f"{due_date.isoformat()} has passed; give today or later"})
    if problems:
        raise Invalid("the adjustment cannot be added as given", details=problems)
    adjustment = Adjustment.objects.create(
        assessment=assessment,
        requirement_id=requirement_id,
        action=action.strip(),
        owner=owner.person_name(),
        owner_user=owner,
        due_date=due_date,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action="adjustment.create",
        obj=adjustment,
        organisation_id=assessment.service.owner_id,
        changes={"action": [None, adjustment.action], "due_date": [None, str(due_date)]},
    )
    return adjustment


@transaction.atomic
def adjustment_set_status(*, actor: User, adjustment: Adjustment, status: str, expected_version: int) -> Adjustment:
    require(actor, Action.MANAGE_ADJUSTMENTS)
    _in_scope(Adjustment.objects.for_user(actor, Action.MANAGE_ADJUSTMENTS), adjustment.pk, "adjustment")
    if status not in AdjustmentStatus.values:
        raise Invalid(
            f"status must be one of {AdjustmentStatus.values}",
            details=[{"field": "status", "message": f"got {status!r}"}],
        )
    before = adjustment.status
    bump_version(adjustment, expected=expected_version, what=f"adjustment {adjustment.pk}",
                 status=status, updated_at=timezone.now())
    audit_record(
        actor=actor,
        action="adjustment.set_status",
        obj=adjustment,
        organisation_id=adjustment.assessment.service.owner_id,
        changes={"status": [before, status]},
    )
    return adjustment
