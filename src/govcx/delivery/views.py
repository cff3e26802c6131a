"""Service delivery pages: the services with event logs, and one service's delivery figures with the upload."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.refusals import refusal_as_message
from govcx.delivery import eventlog, selectors, services
from govcx.errors import InvalidInput, Problem
from govcx.jobs.selectors import job_for_subject
from govcx.registry.selectors import access_service, service_list

MAPPED_ROLES = ("case", "activity", "timestamp", *eventlog.OPTIONAL_ROLES)


@login_required
def delivery_home(request: HttpRequest) -> HttpResponse:
    services_in_scope = service_list(user=request.user).order_by("code")
    return render(request, "delivery/home.html", {"services": services_in_scope})


def _import_upload(request: HttpRequest, service_id: int) -> None:
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput([Problem(_("Choose an event log file (XES, CSV or Parquet)."), field="file")])
    mapping = {role: request.POST.get(role, "").strip() for role in MAPPED_ROLES}
    services.eventlog_upload_start(actor=request.user, service_id=service_id, upload=upload,
                                   mapping={k: v for k, v in mapping.items() if v} or None)
    messages.success(request, _("The file is being imported in the background; its progress shows below."))


@login_required
def service_delivery(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service(request.user, service_id)
    can_import = can(request.user, Action.IMPORT_EVENT_LOGS)
    if request.method == "POST":
        with refusal_as_message(request) as refused:
            _import_upload(request, service_id)
        if not refused:
            return redirect("delivery:service", service_id=service.pk)
    figures = selectors.delivery_figures(service=service)
    mapping = selectors.stored_mapping(service=service)
    return render(request, "delivery/service.html", {
        "service": service,
        "figures": figures,
        "deadline": selectors.deadline_figures(service=service) if figures else None,
        "durations": _days(figures["case_duration_seconds"]) if figures else {},
        "arcs": (figures or {}).get("dfg", [])[:25],
        "logs": selectors.event_log_list(user=request.user, service=service)[:20],
        "can_import": can_import,
        "max_megabytes": settings.DELIVERY_MAX_FILE_BYTES // 2**20,
        "job": job_for_subject(subject=services.import_subject(service)) if can_import else None,
        "mapping_fields": [(role, labels.EVENT_LOG_COLUMNS[role], mapping.get(role, "")) for role in MAPPED_ROLES],
    }, status=422 if request.method == "POST" else 200)


def _days(seconds: dict[str, float | None]) -> dict[str, float | None]:
    return {key: None if value is None else value / 86400 for key, value in seconds.items()}
