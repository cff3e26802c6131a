"""The participant's own page of an unmoderated session, opened by a personal link: no sign-in, one step at a
time, phone-sized, and without JavaScript.

The personal link's token is the only key: every step re-reads the session through `selectors.session_by_token`,
so an unknown link is a 404, an expired or finished one a 410, and no step can reach another participant.
Time on task is measured by the server: pressing "Start" stores the moment in the participant's (server-side)
session; "I've done it" or "I gave up" takes the difference.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from govcx.errors import Conflict, DomainError, Forbidden, Gone, NotFound, RateLimited
from govcx.lab import forms, selectors
from govcx.lab.models import Outcome, QuestionnaireKind, Session, SessionStatus
from govcx.lab.services import session as session_services
from govcx.throttle import check, client_address, hit

GONE = 410
UNKNOWN_LINK_SCOPE = "lab-take-unknown"
#: Unknown personal links one address may try: 10 at once, then one more every 6 minutes.
UNKNOWN_LINKS_PER_WINDOW = 10
UNKNOWN_LINK_WINDOW_SECONDS = 3600


def _started_key(session: Session, task_key: str) -> str:
    return f"lab-take:{session.pk}:{task_key}"


def _unavailable(request: HttpRequest, error: DomainError) -> HttpResponse:
    """A clear page for a link that cannot be used, saying nothing about whose link it was: 404 for a link that
    never existed, 410 for one that expired, was used up or belongs to a closed study."""
    if isinstance(error, NotFound):
        reason = "unknown"
    else:
        reason = next((d["reason"] for d in error.details if "reason" in d), "finished")
    status = 404 if reason == "unknown" else GONE
    response = render(request, "lab/take_unavailable.html", {"reason": reason}, status=status)
    response["Cache-Control"] = "no-store"
    return response


def _too_many(request: HttpRequest, limited: RateLimited) -> HttpResponse:
    response = render(request, "lab/take_unavailable.html",
                      {"reason": "too_many", "retry_minutes": max(1, -(-limited.retry_after_seconds // 60))},
                      status=429)
    response["Retry-After"] = str(limited.retry_after_seconds)
    response["Cache-Control"] = "no-store"
    return response


def _step(request: HttpRequest, session: Session) -> dict:
    """Where the participant is: consent, a task (intro, running, ease question), the questionnaires, or done."""
    study = session.study
    tasks = list(study.tasks.all())
    attempts = {a.task_id: a for a in session.attempts.all()}
    base = {"session": session, "study": study, "total": len(tasks)}
    if session.status == SessionStatus.PLANNED:
        return {**base, "step": "consent", "form": forms.TakeConsentForm()}
    for number, task in enumerate(tasks, start=1):
        attempt = attempts.get(task.pk)
        here = {**base, "task": task, "number": number}
        if attempt is None:
            running = _started_key(session, task.key) in request.session
            return {**here, "step": "running" if running else "task"}
        if study.use_seq and attempt.seq is None:
            return {**here, "step": "seq", "form": forms.SeqForm(auto_id="seq-%s")}
    answered = set(session.questionnaire_responses.values_list("kind", flat=True))
    use_sus = study.use_sus and QuestionnaireKind.SUS not in answered
    use_umux = study.use_umux_lite and QuestionnaireKind.UMUX_LITE not in answered
    if use_sus or use_umux:
        form = forms.QuestionnaireForm(use_sus=use_sus, use_umux_lite=use_umux, auto_id="q-%s")
        return {**base, "step": "questionnaire", "form": form, "use_sus": use_sus, "use_umux": use_umux}
    return {**base, "step": "finish"}


@never_cache
def take(request: HttpRequest, token: str) -> HttpResponse:
    # Guessing links: an address that tried too many unknown ones gets 429 (with Retry-After) for every link,
    # a real one included, until its allowance refills; a participant who mistypes has plenty.
    address = client_address(request)
    try:
        check(UNKNOWN_LINK_SCOPE, address, limit=UNKNOWN_LINKS_PER_WINDOW, window_seconds=UNKNOWN_LINK_WINDOW_SECONDS)
        session = selectors.session_by_token(token)
    except RateLimited as limited:
        return _too_many(request, limited)
    except NotFound as error:
        try:
            hit(UNKNOWN_LINK_SCOPE, address, limit=UNKNOWN_LINKS_PER_WINDOW,
                window_seconds=UNKNOWN_LINK_WINDOW_SECONDS)
        except RateLimited as limited:
            return _too_many(request, limited)
        return _unavailable(request, error)
    except (Gone, Forbidden, Conflict) as error:
        return _unavailable(request, error)
    if request.method == "POST":
        try:
            return _act(request, token, session)
        except (NotFound, Gone, Forbidden, Conflict) as error:
            return _unavailable(request, error)
    context = _step(request, session)
    context["token"] = token
    return render(request, "lab/take.html", context)


def _act(request: HttpRequest, token: str, session: Session) -> HttpResponse:
    """Carry out the step the participant submitted, then show the next one (post/redirect/get); a form with
    errors is shown again."""
    action = request.POST.get("action", "")
    current = _step(request, session)
    if action == "consent" and current["step"] == "consent":
        form = forms.TakeConsentForm(request.POST)
        if not form.is_valid():
            return _again(request, token, current, form)
        session_services.take_consent(token=token)
        session_services.take_start(token=token)
    elif action == "start" and current["step"] == "task":
        request.session[_started_key(session, current["task"].key)] = timezone.now().isoformat()
    elif action in ("done", "gave_up") and current["step"] == "running":
        task = current["task"]
        started = datetime.fromisoformat(request.session.pop(_started_key(session, task.key)))
        seconds = round((timezone.now() - started).total_seconds(), 1)
        outcome = Outcome.SUCCESS if action == "done" else Outcome.ABANDONED
        session_services.take_attempt(token=token, task_key=task.key, outcome=outcome, seconds=seconds)
    elif action == "seq" and current["step"] == "seq":
        form = forms.SeqForm(request.POST, auto_id="seq-%s")
        if not form.is_valid():
            return _again(request, token, current, form)
        attempt = session.attempts.get(task=current["task"])
        session_services.take_attempt(token=token, task_key=current["task"].key, outcome=attempt.outcome,
                                      seconds=attempt.seconds, seq=form.cleaned_data["seq"])
    elif action == "questionnaire" and current["step"] == "questionnaire":
        form = forms.QuestionnaireForm(request.POST, use_sus=current["use_sus"], use_umux_lite=current["use_umux"],
                                       auto_id="q-%s")
        if not form.is_valid():
            return _again(request, token, current, form)
        if current["use_sus"]:
            session_services.take_questionnaire(token=token, kind=QuestionnaireKind.SUS, answers=form.answers("sus_"))
        if current["use_umux"]:
            session_services.take_questionnaire(token=token, kind=QuestionnaireKind.UMUX_LITE,
                                                answers=form.answers("umux_"))
        return _finish(request, token)
    elif action == "finish" and current["step"] == "finish":
        return _finish(request, token)
    # Anything else (a double click, the back button) just shows where the participant is now.
    return redirect("lab:take", token)


def _again(request: HttpRequest, token: str, current: dict, form) -> HttpResponse:
    return render(request, "lab/take.html", {**current, "form": form, "token": token, "has_errors": True},
                  status=422)


def _finish(request: HttpRequest, token: str) -> HttpResponse:
    session_services.take_finish(token=token)
    return redirect("lab:take_thanks")


@never_cache
def take_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "lab/take_thanks.html", {"title": _("Thank you")})
