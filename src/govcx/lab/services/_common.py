"""What several of the lab's use cases share: the scoped, locked re-selection of a study or object, the audit
record, the "not given" marker of an update, and the attempt and consent upserts that a
staff use case and the participant's own page (or an import) both write."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal, TypeVar

from django.db.models import Model
from django.utils import timezone

from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version
from govcx.errors import Conflict, Invalid, NotFound
from govcx.lab import selectors
from govcx.lab.models import Attempt, Consent, OwnerConsent, Participant, Session, Study, StudyStatus, Task


class _Unset(enum.Enum):
    UNSET = "unset"


#: The default of an update's fields: "leave as it is" (None can be a value, e.g. no target time).
UNSET = _Unset.UNSET
Unset = Literal[_Unset.UNSET]

M = TypeVar("M", bound=Model)


def given(values: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The `fields` of `values` (an update's arguments) that the caller gave."""
    return {name: values[name] for name in fields if values[name] is not UNSET}


def lab_study(actor: Any, study_id: int, *, lock: bool = True) -> Study:
    """The study, re-selected through the actor's lab scope (NotFound outside it), locked for the write."""
    require(actor, Action.RUN_LAB)
    queryset = Study.objects.for_user(actor, Action.RUN_LAB)
    if lock:
        queryset = queryset.select_for_update()
    study = queryset.filter(pk=study_id).first()
    if study is None:
        raise NotFound(f"study {study_id} not found")
    return study


def open_study(actor: Any, study_id: int) -> Study:
    study = lab_study(actor, study_id)
    if study.status == StudyStatus.CLOSED:
        raise Conflict(f"study {study.pk} is closed; plan a re-test to collect new results")
    return study


def require_owner_consent(study: Study) -> None:
    """A study of another authority's service collects nothing (participants, sessions, results) and does not
    close until that authority has consented (docs/lab.md, "Consent of the service's owner")."""
    if study.owner_consent == OwnerConsent.AWAITING:
        raise Conflict(f"study {study.pk} is awaiting the consent of the service's owning authority; plan it now "
                       "and recruit once they have consented")
    if study.owner_consent == OwnerConsent.REFUSED:
        raise Conflict(f"the service's owning authority has refused study {study.pk}")


def rescoped(actor: Any, obj: M, what: str) -> M:
    """`obj` read again through the actor's lab scope and locked, so the write starts from the stored row."""
    scoped = type(obj).objects.for_user(actor, Action.RUN_LAB)  # type: ignore[attr-defined]
    found = scoped.select_for_update(of=("self",)).filter(pk=obj.pk).first()
    if found is None:
        raise NotFound(f"{what} {obj.pk} not found")
    return found


def creator(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def audit(actor: Any, action: str, obj: Any, study: Study, changes: dict | None = None) -> None:
    """An audit event `entity.verb` (e.g. study.create), filed under the study's lab organisation."""
    audit_record(actor=actor, action=action, obj=obj, organisation_id=study.lab_id, changes=changes)


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: [plain(before.get(k)), plain(v)] for k, v in after.items() if before.get(k) != v}


def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def fraction(value: Any, field: str, *, strict: bool = True) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise Invalid(f"{field} must be a number", details=[{"field": field}]) from None
    if not (Decimal(0) < number < Decimal(1) if strict else Decimal(0) <= number <= Decimal(1)):
        bounds = "strictly between 0 and 1" if strict else "within 0–1"
        raise Invalid(f"{field} must be {bounds}, got {value}", details=[{"field": field}])
    return number.quantize(Decimal("0.001"))


def refresh_verdict(study: Study) -> None:
    verdict = selectors.study_analysis(study).verdict.verdict
    Study.objects.filter(pk=study.pk).update(verdict=verdict.value, verdict_computed_at=timezone.now())
    study.verdict, study.verdict_computed_at = verdict.value, timezone.now()


def upsert_attempt(session: Session, task: Task, values: dict[str, Any], expected_version: int | None) -> Attempt:
    """The one attempt of a session at a task, created or changed; the same result again changes nothing."""
    if task.study_id != session.study_id:
        raise Invalid(f"task {task.key!r} is not in this session's study", details=[{"field": "task"}])
    attempt = Attempt.objects.select_for_update().filter(session=session, task=task).first()
    if attempt is None:
        if expected_version not in (None, 0):
            raise Conflict(f"the attempt at task {task.key!r} was deleted by someone else")
        return Attempt.objects.create(session=session, task=task, **values)
    if all(getattr(attempt, k) == v for k, v in values.items()):
        return attempt
    bump_version(attempt, expected=expected_version, what=f"the attempt at task {task.key!r}")
    for key, value in values.items():
        setattr(attempt, key, value)
    attempt.save()
    return attempt


def consent_save(participant: Participant, text_version: str, recording_allowed: bool,
                 given_at: datetime | None) -> Consent:
    if not text_version.strip():
        raise Invalid("name the version of the consent text", details=[{"field": "text_version"}])
    consent, _ = Consent.objects.update_or_create(
        participant=participant,
        defaults={"given_at": given_at or timezone.now(), "text_version": text_version.strip(),
                  "recording_allowed": recording_allowed, "withdrawn_at": None},
    )
    return consent
