from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render

from govcx.common.downloads import download
from govcx.common.pdf import pdf_response
from govcx.common.tabular import CONTENT_TYPES, FORMATS, render_table
from govcx.standards.presentation import requirement_rows
from govcx.standards.report_context import assessment_report_context
from govcx.standards.selectors import access_assessment


def _context(request: HttpRequest, assessment_id: int) -> dict:
    return assessment_report_context(access_assessment(request.user, assessment_id))


@login_required
def assessment_report(request: HttpRequest, assessment_id: int) -> HttpResponse:
    return render(request, "reports/assessment_report.html", _context(request, assessment_id))


@login_required
def assessment_pdf(request: HttpRequest, assessment_id: int) -> HttpResponseBase:
    context = _context(request, assessment_id)
    return pdf_response(request, "reports/assessment_report_print.html", context,
                        filename=f"assessment-{assessment_id}-{context['assessment'].service.code}.pdf")


RESULT_HEADER = [
    "service",
    "pack",
    "pack_version",
    "stage",
    "requirement_id",
    "title",
    "gate",
    "status",
    "rating",
    "score",
    "source",
    "measured_value",
    "evidence_text",
    "evidence_url",
]


def assessment_result_rows(assessment) -> list[list]:
    rows = []
    for row in requirement_rows(assessment):
        if row.requirement is None:
            continue
        outcome = row.outcome
        rows.append(
            [
                assessment.service.code,
                assessment.pack.pack_id,
                assessment.pack.version,
                assessment.stage,
                row.requirement.id,
                row.requirement.title.en,
                row.requirement.gate,
                outcome.status if outcome else "unknown",
                outcome.rating if outcome else None,
                None if row.score is None else round(row.score, 2),
                outcome.source if outcome else "",
                outcome.measured_value if outcome else "",
                outcome.evidence_text if outcome else "",
                outcome.evidence_url if outcome else "",
            ]
        )
    return rows


@login_required
def assessment_export(request: HttpRequest, assessment_id: int, fmt: str) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise Http404("unknown format")
    assessment = access_assessment(request.user, assessment_id)
    body = render_table(fmt, RESULT_HEADER, assessment_result_rows(assessment), sheet="results")
    return download(body, filename=f"assessment-{assessment_id}.{fmt}", content_type=CONTENT_TYPES[fmt])
