"""Analysts' pages: surveys (create, version, embed), responses (read, export, import)."""

from __future__ import annotations

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.common.downloads import download
from govcx.common.refusals import posted_int, refusal_as_message
from govcx.errors import DomainError, Invalid, InvalidInput
from govcx.feedback import exports, selectors, services, survey_templates
from govcx.feedback.models import SurveyStatus
from govcx.registry.selectors import access_service, service_list


@login_required
def survey_list(request: HttpRequest) -> HttpResponse:
    surveys = selectors.survey_list(user=request.user).order_by("service__code", "title")
    if request.GET.get("service"):
        surveys = surveys.filter(service_id=request.GET["service"])
    page = Paginator(surveys, 50).get_page(request.GET.get("page"))
    for survey in page:
        survey.template_label = labels.SURVEY_TEMPLATES.get(survey.template, survey.template)
        survey.status_label = labels.SURVEY_STATUSES.get(survey.status, survey.status)
    return render(request, "feedback/survey_list.html", {
        "page": page, "can_manage": can(request.user, Action.MANAGE_SURVEYS),
    })


@login_required
def survey_create(request: HttpRequest) -> HttpResponse:
    services_allowed = service_list(user=request.user, action=Action.MANAGE_SURVEYS).order_by("code")
    form = {"service": request.GET.get("service", ""), "title": "", "template": survey_templates.DEFAULT_TEMPLATE,
            "definition": ""}
    errors: list[dict] = []
    if request.method == "POST":
        form = {k: request.POST.get(k, "").strip() for k in form}
        with refusal_as_message(request, missing_is_refusal=True) as refused:
            service = access_service(request.user, form["service"] or 0, Action.MANAGE_SURVEYS)
            definition = _definition_from_text(form["definition"]) if form["definition"] else None
            survey = services.survey_create(service=service, title=form["title"] or _("Satisfaction survey"),
                                            template=form["template"], definition=definition, actor=request.user)
        if refused:
            errors = _listed(refused[0])
        else:
            messages.success(request, _("Survey created as a draft. Make it live when it is ready."))
            return redirect("feedback:survey_detail", survey.pk)
    return render(request, "feedback/survey_form.html", {
        "form": form, "errors": errors, "services": services_allowed,
        "templates": [(name, labels.SURVEY_TEMPLATES.get(name, name)) for name in survey_templates.template_names()],
    }, status=422 if errors else 200)


def _listed(refusal: DomainError) -> list[dict]:
    """A refusal as the problem list the survey pages show above the form (field and message of each)."""
    return [{"message": refusal.message, **d} for d in refusal.details] or [{"message": refusal.message}]


def _definition_from_text(text: str) -> dict:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise Invalid(_("The definition is not valid JSON: line %(line)d, column %(col)d: %(msg)s")
                      % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg},
                      details=[{"field": "definition", "message": exc.msg}]) from None
    if not isinstance(value, dict):
        raise Invalid(_("The definition must be a JSON object"), details=[{"field": "definition"}])
    return value


def _opened_at(value: str, survey) -> dt.datetime | None:
    """The opening date from the form (the start of that day, UTC), only when it moves the opening earlier."""
    if not value.strip():
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(_("Give the opening date as a date."), details=[{"field": "opened_at"}]) from None
    if survey.opened_at is not None and day >= survey.opened_at.date():
        return None  # unchanged (the field shows the day it opened)
    return dt.datetime.combine(day, dt.time(0), tzinfo=dt.UTC)


@login_required
def survey_detail(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey(request.user, survey_id)
    current = selectors.survey_current_version(survey)
    errors: list[dict] = []
    if request.method == "POST":
        survey = selectors.access_survey(request.user, survey_id, Action.MANAGE_SURVEYS)
        with refusal_as_message(request) as refused:
            definition = request.POST.get("definition", "").strip()
            survey = services.survey_update(
                survey=survey,
                expected_version=posted_int(request.POST, "version", 0),
                actor=request.user,
                title=request.POST.get("title", survey.title).strip() or survey.title,
                status=request.POST.get("status", survey.status),
                allowed_origins=request.POST.get("allowed_origins", "").split(),
                rate_limit_per_minute=posted_int(request.POST, "rate_limit_per_minute", survey.rate_limit_per_minute),
                definition=_definition_from_text(definition) if definition else None,
                opened_at=_opened_at(request.POST.get("opened_on", ""), survey),
                case_rating_at_most=posted_int(request.POST, "case_rating_at_most", survey.case_rating_at_most),
            )
        if refused:
            errors = _listed(refused[0])
        else:
            messages.success(request, _("Survey saved."))
            return redirect("feedback:survey_detail", survey.pk)
    responses = selectors.response_list(user=request.user).filter(survey=survey)
    recent = list(responses.prefetch_related("answers")[:20])
    lang = (get_language() or "en")[:2]
    names = selectors.survey_names(survey)
    for response in recent:
        response.channel_label = labels.RESPONSE_CHANNELS.get(response.channel, response.channel)
        response.answer_lines = selectors.response_answer_lines(response=response, lang=lang, names=names)
    return render(request, "feedback/survey_detail.html", {
        "survey": survey,
        "status_label": labels.SURVEY_STATUSES.get(survey.status, survey.status),
        "current": current,
        "definition_json": json.dumps(current.definition, ensure_ascii=False, indent=2),
        "versions": survey.versions.all(),
        "recent": recent,
        "response_count": responses.count(),
        "spam_count": responses.filter(is_spam=True).count(),
        "statuses": [(value, labels.SURVEY_STATUSES[value]) for value in SurveyStatus.values],
        "can_manage": can(request.user, Action.MANAGE_SURVEYS),
        "errors": errors,
        "public_url": request.build_absolute_uri(f"/feedback/s/{survey.public_key}/"),
    }, status=422 if errors else 200)


@login_required
def survey_export(request: HttpRequest, survey_id: int, fmt: str) -> HttpResponse:
    survey = selectors.access_survey(request.user, survey_id)
    responses = selectors.response_list(user=request.user).filter(survey=survey)
    content, content_type = exports.responses_file(responses, fmt)
    return download(content, filename=f"survey-{survey.pk}-responses.{fmt}", content_type=content_type)


@login_required
@require_POST
def survey_import(request: HttpRequest, survey_id: int) -> HttpResponse:
    survey = selectors.access_survey(request.user, survey_id, Action.MANAGE_SURVEYS)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a CSV or XLSX file to import."))
        return redirect("feedback:survey_detail", survey.pk)
    try:
        result = exports.responses_import_start(survey=survey, data=upload.read(), file_name=upload.name,
                                                actor=request.user)
    except InvalidInput as exc:
        return render(request, "feedback/import_problems.html",
                      {"survey": survey, "problems": exc.problems[:200], "total": len(exc.problems)}, status=422)
    if not isinstance(result, services.ImportResult):
        messages.success(request, _("The responses are being imported in the background."))
        return redirect("jobs:detail", result.pk)
    messages.success(request, _("Imported %(created)d responses (%(duplicates)d were already there).")
                     % {"created": result.created, "duplicates": result.duplicates})
    return redirect("feedback:survey_detail", survey.pk)
