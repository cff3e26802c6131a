"""The lab's pages for staff: studies, their plan (tasks, quotas, screener), participants, consent and incentives.

Sessions, findings, the report and the participant's own pages live in `session_views`, `finding_views`,
`report_views` and `take_views`. Every view fetches through `selectors.access_*` (another authority's id is
a 404) and writes through `services` only; a form refused by a service shows the reason next to the field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, require
from govcx.common.bounds import parse_id
from govcx.common.refusals import field_name, refusal_as_message, refusal_on_form
from govcx.lab import forms, metrics, rows, selectors
from govcx.lab.models import OwnerConsent, ParticipantStatus, StudyStatus
from govcx.lab.services import participant as participant_services
from govcx.lab.services import study as study_services
from govcx.registry.models import ClientCategory, Organisation, Service
from govcx.registry.selectors import client_categories_by_code, service_list

# ---- shared by the lab's views ------------------------------------------------------------------------------


def screener_field(path: str) -> str:
    """The form field of a service's error path on a participant's form: "screener_answers.age" is the field
    "screener_age"."""
    head, _, rest = path.partition(".")
    return f"screener_{rest}" if head == "screener_answers" and rest else field_name(path)


def study_url(study_id: int, anchor: str = "") -> str:
    return reverse("lab:study_detail", args=[study_id]) + (f"#{anchor}" if anchor else "")


def planning_figures(study, analysis, planned: int) -> dict[str, Any]:
    """What planning shows: the chance of seeing a problem of occurrence p with the planned participants,
    and the sample sizes for the discovery goal and for the completion-rate margin."""
    p = float(study.discovery_p)
    return {
        "p": p,
        "goal": float(study.discovery_goal),
        "planned": planned,
        "discovery_at_planned": metrics.discovery_probability(p, planned),
        "n_for_goal": analysis.planning.n_for_goal,
        "margin": analysis.planning.margin,
        "n_for_margin": analysis.planning.n_for_margin,
        "confidence": float(study.confidence),
    }


# ---- studies ------------------------------------------------------------------------------------------------


@login_required
def study_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.study_list(user=request.user)
    service = request.GET.get("service", "")
    status = request.GET.get("status", "")
    if parse_id(service) is not None:
        queryset = queryset.filter(service_id=parse_id(service))
    if status in StudyStatus.values:
        queryset = queryset.filter(status=status)
    context = {
        "page": Paginator(queryset, 25).get_page(request.GET.get("page")),
        "service": service,
        "status": status,
        # The services of the studies this user sees (a lab's researcher may not see the service's owner).
        "services": Service.objects.filter(pk__in=selectors.study_list(user=request.user).values("service_id")),
        "statuses": StudyStatus.values,
        "can_run": can(request.user, Action.RUN_LAB),
    }
    template = "lab/_study_table.html" if request.htmx else "lab/study_list.html"
    return render(request, template, context)


def _study_form(request: HttpRequest, data=None, initial=None) -> forms.StudyForm:
    return forms.StudyForm(
        data,
        initial=initial,
        # Any service of the registry may be tested by a lab; who sees the study is decided by the study's scope.
        services=Service.objects.select_related("owner"),
        labs=Organisation.objects.for_user(request.user),
        studies=selectors.study_list(user=request.user, action=Action.RUN_LAB),
    )


def _ready(request: HttpRequest, form: forms.StudyForm, screener: forms.BaseScreenerFormSet) -> bool:
    """A study form posted to be saved (not to add a screener row) whose fields and rows are all valid."""
    if request.method != "POST" or forms.ADD_SCREENER_ROW in request.POST:
        return False
    valid = form.is_valid()
    return screener.is_valid() and valid


@login_required
def study_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.RUN_LAB)
    initial = {"lab": request.user.organisation_id, "service": request.GET.get("service")}
    form = _study_form(request, request.POST or None, initial=initial)
    screener = forms.screener_formset(request.POST or None)
    if _ready(request, form, screener):
        data = dict(form.cleaned_data, screener=screener.questions())
        service = Service.objects.get(pk=data.pop("service"))
        lab = Organisation.objects.for_user(request.user).get(pk=data.pop("lab"))
        retest_of = data.pop("retest_of")
        data.pop("version", None)
        with refusal_on_form(form) as refused:
            if retest_of:
                original = selectors.access_study(request.user, retest_of, Action.RUN_LAB)
                study = study_services.retest_create(actor=request.user, study=original, title=data["title"],
                                                     title_en=data["title_en"])
            else:
                study = study_services.study_create(actor=request.user, service=service, lab=lab, **data)
        if not refused:
            messages.success(request, _("Study created."))
            return redirect("lab:study_detail", study.pk)
    return render(request, "lab/study_form.html", {"form": form, "screener": screener, "study": None})


@login_required
def study_edit(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    form = _study_form(request, request.POST or None, initial=forms.StudyForm.initial_from(study))
    for name in ("service", "lab", "retest_of"):
        form.fields[name].disabled = True
    if study.status == StudyStatus.CLOSED:
        form.fields["status"].choices = [(StudyStatus.CLOSED, _("Closed"))]
        form.fields["status"].disabled = True
    screener = forms.screener_formset(request.POST or None, questions=study.screener)
    if _ready(request, form, screener):
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("service", "lab", "retest_of", "version")}
        data["screener"] = screener.questions()
        with refusal_on_form(form) as refused:
            study_services.study_update(actor=request.user, study=study, expected_version=form.cleaned_data["version"],
                                        **data)
        if not refused:
            messages.success(request, _("Study saved."))
            return redirect("lab:study_detail", study.pk)
    return render(request, "lab/study_form.html", {"form": form, "screener": screener, "study": study})


@login_required
def study_detail(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.prefetch_study(selectors.access_study(request.user, study_id))
    analysis = selectors.study_analysis(study)
    personal = selectors.can_view_participants(request.user, study)
    can_run = selectors.can_run_study(request.user, study)
    participants = list(study.participants.all())
    active = [p for p in participants if p.status != ParticipantStatus.WITHDRAWN]
    context = {
        "study": study,
        "tasks": list(study.tasks.all()),
        "quotas": selectors.quota_fill(study),
        "participants": rows.participant_rows(participants, personal=personal),
        "sessions": rows.session_rows(list(study.sessions.all()), participants),
        "findings": analysis.findings,
        "planning": planning_figures(study, analysis, len(active)),
        "analysis": analysis,
        "can_run": can_run,
        "may_decide_owner_consent": _may_decide_owner_consent(request.user, study),
        "can_view_participants": personal,
        "is_open": study.status != StudyStatus.CLOSED,
    }
    if can_run and context["is_open"]:  # only the lab's own researchers see the forms that add quotas and sessions
        context |= {"quota_form": forms.QuotaForm(categories=client_categories_by_code().values()),
                    "session_form": forms.SessionForm(participants=active)}
    return render(request, "lab/study_detail.html", context)


@login_required
@require_POST
def study_close(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    with refusal_as_message(request) as refused:
        study_services.study_close(actor=request.user, study=study)
    if not refused:
        messages.success(request, _("Study closed; its verdict is recorded."))
    return redirect("lab:study_detail", study.pk)


def _may_decide_owner_consent(user: Any, study: Any) -> bool:
    return (study.owner_consent != OwnerConsent.NOT_NEEDED and study.status == StudyStatus.DRAFT
            and service_list(user=user, action=Action.CHANGE_SERVICE).filter(pk=study.service_id).exists())


@login_required
@require_POST
def study_owner_consent(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id)
    give = request.POST.get("decision") == "give"
    with refusal_as_message(request) as refused:
        study_services.study_owner_consent(actor=request.user, study=study, give=give)
    if not refused:
        messages.success(request, _("Consent given: the lab may recruit and run the study.") if give
                         else _("Consent refused: the study cannot run."))
    return redirect("lab:study_detail", study.pk)


@login_required
@require_POST
def study_reopen(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    with refusal_as_message(request) as refused:
        study_services.study_reopen(actor=request.user, study=study)
    if not refused:
        messages.success(request, _("Study reopened."))
    return redirect("lab:study_detail", study.pk)


@login_required
@require_POST
def study_retest(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    retest = study_services.retest_create(actor=request.user, study=study)
    messages.success(request, _("Re-test planned with the same tasks."))
    return redirect("lab:study_detail", retest.pk)


# ---- tasks and quotas ---------------------------------------------------------------------------------------


@login_required
def task_create(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    form = forms.TaskForm(request.POST or None, initial={"order": study.tasks.count() + 1})
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as refused:
            study_services.task_create(actor=request.user, study=study, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Task added."))
            return redirect(study_url(study.pk, "tasks"))
    return render(request, "lab/task_form.html", {"form": form, "study": study, "task": None})


@login_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.access_task(request.user, task_id, Action.RUN_LAB)
    form = forms.TaskForm(request.POST or None, initial=forms.TaskForm.initial_from(task))
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as refused:
            study_services.task_update(actor=request.user, task=task, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Task saved."))
            return redirect(study_url(task.study_id, "tasks"))
    return render(request, "lab/task_form.html", {"form": form, "study": task.study, "task": task})


@login_required
@require_POST
def task_delete(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.access_task(request.user, task_id, Action.RUN_LAB)
    with refusal_as_message(request) as refused:
        study_services.task_delete(actor=request.user, task=task)
    if not refused:
        messages.success(request, _("Task deleted."))
    return redirect(study_url(task.study_id, "tasks"))


@login_required
@require_POST
def quota_create(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    form = forms.QuotaForm(request.POST, categories=ClientCategory.objects.all())
    if form.is_valid():
        with refusal_as_message(request) as refused:
            study_services.quota_create(actor=request.user, study=study, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Quota added."))
    else:
        messages.error(request, "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect(study_url(study.pk, "quotas"))


@login_required
@require_POST
def quota_delete(request: HttpRequest, quota_id: int) -> HttpResponse:
    quota = selectors.access_quota(request.user, quota_id, Action.RUN_LAB)
    with refusal_as_message(request) as refused:
        study_services.quota_delete(actor=request.user, quota=quota)
    if not refused:
        messages.success(request, _("Quota removed."))
    return redirect(study_url(quota.study_id, "quotas"))


# ---- participants -------------------------------------------------------------------------------------------


def _participant_form(request: HttpRequest, study, *, personal: bool, data=None, initial=None):
    return forms.ParticipantForm(
        data, initial=initial, categories=ClientCategory.objects.all(), screener=study.screener,
        show_personal=personal,
    )


@login_required
def participant_create(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    personal = selectors.can_view_participants(request.user, study)
    form = _participant_form(request, study, personal=personal, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("screener_") and k != "code"}
        if personal:
            data["screener_answers"] = form.screener_answers()
        with refusal_on_form(form, field_of=screener_field) as refused:
            participant = participant_services.participant_recruit(
                actor=request.user, study=study, code=form.cleaned_data["code"], **data
            )
        if not refused:
            messages.success(request, _("Participant %(code)s recruited.") % {"code": participant.code})
            return redirect("lab:participant_detail", participant.pk)
    return render(request, "lab/participant_form.html", {"form": form, "study": study, "participant": None})


@login_required
def participant_detail(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.access_participant(request.user, participant_id)
    study = participant.study
    personal = selectors.can_view_participants(request.user, study)
    can_run = selectors.can_run_study(request.user, study)
    consent = getattr(participant, "consent", None) if personal else None
    context = {
        "study": study,
        "participant": selectors.participant_dict(participant, personal=personal),
        "sessions": participant.sessions.all(),
        "consent": consent,
        # Incentives are kept apart from consent and shown only to the lab's own researchers.
        "incentives": participant.incentives.all() if personal else None,
        "can_run": can_run,
        "can_view_participants": personal,
        "withdrawn": participant.status == ParticipantStatus.WITHDRAWN,
    }
    return render(request, "lab/participant_detail.html", context)


@login_required
def participant_edit(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.access_participant(request.user, participant_id, Action.RUN_LAB)
    study = participant.study
    personal = selectors.can_view_participants(request.user, study)
    initial = selectors.participant_dict(participant, personal=personal)
    initial.update({f"screener_{k}": v for k, v in (initial.get("screener_answers") or {}).items()})
    form = _participant_form(request, study, personal=personal, data=request.POST or None, initial=initial)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if not k.startswith("screener_") and k != "code"}
        if personal:
            data["screener_answers"] = form.screener_answers()
        with refusal_on_form(form, field_of=screener_field) as refused:
            participant_services.participant_update(actor=request.user, participant=participant, **data)
        if not refused:
            messages.success(request, _("Participant saved."))
            return redirect("lab:participant_detail", participant.pk)
    return render(request, "lab/participant_form.html", {"form": form, "study": study, "participant": participant})


@login_required
def consent_record(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    form = forms.ConsentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as refused:
            participant_services.consent_record(actor=request.user, participant=participant, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Consent recorded."))
            return redirect("lab:participant_detail", participant.pk)
    return render(request, "lab/consent_form.html",
                  {"form": form, "participant": participant, "study": participant.study})


@login_required
def incentive_record(request: HttpRequest, participant_id: int) -> HttpResponse:
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    selectors.access_participant(request.user, participant_id, Action.RUN_LAB)
    form = forms.IncentiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form) as refused:
            participant_services.incentive_record(actor=request.user, participant=participant, **form.cleaned_data)
        if not refused:
            messages.success(request, _("Incentive recorded."))
            return redirect("lab:participant_detail", participant.pk)
    return render(request, "lab/incentive_form.html",
                  {"form": form, "participant": participant, "study": participant.study})


@login_required
def participant_withdraw(request: HttpRequest, participant_id: int) -> HttpResponse:
    """A confirmation page first: withdrawal erases personal data and recordings and cannot be undone."""
    participant = selectors.access_participant(request.user, participant_id, Action.RUN_LAB)
    if request.method == "POST":
        with refusal_as_message(request) as refused:
            participant_services.participant_withdraw(actor=request.user, participant=participant)
        if not refused:
            messages.success(
                request, _("%(code)s withdrawn: personal data and recordings deleted.") % {"code": participant.code}
            )
        return redirect("lab:participant_detail", participant.pk)
    recordings = participant.sessions.exclude(recording="").count()
    return render(request, "lab/participant_withdraw.html", {"participant": participant, "recordings": recordings})
