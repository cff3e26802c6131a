"""The satisfaction dashboard and the quarterly report per service (page and PDF)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _

from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.bounds import parse_id
from govcx.common.pdf import pdf_response
from govcx.errors import Invalid
from govcx.feedback.dashboards.context import dashboard_context, service_report_context
from govcx.feedback.dashboards.figures import GROUPINGS, PERIODS, Query
from govcx.feedback.text import analysis
from govcx.labels import SENTIMENTS
from govcx.registry.selectors import access_service


def _query(request: HttpRequest):
    data = request.GET

    def number(name: str) -> int | None:
        value = data.get(name, "").strip()
        if not value:
            return None
        number = parse_id(value)
        if number is None:
            raise Invalid(_("%(field)s must be a number") % {"field": name}, details=[{"field": name}])
        return number

    def day(name: str) -> dt.date | None:
        value = data.get(name, "").strip()
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise Invalid(_("%(field)s must be a date like 2026-03-31") % {"field": name},
                          details=[{"field": name}]) from None

    group_by = data.get("group_by", "service_id")
    period = data.get("period", "quarter")
    if group_by not in GROUPINGS:
        raise Invalid(_("Unknown grouping"), details=[{"field": "group_by"}])
    if period not in PERIODS:
        raise Invalid(_("Unknown period"), details=[{"field": "period"}])
    return Query(
        question=data.get("question", "overall").strip() or "overall", group_by=group_by, period=period,
        service_id=number("service"), organisation_id=number("organisation"), region=data.get("region", "").strip(),
        client_category=data.get("client_category", "").strip(), channel=data.get("channel", "").strip(),
        date_from=day("from"), date_to=day("to"),
    )


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    query = _query(request)
    if query.service_id:
        access_service(request.user, query.service_id)
    return render(request, "feedback/dashboard.html", dashboard_context(request.user, query))


@login_required
def service_report(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service(request.user, service_id)
    return render(request, "feedback/service_report.html",
                  service_report_context(request.user, service, request.GET.get("quarter", "")))


@login_required
def service_report_pdf(request: HttpRequest, service_id: int) -> HttpResponseBase:
    service = access_service(request.user, service_id)
    context = service_report_context(request.user, service, request.GET.get("quarter", ""))
    return pdf_response(request, "feedback/service_report_print.html", context,
                        filename=f"feedback-{service.code}-{context['quarter_code']}.pdf")


@login_required
def comments(request: HttpRequest) -> HttpResponse:
    service_id = request.GET.get("service", "").strip()
    if service_id and parse_id(service_id) is None:
        raise Invalid(_("service must be a number"), details=[{"field": "service"}])
    service = access_service(request.user, parse_id(service_id)) if service_id else None
    since = request.GET.get("since", "").strip()
    try:
        since_day = dt.date.fromisoformat(since) if since else None
    except ValueError:
        raise Invalid(_("since must be a date like 2026-03-31"), details=[{"field": "since"}]) from None
    topic = request.GET.get("topic", "").strip()
    sentiment = request.GET.get("sentiment", "").strip()
    if sentiment and sentiment not in SENTIMENTS:
        raise Invalid(_("sentiment must be positive, neutral or negative"), details=[{"field": "sentiment"}])
    found = analysis.analyse(request.user, service_id=service.pk if service else None, since=since_day,
                            topic=topic, sentiment=sentiment)
    return render(request, "feedback/comments.html", {"analysis": found, "service": service, "since": since,
                                                      "topic": topic, "sentiment": sentiment,
                                                      "sentiments": SENTIMENTS.items(),
                                                      "can_flag": can(request.user, Action.HANDLE_COMPLAINTS)})
