"""Self-assessment pages: the list per quarter with status, the authority's form (a level per function chosen
among plain descriptions), and the central office's review (self-score, evidence and its own level side by side,
with the contradiction flags). Every form works without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, can_access, visible_organisation_ids
from govcx.common.quarters import quarter_name, quarter_picker
from govcx.common.refusals import refusal_as_message
from govcx.common.text import without_controls
from govcx.errors import Invalid
from govcx.practices import selectors, services
from govcx.practices.charts import levels_chart_svg
from govcx.practices.contradictions import Flag
from govcx.practices.models import SelfAssessment, Status
from govcx.practices.questionnaire import quarter_of, questionnaire_for
from govcx.registry.models import Organisation


def _language() -> str:
    return get_language() or "en"


def _organisations_to_fill(user: Any) -> list[Organisation]:
    if not can(user, Action.FILL_SELF_ASSESSMENT):
        return []
    ids = visible_organisation_ids(user, Action.FILL_SELF_ASSESSMENT)
    found = Organisation.objects.all() if ids is None else Organisation.objects.filter(pk__in=ids)
    return list(found.order_by("name_en"))


@login_required
def assessment_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        with refusal_as_message(request, missing_is_refusal=True) as refused:
            raw = request.POST.get("organisation", "")
            if not raw.isascii() or not raw.isdigit():
                raise Invalid(_("Choose the authority."))
            created = services.self_assessment_create(actor=request.user, organisation_id=int(raw),
                                                      period=request.POST.get("period", ""))
        if not refused:
            return redirect("practices:detail", created.pk)
        return redirect("practices:list")
    known = selectors.periods(user=request.user)
    period = request.GET.get("period") or (known[0] if known else "")
    period = period if period in known else (known[0] if known else "")
    found = selectors.self_assessment_list(user=request.user, period=period or None).order_by("organisation__name_en")
    levels = selectors.mean_levels(list(found))
    today = quarter_of(timezone.localdate())
    return render(request, "practices/list.html", {
        "period_picker": quarter_picker("period", chosen=period, quarters=known) if known else None,
        "period_label": quarter_name(period) if period else "",
        "rows": [{"a": a, "status": labels.SELF_ASSESSMENT_STATUSES[a.status], "mean": levels.get(a.pk)}
                 for a in found],
        "organisations": _organisations_to_fill(request.user),
        "new_period_picker": quarter_picker("period", quarters=[str(today), str(today.shifted(-1))],
                                            html_id="new-period"),
    })


def _chart(rows: list[selectors.FunctionRow], reviewed: bool) -> str:
    data = [(r.name, r.self_level, (r.reviewer_level or r.self_level) if reviewed else None) for r in rows]
    return mark_safe(levels_chart_svg(  # noqa: S308 - SVG rendered by Vega from our own data
        data, title=_("Levels per function"), self_title=_("Self-assessment"),
        reviewer_title=_("After review"), level_title=_("Level (1–5)")))


def _flag_rows(flags: list[Flag], rows: list[selectors.FunctionRow]) -> list[dict[str, Any]]:
    names = {r.code: r.name for r in rows}
    return [{"f": f, "function": names.get(f.function, ""), "reason": f.reason(_language()),
             "evidence": labels.PRACTICE_EVIDENCE.get(f.evidence, ""), "value": _evidence_value(f.evidence, f.value)}
            for f in flags]


def _evidence_value(kind: str, value: float | None) -> str:
    if value is None:
        return _("no evidence")
    if kind == "training_coverage":
        return f"{value:.0%}"
    return str(int(value))


def _context(request: HttpRequest, assessment: SelfAssessment) -> dict[str, Any]:
    flags = selectors.assessment_flags(assessment)
    rows = selectors.function_rows(assessment, language=_language(), flags=flags)
    reviewed = assessment.status == Status.REVIEWED
    return {
        "a": assessment, "status": labels.SELF_ASSESSMENT_STATUSES[assessment.status],
        "period_label": quarter_name(assessment.period), "rows": rows, "chart": _chart(rows, reviewed),
        "flags": _flag_rows(flags, rows),
        "may_fill": assessment.editable and can_access(request.user, assessment, Action.FILL_SELF_ASSESSMENT),
        "may_review": assessment.status == Status.SUBMITTED
        and can_access(request.user, assessment, Action.REVIEW_SELF_ASSESSMENT),
    }


def _posted_version(request: HttpRequest) -> int | None:
    """The version the form was rendered with; anything but a short number is no version (the write then takes
    no lock from the form, as a form without the field would)."""
    version = request.POST.get("version", "")
    return int(version) if version.isascii() and version.isdigit() and len(version) < 10 else None


def _posted_answers(request: HttpRequest, assessment: SelfAssessment) -> list[dict[str, Any]]:
    answers = []
    for code in questionnaire_for(assessment.questionnaire).function_codes:
        level = request.POST.get(f"level-{code}", "").strip()
        if not level:
            continue
        answers.append({"function": code, "level": level,
                        "justification": without_controls(request.POST.get(f"justification-{code}", "")),
                        "evidence_links": request.POST.get(f"links-{code}", "").split()})
    return answers


@login_required
def assessment_detail(request: HttpRequest, self_assessment_id: int) -> HttpResponse:
    assessment = selectors.access_self_assessment(request.user, self_assessment_id)
    if request.method == "POST":
        assessment = selectors.access_self_assessment(request.user, self_assessment_id,
                                                      Action.FILL_SELF_ASSESSMENT)
        with refusal_as_message(request) as refused:
            assessment = services.self_assessment_answer(actor=request.user, assessment=assessment,
                                                         answers=_posted_answers(request, assessment),
                                                         expected_version=_posted_version(request))
            if "submit" in request.POST:
                services.self_assessment_submit(actor=request.user, assessment=assessment,
                                                expected_version=assessment.version)
        if not refused:
            messages.success(request, _("The self-assessment has been submitted to the central office.")
                             if "submit" in request.POST else _("Answers saved."))
        return redirect("practices:detail", assessment.pk)
    context = _context(request, assessment)
    questionnaire = questionnaire_for(assessment.questionnaire)
    language = _language()
    answered = {r.code: r for r in context["rows"]}
    context["form"] = [{
        "code": f.code, "name": f.name.in_language(language), "question": f.question.in_language(language),
        "levels": [(n, text.in_language(language)) for n, text in sorted(f.levels.items())],
        "row": answered[f.code],
    } for f in questionnaire.functions]
    return render(request, "practices/detail.html", context)


def _evidence_rows(assessment: SelfAssessment) -> list[dict[str, Any]]:
    questionnaire = questionnaire_for(assessment.questionnaire)
    found = selectors.assessment_evidence(assessment, questionnaire)
    names = {f.code: f.name.in_language(_language()) for f in questionnaire.functions}
    rows = []
    for rule in questionnaire.contradictions:
        value = found.get((rule.evidence, rule.window_quarters))
        rows.append({"function": names[rule.function], "evidence": labels.PRACTICE_EVIDENCE[rule.evidence],
                     "window": rule.window_quarters, "value": _evidence_value(rule.evidence, value)})
    return rows


@login_required
def assessment_review(request: HttpRequest, self_assessment_id: int) -> HttpResponse:
    assessment = selectors.access_self_assessment(request.user, self_assessment_id)
    if request.method == "POST":
        return _review_post(request, self_assessment_id)
    context = _context(request, assessment)
    context["evidence"] = _evidence_rows(assessment) if assessment.status != Status.REVIEWED else []
    context["levels"] = [1, 2, 3, 4, 5]
    return render(request, "practices/review.html", context)


def _review_post(request: HttpRequest, self_assessment_id: int) -> HttpResponse:
    assessment = selectors.access_self_assessment(request.user, self_assessment_id, Action.REVIEW_SELF_ASSESSMENT)
    decision = request.POST.get("decision", "")
    scores = []
    for code in questionnaire_for(assessment.questionnaire).function_codes:
        level = request.POST.get(f"level-{code}", "").strip()
        if level:
            scores.append({"function": code, "level": level,
                           "reason": without_controls(request.POST.get(f"reason-{code}", ""))})
    with refusal_as_message(request) as refused:
        services.self_assessment_review(actor=request.user, assessment=assessment, decision=decision,
                                        comment=without_controls(request.POST.get("comment", "")), scores=scores,
                                        expected_version=_posted_version(request))
    if not refused:
        messages.success(request, _("Review recorded."))
        return redirect("practices:detail", assessment.pk)
    return redirect("practices:review", assessment.pk)

