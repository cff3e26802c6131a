"""The citizen's side of complaints, no sign-in, every page working without JavaScript: the complaint form (find
the service by typing, then pick it from the matches), the page with the complaint's number, the status page by
private link, and the look-up by number and e-mail (throttled against guessing)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from govcx import labels
from govcx.complaints import cells, selectors, services
from govcx.errors import Invalid, NotFound, RateLimited
from govcx.registry.models import Service
from govcx.throttle import client_address, hit

FIELDS = ("service_query", "text", "name", "email", "postal_address", "contact")


def _service_chosen(request: HttpRequest, posted: dict[str, str], errors: dict[str, str]) -> tuple[
        Service | None, list[Service]]:
    """The service the citizen picked or typed, or None with the matches to pick from (and an error said)."""
    code = request.POST.get("service", "").strip()
    if code:
        try:
            return selectors.public_service(service_code=code), []
        except NotFound:
            pass
    query = posted["service_query"].strip()
    matches = selectors.public_service_search(query=query)
    exact = [s for s in matches if query.casefold() in (s.name_ru.casefold(), s.name_en.casefold(), s.code)]
    if len(exact) == 1 or len(matches) == 1:
        return (exact or matches)[0], []
    if not query:
        errors["service_query"] = _("Type a few words of the service's name.")
    elif matches:
        errors["service_query"] = _("Several services match. Choose yours from the list.")
    else:
        errors["service_query"] = _("No public service matches these words. Try other words.")
    return None, matches


def _form_errors(refusal: Invalid) -> dict[str, str]:
    return {str(d.get("field")): str(d.get("message")) for d in refusal.details if d.get("message")}


def public_form(request: HttpRequest) -> HttpResponse:
    """The complaint form, about a service found by typing or reached from a survey's thank-you page."""
    survey_key = request.POST.get("survey") or request.GET.get("survey", "")
    fixed = selectors.public_service(survey_key=survey_key) if survey_key else None
    preset = selectors.public_services().filter(code=request.GET.get("service", "").strip()).first()
    posted = {name: request.POST.get(name, "") for name in FIELDS}
    if preset is not None and not posted["service_query"]:
        posted["service_query"] = preset.name
    errors: dict[str, str] = {}
    matches: list[Service] = []
    status = 200
    if request.method == "POST":
        hit("complaint-submit", client_address(request), limit=services.PUBLIC_SUBMIT_PER_MINUTE)
        service = fixed
        if service is None:
            service, matches = _service_chosen(request, posted, errors)
        if not posted["text"].strip():
            errors["text"] = _("Write what happened and what you ask for.")
        author = services.Author(name=posted["name"], email=posted["email"],
                                 postal_address=posted["postal_address"], consent=request.POST.get("consent") == "yes")
        try:
            services.author_checked(author)
        except Invalid as refusal:
            errors.update(_form_errors(refusal))
        if request.POST.get("website"):
            errors["text"] = _("The form was not filled in by a person.")
        if service is not None and not errors:
            try:
                _complaint, token = services.complaint_submit(
                    service=service, text=posted["text"], contact=posted["contact"], author=author,
                    status_url=request.build_absolute_uri(reverse("complaints:public_status", args=["-"]))[:-2])
            except Invalid as refusal:
                errors = _form_errors(refusal) or {"text": _("The complaint could not be accepted. Check it and "
                                                              "try again.")}
            else:
                return redirect("complaints:public_received", token)
        status = 422
    return render(request, "complaints/public_form.html", {
        "fixed": fixed, "survey_key": survey_key if fixed else "",
        "posted": posted, "errors": errors, "matches": matches,
        "service_names": [] if fixed else [s.name for s in selectors.public_services()],
        "days": settings.COMPLAINT_RESPONSE_DAYS, "working_days": settings.COMPLAINT_DAY_KIND == "working",
    }, status=status)


def _status_page(request: HttpRequest, complaint, template: str, **extra) -> HttpResponse:
    state = selectors.complaint_public_status(complaint=complaint, today=timezone.localdate())
    response = render(request, template, {
        "state": state, "status_label": labels.COMPLAINT_STATUSES[state["status"]],
        "status_cell": cells.status_tag(state["status"], labels.COMPLAINT_STATUSES[state["status"]]), **extra})
    response["X-Robots-Tag"] = "noindex, nofollow"  # a private link must not end up in a search engine
    return response


def public_received(request: HttpRequest, token: str) -> HttpResponse:
    """Right after sending: the complaint's number, the private link, and how to follow it."""
    hit("complaint-status", client_address(request), limit=services.PUBLIC_STATUS_PER_MINUTE)
    complaint = selectors.complaint_by_token(token=token)
    return _status_page(request, complaint, "complaints/public_received.html", has_email=bool(complaint.email),
                        link=request.build_absolute_uri(reverse("complaints:public_status", args=[token])))


def public_status(request: HttpRequest, token: str) -> HttpResponse:
    hit("complaint-status", client_address(request), limit=services.PUBLIC_STATUS_PER_MINUTE)
    return _status_page(request, selectors.complaint_by_token(token=token), "complaints/public_status.html")


def public_find(request: HttpRequest) -> HttpResponse:
    """Follow a complaint by its number and the e-mail given with it. Every try counts per address; wrong e-mails
    also count per number, from anywhere, so a number cannot be paired with guessed addresses."""
    posted = {"number": request.POST.get("number", ""), "email": request.POST.get("email", "")}
    problem = ""
    status = 200
    if request.method == "POST":
        try:
            complaint = services.complaint_lookup(number=posted["number"], email=posted["email"],
                                                  client=client_address(request))
        except RateLimited as limited:
            response = render(request, "complaints/public_find.html", {
                "posted": posted, "problem": _("Too many tries. Please wait a while and try again.")}, status=429)
            response["Retry-After"] = str(limited.retry_after_seconds)
            return response
        except NotFound:
            problem = _("No complaint has this number and this e-mail address. Check both and try again.")
            status = 404
        else:
            return _status_page(request, complaint, "complaints/public_status.html")
    return render(request, "complaints/public_find.html", {"posted": posted, "problem": problem}, status=status)
