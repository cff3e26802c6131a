"""Use cases of the analysis board: observations noted during sessions, and the findings they are merged into.
A change to a closed study's findings refreshes its cached verdict (the verdict follows their status)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction

from govcx.accounts.roles import Action
from govcx.errors import Invalid
from govcx.lab.models import Finding, FindingStatus, Observation, Participant, Session, Study, StudyStatus, Task
from govcx.lab.services._common import (
    UNSET,
    Unset,
    audit,
    creator,
    diff,
    given,
    lab_study,
    plain,
    refresh_verdict,
    rescoped,
)

FINDING_FIELDS = ("title", "description", "severity", "task", "screen", "recommendation", "status")
OBSERVATION_FIELDS = ("text", "task", "at_seconds", "tags")


# ---- observations -------------------------------------------------------------------------------------------


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
    study = lab_study(actor, session.study_id)
    session = rescoped(actor, session, "session")
    if not text.strip():
        raise Invalid("an observation needs text", details=[{"field": "text"}])
    if task is not None and task.study_id != study.pk:
        raise Invalid(f"task {task.key!r} is not in this study", details=[{"field": "task"}])
    if at_seconds is not None and not at_seconds >= 0:
        raise Invalid("at_seconds is an offset ≥ 0 into the recording", details=[{"field": "at_seconds"}])
    observation = Observation.objects.create(
        session=session, task=task, at_seconds=at_seconds, text=text.strip(), tags=_clean_tags(tags),
        created_by=creator(actor),
    )
    audit(actor, "observation.add", observation, study, {"task": [None, task.key if task else None]})
    return observation


@transaction.atomic
def observation_update(
    *, actor: Any, observation: Observation, text: str | Unset = UNSET, task: Task | None | Unset = UNSET,
    at_seconds: float | None | Unset = UNSET, tags: Iterable[str] | Unset = UNSET,
) -> Observation:
    """Change an observation; only the fields given change (task=None detaches it from its task)."""
    values = given(locals(), OBSERVATION_FIELDS)
    study = lab_study(actor, observation.session.study_id)
    observation = rescoped(actor, observation, "observation")
    if "text" in values and not str(values["text"]).strip():
        raise Invalid("an observation needs text", details=[{"field": "text"}])
    if values.get("task") is not None and values["task"].study_id != study.pk:
        raise Invalid("the task is not in this study", details=[{"field": "task"}])
    if "tags" in values:
        values["tags"] = _clean_tags(values["tags"])
    for key, value in values.items():
        setattr(observation, key, value)
    observation.save()
    audit(actor, "observation.update", observation, study, {k: [None, plain(v)] for k, v in values.items()})
    return observation


@transaction.atomic
def observation_tag(*, actor: Any, observation: Observation, tags: Iterable[str]) -> Observation:
    return observation_update(actor=actor, observation=observation, tags=list(tags))


@transaction.atomic
def observation_delete(*, actor: Any, observation: Observation) -> None:
    study = lab_study(actor, observation.session.study_id)
    observation = rescoped(actor, observation, "observation")
    audit(actor, "observation.delete", observation, study)
    observation.delete()


# ---- findings -----------------------------------------------------------------------------------------------


def _finding_values(study: Study, values: dict[str, Any]) -> dict[str, Any]:
    clean = dict(values)
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
        refresh_verdict(study)


@transaction.atomic
def finding_create(
    *, actor: Any, study: Study, title: str, description: str = "", severity: int = 2, task: Task | None = None,
    screen: str = "", recommendation: str = "", status: str = FindingStatus.OPEN,
    participants: Iterable[Participant] | None = None,
) -> Finding:
    """Record a finding (a problem, Nielsen's severity 0–4); `participants` are those it affected."""
    fields = {name: value for name, value in locals().items() if name in FINDING_FIELDS}
    study = lab_study(actor, study.pk)
    clean = _finding_values(study, fields)
    finding = Finding.objects.create(study=study, created_by=creator(actor), **clean)
    _set_finding_participants(finding, participants)
    _after_finding_change(study)
    audit(actor, "finding.create", finding, study, diff({}, clean))
    return finding


@transaction.atomic
def finding_update(
    *, actor: Any, finding: Finding, title: str | Unset = UNSET, description: str | Unset = UNSET,
    severity: int | Unset = UNSET, task: Task | None | Unset = UNSET, screen: str | Unset = UNSET,
    recommendation: str | Unset = UNSET, status: str | Unset = UNSET,
    participants: Iterable[Participant] | None = None,
) -> Finding:
    """Change a finding, e.g. mark it fixed or accepted; only the fields given change (`participants`, when
    given, replace the affected ones). A closed study's cached verdict is refreshed."""
    changes = given(locals(), FINDING_FIELDS)
    study = lab_study(actor, finding.study_id)
    finding = rescoped(actor, finding, "finding")
    clean = _finding_values(study, changes)
    before = {k: getattr(finding, k) for k in clean}
    for key, value in clean.items():
        setattr(finding, key, value)
    finding.save()
    _set_finding_participants(finding, participants)
    _after_finding_change(study)
    audit(actor, "finding.update", finding, study, diff(before, clean))
    return finding


@transaction.atomic
def finding_delete(*, actor: Any, finding: Finding) -> None:
    study = lab_study(actor, finding.study_id)
    finding = rescoped(actor, finding, "finding")
    audit(actor, "finding.delete", finding, study, {"title": [finding.title, None]})
    finding.delete()
    _after_finding_change(study)


@transaction.atomic
def observation_merge(
    *, actor: Any, observations: Sequence[Observation], finding: Finding | None = None, title: str = "",
    description: str = "", severity: int = 2, task: Task | None | Unset = UNSET, screen: str = "",
    recommendation: str = "", status: str = FindingStatus.OPEN, participants: Iterable[Participant] | None = None,
) -> Finding:
    """Merge observations into a finding: an existing one of the same study, or a new one described by the other
    arguments (title, severity, ...; the task defaults to the observations' task when they share one). The
    finding's affected participants then include theirs."""
    if not observations:
        raise Invalid("choose at least one observation to merge", details=[{"field": "observations"}])
    study_ids = {o.session.study_id for o in observations}
    if len(study_ids) != 1:
        raise Invalid("observations of different studies cannot be merged", details=[{"field": "observations"}])
    study = lab_study(actor, study_ids.pop())
    scoped = Observation.objects.for_user(actor, Action.RUN_LAB).filter(pk__in=[o.pk for o in observations])
    if scoped.count() != len({o.pk for o in observations}):
        raise Invalid("some observations are not in your lab's studies", details=[{"field": "observations"}])
    if finding is None:
        if not title:
            raise Invalid("give the new finding a title", details=[{"field": "title"}])
        if task is UNSET:
            task_ids = {o.task_id for o in observations if o.task_id}
            task = Task.objects.get(pk=task_ids.pop()) if len(task_ids) == 1 else None
        finding = finding_create(actor=actor, study=study, title=title, description=description, severity=severity,
                                 task=task, screen=screen, recommendation=recommendation, status=status,
                                 participants=participants)
    elif rescoped(actor, finding, "finding").study_id != study.pk:
        raise Invalid("the finding is not in the observations' study", details=[{"field": "finding"}])
    scoped.update(finding=finding)
    _after_finding_change(study)
    audit(actor, "observation.merge", finding, study, {"observations": [None, sorted(o.pk for o in observations)]})
    return finding
