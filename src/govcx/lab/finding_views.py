"""From observations to findings: tag observations, select several and merge them into a finding; the
participant × problem matrix; a finding's page with its clips."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx.accounts.roles import Action
from govcx.common.bounds import parse_id
from govcx.common.refusals import refusal_as_message, refusal_on_form
from govcx.lab import forms, selectors
from govcx.lab.models import Observation
from govcx.lab.services import finding as finding_services


def _board_url(study_id: int, anchor: str = "") -> str:
    return reverse("lab:findings", args=[study_id]) + (f"#{anchor}" if anchor else "")


def _finding_form(study, data=None, initial=None) -> forms.FindingForm:
    return forms.FindingForm(data, initial=initial, tasks=study.tasks.all(),
                             participants=study.participants.all())


@login_required
def findings_board(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id)
    analysis = selectors.study_analysis(study)
    observations = (Observation.objects.filter(session__study=study)
                    .select_related("session", "session__participant", "task", "finding")
                    .order_by("session__participant__code", "at_seconds", "id"))
    tag = request.GET.get("tag", "").strip().lower()
    unmerged = request.GET.get("unmerged") == "1"
    all_tags = sorted({t for tags in observations.values_list("tags", flat=True) for t in tags or []})
    shown = [o for o in observations if (not tag or tag in (o.tags or [])) and (not unmerged or o.finding_id is None)]
    models = {f.pk: f for f in study.findings.select_related("task")}
    context = {
        "study": study,
        "observations": shown,
        "tag": tag,
        "unmerged": unmerged,
        "all_tags": all_tags,
        "findings": [(models[f.id], f) for f in analysis.findings if f.id in models],
        "matrix": analysis.matrix,
        "finding_titles": [f.title for f in analysis.findings],
        "analysis": analysis,
        "merge_form": _finding_form(study),
        "can_run": selectors.can_run_study(request.user, study),
    }
    return render(request, "lab/findings_board.html", context)


@login_required
@require_POST
def observation_merge(request: HttpRequest, study_id: int) -> HttpResponse:
    """Merge the ticked observations into an existing finding or a new one described by the form."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    ids = [pk for pk in map(parse_id, request.POST.getlist("observation")) if pk is not None]
    observations = [selectors.access_observation(request.user, pk, Action.RUN_LAB) for pk in ids]
    existing = request.POST.get("finding", "")
    with refusal_as_message(request) as refused:
        if parse_id(existing) is not None:
            finding = selectors.access_finding(request.user, parse_id(existing), Action.RUN_LAB)
            finding = finding_services.observation_merge(actor=request.user, observations=observations, finding=finding)
        else:
            form = _finding_form(study, request.POST)
            if not form.is_valid():
                messages.error(request, "; ".join(
                    f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}"
                    for f, e in form.errors.items()))
                return redirect(_board_url(study.pk, "merge"))
            data = dict(form.cleaned_data)
            participants = study.participants.filter(pk__in=data.pop("participants") or [])
            task_id = data.pop("task")
            if task_id:
                data["task"] = study.tasks.get(pk=task_id)
            finding = finding_services.observation_merge(actor=request.user, observations=observations,
                                                         participants=list(participants), **data)
    if refused:
        return redirect(_board_url(study.pk, "merge"))
    messages.success(request, _("%(n)s observations merged into “%(title)s”.") % {"n": len(observations),
                                                                                 "title": finding.title})
    return redirect("lab:finding_detail", finding.pk)


@login_required
@require_POST
def observation_tag(request: HttpRequest, observation_id: int) -> HttpResponse:
    observation = selectors.access_observation(request.user, observation_id, Action.RUN_LAB)
    with refusal_as_message(request):
        observation = finding_services.observation_tag(actor=request.user, observation=observation,
                                                       tags=forms.parse_tags(request.POST.get("tags", "")))
    return redirect(_board_url(observation.session.study_id, f"obs-{observation.pk}"))


@login_required
def finding_create(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    form = _finding_form(study, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = list(study.participants.filter(pk__in=data.pop("participants") or []))
        task_id = data.pop("task")
        data["task"] = study.tasks.get(pk=task_id) if task_id else None
        with refusal_on_form(form) as refused:
            finding = finding_services.finding_create(actor=request.user, study=study, participants=participants,
                                                      **data)
        if not refused:
            messages.success(request, _("Finding recorded."))
            return redirect("lab:finding_detail", finding.pk)
    return render(request, "lab/finding_form.html", {"form": form, "study": study, "finding": None})


@login_required
def finding_edit(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.access_finding(request.user, finding_id, Action.RUN_LAB)
    study = finding.study
    form = _finding_form(study, request.POST or None, initial=forms.FindingForm.initial_from(finding))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        participants = list(study.participants.filter(pk__in=data.pop("participants") or []))
        task_id = data.pop("task")
        data["task"] = study.tasks.get(pk=task_id) if task_id else None
        with refusal_on_form(form) as refused:
            finding_services.finding_update(actor=request.user, finding=finding, participants=participants, **data)
        if not refused:
            messages.success(request, _("Finding saved."))
            return redirect("lab:finding_detail", finding.pk)
    return render(request, "lab/finding_form.html", {"form": form, "study": study, "finding": finding})


@login_required
def finding_detail(request: HttpRequest, finding_id: int) -> HttpResponse:
    finding = selectors.access_finding(request.user, finding_id)
    study = finding.study
    analysis = selectors.study_analysis(study)
    figures = next((f for f in analysis.findings if f.id == finding.pk), None)
    observations = finding.observations.select_related("session", "session__participant", "task").order_by(
        "session__participant__code", "at_seconds")
    context = {
        "study": study,
        "finding": finding,
        "figures": figures,
        "observations": observations,
        "can_run": selectors.can_run_study(request.user, study),
        # Video shows faces and voices: only the lab's own researchers may watch it.
        "show_clips": selectors.can_view_participants(request.user, study),
    }
    return render(request, "lab/finding_detail.html", context)
