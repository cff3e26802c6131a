"""Service delivery API: a service's figures, and status events pushed by live systems (idempotent by id)."""

# No `from __future__ import annotations`: ninja reads the schemas' annotations at import.
import datetime as dt

from ninja import Field, Router, Schema

from govcx.accounts.requests import SignedInRequest
from govcx.common.bounds import Id
from govcx.delivery import selectors, services
from govcx.registry.selectors import access_service

router = Router(tags=["delivery"])


class PushedEvent(Schema):
    id: str = Field(min_length=1, max_length=200, description="the sender's id: an id sent again is not added again")
    case: str = Field(min_length=1, max_length=200)
    activity: str = Field(min_length=1, max_length=200)
    timestamp: dt.datetime = Field(description="with its UTC offset, or UTC when it has none")
    lifecycle: str | None = Field(default=None, max_length=50)
    resource: str | None = Field(default=None, max_length=200)
    office: str | None = Field(default=None, max_length=200)
    region: str | None = Field(default=None, max_length=200)
    channel: str | None = Field(default=None, max_length=50)


class EventBatchIn(Schema):
    service_id: Id
    events: list[PushedEvent] = Field(min_length=1, max_length=10_000)


class EventBatchOut(Schema):
    import_id: int
    events_received: int
    events_added: int


class DurationsOut(Schema):
    mean: float | None
    median: float | None
    min: float | None
    max: float | None
    p90: float | None = None


class VariantOut(Schema):
    activities: list[str]
    cases: int


class ArcOut(Schema):
    source: str = Field(alias="from")
    to: str
    count: int
    mean_seconds: float | None


class FiguresOut(Schema):
    cases: int
    events: int
    activities: int
    variants: int
    top_variants: list[VariantOut]
    case_duration_seconds: DurationsOut
    dfg: list[ArcOut]
    rework_cases_per_activity: dict[str, int]
    start_activities: dict[str, int]
    end_activities: dict[str, int]


@router.post("/events", response=EventBatchOut)
def push_events(request: SignedInRequest, payload: EventBatchIn) -> EventBatchOut:
    record = services.events_push(actor=request.user, service_id=payload.service_id,
                                  events=[event.dict() for event in payload.events])
    return EventBatchOut(import_id=record.pk, events_received=record.events_read, events_added=record.events_added)


@router.get("/services/{service_id}/figures", response={200: FiguresOut, 204: None})
def service_figures(request: SignedInRequest, service_id: Id):
    service = access_service(request.user, service_id)
    figures = selectors.delivery_figures(service=service)
    if figures is None:
        return 204, None
    return 200, figures
