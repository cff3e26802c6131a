"""What a pilot's reader sees, in words and figures: thresholds and effects in percentage points, each criterion's
row, the verdict in plain words, and the report's context. The page, its PDF twin and `govcx pilots` read it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from govcx import labels
from govcx.pilots import selectors
from govcx.pilots.models import EffectivenessCriterion, PilotProgramme, PilotResult
from govcx.registry.models import Organisation


def points(value: float | None) -> str:
    """A change of a share on 0–1 in percentage points, signed ("+4.2 pp")."""
    if value is None:
        return "—"
    return _("%(value)s pp") % {"value": f"{value * 100:+.1f}".replace("-", "−")}


def signed(criterion: EffectivenessCriterion, threshold: float) -> float:
    """A threshold as a change of the measure: negative when the measure should fall."""
    return threshold if criterion.direction == "increase" else -threshold


def criterion_row(criterion: EffectivenessCriterion) -> dict[str, Any]:
    return {
        "c": criterion,
        "tool": labels.PILOT_TOOLS.get(criterion.tool, criterion.tool),
        "measure": labels.MEASURES.get(criterion.measure, criterion.measure),
        "direction": labels.PILOT_DIRECTIONS.get(criterion.direction, criterion.direction),
        "group": labels.PILOT_COMPARISON_GROUPS.get(criterion.comparison_group, criterion.comparison_group),
        "minimum": points(signed(criterion, criterion.minimum_effect)),
        "iterate": points(signed(criterion, criterion.iterate_threshold)),
        "confidence": round(criterion.confidence * 100),
    }


def verdict_text(result: PilotResult) -> str:
    c = result.criterion
    words = {"estimate": points(result.estimate), "low": points(result.low), "high": points(result.high),
             "minimum": points(signed(c, c.minimum_effect)), "iterate": points(signed(c, c.iterate_threshold)),
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


def report_context(programme: PilotProgramme, *, charts: bool = True) -> dict[str, Any]:
    analysis = selectors.latest_analysis(programme)
    rows = []
    if analysis is not None:
        names = {o.pk: o.name for o in Organisation.objects.filter(
            pk__in={o["organisation_id"] for r in analysis.results.all() for o in r.leave_one_out})}
        from govcx.pilots.charts import event_study_svg  # Altair is imported when a report is drawn

        for result in selectors.results(analysis):
            c = result.criterion
            row = criterion_row(c)
            dropped = sorted(result.leave_one_out, key=lambda o: o["estimate"])
            row.update({
                "r": result,
                "decision": labels.PILOT_DECISIONS.get(result.decision, result.decision),
                "verdict": verdict_text(result),
                "estimate": points(result.estimate), "low": points(result.low), "high": points(result.high),
                "ri_low": points(result.ri_low), "ri_high": points(result.ri_high),
                "loo_low": points(dropped[0]["estimate"]) if dropped else "—",
                "loo_high": points(dropped[-1]["estimate"]) if dropped else "—",
                "loo_low_name": names.get(dropped[0]["organisation_id"], "") if dropped else "",
                "loo_high_name": names.get(dropped[-1]["organisation_id"], "") if dropped else "",
                "events": [{**e, "estimate_pp": points(e["estimate"]), "low_pp": points(e["low"]),
                            "high_pp": points(e["high"])} for e in result.events],
                "chart": event_study_svg(
                    [{**e, "estimate": e["estimate"] * 100,
                      "low": None if e["low"] is None else e["low"] * 100,
                      "high": None if e["high"] is None else e["high"] * 100} for e in result.events],
                    minimum_effect=signed(c, c.minimum_effect) * 100,
                    title=_("%(measure)s: effect by quarter") % {"measure": row["measure"]},
                    axis_period=_("Quarter"), axis_effect=_("Effect, percentage points"),
                ) if charts and result.events else "",
            })
            rows.append(row)
    return {"programme": programme, "analysis": analysis, "rows": rows,
            "status": labels.PILOT_STATUSES.get(programme.status, programme.status)}
