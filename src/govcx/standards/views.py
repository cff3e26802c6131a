from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.bounds import INT_MAX, parse_id
from govcx.common.refusals import refusal_as_message
from govcx.errors import Conflict, Invalid
from govcx.registry.selectors import access_service
from govcx.standards import selectors, services
from govcx.standards.forms import AdjustmentForm
from govcx.standards.models import AdjustmentStatus
from govcx.standards.presentation import RATING_CHOICES, requirement_rows
from govcx.standards.report_context import assessment_report_context
from govcx.standards.schema import iter_nodes
from govcx.standards.scoring import Verdict


@login_required
def pack_list(request: SignedInRequest) -> HttpResponse:
    return render(request, "standards/pack_list.html", {"packs": selectors.pack_list()})


@login_required
def pack_detail(request: SignedInRequest, pack_pk: int) -> HttpResponse:
    record = selectors.access_pack(request.user, pack_pk)
    pack = record.parsed
    nodes = [(n, getattr(n, "requirements", None) is None) for n in iter_nodes(pack.groups)]
    return render(request, "standards/pack_detail.html", {"record": record, "pack": pack, "nodes": nodes})


@login_required
def assessment_list(request: SignedInRequest) -> HttpResponse:
    queryset = selectors.assessment_list(user=request.user)
    verdict = request.GET.get("verdict", "")
    if verdict:
        queryset = queryset.filter(verdict=verdict)
    page = Paginator(queryset, 30).get_page(request.GET.get("page"))
    verdicts = [v.value for v in Verdict]
    return render(request, "standards/assessment_list.html", {"page": page, "verdict": verdict, "verdicts": verdicts})


@login_required
@require_POST
def assessment_create(request: SignedInRequest) -> HttpResponse:
    service = access_service(request.user, request.POST.get("service_id"), Action.ASSESS)
    pack = selectors.access_pack(request.user, request.POST.get("pack_id"))
    assessment = services.assessment_create(
        actor=request.user, service=service, pack=pack, stage=request.POST.get("stage") or None
    )
    messages.success(request, _("Assessment created; automated checks have run."))
    return redirect("standards:assessment_detail", assessment.pk)


@login_required
def assessment_detail(request: SignedInRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, assessment_id)
    context = assessment_report_context(assessment)
    context.update(
        {
            "rating_choices": RATING_CHOICES[context["pack"].scoring],
            "adjustment_statuses": AdjustmentStatus.values,
            "gaps": context["blocking"] + context["non_blocking"],
            "can_assess": can(request.user, Action.ASSESS),
            "can_adjust": can(request.user, Action.MANAGE_ADJUSTMENTS),
            "today": dt.date.today(),
            "adjustment_form": _adjustment_form(assessment, gaps=context["blocking"] + context["non_blocking"]),
        }
    )
    return render(request, "standards/assessment_detail.html", context)


@login_required
@require_POST
def assessment_rerun_checks(request: SignedInRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, assessment_id, Action.ASSESS)
    services.assessment_rerun_checks(actor=request.user, assessment=assessment)
    messages.success(request, _("Automated checks have run again."))
    return redirect("standards:assessment_detail", assessment.pk)


def _back(assessment_id: int, anchor: str = "") -> str:
    return reverse("standards:assessment_detail", args=[assessment_id]) + (f"#{anchor}" if anchor else "")


@login_required
@require_POST
def outcome_record(request: SignedInRequest, assessment_id: int, requirement_id: str) -> HttpResponse:
    """A full page reload without JavaScript; with htmx, the requirement's row and the figures in place."""
    assessment = selectors.access_assessment(request.user, assessment_id, Action.ASSESS)
    raw_version = request.POST.get("expected_version", "")

    def record() -> None:
        services.outcome_record(
            actor=request.user,
            assessment=assessment,
            requirement_id=requirement_id,
            status=request.POST.get("status") or None,
            rating=request.POST.get("rating") or None,
            evidence_text=request.POST.get("evidence_text", ""),
            evidence_url=request.POST.get("evidence_url", ""),
            evidence_file=request.FILES.get("evidence_file"),
            expected_version=parse_id(raw_version, low=0, high=INT_MAX),
        )

    if request.htmx:
        why = ""
        try:
            record()
        except (Invalid, Conflict) as exc:
            why = exc.message
        return _outcome_row(request, assessment.pk, requirement_id, why)
    with refusal_as_message(request):
        record()
        messages.success(request, _("Outcome of %(req)s saved.") % {"req": requirement_id})
    return redirect(_back(assessment.pk, f"req-{requirement_id}"))


def _outcome_row(request: SignedInRequest, assessment_id: int, requirement_id: str, why: str) -> HttpResponse:
    """The requirement's row after recording, with the verdict, the figures and a spoken status (out of band)."""
    assessment = selectors.access_assessment(request.user, assessment_id)
    row = next((r for r in requirement_rows(assessment) if getattr(r.requirement, "id", None) == requirement_id),
               None)
    if row is None:  # a requirement the page does not list (not applicable): show the whole page again
        return HttpResponse(headers={"HX-Redirect": _back(assessment_id)})
    return render(request, "standards/_outcome_saved.html", {
        "assessment": assessment, "row": row, "can_assess": True, "saved": not why, "refused": bool(why),
        "why": why, "rating_choices": RATING_CHOICES[assessment.pack.parsed.scoring]})


@login_required
@require_POST
def adjustment_create(request: SignedInRequest, assessment_id: int) -> HttpResponse:
    assessment = selectors.access_assessment(request.user, assessment_id, Action.MANAGE_ADJUSTMENTS)
    form = _adjustment_form(assessment, request.POST)
    if not form.is_valid():
        for field, problems in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = " ".join(str(problem) for problem in problems)
            messages.error(request, f"{label}: {text}" if label else text)
        return redirect(_back(assessment.pk, "adjustments"))
    with refusal_as_message(request):
        services.adjustment_create(
            actor=request.user,
            assessment=assessment,
            requirement_id=form.cleaned_data["requirement_id"],
            action=form.cleaned_data["action"],
            owner=form.chosen_owner(),
            due_date=form.cleaned_data["due_date"],
        )
        messages.success(request, _("Adjustment added."))
    return redirect(_back(assessment.pk, "adjustments"))


def _adjustment_form(assessment, data=None, gaps=None) -> AdjustmentForm:
    """The form; `gaps` (with titles) from the page's context, else the assessment's stored gaps (for checking)."""
    if gaps is None:
        result = assessment.result or {}
        gaps = [{"requirement_id": g["requirement_id"], "title": g["requirement_id"]}
                for g in [*result.get("blocking", []), *result.get("non_blocking", [])]]
    people = selectors.adjustment_owner_candidates(organisation_id=assessment.service.owner_id)
    return AdjustmentForm(data, gaps=gaps, people=people)


@login_required
@require_POST
def adjustment_set_status(request: SignedInRequest, adjustment_id: int) -> HttpResponse:
    adjustment = selectors.access_adjustment(request.user, adjustment_id, Action.MANAGE_ADJUSTMENTS)
    raw_version = request.POST.get("expected_version", "")
    with refusal_as_message(request):
        services.adjustment_set_status(
            actor=request.user,
            adjustment=adjustment,
            status=request.POST.get("status", ""),
            expected_version=-1 if (version := parse_id(raw_version, low=0, high=INT_MAX)) is None else version,
        )
        messages.success(request, _("Adjustment updated."))
    return redirect(_back(adjustment.assessment_id, "adjustments"))


@login_required
def evidence_file(request: SignedInRequest, assessment_id: int, requirement_id: str) -> FileResponse:
    """Evidence files are served only through the assessment's scope, never from a public media URL."""
    assessment = selectors.access_assessment(request.user, assessment_id)
    outcome = assessment.outcomes.filter(requirement_id=requirement_id).exclude(evidence_file="").first()
    if outcome is None:
        raise Http404("no evidence file")
    name = outcome.evidence_file.name.rsplit("/", 1)[-1]
    return FileResponse(outcome.evidence_file.open("rb"), as_attachment=True, filename=name)
