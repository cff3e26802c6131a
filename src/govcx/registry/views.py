from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, require
from govcx.accounts.services import audit_history
from govcx.common.refusals import refusal_on_form
from govcx.registry import selectors, services
from govcx.registry.forms import ServiceForm
from govcx.registry.models import Organisation
from govcx.registry.service_page import render_sections
from govcx.registry.tabular_views import service_export, service_import  # noqa: F401
from govcx.registry.vocabulary import Stage


@login_required
def service_list(request: HttpRequest) -> HttpResponse:
    queryset = selectors.service_list(user=request.user)
    q = request.GET.get("q", "").strip()
    owner = request.GET.get("owner", "")
    stage = request.GET.get("stage", "")
    if q:
        queryset = queryset.filter(Q(name_en__icontains=q) | Q(name_ru__icontains=q) | Q(code__icontains=q))
    if owner:
        queryset = queryset.filter(owner__code=owner)
    if stage:
        queryset = queryset.filter(stage=stage)
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "q": q,
        "owner": owner,
        "stage": stage,
        "owners": Organisation.objects.for_user(request.user),
        "stages": [s.value for s in Stage],
        "can_change": can(request.user, Action.CHANGE_SERVICE),
    }
    template = "registry/_service_table.html" if request.htmx else "registry/service_list.html"
    return render(request, template, context)


@login_required
def service_detail(request: HttpRequest, service_id: int) -> HttpResponse:
    service = selectors.access_service(request.user, service_id)
    context = {
        "service": service,
        "steps": service.steps.all(),
        "documents": service.documents.all(),
        "sections": render_sections(request, service),
        "history": audit_history(obj=service)[:20],
        "can_change": can(request.user, Action.CHANGE_SERVICE),
    }
    return render(request, "registry/service_detail.html", context)


def _save(request: HttpRequest, form: ServiceForm, service_id: int | None) -> HttpResponse | None:
    data = form.to_schema()
    if data is None:
        return None
    with refusal_on_form(form) as refused:
        if service_id is None:
            service = services.service_create(actor=request.user, passport=data)
        else:
            version = form.cleaned_data.get("version") or 0
            service = services.service_update(
                actor=request.user, service_id=service_id, passport=data, expected_version=version
            )
    if refused:
        return None
    messages.success(request, _("Service created.") if service_id is None else _("Service saved."))
    return redirect("registry:service_detail", service.pk)


@login_required
def service_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.CHANGE_SERVICE)
    organisations = Organisation.objects.for_user(request.user, Action.CHANGE_SERVICE)
    form = ServiceForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, None)
        if response:
            return response
    return render(request, "registry/service_form.html", {"form": form, "service": None})


@login_required
def service_edit(request: HttpRequest, service_id: int) -> HttpResponse:
    service = selectors.access_service(request.user, service_id, Action.CHANGE_SERVICE)
    organisations = Organisation.objects.for_user(request.user, Action.CHANGE_SERVICE)
    initial = ServiceForm.initial_from(selectors.passport_dict(service), service.version)
    form = ServiceForm(request.POST or None, initial=initial, organisations=organisations)
    form.fields["code"].disabled = True
    if request.method == "POST" and form.is_valid():
        response = _save(request, form, service.pk)
        if response:
            return response
    return render(request, "registry/service_form.html", {"form": form, "service": service})
