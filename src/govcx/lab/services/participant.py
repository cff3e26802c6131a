"""Use cases of a study's participants: recruitment (screener and quotas), corrections, consent, incentives and
withdrawal (which erases their personal data and recordings and keeps their pseudonymous results)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from govcx.errors import Conflict, Invalid
from govcx.lab import selectors
from govcx.lab.models import AgeBand, Consent, Incentive, Participant, ParticipantStatus, Session, Study
from govcx.lab.services._common import (
    UNSET,
    Unset,
    audit,
    consent_save,
    given,
    lab_study,
    open_study,
    plain,
    require_owner_consent,
    rescoped,
)

PARTICIPANT_ATTRIBUTES = ("client_category", "age_band", "region", "digital_confidence", "disability",
                          "assisted_digital")
PARTICIPANT_FIELDS = ("full_name", "email", "phone", "screener_answers", *PARTICIPANT_ATTRIBUTES)
_BLANK_WHEN_NONE = ("full_name", "email", "phone", "client_category", "age_band", "region")


def _next_code(study: Study) -> str:
    taken = set(study.participants.values_list("code", flat=True))
    number = len(taken) + 1
    while f"P{number:02d}" in taken:
        number += 1
    return f"P{number:02d}"


def _participant_values(values: dict[str, Any]) -> dict[str, Any]:
    clean = {k: ("" if v is None and k in _BLANK_WHEN_NONE else v) for k, v in values.items()}
    confidence = clean.get("digital_confidence")
    if confidence is not None and (isinstance(confidence, bool) or confidence not in (1, 2, 3, 4, 5)):
        raise Invalid("digital_confidence is 1–5", details=[{"field": "digital_confidence"}])
    if clean.get("age_band") and clean["age_band"] not in AgeBand.values:
        raise Invalid(f"unknown age band {clean['age_band']!r}", details=[{"field": "age_band"}])
    if clean.get("email") and "@" not in clean["email"]:
        raise Invalid("not an e-mail address", details=[{"field": "email"}])
    if "screener_answers" in clean:
        if not isinstance(clean["screener_answers"] or {}, dict):
            raise Invalid("screener answers are {question key: answer}", details=[{"field": "screener_answers"}])
        clean["screener_answers"] = clean["screener_answers"] or {}
    return clean


def _screen(study: Study, answers: dict[str, Any]) -> None:
    """Refuse a candidate whose answer to a screener question is not among that question's accepted answers."""
    problems = []
    for question in study.screener:
        accept = question.get("accept") or []
        if not accept:
            continue
        answer = answers.get(question["key"])
        if answer is None:
            problems.append({"field": f"screener_answers.{question['key']}", "message": "no answer"})
        elif str(answer) not in accept:
            problems.append({"field": f"screener_answers.{question['key']}",
                             "message": f"{answer!r} is not an accepted answer"})
    if problems:
        raise Invalid("the candidate does not pass the screener", details=problems)


def _check_quotas(study: Study, candidate: Participant) -> None:
    """Refuse a candidate who would overfill a quota of their kind (other kinds are not limited)."""
    for quota, recruited in selectors.quota_fill(study):
        if candidate.quota_value(quota.dimension) == quota.value and recruited >= quota.target:
            raise Conflict(
                f"the quota {quota.dimension}={quota.value} is full ({recruited} of {quota.target})",
                details=[{"field": quota.dimension, "message": "quota full"}],
            )


@transaction.atomic
def participant_recruit(
    *, actor: Any, study: Study, code: str = "", full_name: str = "", email: str = "", phone: str = "",
    screener_answers: dict[str, Any] | None = None, client_category: str = "", age_band: str = "",
    region: str = "", digital_confidence: int | None = None, disability: bool = False,
    assisted_digital: bool = False,
) -> Participant:
    """Recruit a candidate who passes the screener into a quota with room; the code (P01, P02, ...) is assigned
    unless given."""
    fields = {name: value for name, value in locals().items() if name in PARTICIPANT_FIELDS}
    study = open_study(actor, study.pk)
    require_owner_consent(study)
    clean = _participant_values(fields)
    _screen(study, clean["screener_answers"])
    code = (code or "").strip() or _next_code(study)
    if study.participants.filter(code=code).exists():
        raise Conflict(f"study {study.pk} already has a participant {code}")
    participant = Participant(study=study, code=code, **clean)
    _check_quotas(study, participant)
    participant.save()
    audit(actor, "participant.recruit", participant, study,
          {k: [None, plain(getattr(participant, k))] for k in PARTICIPANT_ATTRIBUTES})
    return participant


@transaction.atomic
def participant_update(
    *, actor: Any, participant: Participant, full_name: str | None | Unset = UNSET, email: str | None | Unset = UNSET,
    phone: str | None | Unset = UNSET, screener_answers: dict[str, Any] | None | Unset = UNSET,
    client_category: str | None | Unset = UNSET, age_band: str | None | Unset = UNSET,
    region: str | None | Unset = UNSET, digital_confidence: int | None | Unset = UNSET,
    disability: bool | Unset = UNSET, assisted_digital: bool | Unset = UNSET,
) -> Participant:
    """Correct a participant's details; only the fields given change (None blanks a text field). Personal values
    are never written to the audit trail, only which personal fields changed."""
    changes = given(locals(), PARTICIPANT_FIELDS)
    study = lab_study(actor, participant.study_id)
    participant = rescoped(actor, participant, "participant")
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {participant.code} has withdrawn; their details cannot change")
    clean = _participant_values(changes)
    changed = [k for k, v in clean.items() if getattr(participant, k) != v]
    for key, value in clean.items():
        setattr(participant, key, value)
    participant.save()
    audit(actor, "participant.update", participant, study, {
        k: ["…", "…"] if k in Participant.PERSONAL_DATA_FIELDS else [None, plain(getattr(participant, k))]
        for k in changed
    })
    return participant


@transaction.atomic
def participant_delete(*, actor: Any, participant: Participant) -> None:
    """Remove a participant recorded by mistake (no sessions yet); otherwise withdraw them."""
    study = lab_study(actor, participant.study_id)
    participant = rescoped(actor, participant, "participant")
    if participant.sessions.exists() or participant.incentives.exists():
        raise Conflict(f"participant {participant.code} has sessions or incentives; withdraw them instead")
    audit(actor, "participant.delete", participant, study, {"code": [participant.code, None]})
    participant.delete()


@transaction.atomic
def consent_record(
    *, actor: Any, participant: Participant, text_version: str, recording_allowed: bool,
    given_at: datetime | None = None,
) -> Consent:
    study = lab_study(actor, participant.study_id)
    participant = rescoped(actor, participant, "participant")
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {participant.code} has withdrawn")
    consent = consent_save(participant, text_version, recording_allowed, given_at)
    audit(actor, "consent.record", consent, study,
          {"text_version": [None, consent.text_version], "recording_allowed": [None, recording_allowed]})
    return consent


@transaction.atomic
def incentive_record(
    *, actor: Any, participant: Participant, amount: Decimal | str | float, method: str, currency: str = "RUB",
    paid_at: datetime | None = None,
) -> Incentive:
    study = lab_study(actor, participant.study_id)
    participant = rescoped(actor, participant, "participant")
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except ArithmeticError:
        raise Invalid("the amount must be a number", details=[{"field": "amount"}]) from None
    if value < 0:
        raise Invalid("the amount cannot be negative", details=[{"field": "amount"}])
    if not re.fullmatch(r"[A-Z]{3}", currency or ""):
        raise Invalid("the currency is a three-letter ISO 4217 code", details=[{"field": "currency"}])
    if not method.strip():
        raise Invalid("name the method of payment", details=[{"field": "method"}])
    incentive = Incentive.objects.create(participant=participant, amount=value, currency=currency,
                                         method=method.strip(), paid_at=paid_at)
    audit(actor, "incentive.record", incentive, study, {"amount": [None, f"{value} {currency}"]})
    return incentive


@transaction.atomic
def participant_withdraw(*, actor: Any, participant: Participant) -> Participant:
    """Withdraw a participant: blank the personal fields and screener answers, mark consent withdrawn, delete the
    recordings of their sessions. Attempts, answers, observations, findings and incentives stay under the
    pseudonymous code. The audit event names the code only."""
    study = lab_study(actor, participant.study_id)
    participant = rescoped(actor, participant, "participant")
    if participant.status == ParticipantStatus.WITHDRAWN:
        return participant
    now = timezone.now()
    for field in Participant.PERSONAL_DATA_FIELDS:
        setattr(participant, field, {} if field == "screener_answers" else "")
    participant.status = ParticipantStatus.WITHDRAWN
    participant.withdrawn_at = now
    participant.save()
    Consent.objects.filter(participant=participant).update(withdrawn_at=now)
    recordings = []
    for session in participant.sessions.exclude(recording=""):
        recordings.append(session.recording.name)
        session.recording.delete(save=False)
        Session.objects.filter(pk=session.pk).update(recording="", recording_started_at=None)
    audit(actor, "participant.withdraw", participant, study,
          {"personal_fields": list(Participant.PERSONAL_DATA_FIELDS), "recordings_deleted": len(recordings)})
    return participant
