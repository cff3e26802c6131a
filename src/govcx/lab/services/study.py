"""Use cases of a study's plan: the study itself, its re-tests, its tasks and its recruitment quotas."""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from govcx.accounts.roles import Action
from govcx.accounts.scoping import organisation_in_scope, require
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version
from govcx.errors import Conflict, Forbidden, Invalid, NotFound
from govcx.lab.models import OwnerConsent, Quota, QuotaDimension, Study, StudyStatus, Task
from govcx.lab.services._common import (
    UNSET,
    Unset,
    audit,
    creator,
    diff,
    fraction,
    given,
    lab_study,
    open_study,
    refresh_verdict,
    require_owner_consent,
    rescoped,
)
from govcx.registry.models import Organisation, Service
from govcx.registry.vocabulary import Stage

STUDY_FIELDS = (
    "title", "title_en", "stage", "research_questions", "use_sus", "use_umux_lite", "use_seq", "status",
    "include_failed_times", "confidence", "discovery_p", "discovery_goal", "screener",
)
TASK_FIELDS = ("key", "order", "title", "scenario", "success_criteria", "critical_path", "benchmark_completion",
               "target_seconds")
_SLUG = re.compile(r"^[-a-z0-9_]+$")


# ---- studies ------------------------------------------------------------------------------------------------


def _validate_screener(screener: Any) -> list[dict[str, Any]]:
    if not isinstance(screener, list | tuple):
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
            clean[field] = fraction(clean[field], field)
    if "screener" in clean:
        clean["screener"] = _validate_screener(clean["screener"])
    return clean


def _check_lab_in_scope(actor: Any, lab: Organisation) -> None:
    if not organisation_in_scope(actor, lab.pk, Action.RUN_LAB):
        raise Forbidden(f"{lab.code} is not your lab organisation or one below it")


def lab_oversees(lab: Organisation, owner: Organisation) -> bool:
    """True when the service's owner is the lab organisation or one below it: its own authority's service needs
    no one else's consent."""
    seen: set[int] = set()
    organisation: Organisation | None = owner
    while organisation is not None and organisation.pk not in seen:
        if organisation.pk == lab.pk:
            return True
        seen.add(organisation.pk)
        organisation = organisation.parent
    return False


@transaction.atomic
def study_create(
    *, actor: Any, service: Service, lab: Organisation, title: str, title_en: str = "",
    stage: str | None = None, research_questions: str = "", use_sus: bool = True, use_umux_lite: bool = False,
    use_seq: bool = True,
    status: str = StudyStatus.DRAFT, include_failed_times: bool = False,
    confidence: Decimal | str | float = Decimal("0.900"), discovery_p: Decimal | str | float = Decimal("0.310"),
    discovery_goal: Decimal | str | float = Decimal("0.850"), screener: Sequence[dict[str, Any]] = (),
) -> Study:
    """Plan a study of `service`, run by the `lab` organisation (the actor's own or one below it). The stage
    defaults to the service's current stage."""
    require(actor, Action.RUN_LAB)
    _check_lab_in_scope(actor, lab)
    fields = {name: value for name, value in locals().items() if name in STUDY_FIELDS}
    if stage is None:
        fields["stage"] = service.stage
    clean = _study_values(fields)
    consent = OwnerConsent.NOT_NEEDED if lab_oversees(lab, service.owner) else OwnerConsent.AWAITING
    if consent == OwnerConsent.AWAITING and clean.get("status", StudyStatus.DRAFT) != StudyStatus.DRAFT:
        raise Conflict("a study of another authority's service starts as a draft, awaiting that authority's "
                       "consent", details=[{"field": "status"}])
    study = Study.objects.create(service=service, lab=lab, created_by=creator(actor), owner_consent=consent, **clean)
    audit(actor, "study.create", study, study,
          diff({}, {**{k: getattr(study, k) for k in clean}, "owner_consent": study.owner_consent}))
    return study


@transaction.atomic
def study_owner_consent(*, actor: Any, study: Study, give: bool) -> Study:
    """The service's owning authority (its service owners, or an administrator) gives or refuses consent to a
    study of its service by another authority's lab. A refusal can be turned into consent later; consent can be
    withdrawn only while the study is still a draft (results already collected stay with the lab's study)."""
    require(actor, Action.CHANGE_SERVICE)
    locked = Study.objects.for_user(actor).select_for_update(of=("self",)).filter(pk=study.pk).first()
    if locked is None:
        raise NotFound("study not found")
    study = locked
    if not Service.objects.for_user(actor, Action.CHANGE_SERVICE).filter(pk=study.service_id).exists():
        raise Forbidden("only the authority that owns the service may consent to its study")
    if study.owner_consent == OwnerConsent.NOT_NEEDED:
        raise Conflict(f"study {study.pk} is run by the service's own authority; no consent is needed")
    if study.status != StudyStatus.DRAFT and (not give or study.owner_consent == OwnerConsent.GIVEN):
        raise Conflict(f"study {study.pk} is already {study.status}; its consent can no longer change")
    before = study.owner_consent
    study.owner_consent = OwnerConsent.GIVEN if give else OwnerConsent.REFUSED
    study.owner_consent_by = creator(actor)
    study.owner_consent_at = timezone.now()
    # not a change of the lab's plan, so the plan's version (the lab's optimistic lock) stays
    study.save(update_fields=["owner_consent", "owner_consent_by", "owner_consent_at", "updated_at"])
    audit_record(actor=actor, action="study.owner_consent", obj=study, organisation_id=study.service.owner_id,
                 changes={"owner_consent": [before, study.owner_consent]})
    return study


@transaction.atomic
def study_update(
    *, actor: Any, study: Study, expected_version: int | None = None, title: str | Unset = UNSET,
    title_en: str | Unset = UNSET, stage: str | Unset = UNSET, research_questions: str | Unset = UNSET,
    use_sus: bool | Unset = UNSET,
    use_umux_lite: bool | Unset = UNSET, use_seq: bool | Unset = UNSET, status: str | Unset = UNSET,
    include_failed_times: bool | Unset = UNSET, confidence: Decimal | str | float | Unset = UNSET,
    discovery_p: Decimal | str | float | Unset = UNSET, discovery_goal: Decimal | str | float | Unset = UNSET,
    screener: Sequence[dict[str, Any]] | Unset = UNSET,
) -> Study:
    """Change a study's plan (not its service or lab); only the fields given change. Closed studies are
    read-only."""
    changes = given(locals(), STUDY_FIELDS)
    study = open_study(actor, study.pk)
    clean = _study_values(changes)
    if clean.get("status", StudyStatus.DRAFT) != StudyStatus.DRAFT:
        require_owner_consent(study)
    before = {k: getattr(study, k) for k in clean}
    bump_version(study, expected=expected_version, what=f"study {study.pk}")
    for key, value in clean.items():
        setattr(study, key, value)
    study.save()
    audit(actor, "study.update", study, study, diff(before, clean))
    return study


@transaction.atomic
def study_close(*, actor: Any, study: Study, expected_version: int | None = None) -> Study:
    """Close a study: no more results are recorded; the verdict is computed and cached."""
    study = open_study(actor, study.pk)
    require_owner_consent(study)
    bump_version(study, expected=expected_version, what=f"study {study.pk}")
    study.status = StudyStatus.CLOSED
    study.save()
    refresh_verdict(study)
    audit(actor, "study.close", study, study, {"verdict": [None, study.verdict]})
    return study


@transaction.atomic
def study_reopen(*, actor: Any, study: Study) -> Study:
    """Reopen a closed study (to correct its results); the cached verdict is cleared until it closes again."""
    study = lab_study(actor, study.pk)
    if study.status != StudyStatus.CLOSED:
        raise Conflict(f"study {study.pk} is not closed")
    bump_version(study, expected=None, what=f"study {study.pk}",
                 status=StudyStatus.RUNNING, verdict="", verdict_computed_at=None)
    audit(actor, "study.reopen", study, study)
    return study


@transaction.atomic
def study_delete(*, actor: Any, study: Study) -> None:
    """Delete a study that has no sessions yet (results are never deleted with a click)."""
    study = lab_study(actor, study.pk)
    if study.sessions.exists():
        raise Conflict(f"study {study.pk} has sessions and cannot be deleted")
    audit(actor, "study.delete", study, study, {"title": [study.title, None]})
    study.delete()


@transaction.atomic
def retest_create(*, actor: Any, study: Study, title: str = "", title_en: str = "") -> Study:
    """A re-test of the same tasks (same keys, so the reports compare task by task), quotas and screener."""
    original = lab_study(actor, study.pk, lock=False)
    retest = Study.objects.create(
        service=original.service, lab=original.lab, title=title or f"{original.title} (повторное тестирование)",
        title_en=title_en or (f"{original.title_en} (re-test)" if original.title_en else ""),
        stage=original.service.stage, research_questions=original.research_questions,
        use_sus=original.use_sus, use_umux_lite=original.use_umux_lite, use_seq=original.use_seq,
        retest_of=original, include_failed_times=original.include_failed_times, confidence=original.confidence,
        discovery_p=original.discovery_p, discovery_goal=original.discovery_goal, screener=original.screener,
        created_by=creator(actor),
        # the owner's answer covers re-tests of the same study by the same lab
        owner_consent=original.owner_consent, owner_consent_by=original.owner_consent_by,
        owner_consent_at=original.owner_consent_at,
    )
    Task.objects.bulk_create(
        Task(study=retest, **{f: getattr(task, f) for f in TASK_FIELDS}) for task in original.tasks.all()
    )
    Quota.objects.bulk_create(
        Quota(study=retest, dimension=q.dimension, value=q.value, target=q.target) for q in original.quotas.all()
    )
    audit(actor, "study.retest", retest, retest, {"retest_of": [None, original.pk]})
    return retest


# ---- tasks --------------------------------------------------------------------------------------------------


def _task_values(values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
    if "key" in clean and not _SLUG.match(str(clean["key"])):
        raise Invalid("a task key is lower-case letters, digits, '-' or '_'", details=[{"field": "key"}])
    if "title" in clean and not str(clean["title"]).strip():
        raise Invalid("a task needs a title", details=[{"field": "title"}])
    if "benchmark_completion" in clean:
        clean["benchmark_completion"] = fraction(clean["benchmark_completion"], "benchmark_completion", strict=False)
    if clean.get("target_seconds") is not None and int(clean["target_seconds"]) <= 0:
        raise Invalid("target_seconds must be positive", details=[{"field": "target_seconds"}])
    return clean


@transaction.atomic
def task_create(
    *, actor: Any, study: Study, key: str, title: str, order: int | None = None, scenario: str = "",
    success_criteria: str = "", critical_path: bool = False,
    benchmark_completion: Decimal | str | float = Decimal("0.780"), target_seconds: int | None = None,
) -> Task:
    """Add a task to the study's plan; `order` defaults to after the last task."""
    fields = {name: value for name, value in locals().items() if name in TASK_FIELDS}
    study = open_study(actor, study.pk)
    clean = _task_values(fields)
    if study.tasks.filter(key=clean["key"]).exists():
        raise Conflict(f"study {study.pk} already has a task {clean['key']!r}")
    if clean["order"] is None:
        clean["order"] = study.tasks.count() + 1
    task = Task.objects.create(study=study, **clean)
    audit(actor, "task.create", task, study, diff({}, clean))
    return task


@transaction.atomic
def task_update(
    *, actor: Any, task: Task, key: str | Unset = UNSET, title: str | Unset = UNSET, order: int | Unset = UNSET,
    scenario: str | Unset = UNSET, success_criteria: str | Unset = UNSET, critical_path: bool | Unset = UNSET,
    benchmark_completion: Decimal | str | float | Unset = UNSET, target_seconds: int | None | Unset = UNSET,
) -> Task:
    """Change a task; only the fields given change (target_seconds=None removes the target time)."""
    changes = given(locals(), TASK_FIELDS)
    study = open_study(actor, task.study_id)
    clean = _task_values(changes)
    task = rescoped(actor, task, "task")
    if "key" in clean and clean["key"] != task.key and study.tasks.filter(key=clean["key"]).exists():
        raise Conflict(f"study {study.pk} already has a task {clean['key']!r}")
    before = {k: getattr(task, k) for k in clean}
    for name, value in clean.items():
        setattr(task, name, value)
    task.save()
    audit(actor, "task.update", task, study, diff(before, clean))
    return task


@transaction.atomic
def task_delete(*, actor: Any, task: Task) -> None:
    study = open_study(actor, task.study_id)
    task = rescoped(actor, task, "task")
    if task.attempts.exists():
        raise Conflict(f"task {task.key!r} has recorded attempts and cannot be deleted")
    audit(actor, "task.delete", task, study, {"key": [task.key, None]})
    task.delete()


# ---- quotas -------------------------------------------------------------------------------------------------


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
def quota_create(*, actor: Any, study: Study, dimension: str, value: str | bool | int, target: int) -> Quota:
    study = open_study(actor, study.pk)
    dimension, text, target = _quota_values(dimension, value, target)
    if study.quotas.filter(dimension=dimension, value=text).exists():
        raise Conflict(f"study {study.pk} already has a quota for {dimension}={text}")
    quota = Quota.objects.create(study=study, dimension=dimension, value=text, target=target)
    audit(actor, "quota.create", quota, study, {"quota": [None, f"{dimension}={text}: {target}"]})
    return quota


@transaction.atomic
def quota_update(*, actor: Any, quota: Quota, target: int) -> Quota:
    study = open_study(actor, quota.study_id)
    quota = rescoped(actor, quota, "quota")
    _, _, target = _quota_values(quota.dimension, quota.value, target)
    before = quota.target
    quota.target = target
    quota.save(update_fields=["target"])
    audit(actor, "quota.update", quota, study, {"target": [before, target]})
    return quota


@transaction.atomic
def quota_delete(*, actor: Any, quota: Quota) -> None:
    study = open_study(actor, quota.study_id)
    quota = rescoped(actor, quota, "quota")
    audit(actor, "quota.delete", quota, study, {"quota": [f"{quota.dimension}={quota.value}", None]})
    quota.delete()
