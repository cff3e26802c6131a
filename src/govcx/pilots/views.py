"""Pilot pages: the programmes, one programme (participants by name, criteria with every version), and the
report a minister's office reads in five minutes (a verdict in plain words and one chart per criterion), with its
PDF twin. The start, finish and analysis buttons are plain forms."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.pdf import pdf_response
from govcx.common.refusals import refusal_as_message
from govcx.pilots import selectors, services
from govcx.pilots.models import EffectivenessCriterion, PilotProgramme, PilotResult
from govcx.registry.models import Organisation


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    rows = [{"p": p, "status": labels.PILOT_STATUSES.get(p.status, p.status),
             "tools": ", ".join(str(labels.PILOT_TOOLS.get(t, t)) for t in p.tools)}
            for p in selectors.programme_list(user=request.user)]
    return render(request, "pilots/list.html", {"rows": rows})


def _criterion_row(criterion: EffectivenessCriterion) -> dict[str, Any]:
    return {
        "c": criterion,
        "tool": labels.PILOT_TOOLS.get(criterion.tool, criterion.tool),
        "measure": labels.MEASURES.get(criterion.measure, criterion.measure),
        "direction": labels.PILOT_DIRECTIONS.get(criterion.direction, criterion.direction),
        "group": labels.PILOT_COMPARISON_GROUPS.get(criterion.comparison_group, criterion.comparison_group),
        "minimum": points(_signed(criterion, criterion.minimum_effect)),
        "iterate": points(_signed(criterion, criterion.iterate_threshold)),
        "confidence": round(criterion.confidence * 100),
    }


def _signed(criterion: EffectivenessCriterion, threshold: float) -> float:
    """A threshold as a change of the measure: negative when the measure should fall."""
    return threshold if criterion.direction == "increase" else -threshold


@login_required
def programme_detail(request: HttpRequest, pilot_id: int) -> HttpResponse:
    programme = selectors.access_programme(request.user, pilot_id)
    participants = list(selectors.participants(programme))
    return render(request, "pilots/detail.html", {
        "programme": programme,
        "status": labels.PILOT_STATUSES.get(programme.status, programme.status),
        "tools": [labels.PILOT_TOOLS.get(t, t) for t in programme.tools],
        "treated": [p for p in participants if p.role == "treated"],
        "comparison": [p for p in participants if p.role == "comparison"],
        "criteria": [[_criterion_row(c) for c in versions] for versions in selectors.criteria_history(programme)],
        "analysis": selectors.latest_analysis(programme),
        "manages": can(request.user, Action.MANAGE_PILOTS),
    })


@login_required
@require_POST
def programme_action(request: HttpRequest, pilot_id: int, action: str) -> HttpResponse:
    programme = selectors.access_programme(request.user, pilot_id, Action.MANAGE_PILOTS)
    with refusal_as_message(request) as refused:
        if action == "start":
            services.programme_start(actor=request.user, programme=programme)
        elif action == "finish":
            services.programme_finish(actor=request.user, programme=programme)
        elif action == "analyse":
            services.analysis_run(actor=request.user, programme=programme)
        else:
            raise Http404
    if not refused:
        messages.success(request, _("Done."))
    target = "pilots:report" if action == "analyse" and not refused else "pilots:programme"
    return redirect(target, pilot_id=programme.pk)


def points(value: float | None) -> str:
    """A change of a share on 0–1 in percentage points, signed ("+4.2 pp")."""
    if value is None:
        return "—"
    return _("%(value)s pp") % {"value": f"{value * 100:+.1f}".replace("-", "−")}


def _verdict(result: PilotResult) -> str:
    c = result.criterion
    words = {"estimate": points(result.estimate), "low": points(result.low), "high": points(result.high),
             "minimum": points(_signed(c, c.minimum_effect)), "iterate": points(_signed(c, c.iterate_threshold)),
             "confidence": round(c.confidence * 100)}
    if result.decision == "scale":
        return _("Scale up. The measured effect is %(estimate)s (%(confidence)s%% interval %(low)s to %(high)s): "
                 "even the least favourable end of the interval reaches the minimum worth scaling, "
                 "%(minimum)s.") % words
    if result.decision == "iterate":
        return _("Iterate. The measured effect, %(estimate)s, reaches %(iterate)s, but the %(confidence)s%% "
                 "interval (%(low)s to %(high)s) does not rule out an effect below the minimum worth scaling, "
                 "%(minimum)s.") % words
    if result.decision == "stop":
        return _("Stop. The measured effect, %(estimate)s (%(confidence)s%% interval %(low)s to %(high)s), does "
                 "not reach %(iterate)s, the least effect worth another round.") % words
    return _("Not enough evidence to decide: %(problem)s.") % {
        "problem": labels.PILOT_PROBLEMS.get(result.problem, result.problem)}


def _report_context(programme: PilotProgramme, *, charts: bool = True) -> dict[str, Any]:
    analysis = selectors.latest_analysis(programme)
    rows = []
    if analysis is not None:
        names = {o.pk: o.name for o in Organisation.objects.filter(
            pk__in={o["organisation_id"] for r in analysis.results.all() for o in r.leave_one_out})}
        from govcx.pilots.charts import event_study_svg  # Altair is imported when a report is drawn

        for result in selectors.results(analysis):
            c = result.criterion
            row = _criterion_row(c)
            dropped = sorted(result.leave_one_out, key=lambda o: o["estimate"])
            row.update({
                "r": result,
                "decision": labels.PILOT_DECISIONS.get(result.decision, result.decision),
                "verdict": _verdict(result),
                "estimate": points(result.estimate), "low": points(result.low), "high": points(result.high),
                "ri_low": points(result.ri_low), "ri_high": points(result.ri_high),
                "loo_low": points(dropped[0]["estimate"]) if dropped else "—",
                "loo_high": points(dropped[-1]["estimate"]) if dropped else "—",
                "loo_low_name": _name(names, dropped[0]["organisation_id"]) if dropped else "",
                "loo_high_name": _name(names, dropped[-1]["organisation_id"]) if dropped else "",
                "events": [{**e, "estimate_pp": points(e["estimate"]), "low_pp": points(e["low"]),
                            "high_pp": points(e["high"])} for e in result.events],
                "chart": event_study_svg(
                    [{**e, "estimate": e["estimate"] * 100,
                      "low": None if e["low"] is None else e["low"] * 100,
                      "high": None if e["high"] is None else e["high"] * 100} for e in result.events],
                    minimum_effect=_signed(c, c.minimum_effect) * 100,
                    title=_("%(measure)s: effect by quarter") % {"measure": row["measure"]},
                    axis_period=_("Quarter"), axis_effect=_("Effect, percentage points"),
                ) if charts and result.events else "",
            })
            rows.append(row)
    return {"programme": programme, "analysis": analysis, "rows": rows,
            "status": labels.PILOT_STATUSES.get(programme.status, programme.status)}


def _name(names: dict[int, str], organisation_id: int) -> str:
    return names.get(organisation_id, "")


@login_required
def report(request: HttpRequest, pilot_id: int) -> HttpResponse:
    programme = selectors.access_programme(request.user, pilot_id)
    context = _report_context(programme)
    context["manages"] = can(request.user, Action.MANAGE_PILOTS)
    return render(request, "pilots/report.html", context)


@login_required
def report_pdf(request: HttpRequest, pilot_id: int) -> FileResponse:
    programme = selectors.access_programme(request.user, pilot_id)
    return pdf_response(request, "pilots/report_print.html", _report_context(programme),
                        filename=f"pilot-{programme.pk}-report.pdf")
