"""Complaint pages for the people who answer them: the list, a complaint with its history and actions, routing
rules. Every form works without JavaScript. The citizen's pages are in `public_views`."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.accounts.services import audit_history
from govcx.common.bounds import BIGINT_MAX, EARLIEST_DAY, LATEST_DAY
from govcx.common.refusals import refusal_as_message
from govcx.complaints import cells, selectors, services
from govcx.complaints.models import Complaint, ComplaintStatus
from govcx.complaints.selectors import ComplaintFilters, access_complaint, access_routing_rule
from govcx.errors import Invalid
from govcx.feedback.text import taxonomy
from govcx.registry.models import Organisation
from govcx.registry.selectors import access_organisation, access_service, service_choices


def _day(recorded: str) -> str:
    """A date the audit record keeps as ISO text, in the reader's format."""
    try:
        return date_format(dt.date.fromisoformat(recorded), "SHORT_DATE_FORMAT")
    except (TypeError, ValueError):
        return recorded or "—"


def _history(complaint: Complaint) -> list[dict]:
    rows = []
    for event in audit_history(obj=complaint):
        changes = event.changes or {}
        if event.action == "complaint.extend":
            detail = _("due %(old)s → %(new)s") % {"old": _day(changes["due_on"][0]), "new": _day(changes["due_on"][1])}
        elif event.action == "complaint.take":  # the one who took it is the actor; name whom it was taken from
            earlier = changes.get("assignee", [None])[0]
            taken_from = User.objects.filter(username=earlier).first() if earlier else None
            detail = _("taken over from %(name)s") % {"name": taken_from.person_name()} if taken_from else ""
        elif event.action == "complaint.submit":
            detail = _("due %(due)s") % {"due": _day(changes.get("due_on", ""))}
        else:
            detail = ""
        label = labels.COMPLAINT_HISTORY.get(event.action, event.action)
        rows.append({"at": event.at, "actor": event.actor, "label": label,
                     "detail": detail})
    return rows


def _topic_titles() -> dict[str, str]:
    """Topic codes of the taxonomy with their titles in the current language."""
    lang = (get_language() or "en")[:2]
    return {t.code: t.title.get(lang) or t.title.get("en") or t.code for t in taxonomy.default_taxonomy().topics}


def _int_or_none(value: str | None) -> int | None:
    """A positive id or version a database can hold (ASCII digits only: "²".isdigit() is true)."""
    if not value or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 1 <= number <= BIGINT_MAX else None


def _date_or_none(value: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is None or EARLIEST_DAY <= day <= LATEST_DAY else None


def _filters(request: HttpRequest) -> ComplaintFilters:
    """The queue opens on the open complaints; "all" (or a status nobody knows) shows every complaint."""
    status = request.GET.get("status", selectors.OPEN)
    return ComplaintFilters(
        status=status if status in (*selectors.STATUSES, selectors.OPEN) else "",
        service_id=_int_or_none(request.GET.get("service")),
        organisation_id=_int_or_none(request.GET.get("organisation")),
        topic=request.GET.get("topic", "").strip(),
        due_before=_date_or_none(request.GET.get("due_before")),
    )


def _query(filters: ComplaintFilters, **override: object) -> str:
    values = {"status": filters.status or "all", "service": filters.service_id or "",
              "organisation": filters.organisation_id or "", "topic": filters.topic,
              "due_before": filters.due_before.isoformat() if filters.due_before else ""}
    values.update(override)
    return urlencode({k: v for k, v in values.items() if v})


def _row(complaint: Complaint, today: dt.date, topics: dict[str, str]) -> dict:
    status = selectors.complaint_status(complaint=complaint, today=today)
    answered_on = timezone.localdate(complaint.answered_at) if complaint.answered_at else None
    # the record keeps how late an answer came, long after the deadline stops counting
    days_late = max(0, (answered_on - complaint.due_on).days) if answered_on else 0
    days_left, days_overdue = (complaint.due_on - today).days, (today - complaint.due_on).days
    return {"complaint": complaint, "status": status, "status_label": labels.COMPLAINT_STATUSES[status],
            "topic_title": topics.get(complaint.topic, complaint.topic),
            "days_left": days_left, "days_overdue": days_overdue, "days_late": days_late,
            "status_cell": cells.status_tag(status, labels.COMPLAINT_STATUSES[status]),
            "days_cell": cells.complaint_days(status, days_left, days_overdue, days_late)}


def _queue_row(complaint: Complaint, today: dt.date, topics: dict[str, str]) -> dict:
    """A row of the queue with its cells formatted here: thirty rows took the template 5 ms cell by cell."""
    return {**_row(complaint, today, topics), "url": reverse("complaints:detail", args=[complaint.pk]),
            "number": complaint.number, "excerpt": Truncator(complaint.text).chars(240),
            "service": complaint.service.name, "organisation": complaint.organisation.name,
            "received": date_format(complaint.received_on, "SHORT_DATE_FORMAT"),
            "due": date_format(complaint.due_on, "SHORT_DATE_FORMAT"),
            "extended": complaint.extended,
            "assignee": complaint.assignee.person_name() if complaint.assignee_id else "—"}


@login_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    filters = _filters(request)
    unfiltered_by_status = selectors.complaints_for(user=request.user, filters=replace(filters, status=""), today=today)
    counts = selectors.status_counts(queryset=unfiltered_by_status, today=today)
    total = sum(counts.values())
    counts[selectors.OPEN] = total - counts[ComplaintStatus.ANSWERED]
    matching = selectors.complaints_for(user=request.user, filters=filters, today=today)
    page = Paginator(matching, 30).get_page(request.GET.get("page"))
    topics = _topic_titles()
    chips = [
        {"status": s, "label": labels.COMPLAINT_STATUSES[s], "count": counts[s], "query": _query(filters, status=s),
         "current": s == filters.status}
        for s in (selectors.OPEN, *selectors.STATUSES)
    ]
    return render(request, "complaints/list.html", {
        "page": page,
        "rows": [_queue_row(c, today, topics) for c in page],
        "chips": chips,
        "total": total,
        "filters": filters,
        "all_query": _query(filters, status="all"),
        "page_query": _query(filters),
        "services": [(s.pk, f"{s.code} — {s.name}") for s in service_choices(user=request.user)],
        "organisations": Organisation.objects.for_user(request.user).order_by("code").only("name_en", "name_ru"),
        "topics": topics,
    })


def _detail(request: HttpRequest, complaint: Complaint, *, posted: dict | None = None, status: int = 200):
    today = timezone.localdate()
    can_handle = can(request.user, Action.HANDLE_COMPLAINTS)
    open_ = complaint.status != ComplaintStatus.ANSWERED
    return render(request, "complaints/detail.html", {
        "complaint": complaint,
        **_row(complaint, today, _topic_titles()),
        "history": _history(complaint),
        "can_handle": can_handle,
        "can_take": can_handle and open_ and complaint.assignee_id != request.user.pk,
        "can_answer": can_handle and open_,
        "can_extend": can_handle and open_ and not complaint.extended and today <= complaint.due_on,
        "extension_days": settings.COMPLAINT_EXTENSION_DAYS,
        "adjustments": selectors.service_adjustments(user=request.user, complaint=complaint) if can_handle else [],
        "posted": posted or {},
    }, status=status)


@login_required
def complaint_detail(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _detail(request, access_complaint(request.user, complaint_id))


def _act(request: HttpRequest, complaint_id: int, action, success: str, **fields: str) -> HttpResponse:
    """Run one handler action; a refused action shows the complaint as it is now, with what was typed kept."""
    complaint = access_complaint(request.user, complaint_id, Action.HANDLE_COMPLAINTS)
    version = _int_or_none(request.POST.get("version"))
    changed = _("Someone else changed this complaint while you were reading it. It is shown below as it is now; "
                "check it and try again.")
    with refusal_as_message(request, conflict=changed) as refused:
        action(complaint=complaint, actor=request.user, expected_version=version if version is not None else -1,
               **fields)
    if refused:
        return _detail(request, access_complaint(request.user, complaint_id), posted=fields,
                       status=refused[0].status)
    messages.success(request, success)
    return redirect("complaints:detail", complaint_id)


@login_required
@require_POST
def complaint_take(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, services.complaint_take, _("You have taken the complaint into work."))


@login_required
@require_POST
def complaint_answer(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, services.complaint_answer,
                _("The answer is recorded; the citizen sees it by their link."), answer=request.POST.get("answer", ""))


@login_required
@require_POST
def complaint_link_adjustment(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, services.complaint_link_adjustment,
                _("The change made in response is recorded; the citizen is told by e-mail once it is done."),
                adjustment_id=_int_or_none(request.POST.get("adjustment")))


@login_required
@require_POST
def complaint_extend(request: HttpRequest, complaint_id: int) -> HttpResponse:
    return _act(request, complaint_id, services.complaint_extend, _("The deadline is extended."),
                reason=request.POST.get("reason", ""))


@login_required
def routing_rules(request: HttpRequest) -> HttpResponse:
    can_manage = can(request.user, Action.HANDLE_COMPLAINTS)
    posted: dict = {}
    if request.method == "POST" and can_manage:
        posted = {k: request.POST.get(k, "") for k in ("owner", "service", "topic", "handler")}
        with refusal_as_message(request, missing_is_refusal=True) as refused:
            owner = access_organisation(request.user, posted["owner"], Action.HANDLE_COMPLAINTS)
            service = access_service(request.user, posted["service"]) if posted["service"] else None
            handler = Organisation.objects.for_user(request.user).filter(pk=_int_or_none(posted["handler"])).first()
            if handler is None:
                raise Invalid(_("Choose the organisation that answers."))
            services.routing_rule_save(actor=request.user, owner=owner, service=service, topic=posted["topic"],
                                       handler=handler)
        if not refused:
            messages.success(request, _("Routing rule saved."))
            return redirect("complaints:routing")
    topics = _topic_titles()
    rules = list(selectors.routing_rule_list(user=request.user).order_by("owner__code", "service__code", "topic"))
    for rule in rules:
        rule.topic_title = topics.get(rule.topic, rule.topic)
    return render(request, "complaints/routing.html", {
        "rules": rules,
        "can_manage": can_manage,
        "owners": Organisation.objects.for_user(request.user, Action.HANDLE_COMPLAINTS).order_by("code"),
        "services": service_choices(user=request.user, action=Action.HANDLE_COMPLAINTS),
        "handlers": Organisation.objects.for_user(request.user).order_by("code"),
        "topics": topics,
        "posted": posted,
    }, status=422 if posted else 200)


@login_required
@require_POST
def routing_rule_delete(request: HttpRequest, rule_id: int) -> HttpResponse:
    rule = access_routing_rule(request.user, rule_id, Action.HANDLE_COMPLAINTS)
    services.routing_rule_delete(rule=rule, actor=request.user)
    messages.success(request, _("Routing rule deleted."))
    return redirect("complaints:routing")
