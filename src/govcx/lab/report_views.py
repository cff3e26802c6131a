"""The study report page, its PDF and the raw-data export, all built from `selectors.study_report_context`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from govcx.lab import selectors
from govcx.lab.report_pdf import render_study_pdf


def _context(request: HttpRequest, study_id: int) -> dict:
    return selectors.study_report_context(selectors.access_study(request.user, study_id), request.user)


@login_required
def study_report(request: HttpRequest, study_id: int) -> HttpResponse:
    return render(request, "lab/study_report.html", _context(request, study_id))


@login_required
def study_pdf(request: HttpRequest, study_id: int) -> HttpResponse:
    context = _context(request, study_id)
    pdf = render_study_pdf(context, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="study-{study_id}-{context["service"].code}.pdf"'
    return response


@login_required
def study_export(request: HttpRequest, study_id: int, fmt: str) -> HttpResponse:
    """Raw results (attempts, questionnaires, observations, findings) as CSV or XLSX, pseudonymous codes only."""
    from govcx.lab import tabular

    study = selectors.access_study(request.user, study_id)
    if fmt not in tabular.FORMATS:
        raise Http404("unknown format")
    body = tabular.study_export(study=study, fmt=fmt)
    response = HttpResponse(body, content_type=tabular.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="study-{study_id}-results.{fmt}"'
    return response
