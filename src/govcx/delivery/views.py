"""Service delivery pages: the services with event logs, and one service's delivery figures with the upload."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.downloads import download
from govcx.common.refusals import refusal_as_message
from govcx.delivery import exports, selectors, services
from govcx.errors import InvalidInput, Problem
from govcx.jobs.selectors import job_for_subject
from govcx.registry.regions import region_names
from govcx.registry.selectors import access_service, service_list

#: The columns an upload maps: case, activity and timestamp, then `eventlog.OPTIONAL_ROLES` (a test keeps them equal)
MAPPED_ROLES = tuple(labels.EVENT_LOG_COLUMNS)


@login_required
def delivery_home(request: HttpRequest) -> HttpResponse:
    services_in_scope = service_list(user=request.user).order_by("code")
    return render(request, "delivery/home.html", {"services": services_in_scope})


@login_required
def delivery_ranking(request: HttpRequest) -> HttpResponse:
    rows = selectors.service_ranking(user=request.user)
    return render(request, "delivery/ranking.html", {
        "rows": rows, "authorities": selectors.authority_ranking(rows)})


def _import_upload(request: HttpRequest, service_id: int) -> None:
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput([Problem(_("Choose an event log file (XES, CSV or Parquet)."), field="file")])
    mapping = {role: request.POST.get(role, "").strip() for role in MAPPED_ROLES}
    services.eventlog_upload_start(actor=request.user, service_id=service_id, upload=upload,
                                   mapping={k: v for k, v in mapping.items() if v} or None)
    messages.success(request, _("The file is being imported in the background; its progress shows below."))


@login_required
def service_delivery(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service(request.user, service_id)
    can_import = can(request.user, Action.IMPORT_EVENT_LOGS)
    if request.method == "POST":
        with refusal_as_message(request) as refused:
            _import_upload(request, service_id)
        if not refused:
            return redirect("delivery:service", service_id=service.pk)
    log = selectors.service_log(service)
    figures = selectors.delivery_figures(service=service, log=log)
    mapping = selectors.stored_mapping(service=service)
    view = _map_choice(request)
    return render(request, "delivery/service.html", {
        **view,
        **(_process_context(service, view, log) if figures else {}),
        "service": service,
        "figures": figures,
        "deadline": selectors.deadline_figures(service=service, log=log) if figures else None,
        "risk": selectors.open_case_risk(service=service, log=log) if figures else None,
        "comparison": _comparison(service, request, log) if figures else None,
        "durations": _days(figures["case_duration_seconds"]) if figures else {},
        "logs": selectors.event_log_list(user=request.user, service=service)[:20],
        "can_import": can_import,
        "max_megabytes": settings.DELIVERY_MAX_FILE_BYTES // 2**20,
        "job": job_for_subject(subject=services.import_subject(service)) if can_import else None,
        "mapping_fields": [(role, labels.EVENT_LOG_COLUMNS[role], mapping.get(role, "")) for role in MAPPED_ROLES],
    }, status=422 if request.method == "POST" else 200)


@login_required
def service_delivery_export(request: HttpRequest, service_id: int, fmt: str) -> HttpResponseBase:
    """The page's figures as one file: a workbook (xlsx) or a ZIP of CSV or Parquet tables."""
    service = access_service(request.user, service_id)
    if fmt not in exports.TABLE_FORMATS:
        raise Http404
    found = exports.figures_file(service, fmt)
    if found is None:
        raise Http404
    content, name = found
    return download(content, filename=name, content_type=exports.TABLE_FORMATS[fmt])


@login_required
def service_delivery_map(request: HttpRequest, service_id: int, fmt: str = "svg") -> HttpResponseBase:
    """The process map as an SVG or PNG file, with the page's settings."""
    service = access_service(request.user, service_id)
    if fmt not in exports.MAP_FORMATS:
        raise Http404
    view = _map_choice(request)
    found = exports.map_file(service, fmt, keep_share=view["paths"] / 100,
                             performance=view["map_mode"] == "performance")
    if found is None:
        raise Http404
    content, name = found
    return download(content, filename=name, content_type=exports.MAP_FORMATS[fmt])


@login_required
def service_delivery_report_pdf(request: HttpRequest, service_id: int) -> HttpResponseBase:
    """The delivery section of the service's report as a PDF: figures, term, variants, bottlenecks and the map
    of the most frequent paths."""
    service = access_service(request.user, service_id)
    found = exports.report_pdf(service, request)
    if found is None:
        raise Http404
    content, name = found
    return download(content, filename=name, content_type="application/pdf")


MAP_MODES = ("frequency", "performance")
PATH_STEPS = (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)


def _map_choice(request: HttpRequest) -> dict[str, Any]:
    """The map's settings from the query: `paths` (per cent of arc occurrences kept) and `map` (what arcs
    show); anything else falls back to the defaults, so a hand-edited address still shows a page."""
    try:
        paths = int(request.GET.get("paths", "80"))
    except ValueError:
        paths = 80
    paths = min(PATH_STEPS, key=lambda step: abs(step - paths))
    mode = request.GET.get("map", "frequency")
    return {"paths": paths, "map_mode": mode if mode in MAP_MODES else "frequency",
            "map_modes": [(key, labels.PROCESS_MAP_MODES[key]) for key in MAP_MODES]}


def _process_context(service: Any, view: dict[str, Any], log: selectors.ServiceLog | None = None) -> dict[str, Any]:
    process = selectors.process_figures(service=service, keep_share=view["paths"] / 100,
                                        performance=view["map_mode"] == "performance", log=log)
    if process is None:
        return {}
    regions = region_names({row["value"] for row in process["compliance"].get("region", []) if row["value"]},
                           get_language() or "en")
    def label(group: str, value: str | None) -> str:
        if not value:
            return _("not given")
        if group == "region":
            return regions.get(value, value)
        return str(labels.CHANNELS.get(value, value)) if group == "channel" else value

    for group, rows in process["compliance"].items():
        process["compliance"][group] = [{**row, "label": label(group, row["value"])} for row in rows]
    calendar_term = service.deadline_days if service.deadline_kind == "calendar" else None
    from govcx.delivery import charts  # NumPy and Altair: loaded by the workers' warm-up, not by the URL map

    return {
        "process": process,
        "compliance_groups": [(group, labels.DELIVERY_GROUPS[group], process["compliance"][group])
                              for group in process["compliance"]],
        "map_svg": mark_safe(exports.map_svg(  # noqa: S308 - built from escaped text in delivery.process
            service, process, performance=view["map_mode"] == "performance")),
        "throughput_chart": mark_safe(charts.throughput_chart_svg(  # noqa: S308 - SVG rendered by vl-convert
            process["duration_histogram"], title=_("Throughput time of the cases"), axis_title=_("days"),
            count_title=_("cases"), deadline_days=calendar_term)),
    }


def _comparison(service: Any, request: HttpRequest, log: selectors.ServiceLog) -> dict[str, Any] | None:
    found = selectors.period_comparison(service=service, split=_split_day(request), log=log)
    if found is not None:
        found["periods"] = [(labels.DELIVERY_PERIODS[name], summary) for name, summary in found["periods"]]
    return found


def _split_day(request: HttpRequest) -> dt.date | None:
    """The comparison's dividing day from `?split=YYYY-MM-DD`; None (the default) when absent or not a date."""
    try:
        return dt.date.fromisoformat(request.GET.get("split", ""))
    except ValueError:
        return None


def _days(seconds: dict[str, float | None]) -> dict[str, float | None]:
    return {key: None if value is None else value / 86400 for key, value in seconds.items()}
