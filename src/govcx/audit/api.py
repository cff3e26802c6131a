from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Router, Schema, Status

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.audit import selectors, services
from govcx.audit.summary import compare_runs
from govcx.common.bounds import Count, Id
from govcx.registry.selectors import access_service

router = Router(tags=["audit"])


class JourneyStepIn(Schema):
    action: str
    selector: str = ""
    value: str = ""


class AuditRunIn(Schema):
    service_id: Id
    urls: list[str] | None = None
    crawl_from: str = ""
    max_depth: Count = 2
    max_pages: Count = 20
    journey: list[JourneyStepIn] | None = None
    parallel: Count = 2


class AuditRunOut(Schema):
    id: int
    service_id: int
    status: str
    source: str
    targets: list[str]
    pages_total: int
    pages_done: int
    summary: dict[str, Any]
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None


class IssueOut(Schema):
    rule: str
    kind: str
    impact: str
    help: str
    wcag: list[str]
    targets: list[str]


class PageOut(Schema):
    url: str
    ok: bool
    error: str
    status: int | None
    title: str
    language: dict[str, Any]
    forms: dict[str, Any]
    weight: dict[str, Any]
    mobile: dict[str, Any]
    blocked_requests: list[dict[str, str]]
    issues: list[IssueOut]


class AuditRunDetailOut(AuditRunOut):
    pages: list[PageOut]


class RunComparisonOut(Schema):
    new: list[tuple[str, str, str]]
    fixed: list[tuple[str, str, str]]
    remaining: list[tuple[str, str, str]]


@router.get("/runs", response=list[AuditRunOut])
def run_list(request: SignedInRequest, service_id: Id | None = None):
    queryset = selectors.audit_run_list(user=request.user)
    return queryset.filter(service_id=service_id) if service_id is not None else queryset


@router.post("/runs", response={202: AuditRunOut})
def run_create(request: SignedInRequest, payload: AuditRunIn):
    """Queue an audit; it runs in the background. Poll GET /runs/{id} for progress and results."""
    service = access_service(request.user, payload.service_id, Action.ASSESS)
    run = services.audit_run_create(
        actor=request.user, service=service, urls=payload.urls, crawl_from=payload.crawl_from,
        max_depth=payload.max_depth, max_pages=payload.max_pages, parallel=payload.parallel,
        journey=[s.model_dump() for s in payload.journey] if payload.journey else None,
    )
    services.audit_run_start(actor=request.user, run=run)
    run.refresh_from_db()
    return Status(202, run)


@router.get("/runs/{run_id}", response=AuditRunDetailOut)
def run_get(request: SignedInRequest, run_id: Id):
    run = selectors.access_audit_run(request.user, run_id)
    return {**AuditRunOut.model_validate(run).model_dump(), "pages": [
        {**{f: getattr(p, f) for f in ("url", "ok", "error", "status", "title", "language", "forms", "weight",
                                       "mobile", "blocked_requests")},
         "issues": list(p.issues.all())}
        for p in selectors.run_pages(run)
    ]}


@router.get("/runs/{run_id}/compare/{other_id}", response=RunComparisonOut)
def run_compare(request: SignedInRequest, run_id: Id, other_id: Id):
    after = selectors.access_audit_run(request.user, run_id)
    before = selectors.access_audit_run(request.user, other_id)
    return compare_runs(selectors.run_page_dicts(before), selectors.run_page_dicts(after))
