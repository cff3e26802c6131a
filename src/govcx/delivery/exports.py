"""Files of service delivery, shared by the pages and the API: the figures as tables (one XLSX workbook or a ZIP
of CSV or Parquet tables), the process map as SVG or PNG, and the delivery report as PDF."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from govcx.common import tabular
from govcx.delivery import selectors
from govcx.delivery.process import process_map_svg
from govcx.registry.models import Service

TABLE_FORMATS = {"csv": "application/zip", "parquet": "application/zip",
                 "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
MAP_FORMATS = {"svg": "image/svg+xml", "png": "image/png"}


def figure_tables(service: Service) -> dict[str, tuple[list[str], list[list[Any]]]] | None:
    """The delivery figures of the service as named tables (None without events)."""
    log = selectors.service_log(service)
    figures = selectors.delivery_figures(service=service, top=100, log=log)
    if figures is None:
        return None
    process = selectors.process_figures(service=service, keep_share=1.0, performance=False, log=log) or {}
    durations = figures["case_duration_seconds"]
    return {
        "summary": (["figure", "value"], [
            ["cases", figures["cases"]], ["events", figures["events"]], ["activities", figures["activities"]],
            ["variants", figures["variants"]],
            *[[f"case_duration_{key}_seconds", value] for key, value in durations.items()]]),
        "variants": (["cases", "activities"], [[v["cases"], " → ".join(v["activities"])]
                                               for v in figures["top_variants"]]),
        "transitions": (["from", "to", "count", "mean_seconds", "median_seconds", "total_seconds"], [
            [a["source"], a["target"], a["count"], a["mean_seconds"], a["median_seconds"], a["total_seconds"]]
            for a in process.get("arcs", [])]),
        "rework": (["activity", "cases"], [[k, v] for k, v in figures["rework_cases_per_activity"].items()]),
        "compliance": (["group", "value", "cases", "on_time", "share", "low", "high"], [
            [group, row["value"], row["cases"], row["on_time"], row["share"], row["low"], row["high"]]
            for group, rows in process.get("compliance", {}).items() for row in rows]),
    }


def figures_file(service: Service, fmt: str) -> tuple[bytes, str] | None:
    """The figures as one file in `fmt` (a key of TABLE_FORMATS) and its name; None without events."""
    tables = figure_tables(service)
    if tables is None:
        return None
    name = f"delivery-{service.code}.{'xlsx' if fmt == 'xlsx' else fmt + '.zip'}"
    return tabular.bundle(fmt, tables), name


def map_svg(service: Service, process: dict[str, Any], *, performance: bool) -> str:
    """The process map of `process` (see `selectors.process_figures`) as SVG, titled and described in the
    reader's language."""
    return process_map_svg(
        process["arcs"], process["starts"], performance=performance,
        title=_("Process map of %(name)s") % {"name": service.name},
        description=_("Activities from top to bottom; arcs going down are drawn on the right, arcs going back "
                      "on the left. The same arcs are listed in the table below."),
        units=(_("%(value)s h"), _("%(value)s d")))


def map_file(service: Service, fmt: str, *, keep_share: float, performance: bool) -> tuple[bytes, str] | None:
    """The process map as SVG or PNG (a key of MAP_FORMATS) and its file name; None without events."""
    process = selectors.process_figures(service=service, keep_share=keep_share, performance=performance)
    if process is None:
        return None
    svg = map_svg(service, process, performance=performance)
    name = f"process-map-{service.code}.{fmt}"
    if fmt == "png":
        import vl_convert

        return bytes(vl_convert.svg_to_png(svg, scale=2.0)), name
    return svg.encode(), name


REPORT_PATHS_KEPT = 0.8


def report_context(service: Service) -> dict[str, Any] | None:
    """What the delivery section of a service's report shows (None without events): the figures, throughput in
    days, the term, the open cases' risk, bottlenecks and the map of the most frequent paths."""
    from django.utils.safestring import mark_safe

    log = selectors.service_log(service)
    figures = selectors.delivery_figures(service=service, top=5, log=log)
    if figures is None:
        return None
    process = selectors.process_figures(service=service, keep_share=REPORT_PATHS_KEPT, performance=False, log=log)
    seconds = figures["case_duration_seconds"]
    return {
        "figures": figures,
        "durations": {key: None if value is None else value / 86400 for key, value in seconds.items()},
        "deadline": selectors.deadline_figures(service=service, log=log),
        "risk": selectors.open_case_risk(service=service, log=log, top=0),
        "process": process,
        "map_svg": mark_safe(map_svg(service, process, performance=False)) if process else "",  # noqa: S308 - escaped in delivery.process
    }


def report_pdf(service: Service, request: HttpRequest | None = None) -> tuple[bytes, str] | None:
    """The delivery report of the service as PDF bytes and a file name (None without events); WeasyPrint is
    imported by `common.pdf` only when a PDF is made."""
    from govcx.common.pdf import render_pdf

    context = report_context(service)
    if context is None:
        return None
    content = render_pdf("delivery/report_print.html", {**context, "service": service}, request=request)
    return content, f"delivery-{service.code}.pdf"
