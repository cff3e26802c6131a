"""The study report page and its PDF (both from `selectors.study_report_context`), the raw-data export and the
import of attempts recorded elsewhere."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govcx.accounts.roles import Action
from govcx.common.downloads import download
from govcx.common.pdf import pdf_response
from govcx.common.tabular import BUNDLE_CONTENT_TYPES, BUNDLE_SUFFIXES, bundle
from govcx.errors import Invalid
from govcx.lab import forms, selectors
from govcx.lab.services import imports as imports_services


def _context(request: HttpRequest, study_id: int) -> dict:
    return selectors.study_report_context(selectors.access_study(request.user, study_id), request.user)


@login_required
def study_report(request: HttpRequest, study_id: int) -> HttpResponse:
    return render(request, "lab/study_report.html", _context(request, study_id))


@login_required
def study_pdf(request: HttpRequest, study_id: int) -> HttpResponseBase:
    context = _context(request, study_id)
    return pdf_response(request, "lab/study_report_print.html", context,
                        filename=f"study-{study_id}-{context['service'].code}.pdf")


@login_required
def study_export(request: HttpRequest, study_id: int, fmt: str) -> HttpResponseBase:
    """Raw results (tasks, participants, attempts, questionnaires, observations, findings) as CSV files in a ZIP
    or as one XLSX workbook; participants by pseudonymous code only."""
    study = selectors.access_study(request.user, study_id)
    if fmt not in BUNDLE_CONTENT_TYPES:
        raise Http404("unknown format")
    return download(bundle(fmt, selectors.study_export_tables(study)),
                    filename=f"study-{study_id}-results.{BUNDLE_SUFFIXES[fmt]}", content_type=BUNDLE_CONTENT_TYPES[fmt])


@login_required
def attempts_import(request: HttpRequest, study_id: int) -> HttpResponse:
    """Attempts recorded elsewhere (CSV or XLSX), all or nothing; every problem is listed by row and field."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    problems: list[dict] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = imports_services.attempts_import(actor=request.user, study=study, data=upload.read(),
                                                       file_name=upload.name)
        except Invalid as exc:
            problems = exc.details or [{"file": upload.name, "row": None, "field": "", "message": exc.message}]
            form.add_error(None, exc.message)
        else:
            messages.success(request, _(
                "Imported: %(created)s new attempts, %(updated)s corrected, %(unchanged)s unchanged."
            ) % {"created": summary.created, "updated": summary.updated, "unchanged": summary.unchanged})
            return redirect("lab:study_detail", study.pk)
    return render(request, "lab/attempts_import.html", {"study": study, "form": form, "problems": problems},
                  status=422 if problems else 200)
