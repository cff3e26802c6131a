"""Maturity API: the measures catalogue, the index publications with their values (the published ranking for
every authority; drafts for the central office), recomputing, computing a draft, publishing, and correcting a
draft value (a published one is frozen: 409)."""

# No `from __future__ import annotations`: ninja reads the annotations of the operations at import.
from ninja import Field, Router, Schema, Status

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.scoping import require, visible_organisation_ids
from govcx.common.bounds import Id
from govcx.maturity import selectors
from govcx.maturity.index_services import index_compute, index_publish, index_value_edit
from govcx.maturity.measure_names import MEASURES
from govcx.maturity.services import measures_recompute

router = Router(tags=["maturity"])


class MeasureRowOut(Schema):
    organisation_id: int
    period: str
    measure: str
    value: float
    n_services: int
    se: float | None


class PublicationOut(Schema):
    id: int
    model_id: str
    model_version: str
    period: str
    status: str
    computed_at: str
    published_at: str | None


class DimensionOut(Schema):
    measure: str
    weight: float
    value: float | None = Field(description="the measure (share 0–1; null: missing, never zero)")
    se: float | None
    score: float | None = Field(description="0–100")
    n_services: int


class IndexValueOut(Schema):
    id: int
    organisation_id: int
    peer_group: str
    value: float | None = Field(description="0–100; null below the model's minimum coverage")
    low: float | None
    high: float | None
    coverage: float
    grade: str
    change: float | None
    rank: int | None
    rank_low: int | None
    rank_high: int | None
    peers: int
    dimensions: list[DimensionOut]
    note: str
    version: int


class PublicationDetailOut(PublicationOut):
    values: list[IndexValueOut]


class RecomputeIn(Schema):
    periods: list[str] | None = None


class RecomputeOut(Schema):
    periods: list[str]
    service_values: int
    organisation_values: int


class ComputeIn(Schema):
    model_id: str = "govcx"
    period: str


class ValueEditIn(Schema):
    value: float | None
    grade: str = ""
    note: str
    version: int


def _publication(p) -> dict:
    return {"id": p.pk, "model_id": p.model_id, "model_version": p.model_version, "period": p.period,
            "status": p.status, "computed_at": p.computed_at.isoformat(),
            "published_at": p.published_at.isoformat() if p.published_at else None}


@router.get("/measures", response=list[MeasureRowOut])
def measure_rows(request: SignedInRequest, measure: str | None = None, period: str | None = None):
    """The measures of the authorities the caller's scope reaches (the central office: every authority)."""
    require(request.user, Action.VIEW)
    ids = visible_organisation_ids(request.user)
    return selectors.measure_panel(measures=[measure] if measure else [m.name for m in MEASURES],
                                   organisation_ids=sorted(ids) if ids is not None else None,
                                   periods=[period] if period else None)


@router.post("/measures/recompute", response=RecomputeOut)
def measures_recompute_now(request: SignedInRequest, payload: RecomputeIn):
    require(request.user, Action.PUBLISH_INDEX)
    report = measures_recompute(periods=payload.periods)
    return {"periods": report.periods, "service_values": report.service_values,
            "organisation_values": report.organisation_values}


@router.get("/publications", response=list[PublicationOut])
def publication_list(request: SignedInRequest, model_id: str | None = None):
    return [_publication(p) for p in selectors.publication_list(user=request.user, model_id=model_id)[:200]]


@router.post("/publications", response={201: PublicationOut})
def publication_compute(request: SignedInRequest, payload: ComputeIn):
    return Status(201, _publication(index_compute(actor=request.user, model_id=payload.model_id, period=payload.period)))


@router.get("/publications/{publication_id}", response=PublicationDetailOut)
def publication_detail(request: SignedInRequest, publication_id: Id):
    publication = selectors.access_publication(request.user, publication_id)
    return {**_publication(publication), "values": list(publication.values.order_by("peer_group", "rank", "id"))}


@router.post("/publications/{publication_id}/publish", response=PublicationOut)
def publication_publish(request: SignedInRequest, publication_id: Id):
    publication = selectors.access_publication(request.user, publication_id)
    return _publication(index_publish(actor=request.user, publication=publication))


@router.patch("/values/{value_id}", response=IndexValueOut)
def index_value_update(request: SignedInRequest, value_id: Id, payload: ValueEditIn):
    value = selectors.access_index_value(request.user, value_id)
    return index_value_edit(actor=request.user, index_value=value, value=payload.value, grade=payload.grade,
                            note=payload.note, version=payload.version)
