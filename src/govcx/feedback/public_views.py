"""The public side of a survey, no sign-in: the page citizens answer (it works without JavaScript), its thank-you
page, the QR code that leads to it from an office, and the printable poster with that code."""

from __future__ import annotations

import io
import secrets
import time
from urllib.parse import urlencode

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from govcx.errors import Conflict, Invalid, RateLimited
from govcx.feedback import public_form, selectors, services
from govcx.feedback.models import Survey, SurveyStatus
from govcx.throttle import client_address, hit

STARTED_SALT = "govcx.feedback.public-page.started"
STARTED_MAX_AGE_SECONDS = 24 * 3600
OFFICE_CODE_MAX_LENGTH = 60
QR_CACHE_SECONDS = 24 * 3600


def _language() -> str:
    return (get_language() or "en")[:2]


def _unavailable(request: HttpRequest, survey: Survey) -> HttpResponse:
    # A draft is not public yet (a poster may already hang in the office); a closed survey is gone for good.
    status = 410 if survey.status == SurveyStatus.CLOSED else 404
    return render(request, "feedback/public/unavailable.html", {"survey": survey}, status=status)


def _elapsed_seconds(token: str) -> float | None:
    try:
        started = signing.loads(token, salt=STARTED_SALT, max_age=STARTED_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    return max(0.0, time.time() - float(started))


@require_http_methods(["GET", "POST"])
def survey_page(request: HttpRequest, public_key: str) -> HttpResponse:
    """GET: the first step (a one-tap rating, or the questions that apply from the start). POST: the next step when
    the answers make more questions apply, else accept the answers once and show the thank-you page; a repeated
    post of the same form (same idempotency key) is a no-op that shows the thank-you page again."""
    survey, current = selectors.public_surveys.get(public_key)
    if survey.status != SurveyStatus.LIVE:
        return _unavailable(request, survey)
    page = _Page(request, survey, current)
    if request.method == "GET":
        page.context = public_form.context_from(request.GET)
        page.form_state = {"idempotency_key": secrets.token_urlsafe(24),
                           "started": signing.dumps(time.time(), salt=STARTED_SALT)}
        page.offered = public_form.first_step(page.definition)
        return page.render(one_tap=public_form.one_tap_question(page.definition) is not None)

    page.context = public_form.context_from(request.POST, prefix="ctx_")
    page.form_state = {"idempotency_key": request.POST.get("idempotency_key", ""),
                       "started": request.POST.get("started", "")}
    page.offered = public_form.offered_from(page.definition, request.POST.get("offered", ""))
    page.answers = public_form.only_offered(
        page.definition, public_form.posted_answers(page.definition, request.POST, page.context), page.offered)
    more = public_form.next_step(page.definition, page.answers, page.offered)
    if more:
        tapped = public_form.tapped_answers(page.definition, page.answers, page.offered)
        page.offered += more
        if tapped:
            refused = _store_tap(request, page, survey, current, tapped)
            if refused is not None:
                return refused
        optional = not any(page.definition.question(k).required for k in more)
        return page.render(notice=_("Thank you. The questions below are optional: answer them or just send.")
                           if optional else _("Please answer a few more questions."))
    try:  # every submission counts, valid or not, so that a flood of bad forms is limited too
        hit(f"survey:{survey.pk}", client_address(request), limit=survey.rate_limit_per_minute)
    except RateLimited as limited:
        response = page.render(status=429, problem=_("Too many answers were sent from your network. "
                                                     "Please try again in a minute."))
        response["Retry-After"] = str(limited.retry_after_seconds)
        return response
    checked = public_form.without_unshown(page.definition, page.answers)
    if not checked.ok:
        page.errors = {e.question_key: public_form.error_text(e, page.definition.question(e.question_key))
                       for e in reversed(checked.errors)}  # the first error of a question wins
        return page.render(status=422)
    try:
        services.response_submit(survey=survey, current=current, submission=services.Submission(
            idempotency_key=page.form_state["idempotency_key"],
            answers={k: list(v) if isinstance(v, tuple) else v for k, v in checked.cleaned.items()},
            context=page.context, channel=page.context["channel"], language=page.lang,
            honeypot=request.POST.get("website", ""), elapsed_seconds=_elapsed_seconds(page.form_state["started"]),
            version=current.number,
        ))
    except Conflict:
        pass  # this form was accepted before with other answers (sent, then edited after going back): counted once
    except Invalid as refused:
        return page.render(status=422, problem=_refusal_text(refused))
    return redirect("feedback_public:thanks", public_key=survey.public_key)


def _store_tap(request: HttpRequest, page: _Page, survey: Survey, current, tapped: dict) -> HttpResponse | None:
    """Store the tapped rating at once, as a partial response that the Send completes (same idempotency key): a
    person who leaves after the tap is counted too. Returns the page to show instead when it cannot be stored."""
    try:
        hit(f"survey:{survey.pk}", client_address(request), limit=survey.rate_limit_per_minute)
    except RateLimited as limited:
        response = page.render(status=429, problem=_("Too many answers were sent from your network. "
                                                     "Please try again in a minute."))
        response["Retry-After"] = str(limited.retry_after_seconds)
        return response
    try:
        services.response_submit(survey=survey, current=current, submission=services.Submission(
            idempotency_key=page.form_state["idempotency_key"], answers=tapped, context=page.context,
            channel=page.context["channel"], language=page.lang, honeypot=request.POST.get("website", ""),
            elapsed_seconds=_elapsed_seconds(page.form_state["started"]), version=current.number, partial=True,
        ))
    except Invalid as refused:
        return page.render(status=422, problem=_refusal_text(refused))
    return None


def _refusal_text(refused: Invalid) -> str:
    codes = {detail.get("code") for detail in refused.details or []}
    if codes & {"retired_version", "before_version"}:
        return _("The questions of this survey changed while the page was open. Please reload the page and "
                 "answer the new questions.")
    if codes & {"after_closing", "not_opened", "before_opening"}:
        return _("This survey does not take answers now.")
    return _("Your answers could not be accepted. Please reload the page and try again.")


class _Page:
    """One step of the public survey page: what it offers, the answers so far and their errors."""

    def __init__(self, request: HttpRequest, survey: Survey, current) -> None:
        self.request, self.survey, self.current = request, survey, current
        self.definition = selectors.citizen_definition(survey, current)
        self.lang = _language()
        self.context: dict[str, str] = {}
        self.form_state: dict[str, str] = {}
        self.offered: list[str] = []
        self.answers: dict = {}
        self.errors: dict[str, str] = {}

    def render(self, *, status: int = 200, problem: str = "", notice: str = "", one_tap: bool = False):
        names = selectors.survey_names(self.survey)
        fields = public_form.display_fields(self.definition, self.lang, self.answers, self.errors, self.offered,
                                            one_tap=one_tap, tapped=public_form.tapped_key(self.definition,
                                                                                           self.offered))
        return render(self.request, "feedback/public/survey.html", {
            "survey": self.survey, "version": self.current.number,
            "service_name": names.service(self.lang), "authority_name": names.authority(self.lang),
            "description": self.definition.description.get(self.lang) if self.definition.description else "",
            "fields": fields, "has_errors": bool(self.errors), "problem": problem, "notice": notice,
            "one_tap": one_tap, "offered": ",".join(self.offered),
            "context_fields": sorted(self.context.items()), "form_state": self.form_state,
        }, status=status)


@require_GET
def survey_thanks(request: HttpRequest, public_key: str) -> HttpResponse:
    survey, _current = selectors.public_surveys.get(public_key)
    return render(request, "feedback/public/thanks.html", {
        "survey": survey, "service_name": selectors.survey_names(survey).service(_language())})


def office_survey_url(request: HttpRequest, survey: Survey, office: str) -> str:
    """The absolute address of the survey page that a poster in `office` leads to."""
    query = urlencode({"channel": "office", "office": office} if office else {"channel": "office"})
    return request.build_absolute_uri(reverse("feedback_public:survey", args=[survey.public_key])) + "?" + query


def _office(request: HttpRequest) -> str:
    return request.GET.get("office", "").strip()[:OFFICE_CODE_MAX_LENGTH]


@require_GET
def survey_qr(request: HttpRequest, public_key: str) -> HttpResponse:
    """An SVG QR code of the office's survey address; public, since it encodes nothing but a public URL."""
    survey, _current = selectors.public_surveys.get(public_key)
    url = office_survey_url(request, survey, _office(request))
    import segno  # here, not at the top: loading the web app must not pay for it

    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=8, border=4, xmldecl=False, title=url)
    response = HttpResponse(buffer.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = f"public, max-age={QR_CACHE_SECONDS}"
    return response


@require_GET
def survey_poster(request: HttpRequest, public_key: str) -> HttpResponse:
    """An A4 page to print and hang in the office: the QR code, the address and short instructions."""
    survey, _current = selectors.public_surveys.get(public_key)
    office = _office(request)
    names = selectors.survey_names(survey)
    lang = _language()
    other = "en" if lang == "ru" else "ru"
    return render(request, "feedback/public/poster.html", {
        "survey": survey, "office": office, "url": office_survey_url(request, survey, office),
        "qr_url": reverse("feedback_public:qr", args=[survey.public_key]) + "?" + urlencode({"office": office}),
        "lang": lang, "other_lang": other,
        "title": names.service(lang), "authority": names.authority(lang),
        "other_title": names.service(other), "other_authority": names.authority(other),
    })
