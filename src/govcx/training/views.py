"""Training pages: programmes, coverage and forecast by organisation/region/position, the people still to train,
attitude results, the roster (import, history, attendance sheets) and the coverage exports (CSV, XLSX, PDF).
Every form works without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common import tabular
from govcx.common.downloads import download
from govcx.common.pdf import pdf_response
from govcx.common.refusals import refusal_as_message
from govcx.errors import Invalid
from govcx.training import selectors
from govcx.training.groups import MIN_GROUP_SIZE
from govcx.training.models import Programme
from govcx.training.selectors import access_course, access_programme
from govcx.training.services.completions import attendance_record
from govcx.training.services.roster_imports import roster_import_start


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    return render(request, "training/list.html", {"programmes": selectors.programme_list(user=request.user)})


def _group_label(by: str, key: Any, organisations: dict[int, Any]) -> str:
    if by == "organisation":
        organisation = organisations.get(key)
        return organisation.name if organisation else str(key)
    if by == "position_category":
        return str(labels.POSITION_CATEGORIES.get(key, key))
    return key or _("Not given")


def _coverage_context(programme: Programme, by: str, today: dt.date) -> dict[str, Any]:
    rows = selectors.coverage(programme, by=by, today=today)
    organisations = selectors.organisation_names([r.key for r in rows]) if by == "organisation" else {}
    return {
        "programme": programme, "by": by, "groupings": labels.COVERAGE_GROUPINGS, "today": today,
        "by_label": labels.COVERAGE_GROUPINGS[by],
        "rows": [{"label": _group_label(by, r.key, organisations), "key": r.key, "f": r.forecast} for r in rows],
        "overall": selectors.total(rows, programme, today),
    }


def _by(request: HttpRequest) -> str:
    by = request.GET.get("by", "organisation")
    return by if by in selectors.GROUPINGS else "organisation"


@login_required
def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id)
    context = _coverage_context(programme, _by(request), timezone.localdate())
    context["manages"] = can(request.user, Action.MANAGE_TRAINING)
    context["reminders"] = [{"created_on": r.created_on, "subject": r.subject,
                             "kind_label": labels.REMINDER_KINDS.get(r.kind, r.kind)}
                            for r in selectors.reminders(programme)[:10]]
    template = "training/_coverage.html" if request.headers.get("HX-Request") else "training/detail.html"
    return render(request, template, context)


@login_required
def courses(request: HttpRequest, programme_id: int) -> HttpResponse:
    """Coverage by course: a page of its own, as it counts completions (tens of millions nationally), where the
    coverage page reads the roster alone."""
    programme = access_programme(request.user, programme_id)
    return render(request, "training/courses.html", {
        "programme": programme,
        "courses": [{"course": c, "kind": labels.COURSE_KINDS.get(c.kind, c.kind), "required": required,
                     "completed": completed} for c, required, completed in selectors.course_coverage(programme)],
    })


@login_required
def coverage_export(request: HttpRequest, programme_id: int, fmt: str) -> HttpResponse | FileResponse:
    programme = access_programme(request.user, programme_id)
    context = _coverage_context(programme, _by(request), timezone.localdate())
    name = f"training-coverage-{programme.pk}-{context['by']}"
    if fmt == "pdf":
        return pdf_response(request, "training/coverage_print.html", context, filename=f"{name}.pdf")
    if fmt not in tabular.FORMATS:
        raise Http404
    header = [str(labels.COVERAGE_GROUPINGS[context["by"]]), _("People"), _("Trained"), _("Share trained"),
              _("Trained per month (last 90 days)"), _("Date everyone is trained"), _("On track"),
              _("Needed per month")]
    rows = [[r["label"], r["f"].people, r["f"].trained, round(r["f"].share, 4), round(r["f"].rate_per_month, 1),
             r["f"].reaches_full_on or "", _("yes") if r["f"].on_track else _("no"),
             round(r["f"].needed_per_month, 1) if r["f"].needed_per_month is not None else ""]
            for r in context["rows"]]
    content = tabular.render_table(fmt, header, rows, sheet="coverage")
    return download(content, filename=f"{name}.{fmt}", content_type=tabular.CONTENT_TYPES[fmt])


@login_required
def people(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id)
    organisation = request.GET.get("organisation", "")
    organisation_id = int(organisation) if organisation.isascii() and organisation.isdigit() else None
    found = selectors.Counted(selectors.people_to_train(programme, organisation_id=organisation_id),
                              selectors.people_to_train_count(programme, organisation_id=organisation_id))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    rows = [{"p": p, "category": labels.POSITION_CATEGORIES.get(p.position_category, p.position_category)}
            for p in page]
    return render(request, "training/people.html", {
        "programme": programme, "page": page, "rows": rows,
        "contacts": selectors.may_see_contacts(request.user, programme),
        "organisation_id": organisation_id,
        "page_query": f"organisation={organisation_id}" if organisation_id else "",
    })


@login_required
def attitudes(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id)
    language = (get_language() or "en")[:2]
    results = selectors.attitude_results(programme, language=language)
    return render(request, "training/attitudes.html", {
        "programme": programme,
        "items": [{"text": r.text, "r": r} for r in results if not r.is_scale],
        "scales": [{"text": labels.ATTITUDE_SCALES.get(r.code, r.code), "r": r} for r in results if r.is_scale],
        "respondents": selectors.respondents(programme), "min_group": MIN_GROUP_SIZE,
    })


@login_required
def roster(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id)
    if request.method == "POST":
        programme = access_programme(request.user, programme_id, Action.MANAGE_TRAINING)
        upload = request.FILES.get("file")
        with refusal_as_message(request) as refused:
            if upload is None:
                raise Invalid(_("Choose a roster file (.csv or .xlsx)."))
            if upload.size and upload.size > 200 * 1024 * 1024:
                raise Invalid(_("A roster file may be at most 200 MB."))
            started = roster_import_start(actor=request.user, programme=programme, data=upload.read(),
                                          file_name=upload.name or "roster.csv")
        if not refused:
            if hasattr(started, "kind"):
                messages.success(request, _("The roster is being imported in the background."))
                return redirect("jobs:detail", started.pk)
            messages.success(request, _("Roster imported: %(rows)s people, %(joiners)s joined, %(leavers)s left, "
                                        "%(moves)s moved.") % {"rows": started.rows, "joiners": started.joiners,
                                                               "leavers": started.leavers, "moves": started.moves})
        return redirect("training:roster", programme.pk)
    return render(request, "training/roster.html", {
        "programme": programme, "imports": selectors.roster_imports(programme)[:20],
        "courses": programme.courses.all(), "manages": can(request.user, Action.MANAGE_TRAINING),
        "today": timezone.localdate(),
    })


@login_required
@require_POST
def attendance(request: HttpRequest, programme_id: int) -> HttpResponse:
    programme = access_programme(request.user, programme_id, Action.MANAGE_TRAINING)
    with refusal_as_message(request, missing_is_refusal=True) as refused:
        course = access_course(request.user, request.POST.get("course"), Action.MANAGE_TRAINING)
        if course.programme_id != programme.pk:
            raise Invalid(_("Choose a course of this programme."))
        try:
            held_on = tabular.parse_date(request.POST.get("held_on", ""))
        except ValueError:
            raise Invalid(_("Give the date of the session.")) from None
        added = attendance_record(actor=request.user, course=course, held_on=held_on,
                                  person_keys=request.POST.get("people", "").split())
    if not refused:
        messages.success(request, _("Attendance recorded: %(count)s new completions.") % {"count": added})
    return redirect("training:roster", programme.pk)
