"""Reads of the lab through the user's scope, and the plain data the analysis and the report are built from.

`access_*` return one object or raise NotFound (another organisation's id is a 404): VIEW through the
service owner's or the lab's scope; RUN_LAB and VIEW_PARTICIPANTS through the lab's scope only (a researcher
of another organisation gets 404, a role without the right 403).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet, prefetch_related_objects
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import access, can_access
from govcx.common.tokens import token_hash
from govcx.errors import Gone, Invalid, NotFound
from govcx.lab import analysis as lab_analysis
from govcx.lab.models import (
    SEVERITY_LABELS,
    Attempt,
    Consent,
    Finding,
    Observation,
    Participant,
    ParticipantStatus,
    QuestionnaireKind,
    QuestionnaireResponse,
    Quota,
    Session,
    SessionMode,
    SessionStatus,
    Study,
    StudyStatus,
    Task,
)
from govcx.lab.summary import plain_summary
from govcx.lab.verdict import VerdictRule
from govcx.registry.models import Organisation, Service

PARTICIPANT_PUBLIC_FIELDS = ("id", "code", "client_category", "age_band", "region", "digital_confidence",
                             "disability", "assisted_digital", "status", "withdrawn_at")
PARTICIPANT_PERSONAL_FIELDS = Participant.PERSONAL_DATA_FIELDS


def study_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Study]:
    return Study.objects.for_user(user, action).select_related("service", "service__owner", "lab", "retest_of")


def access_study(user: Any, study_id: Any, action: Action = Action.VIEW) -> Study:
    return access(Study.objects.select_related("service", "service__owner", "lab", "retest_of"), user, study_id,
                  action, what="study")


def access_task(user: Any, task_id: Any, action: Action = Action.VIEW) -> Task:
    return access(Task.objects.select_related("study"), user, task_id, action, what="task")


def access_quota(user: Any, quota_id: Any, action: Action = Action.VIEW) -> Quota:
    return access(Quota.objects.select_related("study"), user, quota_id, action, what="quota")


def access_participant(user: Any, participant_id: Any, action: Action = Action.VIEW) -> Participant:
    return access(Participant.objects.select_related("study"), user, participant_id, action, what="participant")


def access_session(user: Any, session_id: Any, action: Action = Action.VIEW) -> Session:
    return access(Session.objects.select_related("study", "participant", "moderator"), user, session_id, action,
                  what="session")


def access_attempt(user: Any, attempt_id: Any, action: Action = Action.VIEW) -> Attempt:
    return access(Attempt.objects.select_related("session", "session__participant", "task"), user, attempt_id,
                  action, what="attempt")


def access_observation(user: Any, observation_id: Any, action: Action = Action.VIEW) -> Observation:
    return access(Observation.objects.select_related("session", "session__participant", "task"), user,
                  observation_id, action, what="observation")


def access_finding(user: Any, finding_id: Any, action: Action = Action.VIEW) -> Finding:
    return access(Finding.objects.select_related("study", "task"), user, finding_id, action, what="finding")


def access_questionnaire(user: Any, response_id: Any, action: Action = Action.VIEW) -> QuestionnaireResponse:
    return access(QuestionnaireResponse.objects.select_related("session", "session__participant"), user,
                  response_id, action, what="questionnaire response")


def can_view_participants(user: Any, study: Study) -> bool:
    """Whether `user` may see the personal data of `study`'s participants: the lab's own researchers only."""
    return can_access(user, study, Action.VIEW_PARTICIPANTS)


def can_run_study(user: Any, study: Study) -> bool:
    return can_access(user, study, Action.RUN_LAB)


def participant_dict(participant: Participant, *, personal: bool) -> dict[str, Any]:
    """A participant as plain data; the personal fields only when `personal` (never for users without
    Action.VIEW_PARTICIPANTS)."""
    data = {f: getattr(participant, f) for f in PARTICIPANT_PUBLIC_FIELDS}
    if personal:
        data |= {f: getattr(participant, f) for f in PARTICIPANT_PERSONAL_FIELDS}
    return data


def lab_organisation(user: Any, organisation_id: int) -> Organisation:
    """An organisation in the user's scope that may run a study (NotFound outside the scope)."""
    lab = Organisation.objects.for_user(user).filter(pk=organisation_id).first()
    if lab is None:
        raise NotFound(f"organisation {organisation_id} not found")
    return lab


def service_to_study(service_id: int) -> Service:
    """Any service of the registry: a lab may test any of them (the owner commissions the study), and who sees the
    study is decided by the study's own scope."""
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise NotFound(f"service {service_id} not found")
    return service


def lab_member(study: Study, user_id: int) -> User:
    """A member of the study's lab organisation (a session's moderator), or Invalid."""
    member = User.objects.filter(pk=user_id, organisation_id=study.lab_id).first()
    if member is None:
        raise Invalid("the moderator must be a member of the lab", details=[{"field": "moderator_id"}])
    return member


def task_in_study(user: Any, study_id: int, task_id: int | None = None, key: str | None = None) -> Task | None:
    """The task of the study named by id or key (None when neither is given); Invalid when the study has no such
    task within the user's lab scope."""
    if task_id is None and not key:
        return None
    lookup = {"pk": task_id} if task_id is not None else {"key": key}
    task = Task.objects.for_user(user, Action.RUN_LAB).filter(study_id=study_id, **lookup).first()
    if task is None:
        raise Invalid(f"task {task_id or key} is not in this study", details=[{"field": "task_id"}])
    return task


def participants_in_study(user: Any, study_id: int, participant_ids: Iterable[int]) -> list[Participant]:
    """The study's participants with these ids; Invalid when one is not in the study within the user's scope."""
    wanted = set(participant_ids)
    chosen = list(Participant.objects.for_user(user, Action.RUN_LAB).filter(study_id=study_id, pk__in=wanted))
    if len(chosen) != len(wanted):
        raise Invalid("some participants are not in this study", details=[{"field": "participant_ids"}])
    return chosen


def observations_in_study(user: Any, study: Study, observation_ids: Iterable[int]) -> list[Observation]:
    """The study's observations with these ids; Invalid when one is not in the study within the user's scope."""
    wanted = set(observation_ids)
    chosen = list(Observation.objects.for_user(user, Action.RUN_LAB).filter(session__study=study, pk__in=wanted)
                  .select_related("session"))
    if len(chosen) != len(wanted):
        raise Invalid("some observations are not in this study", details=[{"field": "observation_ids"}])
    return chosen


def observation_list(user: Any, study: Study, *, tag: str | None = None) -> list[Observation]:
    """The study's observations (with the tag, when given) the user may see."""
    observations = (Observation.objects.for_user(user).filter(session__study=study)
                    .select_related("session__participant"))
    return [o for o in observations if tag is None or tag.lower() in o.tags]


def questionnaire_list(user: Any, study: Study) -> QuerySet[QuestionnaireResponse]:
    return (QuestionnaireResponse.objects.for_user(user).filter(session__study=study)
            .select_related("session__participant"))


def participant_consent(user: Any, participant: Participant) -> Consent:
    """The participant's consent, for the lab's researchers only (NotFound when none is recorded)."""
    consent = Consent.objects.for_user(user, Action.VIEW_PARTICIPANTS).filter(participant=participant).first()
    if consent is None:
        raise NotFound(f"participant {participant.code} has no consent recorded")
    return consent


def quota_fill(study: Study) -> list[tuple[Quota, int]]:
    """Each quota with the number of participants recruited into it (withdrawn participants do not count)."""
    active = [p for p in study.participants.all() if p.status != ParticipantStatus.WITHDRAWN]
    return [(q, sum(1 for p in active if p.quota_value(q.dimension) == q.value)) for q in study.quotas.all()]


# ---- the participant's personal link ------------------------------------------------------------------------


def session_by_token(token: str, *, lock: bool = False) -> Session:
    """The unmoderated session a personal link opens (`lock` for a write). Unknown → NotFound; expired, finished
    or closed → Gone; each with a message the participant can act on."""
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


# ---- the analysis -------------------------------------------------------------------------------------------


def prefetch_study(study: Study) -> Study:
    """`study` with its tasks, participants, quotas and sessions read once, for its analysis and its page alike."""
    prefetch_related_objects([study], "tasks", "participants", "quotas", "sessions")
    return study


def study_input(study: Study, rule: VerdictRule | None = None) -> lab_analysis.StudyInput:
    """The study's results as the plain data `analysis.analyse` takes: one query per table of results, and the
    study's tasks, participants and sessions from `prefetch_study` when the caller prefetched them."""
    tasks_by_id = {t.pk: t for t in study.tasks.all()}
    codes = {p.pk: p.code for p in study.participants.all()}
    tasks = [
        lab_analysis.TaskInput(key=t.key, title=t.title, critical_path=t.critical_path,
                               benchmark=float(t.benchmark_completion), target_seconds=t.target_seconds)
        for t in tasks_by_id.values()
    ]
    attempts = [
        lab_analysis.AttemptInput(participant=codes[participant], task_key=tasks_by_id[task].key, outcome=outcome,
                                  seconds=seconds, errors=errors, assists=assists, seq=seq)
        for participant, task, outcome, seconds, errors, assists, seq in Attempt.objects.filter(session__study=study)
        .order_by("id")
        .values_list("session__participant_id", "task_id", "outcome", "seconds", "errors", "assists", "seq")
    ]
    answers: dict[str, list[tuple[str, list[int]]]] = defaultdict(list)
    responses = QuestionnaireResponse.objects.filter(session__study=study).order_by("id").values_list(
        "session__participant_id", "kind", "answers")
    for participant, kind, values in sorted(responses, key=lambda row: codes[row[0]]):  # stable: by id within
        answers[kind].append((codes[participant], list(values)))
    completed = {codes[s.participant_id] for s in study.sessions.all() if s.status == SessionStatus.COMPLETED}
    affected: dict[int, set[str]] = defaultdict(set)
    named = Finding.participants.through.objects.filter(finding__study=study).order_by().values_list(
        "finding_id", "participant_id")
    observed = Observation.objects.filter(session__study=study, finding__isnull=False).order_by().values_list(
        "finding_id", "session__participant_id")
    for finding_id, participant in named.union(observed, all=True):
        affected[finding_id].add(codes[participant])
    findings = [
        lab_analysis.FindingInput(id=f.pk, title=f.title, severity=f.severity, status=f.status,
                                  task_key=tasks_by_id[f.task_id].key if f.task_id else None,
                                  participants=frozenset(affected[f.pk]))
        for f in study.findings.all()
    ]
    return lab_analysis.StudyInput(
        tasks=tasks, attempts=attempts,
        sus=answers[QuestionnaireKind.SUS] if study.use_sus else (),
        umux_lite=answers[QuestionnaireKind.UMUX_LITE] if study.use_umux_lite else (),
        findings=findings, participants=sorted(completed), confidence=float(study.confidence),
        include_failed_times=study.include_failed_times, discovery_p=float(study.discovery_p),
        discovery_goal=float(study.discovery_goal), rule=rule or VerdictRule(),
    )


def study_analysis(study: Study, rule: VerdictRule | None = None) -> lab_analysis.StudyAnalysis:
    """Every metric of the study and its verdict (by `rule`, default thresholds when None)."""
    return lab_analysis.analyse(study_input(study, rule))


def study_comparison(study: Study) -> lab_analysis.Comparison | None:
    """A re-test compared with the study it re-tests; None for an original study."""
    if study.retest_of_id is None:
        return None
    return lab_analysis.compare(study_analysis(study.retest_of), study_analysis(study))


# ---- the report (one builder for the page and the PDF) ------------------------------------------------------


def study_report_context(study: Study, user: Any) -> dict[str, Any]:
    """Everything the study report shows, for the HTML page and the PDF alike.

    Keys: study, service, lab, analysis (StudyAnalysis), summary (PlainSummary, the opening words),
    verdict (code), verdict_reasons (messages),
    tasks (Task models in order, with `.analysis` attached), findings (list of {finding, analysis,
    observations}) in priority order, matrix (analysis.matrix), finding_titles (column order of the matrix),
    comparison (Comparison or None), original (the study re-tested, or None), retests, quotas
    ([(Quota, recruited)]), participants (dicts; personal fields only with VIEW_PARTICIPANTS),
    can_view_participants, can_run, severity_labels, generated_at.
    """
    result = study_analysis(prefetch_study(study))
    by_key = {t.key: t for t in result.tasks}
    tasks = list(study.tasks.all())
    for task in tasks:
        task.analysis = by_key.get(task.key)  # type: ignore[attr-defined]
    models = {f.pk: f for f in study.findings.select_related("task")}
    observations: dict[int, list[Observation]] = defaultdict(list)
    for observation in (Observation.objects.filter(session__study=study, finding__isnull=False)
                        .select_related("session", "session__participant", "task")):
        observations[observation.finding_id].append(observation)
    findings = [
        {"finding": models[f.id], "analysis": f, "observations": observations.get(f.id, [])}
        for f in result.findings if f.id in models
    ]
    personal = can_view_participants(user, study)
    participants = [participant_dict(p, personal=personal) for p in study.participants.all()]
    return {
        "study": study,
        "service": study.service,
        "lab": study.lab,
        "analysis": result,
        "summary": plain_summary(result),
        "verdict": result.verdict.verdict.value,
        "verdict_reasons": [reason.message for reason in result.verdict.reasons],
        "tasks": tasks,
        "findings": findings,
        "matrix": result.matrix,
        "finding_titles": [f.title for f in result.findings],
        "comparison": study_comparison(study),
        "original": study.retest_of,
        "retests": list(study.retests.all()),
        "quotas": quota_fill(study),
        "participants": participants,
        "withdrawn": sum(1 for p in participants if p["status"] == ParticipantStatus.WITHDRAWN),
        "can_view_participants": personal,
        "can_run": can_run_study(user, study),
        "severity_labels": SEVERITY_LABELS,
        "generated_at": timezone.now(),
    }


# ---- raw data for export (pseudonymous: never a personal field) ----------------------------------------------


def study_export_tables(study: Study) -> dict[str, tuple[tuple[str, ...], list[list[Any]]]]:
    """The study's raw data as {table: (header, rows)} in the layout of `tabular.EXPORT_TABLES`."""
    from govcx.lab import metrics
    from govcx.lab.tabular import EXPORT_TABLES

    tables: dict[str, list[list[Any]]] = {}
    tables["tasks"] = [
        [t.key, t.order, t.title, t.scenario, t.success_criteria, t.critical_path, float(t.benchmark_completion),
         t.target_seconds] for t in study.tasks.all()
    ]
    tables["participants"] = [
        [p.code, p.status, p.client_category, p.age_band, p.region, p.digital_confidence, p.disability,
         p.assisted_digital, p.withdrawn_at is not None] for p in study.participants.all()
    ]
    tables["attempts"] = [
        list(row) for row in Attempt.objects.filter(session__study=study).order_by("session__participant__code",
                                                                                   "task__order", "id")
        .values_list("session__participant__code", "task__key", "outcome", "seconds", "errors", "assists", "seq",
                     "session__mode", "session_id")
    ]
    questionnaires = []
    for code, kind, answers in (QuestionnaireResponse.objects.filter(session__study=study)
                                .order_by("session__participant__code", "kind")
                                .values_list("session__participant__code", "kind", "answers")):
        score = metrics.sus_score(answers) if kind == QuestionnaireKind.SUS else metrics.umux_lite(*answers)
        questionnaires.append([code, kind, score, *answers, *([None] * (10 - len(answers)))])
    tables["questionnaires"] = questionnaires
    tables["observations"] = [
        [o.session.participant.code, o.task.key if o.task_id else "", o.at_seconds, o.text, "; ".join(o.tags),
         o.finding_id]
        for o in Observation.objects.filter(session__study=study).select_related("session__participant", "task")
    ]
    affected = {f.id: f.affected for f in study_analysis(study).findings}
    tables["findings"] = [
        [f.pk, f.title, f.description, f.severity, f.status, f.task.key if f.task_id else "", f.screen,
         f.recommendation, "; ".join(affected.get(f.pk, ()))]
        for f in study.findings.select_related("task")
    ]
    return {name: (EXPORT_TABLES[name], tables[name]) for name in EXPORT_TABLES}
