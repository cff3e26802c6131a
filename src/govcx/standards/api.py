from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Router, Schema, Status

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.common.bounds import Count, Day, Id
from govcx.common.weburls import WebUrl
from govcx.errors import InvalidInput, NotFound
from govcx.registry.selectors import access_service
from govcx.standards import selectors, services
from govcx.standards.loader import parse_pack
from govcx.standards.models import Assessment

router = Router(tags=["standards"])


class PackOut(Schema):
    id: int
    pack_id: str
    version: str
    title_en: str
    title_ru: str
    effective_from: dt.date
    effective_to: dt.date | None
    is_model: bool


class PackDetailOut(PackOut):
    content: dict[str, Any]


class PackLoadIn(Schema):
    yaml: str
    file_name: str = "upload.yaml"


class AssessmentIn(Schema):
    service_id: Id
    pack_id: Id
    stage: str | None = None


class OutcomeOut(Schema):
    requirement_id: str
    source: str
    status: str
    rating: Any = None
    measured_value: str
    detail: str
    evidence_url: str
    evidence_text: str
    version: int


class AssessmentOut(Schema):
    id: int
    service_id: int
    service_code: str
    pack_id: int
    pack: str
    pack_version: str
    stage: str
    previous_id: int | None
    score: float | None
    grade: str
    verdict: str
    version: int
    created_at: dt.datetime
    result: dict[str, Any]


class AssessmentDetailOut(AssessmentOut):
    outcomes: list[OutcomeOut]


class OutcomeIn(Schema):
    status: str | None = None
    rating: str | float | None = None
    evidence_text: str = ""
    evidence_url: WebUrl = ""
    expected_version: Count | None = None


class AdjustmentIn(Schema):
    requirement_id: str
    action: str
    owner_id: int | None = Field(None, description="A person of the service's authority (GET .../adjustment-owners).")
    owner: str = Field("", description="Instead of owner_id: that person's exact full name or login.")
    due_date: Day = Field(description="Today or later.")


class AdjustmentOut(Schema):
    id: int
    assessment_id: int
    requirement_id: str
    action: str
    owner: str
    owner_id: int | None = Field(None, alias="owner_user_id")
    due_date: dt.date
    status: str
    version: int


class AdjustmentOwnerOut(Schema):
    id: int
    name: str


class AdjustmentStatusIn(Schema):
    status: str
    expected_version: Count


class ChangeOut(Schema):
    requirement_id: str
    title_en: str
    before: float | None
    after: float | None
    direction: str


class ComparisonOut(Schema):
    previous_id: int
    score_before: float | None
    score_after: float | None
    grade_before: str | None
    grade_after: str | None
    verdict_before: str
    verdict_after: str
    changes: list[ChangeOut]
    fixed_gaps: list[str]
    new_gaps: list[str]


def _assessment_out(a: Assessment, *, detail: bool = False) -> dict[str, Any]:
    data = {
        "id": a.pk, "service_id": a.service_id, "service_code": a.service.code, "pack_id": a.pack_id,
        "pack": a.pack.pack_id, "pack_version": a.pack.version, "stage": a.stage, "previous_id": a.previous_id,
        "score": a.score, "grade": a.grade, "verdict": a.verdict, "version": a.version,
        "created_at": a.created_at, "result": a.result,
    }
    if detail:
        data["outcomes"] = list(a.outcomes.all())
    return data


@router.get("/packs", response=list[PackOut])
def pack_list(request: SignedInRequest):
    return selectors.pack_list()


@router.get("/packs/{pack_pk}", response=PackDetailOut)
def pack_get(request: SignedInRequest, pack_pk: Id):
    return selectors.access_pack(request.user, pack_pk)


@router.post("/packs", response={201: PackOut, 200: PackOut})
def pack_load(request: SignedInRequest, payload: PackLoadIn):
    """Validate and load a pack (YAML text). Errors name the line and field. Loading the same version again is
    a no-op (200)."""
    from govcx.accounts.scoping import require

    require(request.user, Action.MANAGE_STANDARDS)
    try:
        loaded = parse_pack(payload.yaml, payload.file_name)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, "the pack is not valid",
                           details=[{"line": p.line, "field": p.field, "message": p.message} for p in exc.problems],
                           ) from None
    record, created = services.pack_load(loaded=loaded, actor=request.user)
    return Status(201 if created else 200, record)


@router.get("/assessments", response=list[AssessmentOut])
def assessment_list(request: SignedInRequest, service_id: Id | None = None, verdict: str | None = None):
    queryset = selectors.assessment_list(user=request.user)
    if service_id is not None:
        queryset = queryset.filter(service_id=service_id)
    if verdict:
        queryset = queryset.filter(verdict=verdict)
    return [_assessment_out(a) for a in queryset]


@router.post("/assessments", response={201: AssessmentDetailOut})
def assessment_create(request: SignedInRequest, payload: AssessmentIn):
    service = access_service(request.user, payload.service_id, Action.ASSESS)
    pack = selectors.access_pack(request.user, payload.pack_id)
    assessment = services.assessment_create(actor=request.user, service=service, pack=pack, stage=payload.stage)
    return Status(201, _assessment_out(assessment, detail=True))


@router.get("/assessments/{assessment_id}", response=AssessmentDetailOut)
def assessment_get(request: SignedInRequest, assessment_id: Id):
    return _assessment_out(selectors.access_assessment(request.user, assessment_id), detail=True)


@router.post("/assessments/{assessment_id}/checks", response=AssessmentDetailOut)
def assessment_rerun_checks(request: SignedInRequest, assessment_id: Id):
    assessment = selectors.access_assessment(request.user, assessment_id, Action.ASSESS)
    return _assessment_out(services.assessment_rerun_checks(actor=request.user, assessment=assessment), detail=True)


@router.put("/assessments/{assessment_id}/outcomes/{requirement_id}", response=OutcomeOut)
def outcome_record(request: SignedInRequest, assessment_id: Id, requirement_id: str, payload: OutcomeIn):
    """Record an assessor's outcome. Send the `expected_version` you read (null if none): a stale version
    gives 409 and writes nothing."""
    assessment = selectors.access_assessment(request.user, assessment_id, Action.ASSESS)
    return services.outcome_record(
        actor=request.user, assessment=assessment, requirement_id=requirement_id, status=payload.status,
        rating=payload.rating, evidence_text=payload.evidence_text, evidence_url=payload.evidence_url,
        expected_version=payload.expected_version,
    )


@router.get("/assessments/{assessment_id}/comparison", response=ComparisonOut)
def assessment_comparison(request: SignedInRequest, assessment_id: Id):
    assessment = selectors.access_assessment(request.user, assessment_id)
    comparison = selectors.assessment_comparison(assessment)
    if comparison is None:
        raise NotFound("this assessment has no previous assessment")
    return {"previous_id": assessment.previous_id, **comparison.__dict__,
            "changes": [c.__dict__ for c in comparison.changes]}


@router.get("/assessments/{assessment_id}/adjustments", response=list[AdjustmentOut])
def adjustment_list(request: SignedInRequest, assessment_id: Id):
    return selectors.access_assessment(request.user, assessment_id).adjustments.all()


@router.get("/assessments/{assessment_id}/adjustment-owners", response=list[AdjustmentOwnerOut])
def adjustment_owner_list(request: SignedInRequest, assessment_id: Id):
    """The people who may own an adjustment of this assessment: the active staff of the service's authority."""
    assessment = selectors.access_assessment(request.user, assessment_id, Action.MANAGE_ADJUSTMENTS)
    people = selectors.adjustment_owner_candidates(organisation_id=assessment.service.owner_id)
    return [{"id": person.pk, "name": person.person_name()} for person in people]


@router.post("/assessments/{assessment_id}/adjustments", response={201: AdjustmentOut})
def adjustment_create(request: SignedInRequest, assessment_id: Id, payload: AdjustmentIn):
    assessment = selectors.access_assessment(request.user, assessment_id, Action.MANAGE_ADJUSTMENTS)
    owner = selectors.adjustment_owner(assessment=assessment, owner_id=payload.owner_id, owner_name=payload.owner)
    return Status(201, services.adjustment_create(
        actor=request.user, assessment=assessment, requirement_id=payload.requirement_id, action=payload.action,
        owner=owner, due_date=payload.due_date))


@router.patch("/adjustments/{adjustment_id}", response=AdjustmentOut)
def adjustment_set_status(request: SignedInRequest, adjustment_id: Id, payload: AdjustmentStatusIn):
    adjustment = selectors.access_adjustment(request.user, adjustment_id, Action.MANAGE_ADJUSTMENTS)
    return services.adjustment_set_status(
        actor=request.user, adjustment=adjustment, status=payload.status, expected_version=payload.expected_version
    )
