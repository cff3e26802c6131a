"""Use cases of the lab: the only writers of studies, tasks, quotas, participants, consent, incentives,
sessions, attempts, observations, findings and questionnaire answers.

Every staff use case takes `actor`, requires Action.RUN_LAB and re-selects the study through the lab's scope
inside its transaction (another organisation's study is NotFound). The participant-facing use cases of an
unmoderated session (`take_*`) are scoped by the personal link's token instead of a user.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from govcx.accounts.roles import Action
from govcx.accounts.scoping import require, visible_organisation_ids
from govcx.accounts.services import audit_record
from govcx.common.tokens import new_token, token_hash
from govcx.errors import Conflict, Forbidden, Gone, Invalid, InvalidInput, NotFound, Problem
from govcx.lab import tabular
from govcx.lab.models import (
    AgeBand,
    Attempt,
    Consent,
    Finding,
    FindingStatus,
    Incentive,
    Observation,
    Outcome,
    Participant,
    ParticipantStatus,
    QuestionnaireKind,
    QuestionnaireResponse,
    Quota,
    QuotaDimension,
    Session,
    SessionMode,
    SessionStatus,
    Study,
    StudyStatus,
    Task,
)
from govcx.registry.models import Organisation, Service
from govcx.registry.vocabulary import Stage

LINK_VALID_DAYS = 14
RECORDING_CONTENT_TYPES = frozenset({"video/mp4", "video/webm", "video/ogg", "video/quicktime", "video/x-matroska"})
RECORDING_MAX_BYTES_DEFAULT = 500 * 1024 * 1024
QUESTIONNAIRE_ITEMS = {QuestionnaireKind.SUS: (10, 1, 5), QuestionnaireKind.UMUX_LITE: (2, 1, 7)}
STUDY_FIELDS = (
    "title", "stage", "research_questions", "use_sus", "use_umux_lite", "use_seq", "status", "include_failed_times",
    "confidence", "discovery_p", "discovery_goal", "screener",
)
TASK_FIELDS = ("key", "order", "title", "scenario", "success_criteria", "critical_path", "benchmark_completion",
               "target_seconds")
PARTICIPANT_ATTRIBUTES = ("client_category", "age_band", "region", "digital_confidence", "disability",
                          "assisted_digital")
FINDING_FIELDS = ("title", "description", "severity", "task", "screen", "recommendation", "status")
_SLUG = re.compile(r"^[-a-z0-9_]+$")


# ---- helpers ------------------------------------------------------------------------------------------------


def _lab_study(actor: Any, study_id: int, *, lock: bool = True) -> Study:
    """The study, re-selected through the actor's lab scope (NotFound outside it), locked for the write."""
    require(actor, Action.RUN_LAB)
    queryset = Study.objects.for_user(actor, Action.RUN_LAB)
    if lock:
        queryset = queryset.select_for_update()
    study = queryset.filter(pk=study_id).first()
    if study is None:
        raise NotFound(f"study {study_id} not found")
    return study


def _open_study(actor: Any, study_id: int) -> Study:
    study = _lab_study(actor, study_id)
    if study.status == StudyStatus.CLOSED:
        raise Conflict(f"study {study.pk} is closed; plan a re-test to collect new results")
    return study


def _audit(actor: Any, action: str, obj: Any, study: Study, changes: dict | None = None) -> None:
    audit_record(actor=actor, action=action, obj=obj, organisation_id=study.lab_id, changes=changes)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: [_plain(before.get(k)), _plain(v)] for k, v in after.items() if before.get(k) != v}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _fraction(value: Any, field: str, *, strict: bool = True) -> Decimal:
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        raise Invalid(f"{field} must be a number", details=[{"field": field}]) from None
    if not (Decimal(0) < number < Decimal(1) if strict else Decimal(0) <= number <= Decimal(1)):
        bounds = "strictly between 0 and 1" if strict else "within 0–1"
        raise Invalid(f"{field} must be {bounds}, got {value}", details=[{"field": field}])
    return number.quantize(Decimal("0.001"))


def _validate_screener(screener: Any) -> list[dict[str, Any]]:
    if not isinstance(screener, list):
        raise Invalid("the screener is a list of questions", details=[{"field": "screener"}])
    keys: set[str] = set()
    clean = []
    for index, item in enumerate(screener):
        where = f"screener[{index}]"
        if not isinstance(item, dict) or not str(item.get("key", "")).strip():
            raise Invalid(f"{where}: each question needs a key", details=[{"field": f"{where}.key"}])
        key = str(item["key"]).strip()
        if key in keys:
            raise Invalid(f"{where}: the key {key!r} is used twice", details=[{"field": f"{where}.key"}])
        keys.add(key)
        options = [str(o) for o in item.get("options") or []]
        accept = [str(a) for a in item.get("accept") or []]
        unknown = [a for a in accept if options and a not in options]
        if unknown:
            raise Invalid(f"{where}: accepted answers {unknown} are not among the options",
                          details=[{"field": f"{where}.accept"}])
        clean.append({"key": key, "question": str(item.get("question", "")), "options": options, "accept": accept})
    return clean


def _study_values(values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    if "title" in clean and not str(clean["title"]).strip():
        raise Invalid("a study needs a title", details=[{"field": "title"}])
    if "stage" in clean and clean["stage"] not in {s.value for s in Stage}:
        raise Invalid(f"unknown stage {clean['stage']!r}", details=[{"field": "stage"}])
    if "status" in clean:
        if clean["status"] not in {StudyStatus.DRAFT, StudyStatus.RECRUITING, StudyStatus.RUNNING}:
            raise Invalid("status must be draft, recruiting or running; close a study with study_close",
                          details=[{"field": "status"}])
    for field in ("confidence", "discovery_p", "discovery_goal"):
        if field in clean:
            clean[field] = _fraction(clean[field], field)
    if "screener" in clean:
        clean["screener"] = _validate_screener(clean["screener"])
    unknown = set(clean) - set(STUDY_FIELDS)
    if unknown:
        raise Invalid(f"unknown study fields: {sorted(unknown)}", details=[{"field": f} for f in sorted(unknown)])
    return clean


def _check_lab_in_scope(actor: Any, lab: Organisation) -> None:
    ids = visible_organisation_ids(actor)
    if ids is not None and lab.pk not in ids:
        raise Forbidden(f"{lab.code} is not your lab organisation or one below it")


def _bump(model: Any, obj: Any, expected_version: int | None, what: str) -> None:
    """Optimistic lock: raise the stored version by one if it still equals `expected_version`."""
    if expected_version is None:
        model.objects.filter(pk=obj.pk).update(version=F("version") + 1)
    elif not model.objects.filter(pk=obj.pk, version=expected_version).update(version=F("version") + 1):
        raise Conflict(
            f"{what} was changed by someone else (you edited version {expected_version}, it is now "
            f"{obj.version}); reload and apply your change again"
        )
    obj.version = (expected_version or obj.version) + 1


# ---- studies ------------------------------------------------------------------------------------------------


@transaction.atomic
def study_create(*, actor: Any, service: Service, lab: Organisation, title: str, **values: Any) -> Study:
    """Plan a study of `service`, run by the `lab` organisation (the actor's own or one below it). The stage
    defaults to the service's current stage."""
    require(actor, Action.RUN_LAB)
    _check_lab_in_scope(actor, lab)
    clean = _study_values({"title": title, **values})
    clean.setdefault("stage", service.stage)
    study = Study.objects.create(
        service=service, lab=lab, created_by=actor if getattr(actor, "is_authenticated", False) else None, **clean
    )
    _audit(actor, "study.create", study, study, _diff({}, {k: getattr(study, k) for k in clean}))
    return study


@transaction.atomic
def study_update(*, actor: Any, study: Study, expected_version: int | None = None, **values: Any) -> Study:
    """Change a study's plan (not its service or lab). Closed studies are read-only."""
    study = _open_study(actor, study.pk)
    clean = _study_values(values)
    before = {k: getattr(study, k) for k in clean}
    _bump(Study, study, expected_version, f"study {study.pk}")
    for key, value in clean.items():
        setattr(study, key, value)
    study.save()
    _audit(actor, "study.update", study, study, _diff(before, clean))
    return study


@transaction.atomic
def study_close(*, actor: Any, study: Study, expected_version: int | None = None) -> Study:
    """Close a study: no more results are recorded; the verdict is computed and cached."""
    study = _open_study(actor, study.pk)
    _bump(Study, study, expected_version, f"study {study.pk}")
    study.status = StudyStatus.CLOSED
    study.save()
    _refresh_verdict(study)
    _audit(actor, "study.close", study, study, {"verdict": [None, study.verdict]})
    return study


@transaction.atomic
def study_reopen(*, actor: Any, study: Study) -> Study:
    """Reopen a closed study (to correct its results); the cached verdict is cleared until it closes again."""
    study = _lab_study(actor, study.pk)
    if study.status != StudyStatus.CLOSED:
        raise Conflict(f"study {study.pk} is not closed")
    Study.objects.filter(pk=study.pk).update(
        status=StudyStatus.RUNNING, verdict="", verdict_computed_at=None, version=F("version") + 1
    )
    study.refresh_from_db()
    _audit(actor, "study.reopen", study, study)
    return study


@transaction.atomic
def study_delete(*, actor: Any, study: Study) -> None:
    """Delete a study that has no sessions yet (results are never deleted with a click)."""
    study = _lab_study(actor, study.pk)
    if study.sessions.exists():
        raise Conflict(f"study {study.pk} has sessions and cannot be deleted")
    _audit(actor, "study.delete", study, study, {"title": [study.title, None]})
    study.delete()


def _refresh_verdict(study: Study) -> None:
    from govcx.lab.selectors import study_analysis

    verdict = study_analysis(study).verdict.verdict
    Study.objects.filter(pk=study.pk).update(verdict=verdict.value, verdict_computed_at=timezone.now())
    study.verdict, study.verdict_computed_at = verdict.value, timezone.now()


@transaction.atomic
def retest_create(*, actor: Any, study: Study, title: str = "") -> Study:
    """A re-test of the same tasks (same keys, so the reports compare task by task), quotas and screener."""
    original = _lab_study(actor, study.pk, lock=False)
    retest = Study.objects.create(
        service=original.service, lab=original.lab, title=title or f"{original.title} (re-test)",
        stage=original.service.stage, research_questions=original.research_questions,
        use_sus=original.use_sus, use_umux_lite=original.use_umux_lite, use_seq=original.use_seq,
        retest_of=original, include_failed_times=original.include_failed_times, confidence=original.confidence,
        discovery_p=original.discovery_p, discovery_goal=original.discovery_goal, screener=original.screener,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    Task.objects.bulk_create(
        Task(study=retest, **{f: getattr(task, f) for f in TASK_FIELDS}) for task in original.tasks.all()
    )
    Quota.objects.bulk_create(
        Quota(study=retest, dimension=q.dimension, value=q.value, target=q.target) for q in original.quotas.all()
    )
    _audit(actor, "study.retest", retest, retest, {"retest_of": [None, original.pk]})
    return retest


# ---- tasks and quotas ---------------------------------------------------------------------------------------


def _task_values(values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    unknown = set(clean) - set(TASK_FIELDS)
    if unknown:
        raise Invalid(f"unknown task fields: {sorted(unknown)}", details=[{"field": f} for f in sorted(unknown)])
    if "key" in clean and not _SLUG.match(str(clean["key"])):
        raise Invalid("a task key is lower-case letters, digits, '-' or '_'", details=[{"field": "key"}])
    if "title" in clean and not str(clean["title"]).strip():
        raise Invalid("a task needs a title", details=[{"field": "title"}])
    if "benchmark_completion" in clean:
        clean["benchmark_completion"] = _fraction(clean["benchmark_completion"], "benchmark_completion", strict=False)
    if clean.get("target_seconds") is not None and int(clean["target_seconds"]) <= 0:
        raise Invalid("target_seconds must be positive", details=[{"field": "target_seconds"}])
    return clean


@transaction.atomic
def task_create(*, actor: Any, study: Study, key: str, title: str, **values: Any) -> Task:
    study = _open_study(actor, study.pk)
    clean = _task_values({"key": key, "title": title, **values})
    if study.tasks.filter(key=clean["key"]).exists():
        raise Conflict(f"study {study.pk} already has a task {clean['key']!r}")
    clean.setdefault("order", (study.tasks.count() or 0) + 1)
    task = Task.objects.create(study=study, **clean)
    _audit(actor, "task.create", task, study, _diff({}, clean))
    return task


@transaction.atomic
def task_update(*, actor: Any, task: Task, **values: Any) -> Task:
    study = _open_study(actor, task.study_id)
    clean = _task_values(values)
    if "key" in clean and clean["key"] != task.key and study.tasks.filter(key=clean["key"]).exists():
        raise Conflict(f"study {study.pk} already has a task {clean['key']!r}")
    before = {k: getattr(task, k) for k in clean}
    for key, value in clean.items():
        setattr(task, key, value)
    task.save()
    _audit(actor, "task.update", task, study, _diff(before, clean))
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    study = _open_study(actor, task.study_id)
    if task.attempts.exists():
        raise Conflict(f"task {task.key!r} has recorded attempts and cannot be deleted")
    _audit(actor, "task.delete", task, study, {"key": [task.key, None]})
    task.delete()


def _quota_values(dimension: str, value: Any, target: Any) -> tuple[str, str, int]:
    if dimension not in QuotaDimension.values:
        raise Invalid(f"unknown quota dimension {dimension!r}; use one of {QuotaDimension.values}",
                      details=[{"field": "dimension"}])
    text = str(value).strip().lower() if isinstance(value, bool) or dimension in ("disability", "assisted_digital") \
        else str(value).strip()
    if dimension in ("disability", "assisted_digital") and text not in ("true", "false"):
        raise Invalid(f"{dimension} quotas take true or false", details=[{"field": "value"}])
    if dimension == "digital_confidence" and text not in {"1", "2", "3", "4", "5"}:
        raise Invalid("digital_confidence quotas take 1–5", details=[{"field": "value"}])
    if not text:
        raise Invalid("a quota needs a value", details=[{"field": "value"}])
    if isinstance(target, bool) or not isinstance(target, int) or target < 1:
        raise Invalid("a quota's target is a whole number of at least 1", details=[{"field": "target"}])
    return dimension, text, target


@transaction.atomic
def quota_create(*, actor: Any, study: Study, dimension: str, value: Any, target: int) -> Quota:
    study = _open_study(actor, study.pk)
    dimension, text, target = _quota_values(dimension, value, target)
    if study.quotas.filter(dimension=dimension, value=text).exists():
        raise Conflict(f"study {study.pk} already has a quota for {dimension}={text}")
    quota = Quota.objects.create(study=study, dimension=dimension, value=text, target=target)
    _audit(actor, "quota.create", quota, study, {"quota": [None, f"{dimension}={text}: {target}"]})
    return quota


@transaction.atomic
def quota_update(*, actor: Any, quota: Quota, target: int) -> Quota:
    study = _open_study(actor, quota.study_id)
    _, _, target = _quota_values(quota.dimension, quota.value, target)
    before = quota.target
    quota.target = target
    quota.save(update_fields=["target"])
    _audit(actor, "quota.update", quota, study, {"target": [before, target]})
    return quota


@transaction.atomic
def quota_delete(*, actor: Any, quota: Quota) -> None:
    study = _open_study(actor, quota.study_id)
    _audit(actor, "quota.delete", quota, study, {"quota": [f"{quota.dimension}={quota.value}", None]})
    quota.delete()


def quota_fill(study: Study) -> list[tuple[Quota, int]]:
    """Each quota with the number of participants recruited into it (withdrawn participants do not count)."""
    active = [p for p in study.participants.all() if p.status != ParticipantStatus.WITHDRAWN]
    return [(q, sum(1 for p in active if p.quota_value(q.dimension) == q.value)) for q in study.quotas.all()]


# ---- participants, consent, incentives, withdrawal -----------------------------------------------------------


def _next_code(study: Study) -> str:
    taken = set(study.participants.values_list("code", flat=True))
    number = len(taken) + 1
    while f"P{number:02d}" in taken:
        number += 1
    return f"P{number:02d}"


def _participant_values(values: dict[str, Any]) -> dict[str, Any]:
    allowed = {"full_name", "email", "phone", "screener_answers", *PARTICIPANT_ATTRIBUTES}
    unknown = set(values) - allowed
    if unknown:
        raise Invalid(f"unknown participant fields: {sorted(unknown)}",
                      details=[{"field": f} for f in sorted(unknown)])
    clean = {k: ("" if v is None and k in ("full_name", "email", "phone", "client_category", "age_band", "region")
                 else v) for k, v in values.items()}
    confidence = clean.get("digital_confidence")
    if confidence is not None and (isinstance(confidence, bool) or confidence not in (1, 2, 3, 4, 5)):
        raise Invalid("digital_confidence is 1–5", details=[{"field": "digital_confidence"}])
    if clean.get("age_band") and clean["age_band"] not in AgeBand.values:
        raise Invalid(f"unknown age band {clean['age_band']!r}", details=[{"field": "age_band"}])
    if clean.get("email") and "@" not in clean["email"]:
        raise Invalid("not an e-mail address", details=[{"field": "email"}])
    if "screener_answers" in clean and not isinstance(clean["screener_answers"] or {}, dict):
        raise Invalid("screener answers are {question key: answer}", details=[{"field": "screener_answers"}])
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
    for quota, recruited in quota_fill(study):
        if candidate.quota_value(quota.dimension) == quota.value and recruited >= quota.target:
            raise Conflict(
                f"the quota {quota.dimension}={quota.value} is full ({recruited} of {quota.target})",
                details=[{"field": quota.dimension, "message": "quota full"}],
            )


@transaction.atomic
def participant_recruit(*, actor: Any, study: Study, code: str = "", **values: Any) -> Participant:
    """Recruit a candidate who passes the screener into a quota with room; the code (P01, P02, ...) is assigned
    unless given."""
    study = _open_study(actor, study.pk)
    clean = _participant_values(values)
    _screen(study, clean.get("screener_answers") or {})
    code = (code or "").strip() or _next_code(study)
    if study.participants.filter(code=code).exists():
        raise Conflict(f"study {study.pk} already has a participant {code}")
    participant = Participant(study=study, code=code, **clean)
    _check_quotas(study, participant)
    participant.save()
    _audit(actor, "participant.recruit", participant, study,
           {k: [None, _plain(getattr(participant, k))] for k in PARTICIPANT_ATTRIBUTES})
    return participant


@transaction.atomic
def participant_update(*, actor: Any, participant: Participant, **values: Any) -> Participant:
    """Correct a participant's details. Personal values are never written to the audit trail, only which
    personal fields changed."""
    study = _lab_study(actor, participant.study_id)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {participant.code} has withdrawn; their details cannot change")
    clean = _participant_values(values)
    changed = [k for k, v in clean.items() if getattr(participant, k) != v]
    for key, value in clean.items():
        setattr(participant, key, value)
    participant.save()
    _audit(actor, "participant.update", participant, study, {
        k: ["…", "…"] if k in Participant.PERSONAL_DATA_FIELDS else [None, _plain(getattr(participant, k))]
        for k in changed
    })
    return participant


@transaction.atomic
def participant_delete(*, actor: Any, participant: Participant) -> None:
    """Remove a participant recorded by mistake (no sessions yet); otherwise withdraw them."""
    study = _lab_study(actor, participant.study_id)
    if participant.sessions.exists() or participant.incentives.exists():
        raise Conflict(f"participant {participant.code} has sessions or incentives; withdraw them instead")
    _audit(actor, "participant.delete", participant, study, {"code": [participant.code, None]})
    participant.delete()


@transaction.atomic
def consent_record(
    *, actor: Any, participant: Participant, text_version: str, recording_allowed: bool,
    given_at: datetime | None = None,
) -> Consent:
    study = _lab_study(actor, participant.study_id)
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {participant.code} has withdrawn")
    consent = _consent_save(participant, text_version, recording_allowed, given_at)
    _audit(actor, "consent.record", consent, study,
           {"text_version": [None, consent.text_version], "recording_allowed": [None, recording_allowed]})
    return consent


def _consent_save(participant: Participant, text_version: str, recording_allowed: bool,
                  given_at: datetime | None) -> Consent:
    if not text_version.strip():
        raise Invalid("name the version of the consent text", details=[{"field": "text_version"}])
    consent, _ = Consent.objects.update_or_create(
        participant=participant,
        defaults={"given_at": given_at or timezone.now(), "text_version": text_version.strip(),
                  "recording_allowed": recording_allowed, "withdrawn_at": None},
    )
    return consent


#: The consent text shown on the participant's own page (templates/lab/take.html); change both together.
ONLINE_CONSENT_VERSION = "online-v1"


@transaction.atomic
def take_consent(*, token: str, text_version: str = ONLINE_CONSENT_VERSION) -> Consent:
    """The participant agrees on their own page: their consent is recorded before the first task starts.
    Unmoderated sessions are not recorded on video, so recording is not part of this consent."""
    session = session_by_token(token, lock=True)
    return _consent_save(session.participant, text_version, False, None)


@transaction.atomic
def incentive_record(
    *, actor: Any, participant: Participant, amount: Decimal | str | float, method: str, currency: str = "RUB",
    paid_at: datetime | None = None,
) -> Incentive:
    study = _lab_study(actor, participant.study_id)
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
    _audit(actor, "incentive.record", incentive, study, {"amount": [None, f"{value} {currency}"]})
    return incentive


@transaction.atomic
def participant_withdraw(*, actor: Any, participant: Participant) -> Participant:
    """Withdraw a participant: blank the personal fields and screener answers, mark consent withdrawn, delete the
    recordings of their sessions. Attempts, answers, observations, findings and incentives stay under the
    pseudonymous code. The audit event names the code only."""
    study = _lab_study(actor, participant.study_id)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
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
    _audit(actor, "participant.withdraw", participant, study,
           {"personal_fields": list(Participant.PERSONAL_DATA_FIELDS), "recordings_deleted": len(recordings)})
    return participant


# ---- sessions and personal links ----------------------------------------------------------------------------


@transaction.atomic
def session_schedule(
    *, actor: Any, study: Study, participant: Participant, mode: str = SessionMode.MODERATED,
    moderator: Any = None, scheduled_at: datetime | None = None,
) -> Session:
    study = _open_study(actor, study.pk)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.study_id != study.pk:
        raise Invalid(f"participant {participant.code} is not in study {study.pk}", details=[{"field": "participant"}])
    if participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {participant.code} has withdrawn")
    if mode not in SessionMode.values:
        raise Invalid(f"unknown session mode {mode!r}", details=[{"field": "mode"}])
    session = Session.objects.create(study=study, participant=participant, mode=mode,
                                     moderator=moderator if mode == SessionMode.MODERATED else None,
                                     scheduled_at=scheduled_at)
    if participant.status == ParticipantStatus.RECRUITED:
        Participant.objects.filter(pk=participant.pk).update(status=ParticipantStatus.SCHEDULED)
    _audit(actor, "session.schedule", session, study, {"mode": [None, mode], "participant": [None, participant.code]})
    return session


def _locked_session(actor: Any, session: Session) -> tuple[Study, Session]:
    study = _open_study(actor, session.study_id)
    return study, Session.objects.select_for_update().get(pk=session.pk)


def _start(session: Session) -> None:
    if session.status in (SessionStatus.COMPLETED, SessionStatus.ABANDONED):
        raise Conflict(f"session {session.pk} has already finished")
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.IN_PROGRESS
        session.started_at = timezone.now()
        session.save(update_fields=["status", "started_at"])


def _finish(session: Session, status: str) -> None:
    if status not in (SessionStatus.COMPLETED, SessionStatus.ABANDONED):
        raise Invalid("a session finishes as completed or abandoned", details=[{"field": "status"}])
    if session.status in (SessionStatus.COMPLETED, SessionStatus.ABANDONED):
        raise Conflict(f"session {session.pk} has already finished")
    now = timezone.now()
    session.started_at = session.started_at or now
    session.finished_at = now
    session.status = status
    session.save(update_fields=["started_at", "finished_at", "status"])
    if status == SessionStatus.COMPLETED:
        Participant.objects.filter(pk=session.participant_id).exclude(status=ParticipantStatus.WITHDRAWN).update(
            status=ParticipantStatus.COMPLETED
        )


@transaction.atomic
def session_start(*, actor: Any, session: Session) -> Session:
    study, session = _locked_session(actor, session)
    _start(session)
    _audit(actor, "session.start", session, study)
    return session


@transaction.atomic
def session_finish(*, actor: Any, session: Session, status: str = SessionStatus.COMPLETED) -> Session:
    study, session = _locked_session(actor, session)
    _finish(session, status)
    _audit(actor, "session.finish", session, study, {"status": [None, status]})
    return session


@transaction.atomic
def session_delete(*, actor: Any, session: Session) -> None:
    """Delete a session with no results (scheduled by mistake)."""
    study, session = _locked_session(actor, session)
    if session.attempts.exists() or session.observations.exists() or session.questionnaire_responses.exists():
        raise Conflict(f"session {session.pk} has results and cannot be deleted; mark it abandoned")
    _audit(actor, "session.delete", session, study)
    if session.recording:
        session.recording.delete(save=False)
    session.delete()


@transaction.atomic
def session_link_issue(*, actor: Any, session: Session, valid_days: int = LINK_VALID_DAYS) -> tuple[Session, str]:
    """Issue the personal link token of an unmoderated session. The raw token is returned once; only its
    SHA-256 is stored. Issuing again replaces (and so revokes) the previous link."""
    study, session = _locked_session(actor, session)
    if session.mode != SessionMode.UNMODERATED:
        raise Invalid("personal links are for unmoderated sessions", details=[{"field": "mode"}])
    if session.status in (SessionStatus.COMPLETED, SessionStatus.ABANDONED):
        raise Conflict(f"session {session.pk} has already finished")
    if not 1 <= valid_days <= 90:
        raise Invalid("a link is valid for 1 to 90 days", details=[{"field": "valid_days"}])
    if session.participant.status == ParticipantStatus.WITHDRAWN:
        raise Conflict(f"participant {session.participant.code} has withdrawn")
    token = new_token()
    session.token_hash = token_hash(token)
    session.link_expires_at = timezone.now() + timedelta(days=valid_days)
    session.save(update_fields=["token_hash", "link_expires_at"])
    _audit(actor, "session.link", session, study, {"link_expires_at": [None, session.link_expires_at.isoformat()]})
    return session, token


def session_by_token(token: str, *, lock: bool = False) -> Session:
    """The unmoderated session a personal link opens. Unknown → NotFound; expired, finished or closed → Gone;
    each with a message the participant can act on."""
    if not token or len(token) > 200:
        raise NotFound("this link is not valid")
    queryset = Session.objects.select_related("study", "participant")
    if lock:
        queryset = queryset.select_for_update()
    session = queryset.filter(token_hash=token_hash(token), mode=SessionMode.UNMODERATED).first()
    if session is None:
        raise NotFound("this link is not valid; check that you copied all of it")
    if session.participant.status == ParticipantStatus.WITHDRAWN:
        raise NotFound("this link is not valid")
    if session.link_expires_at is None or session.link_expires_at <= timezone.now():
        raise Gone("this link has expired; ask the research team for a new one", details=[{"reason": "expired"}])
    if session.status in (SessionStatus.COMPLETED, SessionStatus.ABANDONED):
        raise Gone("this session is already finished; thank you for taking part", details=[{"reason": "finished"}])
    if session.study.status == StudyStatus.CLOSED:
        raise Gone("this study has closed; thank you for your interest", details=[{"reason": "closed"}])
    return session


# ---- attempts -----------------------------------------------------------------------------------------------


def _attempt_values(outcome: Any, seconds: Any, errors: Any, assists: Any, seq: Any) -> dict[str, Any]:
    problems = []
    if outcome not in Outcome.values:
        problems.append({"field": "outcome", "message": f"{outcome!r} is not one of {', '.join(Outcome.values)}"})
    try:
        seconds = float(seconds)
        if not seconds >= 0 or seconds == float("inf"):
            raise ValueError
    except (TypeError, ValueError):
        problems.append({"field": "seconds", "message": f"{seconds!r} is not a number of seconds ≥ 0"})
    for name, value in (("errors", errors), ("assists", assists)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append({"field": name, "message": f"{value!r} is not a whole number ≥ 0"})
    if seq is not None and (isinstance(seq, bool) or not isinstance(seq, int) or not 1 <= seq <= 7):
        problems.append({"field": "seq", "message": f"{seq!r} is not a whole number 1–7"})
    if problems:
        raise Invalid("; ".join(f"{p['field']}: {p['message']}" for p in problems), details=problems)
    return {"outcome": outcome, "seconds": seconds, "errors": errors, "assists": assists, "seq": seq}


def _upsert_attempt(session: Session, task: Task, values: dict[str, Any], expected_version: int | None) -> Attempt:
    if task.study_id != session.study_id:
        raise Invalid(f"task {task.key!r} is not in this session's study", details=[{"field": "task"}])
    attempt = Attempt.objects.select_for_update().filter(session=session, task=task).first()
    if attempt is None:
        if expected_version not in (None, 0):
            raise Conflict(f"the attempt at task {task.key!r} was deleted by someone else")
        return Attempt.objects.create(session=session, task=task, **values)
    if all(getattr(attempt, k) == v for k, v in values.items()):
        return attempt  # the same result again: nothing to change
    _bump(Attempt, attempt, expected_version, f"the attempt at task {task.key!r}")
    for key, value in values.items():
        setattr(attempt, key, value)
    attempt.save()
    return attempt


@transaction.atomic
def attempt_record(
    *, actor: Any, session: Session, task: Task, outcome: str, seconds: float, errors: int = 0, assists: int = 0,
    seq: int | None = None, note: str = "", expected_version: int | None = None,
) -> Attempt:
    """Record (or correct) a participant's attempt at a task: one per session and task, so recording the same
    result again changes nothing. `expected_version` guards a correction against a concurrent one."""
    study, session = _locked_session(actor, session)
    values = _attempt_values(outcome, seconds, errors, assists, seq) | {"note": note or ""}
    attempt = _upsert_attempt(session, task, values, expected_version)
    _audit(actor, "attempt.record", attempt, study,
           {"task": [None, task.key], "outcome": [None, attempt.outcome], "seconds": [None, attempt.seconds]})
    return attempt


@transaction.atomic
def attempt_delete(*, actor: Any, attempt: Attempt) -> None:
    study = _open_study(actor, attempt.session.study_id)
    _audit(actor, "attempt.delete", attempt, study, {"task": [attempt.task.key, None]})
    attempt.delete()


# ---- questionnaires -----------------------------------------------------------------------------------------


def _questionnaire_values(kind: str, answers: Any) -> list[int]:
    if kind not in QuestionnaireKind.values:
        raise Invalid(f"unknown questionnaire {kind!r}; use sus or umux_lite", details=[{"field": "kind"}])
    count, low, high = QUESTIONNAIRE_ITEMS[QuestionnaireKind(kind)]
    if not isinstance(answers, list | tuple) or len(answers) != count:
        raise Invalid(f"{kind} has {count} answers", details=[{"field": "answers"}])
    for index, value in enumerate(answers):
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise Invalid(f"{kind} item {index + 1} is a whole number {low}–{high}, got {value!r}",
                          details=[{"field": f"answers[{index}]"}])
    return list(answers)


def _upsert_questionnaire(session: Session, kind: str, answers: Any) -> QuestionnaireResponse:
    clean = _questionnaire_values(kind, answers)
    study = session.study
    if (kind == QuestionnaireKind.SUS and not study.use_sus) or (
        kind == QuestionnaireKind.UMUX_LITE and not study.use_umux_lite
    ):
        raise Invalid(f"study {study.pk} does not use the {kind} questionnaire", details=[{"field": "kind"}])
    response, _ = QuestionnaireResponse.objects.update_or_create(session=session, kind=kind,
                                                                 defaults={"answers": clean})
    return response


@transaction.atomic
def questionnaire_answer(*, actor: Any, session: Session, kind: str, answers: Sequence[int]) -> QuestionnaireResponse:
    """Record a session's questionnaire (SUS: 10 items 1–5; UMUX-Lite: 2 items 1–7); again replaces it."""
    study, session = _locked_session(actor, session)
    response = _upsert_questionnaire(session, kind, list(answers))
    _audit(actor, "questionnaire.answer", response, study, {"kind": [None, kind]})
    return response


@transaction.atomic
def questionnaire_delete(*, actor: Any, response: QuestionnaireResponse) -> None:
    study = _open_study(actor, response.session.study_id)
    _audit(actor, "questionnaire.delete", response, study, {"kind": [response.kind, None]})
    response.delete()


# ---- the participant's own page of an unmoderated session --------------------------------------------------


@transaction.atomic
def take_start(*, token: str) -> Session:
    session = session_by_token(token, lock=True)
    _start(session)
    return session


@transaction.atomic
def take_attempt(
    *, token: str, task_key: str, outcome: str, seconds: float, seq: int | None = None,
) -> Attempt:
    """The participant records their own attempt: whether they managed (success, or abandoned when they gave
    up), the time the page measured, and the single ease question."""
    session = session_by_token(token, lock=True)
    task = session.study.tasks.filter(key=task_key).first()
    if task is None:
        raise NotFound(f"task {task_key!r} is not part of this session")
    _start(session)
    values = _attempt_values(outcome, seconds, 0, 0, seq) | {"note": ""}
    values.pop("errors"), values.pop("assists")
    return _upsert_attempt(session, task, values, None)


@transaction.atomic
def take_questionnaire(*, token: str, kind: str, answers: Sequence[int]) -> QuestionnaireResponse:
    session = session_by_token(token, lock=True)
    return _upsert_questionnaire(session, kind, list(answers))


@transaction.atomic
def take_finish(*, token: str) -> Session:
    session = session_by_token(token, lock=True)
    _finish(session, SessionStatus.COMPLETED)
    return session


# ---- recordings ---------------------------------------------------------------------------------------------


def recording_max_bytes() -> int:
    return int(getattr(settings, "LAB_RECORDING_MAX_BYTES", RECORDING_MAX_BYTES_DEFAULT))


@transaction.atomic
def recording_upload(*, actor: Any, session: Session, upload: Any, started_at: datetime | None = None) -> Session:
    """Attach the video recording of a session (uploaded afterwards). Refused without the participant's consent
    to recording, above the size limit, or when the file is not a video."""
    study = _lab_study(actor, session.study_id)
    session = Session.objects.select_for_update().select_related("participant").get(pk=session.pk)
    consent = Consent.objects.filter(participant_id=session.participant_id).first()
    if consent is None or not consent.recording_allowed or consent.withdrawn_at is not None:
        raise Forbidden(f"participant {session.participant.code} has not consented to being recorded")
    limit = recording_max_bytes()
    if upload.size > limit:
        raise Invalid(f"{upload.name} is larger than {limit // (1024 * 1024)} MB", details=[{"field": "recording"}])
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in RECORDING_CONTENT_TYPES:
        raise Invalid(f"{upload.name} is not a video ({content_type or 'unknown type'}); upload MP4, WebM or "
                      "QuickTime", details=[{"field": "recording"}])
    if session.recording:
        session.recording.delete(save=False)
    suffix = "." + upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    # The stored name carries no personal data: study, session and a random part.
    session.recording.save(f"study{study.pk}-session{session.pk}-{secrets.token_hex(4)}{suffix[:6]}", upload,
                           save=False)
    session.recording_started_at = started_at or session.started_at
    session.save(update_fields=["recording", "recording_started_at"])
    _audit(actor, "session.recording", session, study, {"size": [None, upload.size]})
    return session


# ---- observations and findings ------------------------------------------------------------------------------


def _clean_tags(tags: Iterable[Any]) -> list[str]:
    seen: list[str] = []
    for tag in tags:
        text = str(tag).strip().lower()
        if text and text not in seen:
            if len(text) > 40:
                raise Invalid(f"tag {text[:20]!r}… is longer than 40 characters", details=[{"field": "tags"}])
            seen.append(text)
    return seen


@transaction.atomic
def observation_add(
    *, actor: Any, session: Session, text: str, task: Task | None = None, at_seconds: float | None = None,
    tags: Iterable[str] = (),
) -> Observation:
    study = _lab_study(actor, session.study_id)
    if not text.strip():
        raise Invalid("an observation needs text", details=[{"field": "text"}])
    if task is not None and task.study_id != study.pk:
        raise Invalid(f"task {task.key!r} is not in this study", details=[{"field": "task"}])
    if at_seconds is not None and not at_seconds >= 0:
        raise Invalid("at_seconds is an offset ≥ 0 into the recording", details=[{"field": "at_seconds"}])
    observation = Observation.objects.create(
        session=session, task=task, at_seconds=at_seconds, text=text.strip(), tags=_clean_tags(tags),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _audit(actor, "observation.add", observation, study, {"task": [None, task.key if task else None]})
    return observation


@transaction.atomic
def observation_update(*, actor: Any, observation: Observation, **values: Any) -> Observation:
    study = _lab_study(actor, observation.session.study_id)
    allowed = {"text", "task", "at_seconds", "tags"}
    if set(values) - allowed:
        raise Invalid(f"unknown observation fields: {sorted(set(values) - allowed)}")
    if "text" in values and not str(values["text"]).strip():
        raise Invalid("an observation needs text", details=[{"field": "text"}])
    if values.get("task") is not None and values["task"].study_id != study.pk:
        raise Invalid("the task is not in this study", details=[{"field": "task"}])
    if "tags" in values:
        values["tags"] = _clean_tags(values["tags"])
    for key, value in values.items():
        setattr(observation, key, value)
    observation.save()
    _audit(actor, "observation.update", observation, study, {k: [None, _plain(v)] for k, v in values.items()})
    return observation


@transaction.atomic
def observation_tag(*, actor: Any, observation: Observation, tags: Iterable[str]) -> Observation:
    return observation_update(actor=actor, observation=observation, tags=list(tags))


@transaction.atomic
def observation_delete(*, actor: Any, observation: Observation) -> None:
    study = _lab_study(actor, observation.session.study_id)
    _audit(actor, "observation.delete", observation, study)
    observation.delete()


def _finding_values(study: Study, values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    unknown = set(clean) - set(FINDING_FIELDS)
    if unknown:
        raise Invalid(f"unknown finding fields: {sorted(unknown)}", details=[{"field": f} for f in sorted(unknown)])
    if "title" in clean and not str(clean["title"]).strip():
        raise Invalid("a finding needs a title (the problem)", details=[{"field": "title"}])
    severity = clean.get("severity")
    if "severity" in clean and (isinstance(severity, bool) or severity not in (0, 1, 2, 3, 4)):
        raise Invalid("severity is 0–4 (Nielsen's scale)", details=[{"field": "severity"}])
    if "status" in clean and clean["status"] not in FindingStatus.values:
        raise Invalid(f"status is one of {FindingStatus.values}", details=[{"field": "status"}])
    if clean.get("task") is not None and clean["task"].study_id != study.pk:
        raise Invalid("the task is not in this study", details=[{"field": "task"}])
    return clean


def _set_finding_participants(finding: Finding, participants: Iterable[Participant] | None) -> None:
    if participants is None:
        return
    chosen = list(participants)
    strangers = [p.code for p in chosen if p.study_id != finding.study_id]
    if strangers:
        raise Invalid(f"participants {strangers} are not in this study", details=[{"field": "participants"}])
    finding.participants.set(chosen)


def _after_finding_change(study: Study) -> None:
    if study.status == StudyStatus.CLOSED:
        _refresh_verdict(study)  # the cached verdict follows the findings' status after closing


@transaction.atomic
def finding_create(
    *, actor: Any, study: Study, title: str, participants: Iterable[Participant] | None = None, **values: Any
) -> Finding:
    study = _lab_study(actor, study.pk)
    clean = _finding_values(study, {"title": title, **values})
    finding = Finding.objects.create(
        study=study, created_by=actor if getattr(actor, "is_authenticated", False) else None, **clean
    )
    _set_finding_participants(finding, participants)
    _after_finding_change(study)
    _audit(actor, "finding.create", finding, study, _diff({}, clean))
    return finding


@transaction.atomic
def finding_update(
    *, actor: Any, finding: Finding, participants: Iterable[Participant] | None = None, **values: Any
) -> Finding:
    """Change a finding, e.g. mark it fixed or accepted. A closed study's cached verdict is refreshed."""
    study = _lab_study(actor, finding.study_id)
    clean = _finding_values(study, values)
    before = {k: getattr(finding, k) for k in clean}
    for key, value in clean.items():
        setattr(finding, key, value)
    finding.save()
    _set_finding_participants(finding, participants)
    _after_finding_change(study)
    _audit(actor, "finding.update", finding, study, _diff(before, clean))
    return finding


@transaction.atomic
def finding_delete(*, actor: Any, finding: Finding) -> None:
    study = _lab_study(actor, finding.study_id)
    _audit(actor, "finding.delete", finding, study, {"title": [finding.title, None]})
    finding.delete()
    _after_finding_change(study)


@transaction.atomic
def observation_merge(
    *, actor: Any, observations: Sequence[Observation], finding: Finding | None = None, **new_finding: Any
) -> Finding:
    """Merge observations into a finding: an existing one of the same study, or a new one made from
    `new_finding` (title, severity, ...). The finding's affected participants then include theirs."""
    if not observations:
        raise Invalid("choose at least one observation to merge", details=[{"field": "observations"}])
    study_ids = {o.session.study_id for o in observations}
    if len(study_ids) != 1:
        raise Invalid("observations of different studies cannot be merged", details=[{"field": "observations"}])
    study = _lab_study(actor, study_ids.pop())
    if finding is None:
        if not new_finding.get("title"):
            raise Invalid("give the new finding a title", details=[{"field": "title"}])
        task_ids = {o.task_id for o in observations if o.task_id}
        if "task" not in new_finding and len(task_ids) == 1:
            new_finding["task"] = Task.objects.get(pk=task_ids.pop())
        finding = finding_create(actor=actor, study=study, **new_finding)
    elif finding.study_id != study.pk:
        raise Invalid("the finding is not in the observations' study", details=[{"field": "finding"}])
    Observation.objects.filter(pk__in=[o.pk for o in observations]).update(finding=finding)
    _after_finding_change(study)
    _audit(actor, "observation.merge", finding, study, {"observations": [None, sorted(o.pk for o in observations)]})
    return finding


# ---- import of attempts recorded elsewhere ------------------------------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    participants_created: int
    sessions_created: int


@transaction.atomic
def attempts_import(*, actor: Any, study: Study, data: bytes, file_name: str, fmt: str = "") -> ImportSummary:
    """Import attempts from a CSV/XLSX file, all or nothing. Unknown task keys, withdrawn participants and bad
    cells are reported as file:row:field before anything is written. A participant code not yet in the study is
    created (pseudonymous, no personal data: the screener and quotas were applied where the results were
    recorded), with one completed session per mode. Importing the same file again changes nothing."""
    study = _open_study(actor, study.pk)
    fmt = fmt or (file_name.rsplit(".", 1)[-1].lower() if "." in file_name else "csv")
    try:
        rows = tabular.read_attempt_rows(data, fmt, file_name)
    except InvalidInput as exc:
        raise Invalid(f"{file_name}: {len(exc.problems)} problem(s); nothing was imported",
                      details=[p.as_dict() for p in exc.problems]) from None
    tasks = {t.key: t for t in study.tasks.all()}
    participants = {p.code: p for p in study.participants.all()}
    problems = []
    for row in rows:
        if row.task_key not in tasks:
            problems.append(Problem(f"the study has no task {row.task_key!r}", file=file_name, row=row.row,
                                    field="task_key"))
        person = participants.get(row.participant_code)
        if person is not None and person.status == ParticipantStatus.WITHDRAWN:
            problems.append(Problem(f"{row.participant_code} has withdrawn", file=file_name, row=row.row,
                                    field="participant_code"))
        if len(row.participant_code) > 16:
            problems.append(Problem("at most 16 characters", file=file_name, row=row.row, field="participant_code"))
    if problems:
        raise Invalid(f"{file_name}: {len(problems)} problem(s); nothing was imported",
                      details=[p.as_dict() for p in problems])

    created_people = created_sessions = 0
    sessions: dict[tuple[str, str], Session] = {}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    now = timezone.now()
    for row in rows:
        person = participants.get(row.participant_code)
        if person is None:
            person = Participant.objects.create(study=study, code=row.participant_code,
                                                status=ParticipantStatus.COMPLETED)
            participants[person.code] = person
            created_people += 1
        session = sessions.get((person.code, row.mode))
        if session is None:
            session = Session.objects.filter(study=study, participant=person, mode=row.mode).order_by("-id").first()
            if session is None:
                session = Session.objects.create(study=study, participant=person, mode=row.mode,
                                                 status=SessionStatus.COMPLETED, started_at=now, finished_at=now)
                created_sessions += 1
            sessions[(person.code, row.mode)] = session
        before = Attempt.objects.filter(session=session, task=tasks[row.task_key]).first()
        values = {"outcome": row.outcome, "seconds": row.seconds, "errors": row.errors, "assists": row.assists,
                  "seq": row.seq}
        attempt = _upsert_attempt(session, tasks[row.task_key], values, None)
        if before is None:
            counts["created"] += 1
        elif attempt.version != before.version:
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    summary = ImportSummary(participants_created=created_people, sessions_created=created_sessions, **counts)
    _audit(actor, "attempt.import", study, study, {"file": [None, file_name], "rows": [None, len(rows)],
                                                   "created": [None, summary.created],
                                                   "updated": [None, summary.updated]})
    return summary
