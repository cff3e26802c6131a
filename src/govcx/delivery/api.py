"""Service delivery API: a service's figures, deadline compliance, open-case risk, process map data, period
comparison, the ranking across services, the figures and map as files, the delivery report as PDF, and status
events pushed by live systems (idempotent by id)."""

# No `from __future__ import annotations`: ninja reads the schemas' annotations at import.
import datetime as dt
from typing import Literal

from django.http import Http404
from django.http.response import HttpResponseBase
from ninja import Field, Query, Router, Schema, Status

from govcx.accounts.requests import SignedInRequest
from govcx.common.bounds import Id
from govcx.common.downloads import download
from govcx.delivery import exports, selectors, services
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


@router.post("/events", response=EventBatchOut, operation_id="govcx_delivery_api_push_events")
def push_events(request: SignedInRequest, payload: EventBatchIn) -> EventBatchOut:
    record = services.events_push(actor=request.user, service_id=payload.service_id,
                                  events=[event.dict() for event in payload.events])
    return EventBatchOut(import_id=record.pk, events_received=record.events_read, events_added=record.events_added)


@router.get("/services/{service_id}/figures", response={200: FiguresOut, 204: None},
            operation_id="govcx_delivery_api_service_figures")
def service_figures(request: SignedInRequest, service_id: Id):
    service = access_service(request.user, service_id)
    figures = selectors.delivery_figures(service=service)
    if figures is None:
        return Status(204, None)
    return Status(200, figures)


class ShareOut(Schema):
    cases: int
    on_time: int
    share: float
    low: float = Field(description="lower end of the Wilson 95 % interval")
    high: float


class DeadlineOut(ShareOut):
    days: int = Field(description="the passport's term")
    working: bool = Field(description="working days of the Russian production calendar, else calendar days")


@router.get("/services/{service_id}/deadline", response={200: DeadlineOut, 204: None},
            operation_id="govcx_delivery_api_service_deadline")
def service_deadline(request: SignedInRequest, service_id: Id):
    """Cases closed within the passport's term (204 without events or term)."""
    service = access_service(request.user, service_id)
    figures = selectors.deadline_figures(service=service)
    return Status(204, None) if figures is None else Status(200, figures)


class CaseAtRiskOut(Schema):
    case: str
    activity: str = Field(description="the case's current activity")
    days_open: float
    days_left: float = Field(description="days to the term; negative when it has passed")
    probability: float = Field(description="of finishing within the term (Kaplan–Meier per activity)")


class RiskOut(Schema):
    open: int
    below_half: int = Field(description="open cases less likely than not to finish within the term")
    at_risk: list[CaseAtRiskOut]
    brier: float | None = Field(description="Brier score on held-out closed cases")
    brier_reference: float | None = Field(description="Brier score of the base rate on the same cases")
    held_out: int


@router.get("/services/{service_id}/risk", response={200: RiskOut, 204: None},
            operation_id="govcx_delivery_api_service_risk")
def service_risk(request: SignedInRequest, service_id: Id,
                 top: int = Query(20, ge=1, le=500, description="how many of the least likely cases to list")):
    """Open cases and their probability of finishing within the term (204 without events or term)."""
    service = access_service(request.user, service_id)
    figures = selectors.open_case_risk(service=service, top=top)
    return Status(204, None) if figures is None else Status(200, figures)


class TimedArcOut(Schema):
    source: str
    target: str
    count: int
    mean_seconds: float | None
    median_seconds: float | None = None
    total_seconds: float | None = None


class HandoverOut(Schema):
    source: str
    target: str
    count: int


class GroupShareOut(ShareOut):
    value: str | None


class ProcessOut(Schema):
    arcs: list[TimedArcOut] = Field(description="the most frequent arcs covering `paths` per cent of arc "
                                                "occurrences: the process map's data")
    arcs_total: int
    starts: dict[str, int] = Field(description="start activity → cases")
    bottlenecks: list[TimedArcOut] = Field(description="arcs holding cases longest in all")
    handovers: dict[str, list[HandoverOut]] = Field(description="between resources and between offices")
    compliance: dict[str, list[GroupShareOut]] = Field(description="share on time by month, office, region and "
                                                                   "channel (empty without a term)")


@router.get("/services/{service_id}/process", response={200: ProcessOut, 204: None},
            operation_id="govcx_delivery_api_service_process")
def service_process(request: SignedInRequest, service_id: Id,
                    paths: int = Query(80, ge=1, le=100, description="per cent of arc occurrences kept")):
    """The process map's arcs, bottlenecks, handovers and compliance by group (204 without events)."""
    service = access_service(request.user, service_id)
    figures = selectors.process_figures(service=service, keep_share=paths / 100, performance=False)
    return Status(204, None) if figures is None else Status(200, figures)


class PeriodOut(Schema):
    period: Literal["before", "after"]
    cases: int
    median_days: float | None
    on_time: ShareOut | None = None


class ArcChangeOut(Schema):
    source: str
    target: str
    before_hours: float
    after_hours: float


class PeriodComparisonOut(Schema):
    split: dt.date = Field(description="cases begun from this day form the second period")
    periods: list[PeriodOut]
    slower: list[ArcChangeOut]
    faster: list[ArcChangeOut]


@router.get("/services/{service_id}/comparison", response={200: PeriodComparisonOut, 204: None},
            operation_id="govcx_delivery_api_service_comparison")
def service_comparison(request: SignedInRequest, service_id: Id, split: dt.date | None = None):
    """Cases begun before `split` against those begun from it (default: the middle of the log); 204 without
    events."""
    service = access_service(request.user, service_id)
    found = selectors.period_comparison(service=service, split=split)
    if found is None:
        return Status(204, None)
    periods = [{"period": name, **summary} for name, summary in found["periods"] if summary is not None]
    return Status(200, {**found, "periods": periods})


class RankedServiceOut(Schema):
    service_id: int
    code: str
    name: str
    organisation_id: int
    cases: int
    median_days: float | None
    rework_share: float
    on_time: ShareOut | None


class RankedAuthorityOut(Schema):
    organisation_id: int
    name: str
    services: int
    cases: int
    share: ShareOut


class RankingOut(Schema):
    services: list[RankedServiceOut] = Field(description="best first: by the lower end of the share on time, "
                                                         "then median throughput time")
    authorities: list[RankedAuthorityOut]


@router.get("/ranking", response=RankingOut, operation_id="govcx_delivery_api_ranking")
def ranking(request: SignedInRequest):
    """The services in the caller's scope that have events, ranked, and their authorities."""
    rows = selectors.service_ranking(user=request.user)
    return {
        "services": [{"service_id": row["service"].pk, "code": row["service"].code, "name": row["service"].name,
                      "organisation_id": row["service"].owner_id, **row} for row in rows],
        "authorities": [{"organisation_id": entry["organisation"].pk, "name": entry["organisation"].name, **entry}
                        for entry in selectors.authority_ranking(rows)],
    }


FILE_TYPES = dict.fromkeys([*exports.TABLE_FORMATS.values(), *exports.MAP_FORMATS.values()])


@router.get("/services/{service_id}/export/{fmt}", response={200: None},
            openapi_extra={"responses": {200: {"description": "the file", "content": {
                kind: {} for kind in FILE_TYPES}}}},
            operation_id="govcx_delivery_api_service_export")
def service_export(request: SignedInRequest, service_id: Id,
                   fmt: Literal["xlsx", "csv", "parquet", "svg", "png"],
                   paths: int = Query(80, ge=1, le=100, description="for the map: per cent of arc occurrences kept"),
                   mode: Literal["frequency", "performance"] = "frequency") -> HttpResponseBase:
    """The figures as a workbook (xlsx) or a ZIP of CSV or Parquet tables, or the process map as SVG or PNG."""
    service = access_service(request.user, service_id)
    if fmt in exports.MAP_FORMATS:
        found = exports.map_file(service, fmt, keep_share=paths / 100, performance=mode == "performance")
        kind = exports.MAP_FORMATS[fmt]
    else:
        found = exports.figures_file(service, fmt)
        kind = exports.TABLE_FORMATS[fmt]
    if found is None:
        raise Http404
    content, name = found
    return download(content, filename=name, content_type=kind)


@router.get("/services/{service_id}/report.pdf", response={200: None},
            openapi_extra={"responses": {200: {"description": "the delivery report", "content": {
                "application/pdf": {}}}}},
            operation_id="govcx_delivery_api_service_report_pdf")
def service_report_pdf(request: SignedInRequest, service_id: Id) -> HttpResponseBase:
    """The delivery report of the service as PDF (the page's "Report (PDF)"): figures, term, open-case risk,
    variants, bottlenecks and the map of the most frequent paths; 404 when the service has no events."""
    service = access_service(request.user, service_id)
    found = exports.report_pdf(service, request)
    if found is None:
        raise Http404
    content, name = found
    return download(content, filename=name, content_type="application/pdf")
