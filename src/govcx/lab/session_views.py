"""Sessions: scheduling, the moderated session page, personal links, attempts, observations and recordings.

The moderated page is one form per task and one for observations; `static/govcx/lab-session.js` adds the timer
and the keyboard and posts the same forms in the background (HX-Request), getting a fragment back. Without
JavaScript the forms post normally and the time is typed in.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.common.bounds import parse_id
from govcx.common.refusals import refusal_as_message, refusal_on_form
from govcx.lab import forms, recording_types, selectors
from govcx.lab.models import Consent, ParticipantStatus, Session, SessionMode, SessionStatus
from govcx.lab.services import finding as finding_services
from govcx.lab.services import session as session_services
from govcx.lab.views import study_url

RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 256 * 1024


def _run_url(session: Session, task_id: int | None = None) -> str:
    url = reverse("lab:session_detail", args=[session.pk])
    return f"{url}?task={task_id}" if task_id else url


@login_required
@require_POST
def session_schedule(request: HttpRequest, study_id: int) -> HttpResponse:
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    participants = study.participants.exclude(status=ParticipantStatus.WITHDRAWN)
    form = forms.SessionForm(request.POST, participants=participants)
    if not form.is_valid():
        messages.error(request, _("Choose a participant and a mode."))
        return redirect(study_url(study.pk, "sessions"))
    participant = participants.get(pk=form.cleaned_data["participant"])
    mode = form.cleaned_data["mode"]
    with refusal_as_message(request) as refused:
        session = session_services.session_schedule(
            actor=request.user, study=study, participant=participant, mode=mode,
            moderator=request.user if mode == SessionMode.MODERATED else None,
            scheduled_at=form.cleaned_data["scheduled_at"],
        )
    if refused:
        return redirect(study_url(study.pk, "sessions"))
    messages.success(request, _("Session scheduled for %(code)s.") % {"code": participant.code})
    return redirect("lab:session_detail", session.pk)


def _elapsed(session: Session) -> float | None:
    if session.status != SessionStatus.IN_PROGRESS or session.started_at is None:
        return None
    return max(0.0, (timezone.now() - session.started_at).total_seconds())


def _current_task(tasks: list, requested: str | None, attempts: dict):
    by_id = {str(t.pk): t for t in tasks}
    if requested in by_id:
        return by_id[requested]
    return next((t for t in tasks if t.pk not in attempts), tasks[0] if tasks else None)


def session_context(
    request: HttpRequest, session: Session, *, task_id: int | None = None, attempt_form=None, observation_form=None
) -> dict:
    """The session page: the task asked for (?task=), else the first without an attempt."""
    study = session.study
    tasks = list(study.tasks.all())
    attempts = {a.task_id: a for a in session.attempts.all()}
    task = _current_task(tasks, str(task_id) if task_id else request.GET.get("task"), attempts)
    index = tasks.index(task) if task else 0
    attempt = attempts.get(task.pk) if task else None
    if attempt_form is None and task is not None:
        initial = {"expected_version": attempt.version if attempt else 0}
        if attempt:
            initial.update(outcome=attempt.outcome, seconds=f"{attempt.seconds:.1f}", errors=attempt.errors,
                           assists=attempt.assists, seq=attempt.seq, note=attempt.note)
        attempt_form = forms.AttemptForm(initial=initial, auto_id="%s")
    can_run = selectors.can_run_study(request.user, study)
    personal = selectors.can_view_participants(request.user, study)
    return {
        "session": session,
        "study": study,
        "participant_code": session.participant.code,
        "tasks": [(t, attempts.get(t.pk)) for t in tasks],
        "task": task,
        "task_number": index + 1,
        "task_total": len(tasks),
        "attempt": attempt,
        "previous_task": tasks[index - 1] if task and index > 0 else None,
        "next_task": tasks[index + 1] if task and index + 1 < len(tasks) else None,
        "attempt_form": attempt_form,
        "observation_form": observation_form or forms.ObservationForm(
            tasks=tasks, initial={"task": task.pk if task else None}, auto_id="observation-%s"
        ),
        "observations": session.observations.select_related("task", "finding").order_by("-created_at", "-id"),
        "questionnaires": session.questionnaire_responses.all(),
        "elapsed": _elapsed(session),
        "can_run": can_run,
        "can_view_participants": personal,
        "is_open": study.status != "closed",
        "link_form": forms.LinkForm(),
        "recording_form": forms.RecordingForm(auto_id="recording-%s"),
        "outcome_labels": labels.TASK_OUTCOMES,
        "consent_missing": not has_consent(session),
    }


def has_consent(session: Session) -> bool:
    """Whether the participant's informed consent is recorded and not withdrawn."""
    return Consent.objects.filter(participant_id=session.participant_id, withdrawn_at__isnull=True).exists()


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(request.user, session_id)
    context = session_context(request, session)
    if context["can_run"] and session.mode == SessionMode.MODERATED and context["is_open"]:
        return render(request, "lab/session_run.html", context)
    return render(request, "lab/session_detail.html", context)


@login_required
@require_POST
def session_start(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    if not has_consent(session) and request.POST.get("without_consent") != "yes":
        # A warning, not a refusal: consent may have been given on paper and not typed in yet.
        messages.error(request, _("%(code)s has no consent recorded. Record the consent first, or confirm that "
                                  "you start without it.") % {"code": session.participant.code})
        return redirect(_run_url(session))
    with refusal_as_message(request):
        session_services.session_start(actor=request.user, session=session)
    return redirect(_run_url(session))


@login_required
@require_POST
def session_finish(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    status = SessionStatus.ABANDONED if request.POST.get("status") == "abandoned" else SessionStatus.COMPLETED
    with refusal_as_message(request) as refused:
        session_services.session_finish(actor=request.user, session=session, status=status)
    if not refused:
        messages.success(request, _("Session finished."))
    return redirect(study_url(session.study_id, "sessions"))


@login_required
@require_POST
def attempt_record(request: HttpRequest, session_id: int, task_id: int) -> HttpResponse:
    """Idempotent per session and task: posting the same result again changes nothing."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    task = selectors.access_task(request.user, task_id, Action.RUN_LAB)
    form = forms.AttemptForm(request.POST, auto_id="%s")
    attempt = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        with refusal_on_form(form):
            attempt = session_services.attempt_record(actor=request.user, session=session, task=task, **data)
    if request.htmx:
        status = 200 if attempt else 422
        return render(request, "lab/_attempt_saved.html", {"attempt": attempt, "form": form, "task": task},
                      status=status)
    if attempt:
        messages.success(request, _("Attempt at “%(task)s” saved.") % {"task": task.title})
        return redirect(_run_url(session, task.pk))
    context = session_context(request, session, task_id=task.pk, attempt_form=form)
    return render(request, "lab/session_run.html", context, status=422)


@login_required
@require_POST
def observation_add(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    tasks = list(session.study.tasks.all())
    form = forms.ObservationForm(request.POST, tasks=tasks, auto_id="observation-%s")
    observation = None
    if form.is_valid():
        at = form.cleaned_data["at"]
        if at is None:
            at = _elapsed(session)  # blank: the moment it was written down
        task = next((t for t in tasks if t.pk == form.cleaned_data["task"]), None)
        with refusal_on_form(form):
            observation = finding_services.observation_add(
                actor=request.user, session=session, text=form.cleaned_data["text"], task=task, at_seconds=at,
                tags=form.cleaned_data["tags"],
            )
    if request.htmx:
        if observation is None:
            return HttpResponse(" ".join(e for errors in form.errors.values() for e in errors), status=422)
        return render(request, "lab/_observation_item.html", {"observation": observation, "session": session})
    if observation:
        messages.success(request, _("Observation saved."))
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    task_id = request.POST.get("task_id")
    return redirect(_run_url(session, parse_id(task_id)))


@login_required
@require_POST
def link_issue(request: HttpRequest, session_id: int) -> HttpResponse:
    """The personal link is shown once, on this response only (never stored, never in a URL we redirect to)."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    form = forms.LinkForm(request.POST)
    days = form.cleaned_data["valid_days"] if form.is_valid() else session_services.LINK_VALID_DAYS
    with refusal_as_message(request) as refused:
        session, token = session_services.session_link_issue(actor=request.user, session=session, valid_days=days)
    if refused:
        return redirect("lab:session_detail", session.pk)
    url = request.build_absolute_uri(reverse("lab:take", args=[token]))
    response = render(request, "lab/session_link.html", {"session": session, "url": url})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def recording_upload(request: HttpRequest, session_id: int) -> HttpResponse:
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    selectors.access_session(request.user, session_id, Action.VIEW_PARTICIPANTS)
    form = forms.RecordingForm(request.POST, request.FILES, auto_id="recording-%s")
    if form.is_valid():
        offset = form.cleaned_data["recording_started_at"]
        started_at = session.started_at + timedelta(seconds=offset) if offset is not None and session.started_at \
            else None
        with refusal_as_message(request) as refused:
            session_services.recording_upload(actor=request.user, session=session,
                                              upload=form.cleaned_data["recording"], started_at=started_at)
        if not refused:
            messages.success(request, _("Recording attached."))
    else:
        messages.error(request, _("Choose a video file to upload."))
    return redirect(reverse("lab:session_detail", args=[session.pk]) + "#recording")


@login_required
def recording_file(request: HttpRequest, session_id: int) -> HttpResponse:
    """The session's video, only for the lab's own researchers (a recording is personal data). Supports byte
    ranges so the player can jump to a moment (#t=…) without downloading the whole file."""
    session = selectors.access_session(request.user, session_id, Action.VIEW_PARTICIPANTS)
    if not session.recording:
        raise Http404("no recording")
    return ranged_file_response(request, session.recording)


def ranged_file_response(request: HttpRequest, field_file) -> HttpResponse:
    size = field_file.size
    content_type = recording_types.content_type_of(field_file.name)
    match = RANGE.match(request.headers.get("Range", "").strip())
    if not match or not any(match.groups()):
        response = FileResponse(field_file.open("rb"), content_type=content_type)
        response["Accept-Ranges"] = "bytes"
        response["Cache-Control"] = "private, no-store"
        return response
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(0, size - int(last)), size - 1
    if start > end or start >= size:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return response
    handle = field_file.open("rb")
    handle.seek(start)

    def chunks(remaining: int = end - start + 1):
        try:
            while remaining > 0:
                data = handle.read(min(CHUNK, remaining))
                if not data:
                    break
                remaining -= len(data)
                yield data
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
    response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Content-Length"] = str(end - start + 1)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    return response
