"""Import and export of service passports as CSV or XLSX files (the layout is in `registry.passport_rows`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.common.downloads import download
from govcx.common.tabular import CONTENT_TYPES, FORMATS, MAX_FILE_BYTES, format_for, render_table
from govcx.errors import Conflict, Invalid
from govcx.registry import passport_rows, selectors, services


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy("One row per service, the first row naming the columns. Up to 20 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not format_for(upload.name):
            raise forms.ValidationError(_("Choose a .csv or .xlsx file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB; split it into several files."))
        return upload


# What each column holds, for the upload page.
COLUMN_HELP = {
    "code": gettext_lazy(
        "Service code: lower-case letters, digits, - and _. An existing code updates that service."
    ),
    "name_en": gettext_lazy("Name in English."),
    "name_ru": gettext_lazy("Name in Russian."),
    "description_en": gettext_lazy("Description in English."),
    "description_ru": gettext_lazy("Description in Russian."),
    "owner": gettext_lazy("Code of the owning organisation (within your scope)."),
    "client_categories": gettext_lazy("Client category codes, separated by ;"),
    "life_situations": gettext_lazy("Life situation codes, separated by ;"),
    "channels": gettext_lazy("Channels, separated by ;: portal, office, phone, mobile_app, proactive."),
    "stage": gettext_lazy("design, alpha, beta or live. Empty keeps the current stage."),
    "deadline_days": gettext_lazy("Regulated deadline in days (a whole number), or empty."),
    "deadline_kind": gettext_lazy("working or calendar. Empty keeps the current value."),
    "fee": gettext_lazy("Fee, e.g. 1500.00; empty means no fee."),
    "legal_basis": gettext_lazy("Legal basis."),
    "page_urls": gettext_lazy("Addresses of the service's pages (https://...), separated by ;"),
    "feedback_url": gettext_lazy("Address of the feedback channel, or empty."),
    "steps": gettext_lazy('Steps separated by ;, each "English / Russian", ending in [visit] if in person.'),
    "documents": gettext_lazy(
        'Documents separated by ;, each "English / Russian", then "| Registry" if a registry holds it.'
    ),
}


@login_required
def service_export(request: SignedInRequest, fmt: str) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404(f"unknown format {fmt!r}")
    header, rows = selectors.services_export_rows(selectors.service_list(user=request.user))
    return download(render_table(fmt, header, rows, sheet="services"),
                    filename=f"services-{dt.date.today().isoformat()}.{fmt}", content_type=CONTENT_TYPES[fmt])


@login_required
def service_import(request: SignedInRequest) -> HttpResponse:
    require(request.user, Action.CHANGE_SERVICE)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    context = {
        "form": form,
        "columns": [
            {"name": c, "required": c in passport_rows.REQUIRED_COLUMNS, "help": COLUMN_HELP[c]}
            for c in passport_rows.COLUMNS
        ],
        "problems": [],
        "error": None,
    }
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                summary = services.services_import_start(
                    actor=request.user, data=upload.read(), fmt=format_for(upload.name),
                    file_name=upload.name,
                )
            except Invalid as exc:
                context["error"] = exc.message
                context["problems"] = exc.details
                status = 422
            except Conflict as exc:
                context["error"] = exc.message
                status = 409
            else:
                if not isinstance(summary, services.ImportSummary):
                    messages.success(request, _("The services are being imported in the background."))
                    return redirect("jobs:detail", summary.pk)
                messages.success(request, _(
                    "Imported %(file)s: %(created)d created, %(updated)d updated, %(unchanged)d unchanged."
                ) % {"file": upload.name, "created": summary.created, "updated": summary.updated,
                     "unchanged": summary.unchanged})
                return redirect("registry:service_list")
        else:
            status = 422
    return render(request, "registry/service_import.html", context, status=status)
