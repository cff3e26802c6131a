"""Pilot pages: the programmes, one programme (participants by name, criteria with every version), and the
report a minister's office reads in five minutes (a verdict in plain words and one chart per criterion), with its
PDF twin. The start, finish and analysis buttons are plain forms; so is the criterion form (an edit while the pilot is
planned, a new version with its reason once it runs), and the forms that set a programme up: a new programme, its
participants and its criteria."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, require
from govcx.common.pdf import pdf_response
from govcx.common.refusals import refusal_as_message, refusal_on_form
from govcx.pilots import report, selectors, services
from govcx.pilots.forms import CriterionForm, ParticipantForm, ProgrammeForm
from govcx.registry.models import Organisation


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    rows = [{"p": p, "status": labels.PILOT_STATUSES.get(p.status, p.status),
             "tools": ", ".join(str(labels.PILOT_TOOLS.get(t, t)) for t in p.tools)}
            for p in selectors.programme_list(user=request.user)]
    return render(request, "pilots/list.html", {"rows": rows, "manages": can(request.user, Action.MANAGE_PILOTS)})


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
def programme_new(request: SignedInRequest) -> HttpResponse:
    """A planned programme run by the central office (or the manager's own organisation)."""
    require(request.user, Action.MANAGE_PILOTS)
    owners = list(Organisation.objects.filter(Q(is_central_office=True) | Q(pk=request.user.organisation_id))
                  .order_by("name_en"))
    initial = {"owner": request.user.organisation_id}
    form = ProgrammeForm(request.POST or None, owners=owners, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with refusal_on_form(form) as refused:
            programme = services.programme_create(
                actor=request.user, owner=next(o for o in owners if str(o.pk) == data["owner"]), name=data["name"],
                tools=data["tools"], starts_on=data["starts_on"], ends_on=data["ends_on"])
        if not refused:
            messages.success(request, _("Programme created. Add its participants and register its criteria."))
            return redirect("pilots:programme", pilot_id=programme.pk)
    return render(request, "pilots/form.html", {
        "form": form, "title": _("New pilot programme"), "submit": _("Create the programme"),
        "intro": _("Participants and effectiveness criteria are added next, before the pilot starts.")})


@login_required
def participant_new(request: HttpRequest, pilot_id: int) -> HttpResponse:
    programme = selectors.access_programme(request.user, pilot_id, Action.MANAGE_PILOTS)
    taken = programme.participants.values("organisation_id")
    candidates = list(Organisation.objects.exclude(pk__in=taken).order_by("level", "name_en"))
    form = ParticipantForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and form.is_valid():
        organisation = next(o for o in candidates if str(o.pk) == form.cleaned_data["organisation"])
        with refusal_on_form(form) as refused:
            services.participant_add(actor=request.user, programme=programme, organisation=organisation,
                                     role=form.cleaned_data["role"])
        if not refused:
            messages.success(request, _("%(name)s added.") % {"name": organisation.name})
            return redirect(f"{reverse('pilots:programme', args=[programme.pk])}#participants")
    return render(request, "pilots/form.html", {
        "form": form, "programme": programme, "title": _("Add a participant"), "submit": _("Add"),
        "intro": _("Pilot participants use the tools; comparison authorities of the same kind do not, and show "
                   "what would have happened without them.")})


@login_required
def criterion_new(request: HttpRequest, pilot_id: int) -> HttpResponse:
    programme = selectors.access_programme(request.user, pilot_id, Action.MANAGE_PILOTS)
    form = CriterionForm(request.POST or None, programme=programme)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as refused:
            services.criterion_create(actor=request.user, programme=programme, key=form.cleaned_data["key"],
                                      values=form.values())
        if not refused:
            messages.success(request, _("Criterion registered."))
            return redirect(f"{reverse('pilots:programme', args=[programme.pk])}#criteria")
    return render(request, "pilots/form.html", {
        "form": form, "programme": programme, "title": _("Register an effectiveness criterion"),
        "submit": _("Register the criterion"),
        "intro": _("Registered before the results exist: the criterion is frozen when the pilot starts, and a "
                   "change after that is a new version with its reason.")})


@login_required
def criterion_edit(request: HttpRequest, pilot_id: int, criterion_id: int) -> HttpResponse:
    """The current version of a criterion, edited in place while the pilot is planned, else revised: a new version
    with its reason. A finished pilot's criteria and replaced versions are not offered (the service refuses them)."""
    programme = selectors.access_programme(request.user, pilot_id, Action.MANAGE_PILOTS)
    criterion = selectors.access_criterion(request.user, criterion_id, Action.MANAGE_PILOTS)
    if criterion.programme_id != programme.pk:
        raise Http404
    versioned = programme.status != "planned"
    form = CriterionForm(request.POST or None, programme=programme, criterion=criterion, versioned=versioned)
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
    measure = report.criterion_row(criterion)["measure"]
    if versioned:
        title = _("New version of a criterion: %(measure)s") % {"measure": measure}
        intro = _("The pilot has started, so version %(version)s is frozen: saving registers a new version with its "
                  "reason, and version %(version)s stays on the programme's page, marked as replaced. The next "
                  "analysis uses the new version.") % {"version": criterion.version}
    else:
        title = _("Edit a criterion: %(measure)s") % {"measure": measure}
        intro = _("The pilot has not started: the criterion is edited in place. It is frozen when the pilot starts.")
    return render(request, "pilots/form.html", {
        "form": form, "programme": programme, "title": title, "intro": intro,
        "submit": _("Register the new version") if versioned else _("Save")})


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
