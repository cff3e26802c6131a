"""Index pages: the ranking (federal bodies, regions) with intervals and a chart, an authority's page (trend and
dimensions), the drill-down from a dimension to the services and their evidence, the exports (XLSX, CSV, PDF)
and the central office's actions (recompute the measures, compute a draft, publish). Every form works without
JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, require, visible_organisation_ids
from govcx.common import tabular
from govcx.common.downloads import download
from govcx.common.pdf import pdf_response
from govcx.common.quarters import quarter_picker
from govcx.common.refusals import refusal_as_message
from govcx.maturity import selectors
from govcx.maturity.charts import ranking_chart_svg, trend_chart_svg
from govcx.maturity.index_model import IndexModel, shipped_models
from govcx.maturity.index_services import index_compute, index_publish
from govcx.maturity.measure_names import measure as measure_info
from govcx.maturity.models import IndexPublication, IndexValue
from govcx.maturity.periods import valid_period
from govcx.maturity.services import measures_recompute

GROUPS = ("federal", "regional")
#: Rows of the ranking table per page (the chart above it always shows the whole peer group).
RANKING_PAGE_ROWS = 100


def _model_id(request: HttpRequest) -> str:
    wanted = request.GET.get("model") or request.POST.get("model") or "govcx"
    return wanted if wanted in {m.id for m in shipped_models()} else "govcx"


def _title(model: IndexModel) -> str:
    return model.title_ru if (get_language() or "en")[:2] == "ru" and model.title_ru else model.title_en


def _grade_titles(model: IndexModel) -> dict[str, str]:
    russian = (get_language() or "en")[:2] == "ru"
    return {g.grade: (g.title_ru if russian and g.title_ru else g.title_en) for g in model.grades}


def _row(value: IndexValue, visible: set[int] | None, grades: dict[str, str]) -> dict[str, Any]:
    return {"v": value, "name": value.organisation.name, "grade": grades.get(value.grade, ""),
            "coverage": round(100 * value.coverage),
            "opens": visible is None or value.organisation_id in visible}


def _ranking_chart(rows: list[dict[str, Any]]) -> str:
    """The ranking chart (drawn once per distinct content by `common.charts`: a peer group of ~900 regions takes
    vega over a second to draw)."""
    points = [{"name": r["name"], "value": r["v"].value, "low": r["v"].low, "high": r["v"].high} for r in rows]
    return ranking_chart_svg(points, title=_("Index with its 95-percent interval"), axis_title=_("Index (0–100)"))


def _ranking_context(request: HttpRequest) -> dict[str, Any]:
    model_id = _model_id(request)
    period = request.GET.get("period", "")
    publication = selectors.current_publication(user=request.user, model_id=model_id,
                                                period=period if valid_period(period) else None)
    group = request.GET.get("group", "federal")
    group = group if group in GROUPS else "federal"
    periods = sorted({p.period for p in selectors.publication_list(user=request.user, model_id=model_id)})
    context: dict[str, Any] = {
        "models": [{"id": m.id, "title": _title(m)} for m in shipped_models()], "model_id": model_id,
        "publication": publication, "group": group, "groups": {g: labels.PEER_GROUPS[g] for g in GROUPS},
        "periods": periods,
        "period_picker": quarter_picker("period", chosen=publication.period if publication else "",
                                        quarters=periods),
        "compute_picker": quarter_picker("period", chosen=publication.period if publication else "",
                                         also=periods, html_id="compute-period"),
        "publishes": can(request.user, Action.PUBLISH_INDEX), "rows": [], "chart": "",
    }
    if publication is None:
        return context
    model = selectors.publication_model(publication)
    grades = _grade_titles(model)
    visible = visible_organisation_ids(request.user)
    rows = [_row(v, visible, grades) for v in selectors.ranking(publication).get(group, [])]
    context.update({
        "model": model, "model_title": _title(model), "rows": rows,
        "page": Paginator(rows, RANKING_PAGE_ROWS).get_page(request.GET.get("page")),
        "status_label": labels.PUBLICATION_STATUSES[publication.status], "chart": _ranking_chart(rows),
    })
    return context


@login_required
def ranking(request: HttpRequest) -> HttpResponse:
    context = _ranking_context(request)
    template = "maturity/_ranking.html" if request.headers.get("HX-Request") else "maturity/ranking.html"
    return render(request, template, context)


@login_required
def ranking_export(request: HttpRequest, fmt: str) -> HttpResponse | FileResponse:
    context = _ranking_context(request)
    publication: IndexPublication | None = context["publication"]
    if publication is None:
        raise Http404
    name = f"index-{publication.model_id}-{publication.period}-{context['group']}"
    if fmt == "pdf":
        context["page"] = Paginator(context["rows"], max(1, len(context["rows"]))).get_page(1)  # paper: every row
        return pdf_response(request, "maturity/ranking_print.html", context, filename=f"{name}.pdf")
    if fmt not in tabular.FORMATS:
        raise Http404
    model = context["model"]
    header = [_("Rank"), _("Rank interval"), _("Authority"), _("Index"), _("Lower bound"), _("Upper bound"),
              _("Grade"), _("Coverage, %"), _("Change")] + [str(labels.MEASURES[d.measure]) for d in model.dimensions]
    rows = []
    for r in context["rows"]:
        v = r["v"]
        scores = {d["measure"]: d["score"] for d in v.dimensions}
        rows.append([v.rank or "", f"{v.rank_low}–{v.rank_high}" if v.rank else "", r["name"], _round(v.value),
                     _round(v.low), _round(v.high), r["grade"], r["coverage"], _round(v.change)]
                    + [_round(scores.get(d.measure)) for d in model.dimensions])
    content = tabular.render_table(fmt, header, rows, sheet="index")
    return download(content, filename=f"{name}.{fmt}", content_type=tabular.CONTENT_TYPES[fmt])


def _round(x: float | None) -> float | str:
    return "" if x is None else round(x, 1)


def _dimension_rows(value: IndexValue) -> list[dict[str, Any]]:
    return [{"measure": d["measure"], "label": labels.MEASURES[d["measure"]], "value": d["value"],
             "score": d["score"], "n_services": d["n_services"], "weight": round(100 * d["weight"]),
             "per_service": measure_info(d["measure"]).per_service} for d in value.dimensions]


@login_required
def authority(request: HttpRequest, organisation_id: int) -> HttpResponse:
    organisation = selectors.access_authority(request.user, organisation_id)
    model_id = _model_id(request)
    trend = selectors.authority_trend(user=request.user, model_id=model_id, organisation=organisation)
    latest = trend[-1] if trend else None
    context: dict[str, Any] = {"organisation": organisation, "model_id": model_id, "trend": trend, "latest": latest}
    if latest is not None:
        model = selectors.publication_model(latest.publication)
        context.update({
            "model_title": _title(model), "grade": _grade_titles(model).get(latest.grade, ""),
            "dimensions": _dimension_rows(latest), "coverage": round(100 * latest.coverage),
            "minimum_coverage": round(100 * model.minimum_coverage),
            "chart": trend_chart_svg([{"period": v.publication.period, "value": v.value, "low": v.low,
                                       "high": v.high} for v in trend], title=_("Index over the quarters"),
                                     axis_title=_("Index (0–100)"), period_title=_("Quarter")),
        })
    return render(request, "maturity/authority.html", context)


def _evidence_link(kind: str, evidence: dict[str, Any], service_id: int) -> str:
    targets = {"assessment": ("standards:assessment_detail", evidence.get("id")),
               "study": ("lab:study_detail", evidence.get("id")), "audit_run": ("audit:run_detail", evidence.get("id")),
               "feedback": ("feedback:service_report", service_id), "delivery": ("delivery:service", service_id)}
    if kind == "complaints":
        return reverse("complaints:list") + f"?service={service_id}"
    name, key = targets.get(kind, ("", None))
    return reverse(name, args=[key]) if name and key else ""


@login_required
def dimension(request: HttpRequest, organisation_id: int, measure: str) -> HttpResponse:
    organisation = selectors.access_authority(request.user, organisation_id)
    if measure not in labels.MEASURES:
        raise Http404
    period = request.GET.get("period", "")
    if not valid_period(period):
        period = selectors.latest_measure_period(organisation=organisation, measure=measure) or ""
    rows = list(selectors.dimension_services(user=request.user, organisation=organisation, period=period,
                                             measure=measure))
    assessed = [row.evidence["id"] for row in rows if row.evidence.get("kind") == "assessment"]
    unmet = selectors.unmet_requirements(assessed) if assessed else {}
    services = [{"s": row, "link": _evidence_link(row.evidence.get("kind", ""), row.evidence, row.service_id),
                 "unmet": unmet.get(row.evidence.get("id"), []) if row.evidence.get("kind") == "assessment" else []}
                for row in rows]
    info = measure_info(measure)
    return render(request, "maturity/dimension.html", {
        "organisation": organisation, "measure": measure, "label": labels.MEASURES[measure], "period": period,
        "services": services, "per_service": info.per_service, "area_label": labels.MEASURE_AREAS[info.area],
        "model_id": _model_id(request)})


@login_required
@require_POST
def recompute(request: HttpRequest) -> HttpResponse:
    with refusal_as_message(request) as refused:
        require(request.user, Action.PUBLISH_INDEX)
        report = measures_recompute()
    if not refused:
        messages.success(request, _("Measures recomputed: %(count)d quarters.") % {"count": len(report.periods)})
    return redirect(reverse("maturity:ranking") + f"?model={_model_id(request)}")


@login_required
@require_POST
def compute(request: HttpRequest) -> HttpResponse:
    model_id = _model_id(request)
    with refusal_as_message(request) as refused:
        publication = index_compute(actor=request.user, model_id=model_id, period=request.POST.get("period", ""))
    if refused:
        return redirect(reverse("maturity:ranking") + f"?model={model_id}")
    messages.success(request, _("A draft index was computed."))
    return redirect(reverse("maturity:ranking") + f"?model={model_id}&period={publication.period}")


@login_required
@require_POST
def publish(request: HttpRequest, publication_id: int) -> HttpResponse:
    publication = selectors.access_publication(request.user, publication_id)
    with refusal_as_message(request) as refused:
        index_publish(actor=request.user, publication=publication)
    if not refused:
        messages.success(request, _("The index is published and frozen."))
    return redirect(reverse("maturity:ranking") + f"?model={publication.model_id}&period={publication.period}")
