"""The cross-service quarterly report: page, PDF, spreadsheet, and the e-mail subscription to it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx.accounts.requests import SignedInRequest
from govcx.common.downloads import download
from govcx.common.pdf import pdf_response
from govcx.common.quarters import quarter_picker
from govcx.common.refusals import refusal_as_message
from govcx.common.tabular import CONTENT_TYPES, to_xlsx
from govcx.errors import Invalid
from govcx.registry.models import Organisation
from govcx.registry.selectors import access_organisation
from govcx.reports import services
from govcx.reports.models import Frequency, ReportKind, Subscription
from govcx.reports.quarterly import HEADER, QuarterlyReport, quarterly_report, report_table


def _organisation(request: SignedInRequest, value: str | None) -> Organisation | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise Invalid(_("Choose an authority from the list."), details=[{"field": "organisation"}])
    return access_organisation(request.user, int(value))


def _report(request: SignedInRequest) -> QuarterlyReport:
    return quarterly_report(user=request.user, organisation=_organisation(request, request.GET.get("organisation")),
                            quarter=request.GET.get("quarter", "").strip())


def _context(request: SignedInRequest, report: QuarterlyReport) -> dict:
    query = f"?quarter={report.quarter_code}" + (f"&organisation={report.organisation.pk}"
                                                  if report.organisation else "")
    subscription = Subscription.objects.filter(user=request.user, report=ReportKind.QUARTERLY,
                                               organisation=report.organisation).first()
    return {"report": report, "totals": report.totals, "query": query, "subscription": subscription,
            "quarter_picker": quarter_picker("quarter", chosen=report.quarter_code),
            "frequencies": [(Frequency.WEEKLY, _("Every week")), (Frequency.MONTHLY, _("Every month")),
                            (Frequency.QUARTERLY, _("Every quarter"))],
            "languages": settings.LANGUAGES,
            "subscription_language": subscription.language if subscription else services.subscription_language(
                get_language()),
            "organisations": Organisation.objects.for_user(request.user).order_by("code")}


@login_required
def quarterly(request: SignedInRequest) -> HttpResponse:
    return render(request, "reports/quarterly.html", _context(request, _report(request)))


@login_required
def quarterly_pdf(request: SignedInRequest) -> HttpResponseBase:
    report = _report(request)
    scope = report.organisation.code if report.organisation else "all"
    return pdf_response(request, "reports/quarterly_print.html", _context(request, report),
                        filename=f"quarterly-{scope}-{report.quarter_code}.pdf")


@login_required
def quarterly_xlsx(request: SignedInRequest) -> HttpResponseBase:
    report = _report(request)
    scope = report.organisation.code if report.organisation else "all"
    return download(to_xlsx(HEADER, report_table(report), sheet=report.quarter_code),
                    filename=f"quarterly-{scope}-{report.quarter_code}.xlsx", content_type=CONTENT_TYPES["xlsx"])


@login_required
@require_POST
def quarterly_subscribe(request: SignedInRequest) -> HttpResponse:
    organisation_id = request.POST.get("organisation", "")
    with refusal_as_message(request) as refused:
        services.subscription_set(actor=request.user, organisation=_organisation(request, organisation_id),
                                  frequency=request.POST.get("frequency", ""),
                                  language=request.POST.get("language") or get_language())
    if not refused:
        messages.success(request, _("Your report e-mails are set.") if request.POST.get("frequency")
                         else _("You will no longer receive this report by e-mail."))
    return redirect(f"/reports/quarterly/?organisation={organisation_id}")
