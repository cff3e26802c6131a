"""Use cases of the cases opened from feedback: open them from low ratings (the survey's rule, run by the worker's
schedule) or from a comment a person flags as a problem, give them an owner and a due date, start and close them.

The only writers of `Case`. One case per response (its one-to-one key), so the rule's job and a second flag find
the case already open. Handled like complaints: the HANDLE_COMPLAINTS permission, a re-select through the actor's
scope inside the transaction, the `version` lock and the audit trail.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version
from govcx.complaints import deadlines
from govcx.complaints.case_selectors import case_owner_candidates, low_ratings
from govcx.complaints.models import Case, CaseReason, CaseStatus, DayKind
from govcx.errors import Invalid, NotFound
from govcx.feedback.models import Response

CASE_DUE_WORKING_DAYS = 5
LOW_RATING_LOOKBACK = dt.timedelta(days=7)  # a rating older than this is no longer worth a call back
NOTE_MAX_CHARS = 5_000


def _default_due(today: dt.date) -> dt.date:
    return deadlines.due_date(today, CASE_DUE_WORKING_DAYS, DayKind.WORKING)


def _default_owner(organisation_id: int) -> User | None:
    return case_owner_candidates(organisation_id=organisation_id).first()


def _new_case(response: Response, *, reason: str, rating: float | None, actor: User | None) -> tuple[Case, bool]:
    """The response's case, opened now unless it exists (True when opened)."""
    existing = Case.objects.filter(response=response).first()
    if existing is not None:
        return existing, False
    case = Case(service_id=response.service_id, organisation_id=response.organisation_id, response=response,
                reason=reason, rating=rating, owner=_default_owner(response.organisation_id),
                due_on=_default_due(timezone.localdate()), opened_by=actor)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:  # opened meanwhile by the other path
        return Case.objects.get(response=response), False
    audit_record(actor=actor, action="case.open", obj=case, organisation_id=case.organisation_id,
                 changes={"reason": reason, "owner": getattr(case.owner, "username", None),
                          "due_on": case.due_on.isoformat()})
    return case, True


def cases_open_from_ratings(*, since: dt.datetime | None = None) -> int:
    """Open a case for every recent response whose rating is at or below its survey's rule; the number opened."""
    lowest = low_ratings(since=since or timezone.now() - LOW_RATING_LOOKBACK)
    opened = 0
    for response in Response.objects.filter(pk__in=list(lowest)).order_by("pk"):
        _, created = _new_case(response, reason=CaseReason.LOW_RATING, rating=round(lowest[response.pk], 2),
                               actor=None)
        opened += created
    return opened


def case_open_flagged(*, response_id: int, actor: User) -> tuple[Case, bool]:
    """The actor flags a comment as a problem: its response gets a case (or keeps the one it has)."""
    response = access(Response.objects.filter(is_spam=False), actor, response_id, Action.HANDLE_COMPLAINTS,
                      what="response")
    return _new_case(response, reason=CaseReason.FLAGGED_COMMENT, rating=None, actor=actor)


def _locked(case: Case, actor: User, expected_version: int) -> Case:
    locked = (Case.objects.for_user(actor, Action.HANDLE_COMPLAINTS).select_for_update(of=("self",))
              .select_related("service", "organisation", "owner").filter(pk=case.pk).first())
    if locked is None:
        raise NotFound(f"case {case.pk} not found")
    bump_version(locked, expected=expected_version, what=f"case {case.pk}")
    return locked


def _not_closed(case: Case) -> None:
    if case.status == CaseStatus.CLOSED:
        raise Invalid(f"case {case.pk} is already closed", details=[{"field": "status"}])


def _save(case: Case, actor: User, action: str, changes: dict) -> Case:
    case.save()
    audit_record(actor=actor, action=action, obj=case, organisation_id=case.organisation_id, changes=changes)
    return case


@transaction.atomic
def case_plan(*, case: Case, owner_id: int | None, due_on: dt.date | None, actor: User,
              expected_version: int) -> Case:
    """Give the case an owner (one of its organisation's staff who handle cases) and a due date (not past)."""
    locked = _locked(case, actor, expected_version)
    _not_closed(locked)
    changes: dict = {}
    if owner_id is not None and owner_id != locked.owner_id:
        owner = case_owner_candidates(organisation_id=locked.organisation_id).filter(pk=owner_id).first()
        if owner is None:
            raise Invalid("choose the owner among the organisation's staff who handle cases",
                          details=[{"field": "owner", "message": "not one of the organisation's staff"}])
        changes["owner"] = [getattr(locked.owner, "username", None), owner.username]
        locked.owner = owner
    if due_on is not None and due_on != locked.due_on:
        if due_on < timezone.localdate():
            raise Invalid("the due date cannot be in the past", details=[{"field": "due_on", "message": "past"}])
        changes["due_on"] = [locked.due_on.isoformat(), due_on.isoformat()]
        locked.due_on = due_on
    return _save(locked, actor, "case.plan", changes)


@transaction.atomic
def case_start(*, case: Case, actor: User, expected_version: int) -> Case:
    """Open → in progress; the actor becomes the owner when it has none."""
    locked = _locked(case, actor, expected_version)
    if locked.status != CaseStatus.OPEN:
        raise Invalid(f"case {case.pk} is not open", details=[{"field": "status"}])
    changes = {"status": [locked.status, CaseStatus.IN_PROGRESS.value]}
    locked.status = CaseStatus.IN_PROGRESS
    locked.owner = locked.owner or actor
    return _save(locked, actor, "case.start", changes)


@transaction.atomic
def case_close(*, case: Case, note: str, actor: User, expected_version: int) -> Case:
    """Close the case with a note of what was done."""
    locked = _locked(case, actor, expected_version)
    _not_closed(locked)
    note = (note or "").strip()
    if not note:
        raise Invalid("write what was done", details=[{"field": "note", "message": "required"}])
    if len(note) > NOTE_MAX_CHARS:
        raise Invalid(f"the note is longer than {NOTE_MAX_CHARS} characters", details=[{"field": "note"}])
    changes = {"status": [locked.status, CaseStatus.CLOSED.value], "note_chars": len(note)}
    locked.status, locked.note, locked.closed_at = CaseStatus.CLOSED, note, timezone.now()
    locked.owner = locked.owner or actor
    return _save(locked, actor, "case.close", changes)
