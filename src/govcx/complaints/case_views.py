"""Pages of the cases opened from feedback: the team's list, a case with the response behind it, and the actions
(plan: owner and due date; start; close with a note; flag a comment). Every form works without JavaScript."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.accounts.services import audit_history
from govcx.common.refusals import refusal_as_message
from govcx.complaints import case_selectors, case_services, cells
from govcx.complaints.case_selectors import CaseFilters, access_case
from govcx.complaints.models import Case, CaseStatus
from govcx.complaints.views import _date_or_none, _int_or_none
from govcx.feedback.selectors import response_answer_lines, survey_names
from govcx.registry.selectors import service_choices


def _filters(request: HttpRequest) -> CaseFilters:
    status = request.GET.get("status", "")
    return CaseFilters(status=status if status in case_selectors.STATUSES else "",
                       service_id=_int_or_none(request.GET.get("service")), mine=request.GET.get("mine") == "1")


def _query(filters: CaseFilters, **override: object) -> str:
    values: dict[str, object] = {"status": filters.status, "service": filters.service_id or "",
                                 "mine": "1" if filters.mine else ""}
    values.update(override)
    return urlencode({k: v for k, v in values.items() if v})


def _row(case: Case, today: dt.date) -> dict:
    status = case_selectors.case_status(case=case, today=today)
    days_left, days_overdue = (case.due_on - today).days, (today - case.due_on).days
    return {"case": case, "status": status, "status_label": labels.CASE_STATUSES[status],
            "reason_label": labels.CASE_REASONS.get(case.reason, case.reason),
            "days_left": days_left, "days_overdue": days_overdue,
            "status_cell": cells.status_tag(status, labels.CASE_STATUSES[status]),
            "days_cell": cells.case_days(status, days_left, days_overdue)}


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = _filters(request)
    counts = case_selectors.case_status_counts(
        queryset=case_selectors.cases_for(user=request.user, filters=replace(filters, status=""), today=today),
        today=today)
    matching = case_selectors.cases_for(user=request.user, filters=filters, today=today)
    page = Paginator(matching, 30).get_page(request.GET.get("page"))
    chips = [{"status": s, "label": labels.CASE_STATUSES[s], "count": counts[s], "query": _query(filters, status=s),
              "current": s == filters.status} for s in case_selectors.STATUSES]
    return render(request, "complaints/case_list.html", {
        "page": page, "rows": [_row(c, today) for c in page], "chips": chips, "total": sum(counts.values()),
        "filters": filters, "all_query": _query(filters, status=""), "page_query": _query(filters),
        "mine_query": _query(filters, mine="" if filters.mine else "1"),
        "services": service_choices(user=request.user),
    })


def _history(case: Case) -> list[dict]:
    rows = []
    for event in audit_history(obj=case):
        changes = event.changes or {}
        details = []
        if "owner" in changes:
            details.append(_("owner: %(owner)s") % {"owner": changes["owner"][1] or "—"}
                           if isinstance(changes["owner"], list) else _("owner: %(owner)s") % {
                               "owner": changes["owner"] or "—"})
        if "due_on" in changes:
            due = changes["due_on"][1] if isinstance(changes["due_on"], list) else changes["due_on"]
            details.append(_("due %(due)s") % {"due": due})
        rows.append({"at": event.at, "actor": event.actor,
                     "label": labels.CASE_HISTORY.get(event.action, event.action), "detail": "; ".join(details)})
    return rows


def _detail(request: HttpRequest, case: Case, *, posted: dict | None = None, status: int = 200) -> HttpResponse:
    today = timezone.localdate()
    can_handle = can(request.user, Action.HANDLE_COMPLAINTS)
    open_ = case.status != CaseStatus.CLOSED
    response = case.response
    lang = (get_language() or "en")[:2]
    return render(request, "complaints/case_detail.html", {
        **_row(case, today),
        "response": response,
        "answer_lines": response_answer_lines(response=response, lang=lang, names=survey_names(response.survey)),
        "history": _history(case),
        "can_plan": can_handle and open_,
        "can_start": can_handle and case.status == CaseStatus.OPEN,
        "can_close": can_handle and open_,
        "owners": case_selectors.case_owner_candidates(organisation_id=case.organisation_id) if can_handle else [],
        "today": today,
        "posted": posted or {},
    }, status=status)


@login_required
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    return _detail(request, access_case(request.user, case_id))


def _act(request: HttpRequest, case_id: int, action, success: str, **fields: object) -> HttpResponse:
    """Run one action; a refused one shows the case as it is now, with what was typed kept."""
    case = access_case(request.user, case_id, Action.HANDLE_COMPLAINTS)
    version = _int_or_none(request.POST.get("version"))
    changed = _("Someone else changed this case while you were reading it. It is shown below as it is now; "
                "check it and try again.")
    with refusal_as_message(request, conflict=changed) as refused:
        action(case=case, actor=request.user, expected_version=version if version is not None else -1, **fields)
    if refused:
        return _detail(request, access_case(request.user, case_id),
                       posted={k: request.POST.get(k, "") for k in ("owner", "due_on", "note")},
                       status=refused[0].status)
    messages.success(request, success)
    return redirect("complaints:case_detail", case_id)


@login_required
@require_POST
def case_plan(request: HttpRequest, case_id: int) -> HttpResponse:
    due_text = request.POST.get("due_on", "")
    return _act(request, case_id, case_services.case_plan, _("The owner and due date are saved."),
                owner_id=_int_or_none(request.POST.get("owner")),
                due_on=_date_or_none(due_text) if due_text else None)


@login_required
@require_POST
def case_start(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(request, case_id, case_services.case_start, _("Work on the case has started."))


@login_required
@require_POST
def case_close(request: HttpRequest, case_id: int) -> HttpResponse:
    return _act(request, case_id, case_services.case_close, _("The case is closed."),
                note=request.POST.get("note", ""))


@login_required
@require_POST
def case_flag(request: SignedInRequest) -> HttpResponse:
    """Flag a comment as a problem: its response gets a case (or shows the one it has). A response out of the
    user's scope is a 404, a role that does not handle cases a 403."""
    case, opened = case_services.case_open_flagged(response_id=_int_or_none(request.POST.get("response")) or 0,
                                                   actor=request.user)
    messages.success(request, _("A case is opened for the service's team.") if opened
                     else _("This response already has a case."))
    return redirect("complaints:case_detail", case.pk)
