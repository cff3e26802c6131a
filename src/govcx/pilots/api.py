"""Pilots API: programmes, participants, pre-registered criteria (a frozen one changes only by a new version with
its reason), the life cycle, and analyses with their decisions."""

# No `from __future__ import annotations`: ninja reads the annotations of the operations at import.
import datetime as dt
from typing import Literal

from ninja import Field, Router, Schema, Status

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.common.bounds import Id
from govcx.errors import NotFound
from govcx.pilots import selectors, services
from govcx.pilots.models import PilotProgramme
from govcx.registry.models import Organisation

router = Router(tags=["pilots"])

Tool = Literal["index", "standards", "lab", "audit", "feedback", "complaints", "delivery", "proactive", "training"]


class PilotParticipantOut(Schema):
    organisation_id: int
    role: str


class PilotCriterionOut(Schema):
    id: int
    key: str
    version: int
    tool: str
    measure: str
    direction: str
    minimum_effect: float
    iterate_threshold: float
    confidence: float
    comparison_group: str
    reason: str
    frozen: bool
    superseded: bool


class PilotProgrammeOut(Schema):
    id: int
    name: str
    owner_id: int
    tools: list[str]
    starts_on: dt.date
    ends_on: dt.date
    status: str


class PilotProgrammeDetailOut(PilotProgrammeOut):
    participants: list[PilotParticipantOut]
    criteria: list[PilotCriterionOut]


class PilotProgrammeIn(Schema):
    name: str = Field(max_length=200)
    owner_id: int | None = Field(None, description="the organisation running the pilot; the caller's by default")
    tools: list[Tool] = Field(min_length=1, max_length=9)
    starts_on: dt.date
    ends_on: dt.date


class PilotParticipantIn(Schema):
    organisation_id: Id
    role: Literal["treated", "comparison"]


class PilotCriterionValues(Schema):
    tool: str | None = Field(None, max_length=20)
    measure: str | None = Field(None, max_length=40, description="a measure name of the catalogue")
    direction: Literal["increase", "decrease"] | None = None
    minimum_effect: float | None = Field(None, description="scale when the interval's worse end reaches it")
    iterate_threshold: float | None = Field(None, description="iterate when the point estimate reaches it")
    confidence: float | None = None
    comparison_group: str | None = Field(None, max_length=10,
                                         description="federal, regional, municipal or all")


class PilotCriterionIn(PilotCriterionValues):
    key: str = Field(max_length=64)


class PilotCriterionRevisionIn(PilotCriterionValues):
    reason: str = Field(max_length=2000)


class PilotEventOut(Schema):
    relative_period: int
    period: str
    estimate: float
    low: float | None
    high: float | None


class PilotLeaveOneOutOut(Schema):
    organisation_id: int
    estimate: float


class PilotResultOut(Schema):
    criterion_id: int
    key: str
    version: int
    estimate: float | None
    low: float | None
    high: float | None
    p_value: float | None
    method: str
    se_cr1: float | None
    ri_p_value: float | None
    ri_low: float | None
    ri_high: float | None
    events: list[PilotEventOut]
    leave_one_out: list[PilotLeaveOneOutOut]
    n_clusters: int
    n_treated: int
    decision: str = Field(description="scale, iterate, stop or undecided")
    problem: str


class PilotAnalysisOut(Schema):
    id: int
    programme_id: int
    created_at: dt.datetime
    seed: int
    reps: int
    results: list[PilotResultOut]


def _criterion(c) -> dict:
    return {"id": c.pk, "key": c.key, "version": c.version, "tool": c.tool, "measure": c.measure,
            "direction": c.direction, "minimum_effect": c.minimum_effect, "iterate_threshold": c.iterate_threshold,
            "confidence": c.confidence, "comparison_group": c.comparison_group, "reason": c.reason,
            "frozen": c.frozen_at is not None, "superseded": c.superseded}


def _detail(programme: PilotProgramme) -> dict:
    return {"id": programme.pk, "name": programme.name, "owner_id": programme.owner_id, "tools": programme.tools,
            "starts_on": programme.starts_on, "ends_on": programme.ends_on, "status": programme.status,
            "participants": [{"organisation_id": p.organisation_id, "role": p.role}
                             for p in selectors.participants(programme)],
            "criteria": [_criterion(c) for versions in selectors.criteria_history(programme) for c in versions]}


def _analysis(analysis) -> dict:
    return {"id": analysis.pk, "programme_id": analysis.programme_id, "created_at": analysis.created_at,
            "seed": analysis.seed, "reps": analysis.reps,
            "results": [{"criterion_id": r.criterion_id, "key": r.criterion.key, "version": r.criterion.version,
                         "estimate": r.estimate, "low": r.low, "high": r.high, "p_value": r.p_value,
                         "method": r.method, "se_cr1": r.se_cr1, "ri_p_value": r.ri_p_value, "ri_low": r.ri_low,
                         "ri_high": r.ri_high, "events": r.events, "leave_one_out": r.leave_one_out,
                         "n_clusters": r.n_clusters, "n_treated": r.n_treated, "decision": r.decision,
                         "problem": r.problem} for r in selectors.results(analysis)]}


def _organisation(organisation_id: int) -> Organisation:
    organisation = Organisation.objects.filter(pk=organisation_id).first()
    if organisation is None:
        raise NotFound(f"organisation {organisation_id} not found")
    return organisation


def _values(payload: PilotCriterionValues) -> dict:
    return payload.dict(exclude_none=True, exclude={"key", "reason"})


@router.get("/programmes", response=list[PilotProgrammeOut])
def pilot_programme_list(request: SignedInRequest):
    return list(selectors.programme_list(user=request.user))


@router.post("/programmes", response={201: PilotProgrammeOut})
def pilot_programme_create(request: SignedInRequest, payload: PilotProgrammeIn):
    """A planned programme; participants and criteria are added before it starts."""
    owner_id = payload.owner_id or request.user.organisation_id
    owner = _organisation(owner_id) if owner_id else None
    if owner is None:
        raise NotFound("the programme needs an owning organisation")
    programme = services.programme_create(actor=request.user, owner=owner, name=payload.name, tools=payload.tools,
                                          starts_on=payload.starts_on, ends_on=payload.ends_on)
    return Status(201, programme)


@router.get("/programmes/{programme_id}", response=PilotProgrammeDetailOut)
def pilot_programme_detail(request: SignedInRequest, programme_id: Id):
    """The programme, its participants and every version of every criterion."""
    return _detail(selectors.access_programme(request.user, programme_id))


@router.post("/programmes/{programme_id}/participants", response={201: PilotParticipantOut})
def pilot_participant_add(request: SignedInRequest, programme_id: Id, payload: PilotParticipantIn):
    programme = selectors.access_programme(request.user, programme_id, Action.MANAGE_PILOTS)
    participant = services.participant_add(actor=request.user, programme=programme,
                                           organisation=_organisation(payload.organisation_id), role=payload.role)
    return Status(201, participant)


@router.post("/programmes/{programme_id}/criteria", response={201: PilotCriterionOut})
def pilot_criterion_create(request: SignedInRequest, programme_id: Id, payload: PilotCriterionIn):
    """Register a criterion before the pilot starts (422 naming the field for a bad one)."""
    programme = selectors.access_programme(request.user, programme_id, Action.MANAGE_PILOTS)
    criterion = services.criterion_create(actor=request.user, programme=programme, key=payload.key,
                                          values=_values(payload))
    return Status(201, _criterion(criterion))


@router.patch("/criteria/{criterion_id}", response=PilotCriterionOut)
def pilot_criterion_update(request: SignedInRequest, criterion_id: Id, payload: PilotCriterionValues):
    """Edit a criterion while the pilot is planned; 409 once it is frozen."""
    criterion = selectors.access_criterion(request.user, criterion_id, Action.MANAGE_PILOTS)
    return _criterion(services.criterion_update(actor=request.user, criterion=criterion, values=_values(payload)))


@router.post("/criteria/{criterion_id}/versions", response={201: PilotCriterionOut})
def pilot_criterion_revise(request: SignedInRequest, criterion_id: Id, payload: PilotCriterionRevisionIn):
    """A new version of a frozen criterion, with the reason; the old version stays and is shown."""
    criterion = selectors.access_criterion(request.user, criterion_id, Action.MANAGE_PILOTS)
    revised = services.criterion_revise(actor=request.user, criterion=criterion, values=_values(payload),
                                        reason=payload.reason)
    return Status(201, _criterion(revised))


@router.post("/programmes/{programme_id}/start", response=PilotProgrammeOut)
def pilot_programme_start(request: SignedInRequest, programme_id: Id):
    """planned → running; freezes the criteria."""
    programme = selectors.access_programme(request.user, programme_id, Action.MANAGE_PILOTS)
    return services.programme_start(actor=request.user, programme=programme)


@router.post("/programmes/{programme_id}/finish", response=PilotProgrammeOut)
def pilot_programme_finish(request: SignedInRequest, programme_id: Id):
    programme = selectors.access_programme(request.user, programme_id, Action.MANAGE_PILOTS)
    return services.programme_finish(actor=request.user, programme=programme)


@router.post("/programmes/{programme_id}/analyses", response={201: PilotAnalysisOut})
def pilot_analysis_run(request: SignedInRequest, programme_id: Id):
    """Estimate every current criterion (difference-in-differences, wild cluster bootstrap) and decide."""
    programme = selectors.access_programme(request.user, programme_id, Action.MANAGE_PILOTS)
    return Status(201, _analysis(services.analysis_run(actor=request.user, programme=programme)))


@router.get("/analyses/{analysis_id}", response=PilotAnalysisOut)
def pilot_analysis_detail(request: SignedInRequest, analysis_id: Id):
    return _analysis(selectors.access_analysis(request.user, analysis_id))
