"""Pilot pages: the programmes, one programme (participants by name, criteria with every version), and the
report a minister's office reads in five minutes (a verdict in plain words and one chart per criterion), with its
PDF twin. The start, finish and analysis buttons are plain forms; so is the criterion form (an edit while the pilot is
planned, a new version with its reason once it runs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.pdf import pdf_response
from govcx.common.refusals import refusal_as_message, refusal_on_form
from govcx.pilots import report, selectors, services
from govcx.pilots.forms import CriterionForm


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    rows = [{"p": p, "status": labels.PILOT_STATUSES.get(p.status, p.status),
             "tools": ", ".join(str(labels.PILOT_TOOLS.get(t, t)) for t in p.tools)}
            for p in selectors.programme_list(user=request.user)]
    return render(request, "pilots/list.html", {"rows": rows})


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
        "criteria": [[report.criterion_row(c) for c in versions]
                     for versions in selectors.criteria_history(programme)],
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


@login_required
def criterion_edit(request: HttpRequest, pilot_id: int, criterion_id: int) -> HttpResponse:
    """The current version of a criterion, edited in place while the pilot is planned, else revised: a new version
    with its reason. A finished pilot's criteria and replaced versions are not offered (the service refuses them)."""
    programme = selectors.access_programme(request.user, pilot_id, Action.MANAGE_PILOTS)
    criterion = selectors.access_criterion(request.user, criterion_id, Action.MANAGE_PILOTS)
    if criterion.programme_id != programme.pk:
        raise Http404
    versioned = programme.status != "planned"
    form = CriterionForm(request.POST or None, criterion=criterion, versioned=versioned)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as refused:
            if versioned:
                services.criterion_revise(actor=request.user, criterion=criterion, values=form.values(),
                                          reason=form.cleaned_data["reason"])
            else:
                services.criterion_update(actor=request.user, criterion=criterion, values=form.values())
        if not refused:
            messages.success(request, _("New version registered.") if versioned else _("Criterion saved."))
            return redirect(f"{reverse('pilots:programme', args=[programme.pk])}#criteria")
    return render(request, "pilots/criterion_form.html", {
        "programme": programme, "criterion": criterion, "form": form, "versioned": versioned,
        "row": report.criterion_row(criterion)})


@login_required
def report_page(request: HttpRequest, pilot_id: int) -> HttpResponse:
    programme = selectors.access_programme(request.user, pilot_id)
    context = report.report_context(programme)
    context["manages"] = can(request.user, Action.MANAGE_PILOTS)
    return render(request, "pilots/report.html", context)


@login_required
def report_pdf(request: HttpRequest, pilot_id: int) -> FileResponse:
    programme = selectors.access_programme(request.user, pilot_id)
    return pdf_response(request, "pilots/report_print.html", report.report_context(programme),
                        filename=f"pilot-{programme.pk}-report.pdf")
