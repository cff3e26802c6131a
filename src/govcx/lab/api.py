"""The lab API (/api/lab/): studies, tasks, quotas, participants, sessions, attempts, observations, findings,
questionnaires, metrics, re-test comparison, raw data export/import, and the public endpoints of a participant's
personal link (/api/lab/take/{token}/...: no sign-in, scoped and rate limited by the token).

Thin handlers: schema → access_* → one service → output schema. Personal fields of participants are sent only
to the lab's own researchers (Action.VIEW_PARTICIPANTS).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from govcx.accounts.roles import Action
from govcx.common.downloads import download
from govcx.common.tabular import BUNDLE_CONTENT_TYPES, BUNDLE_SUFFIXES, bundle
from govcx.common.tokens import token_hash
from govcx.errors import Invalid, NotFound
from govcx.lab import selectors, services
from govcx.lab.models import Consent, Finding, Observation, Participant, Session, Task
from govcx.registry.models import Organisation
from govcx.throttle import client_address, hit

router = Router(tags=["lab"])

TAKE_REQUESTS_PER_MINUTE = 60


# ---- schemas ------------------------------------------------------------------------------------------------


class ScreenerQuestion(Schema):
    key: str
    question: str = ""
    options: list[str] = []
    accept: list[str] = []


class StudyFields(Schema):
    title: str | None = None
    stage: str | None = None
    research_questions: str | None = None
    use_sus: bool | None = None
    use_umux_lite: bool | None = None
    use_seq: bool | None = None
    include_failed_times: bool | None = None
    confidence: Decimal | None = None
    discovery_p: Decimal | None = None
    discovery_goal: Decimal | None = None
    screener: list[ScreenerQuestion] | None = None


class StudyIn(StudyFields):
    service_id: int
    lab_id: int
    title: str


class StudyPatch(StudyFields):
    status: Literal["draft", "recruiting", "running"] | None = None
    version: int | None = Field(None, description="the version you read; a concurrent change gives 409")


class StudyOut(Schema):
    id: int
    service_id: int
    lab_id: int
    title: str
    stage: str
    research_questions: str
    use_sus: bool
    use_umux_lite: bool
    use_seq: bool
    status: str
    retest_of_id: int | None
    include_failed_times: bool
    confidence: Decimal
    discovery_p: Decimal
    discovery_goal: Decimal
    screener: list[dict[str, Any]]
    verdict: str
    verdict_computed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class VersionIn(Schema):
    version: int | None = None


class RetestIn(Schema):
    title: str = ""


class TaskFields(Schema):
    key: str | None = None
    order: int | None = None
    title: str | None = None
    scenario: str | None = None
    success_criteria: str | None = None
    critical_path: bool | None = None
    benchmark_completion: Decimal | None = None
    target_seconds: int | None = None


class TaskIn(TaskFields):
    key: str
    title: str


class TaskOut(Schema):
    id: int
    study_id: int
    key: str
    order: int
    title: str
    scenario: str
    success_criteria: str
    critical_path: bool
    benchmark_completion: Decimal
    target_seconds: int | None


class QuotaIn(Schema):
    dimension: str
    value: str
    target: int


class QuotaPatch(Schema):
    target: int


class QuotaOut(Schema):
    id: int
    study_id: int
    dimension: str
    value: str
    target: int
    recruited: int


class ParticipantFields(Schema):
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    client_category: str | None = None
    age_band: str | None = None
    region: str | None = None
    digital_confidence: int | None = None
    disability: bool | None = None
    assisted_digital: bool | None = None
    screener_answers: dict[str, Any] | None = None


class ParticipantIn(ParticipantFields):
    code: str = ""


class ParticipantOut(Schema):
    """Personal fields (full_name, email, phone, screener_answers) are present only for the lab's researchers."""

    id: int
    code: str
    client_category: str
    age_band: str
    region: str
    digital_confidence: int | None
    disability: bool
    assisted_digital: bool
    status: str
    withdrawn_at: dt.datetime | None
    full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    screener_answers: dict[str, Any] | None = None


class ConsentIn(Schema):
    text_version: str
    recording_allowed: bool
    given_at: dt.datetime | None = None


class ConsentOut(Schema):
    given_at: dt.datetime
    text_version: str
    recording_allowed: bool
    withdrawn_at: dt.datetime | None


class IncentiveIn(Schema):
    amount: Decimal
    currency: str = "RUB"
    method: str
    paid_at: dt.datetime | None = None


class IncentiveOut(Schema):
    id: int
    amount: Decimal
    currency: str
    method: str
    paid_at: dt.datetime | None


class SessionIn(Schema):
    participant_id: int
    mode: Literal["moderated", "unmoderated"] = "moderated"
    moderator_id: int | None = None
    scheduled_at: dt.datetime | None = None


class FinishIn(Schema):
    status: Literal["completed", "abandoned"] = "completed"


class SessionOut(Schema):
    id: int
    study_id: int
    participant_id: int
    participant_code: str
    mode: str
    moderator_id: int | None
    scheduled_at: dt.datetime | None
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    status: str
    link_expires_at: dt.datetime | None
    has_recording: bool
    recording_started_at: dt.datetime | None


class LinkIn(Schema):
    valid_days: int = services.LINK_VALID_DAYS


class LinkOut(Schema):
    token: str = Field(description="shown once: only its SHA-256 is stored")
    path: str
    expires_at: dt.datetime


class AttemptIn(Schema):
    task_id: int | None = None
    task_key: str | None = None
    outcome: str
    seconds: float
    errors: int = 0
    assists: int = 0
    seq: int | None = None
    note: str = ""
    version: int | None = Field(None, description="the version you read when correcting; 409 if it changed")


class AttemptPatch(Schema):
    outcome: str | None = None
    seconds: float | None = None
    errors: int | None = None
    assists: int | None = None
    seq: int | None = None
    note: str | None = None
    version: int | None = None


class AttemptOut(Schema):
    id: int
    session_id: int
    task_id: int
    task_key: str
    participant_code: str
    outcome: str
    seconds: float
    errors: int
    assists: int
    seq: int | None
    note: str
    version: int


class ObservationIn(Schema):
    text: str
    task_id: int | None = None
    at_seconds: float | None = None
    tags: list[str] = []


class ObservationPatch(Schema):
    text: str | None = None
    task_id: int | None = None
    at_seconds: float | None = None
    tags: list[str] | None = None


class ObservationOut(Schema):
    id: int
    session_id: int
    participant_code: str
    task_id: int | None
    at_seconds: float | None
    text: str
    tags: list[str]
    finding_id: int | None
    created_at: dt.datetime


class FindingFields(Schema):
    title: str | None = None
    description: str | None = None
    severity: int | None = None
    task_id: int | None = None
    screen: str | None = None
    recommendation: str | None = None
    status: Literal["open", "fixed", "accepted"] | None = None
    participant_ids: list[int] | None = None


class FindingIn(FindingFields):
    title: str


class MergeIn(Schema):
    observation_ids: list[int]
    finding_id: int | None = None
    finding: FindingIn | None = None


class FindingOut(Schema):
    id: int
    study_id: int
    title: str
    description: str
    severity: int
    task_id: int | None
    screen: str
    recommendation: str
    status: str
    participant_ids: list[int]
    observation_ids: list[int]


class QuestionnaireIn(Schema):
    answers: list[int]


class QuestionnaireOut(Schema):
    id: int
    session_id: int
    participant_code: str
    kind: str
    answers: list[int]


class ImportOut(Schema):
    created: int
    updated: int
    unchanged: int
    participants_created: int
    sessions_created: int


class TakeTaskOut(Schema):
    key: str
    title: str
    scenario: str
    done: bool


class TakeOut(Schema):
    study_title: str
    participant_code: str
    status: str
    use_seq: bool
    questionnaires: list[str]
    questionnaires_done: list[str]
    tasks: list[TakeTaskOut]


class TakeAttemptIn(Schema):
    task_key: str
    outcome: Literal["success", "abandoned"]
    seconds: float
    seq: int | None = None


class TakeQuestionnaireIn(Schema):
    kind: Literal["sus", "umux_lite"]
    answers: list[int]


class OkOut(Schema):
    status: str


# ---- output helpers -----------------------------------------------------------------------------------------


def _session_out(session: Session) -> dict[str, Any]:
    return {
        **{f: getattr(session, f) for f in ("id", "study_id", "participant_id", "mode", "moderator_id",
                                            "scheduled_at", "started_at", "finished_at", "status", "link_expires_at",
                                            "recording_started_at")},
        "participant_code": session.participant.code, "has_recording": bool(session.recording),
    }


def _attempt_out(attempt: Any) -> dict[str, Any]:
    return {
        **{f: getattr(attempt, f) for f in ("id", "session_id", "task_id", "outcome", "seconds", "errors", "assists",
                                            "seq", "note", "version")},
        "task_key": attempt.task.key, "participant_code": attempt.session.participant.code,
    }


def _observation_out(observation: Observation) -> dict[str, Any]:
    return {
        **{f: getattr(observation, f) for f in ("id", "session_id", "task_id", "at_seconds", "text", "tags",
                                                "finding_id", "created_at")},
        "participant_code": observation.session.participant.code,
    }


def _finding_out(finding: Finding) -> dict[str, Any]:
    return {
        **{f: getattr(finding, f) for f in ("id", "study_id", "title", "description", "severity", "task_id",
                                            "screen", "recommendation", "status")},
        "participant_ids": sorted(p.pk for p in finding.participants.all()),
        "observation_ids": sorted(o.pk for o in finding.observations.all()),
    }


def _participant_out(request: HttpRequest, participant: Participant, study: Any) -> dict[str, Any]:
    return selectors.participant_dict(participant, personal=selectors.can_view_participants(request.user, study))


def _task_in_study(study_id: int, task_id: int | None, key: str | None = None) -> Task | None:
    if task_id is None and not key:
        return None
    lookup = {"pk": task_id} if task_id is not None else {"key": key}
    task = Task.objects.filter(study_id=study_id, **lookup).first()
    if task is None:
        raise Invalid(f"task {task_id or key} is not in this study", details=[{"field": "task_id"}])
    return task


def _set(payload: Schema, *, exclude: set[str] | None = None) -> dict[str, Any]:
    return payload.model_dump(exclude_unset=True, exclude=exclude or set())


# ---- studies ------------------------------------------------------------------------------------------------


@router.get("/studies", response=list[StudyOut])
def study_list(request: HttpRequest, service_id: int | None = None, status: str | None = None):
    studies = selectors.study_list(user=request.user)
    if service_id is not None:
        studies = studies.filter(service_id=service_id)
    return studies.filter(status=status) if status else studies


@router.post("/studies", response={201: StudyOut})
def study_create(request: HttpRequest, payload: StudyIn):
    service = _service(payload.service_id)
    lab = Organisation.objects.filter(pk=payload.lab_id).first()
    if lab is None:
        raise NotFound(f"organisation {payload.lab_id} not found")
    values = _set(payload, exclude={"service_id", "lab_id", "title"})
    return Status(201, services.study_create(actor=request.user, service=service, lab=lab, title=payload.title,
                                             **values))


def _service(service_id: int) -> Any:
    """A lab may test any service in the registry (the owner commissions the study), so no owner scope here."""
    from govcx.registry.models import Service

    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise NotFound(f"service {service_id} not found")
    return service


@router.get("/studies/{study_id}", response=StudyOut)
def study_get(request: HttpRequest, study_id: int):
    return selectors.access_study(request.user, study_id)


@router.patch("/studies/{study_id}", response=StudyOut)
def study_update(request: HttpRequest, study_id: int, payload: StudyPatch):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    values = _set(payload, exclude={"version"})
    return services.study_update(actor=request.user, study=study, expected_version=payload.version, **values)


@router.delete("/studies/{study_id}", response={204: None})
def study_delete(request: HttpRequest, study_id: int):
    services.study_delete(actor=request.user, study=selectors.access_study(request.user, study_id, Action.RUN_LAB))
    return Status(204, None)


@router.post("/studies/{study_id}/close", response=StudyOut)
def study_close(request: HttpRequest, study_id: int, payload: VersionIn):
    """Close the study and compute its launch verdict."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return services.study_close(actor=request.user, study=study, expected_version=payload.version)


@router.post("/studies/{study_id}/reopen", response=StudyOut)
def study_reopen(request: HttpRequest, study_id: int):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return services.study_reopen(actor=request.user, study=study)


@router.post("/studies/{study_id}/retest", response={201: StudyOut})
def study_retest(request: HttpRequest, study_id: int, payload: RetestIn):
    """A re-test of the same tasks (same keys), quotas and screener."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return Status(201, services.retest_create(actor=request.user, study=study, title=payload.title))


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "message"):
            data["message"] = value.message
        return data
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value.value if hasattr(value, "value") and not isinstance(value, str | int | float) else value


@router.get("/studies/{study_id}/metrics", response=dict[str, Any])
def study_metrics(request: HttpRequest, study_id: int):
    """Every metric of the study with its interval, the ranked findings, the participant × problem matrix,
    planning figures and the launch verdict with its reasons (the StudyAnalysis of govcx.lab.analysis)."""
    study = selectors.access_study(request.user, study_id)
    return _jsonable(selectors.study_analysis(study))


@router.get("/studies/{study_id}/compare", response=dict[str, Any])
def study_compare(request: HttpRequest, study_id: int):
    """A re-test compared with the study it re-tests, task by task (404 for an original study)."""
    study = selectors.access_study(request.user, study_id)
    comparison = selectors.study_comparison(study)
    if comparison is None:
        raise NotFound(f"study {study_id} is not a re-test")
    return _jsonable(comparison)


_EXPORT_OPENAPI = {"responses": {200: {"description": "ZIP of CSV files, or an XLSX workbook", "content": {
    media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}}
    for media in BUNDLE_CONTENT_TYPES.values()}}}}


@router.get("/studies/{study_id}/export", response={200: None}, openapi_extra=_EXPORT_OPENAPI)
def study_export(request: HttpRequest, study_id: int, fmt: Literal["csv", "xlsx"] = "csv"):
    """The study's raw data, pseudonymous (no personal field): a table per file (ZIP of CSV) or per sheet."""
    study = selectors.access_study(request.user, study_id)
    return download(bundle(fmt, selectors.study_export_tables(study)),
                    filename=f"study-{study.pk}.{BUNDLE_SUFFIXES[fmt]}", content_type=BUNDLE_CONTENT_TYPES[fmt])


@router.post("/studies/{study_id}/import", response=ImportOut)
def study_import(request: HttpRequest, study_id: int, file: UploadedFile = File(...)):  # noqa: B008
    """Attempts recorded elsewhere (CSV or XLSX: participant_code, task_key, outcome, seconds, errors, assists,
    seq[, mode]), all or nothing; the problems name file:row:field. Importing the same file again is harmless."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return services.attempts_import(actor=request.user, study=study, data=file.read(), file_name=file.name or "")


# ---- tasks and quotas ---------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/tasks", response=list[TaskOut])
def task_list(request: HttpRequest, study_id: int):
    return selectors.access_study(request.user, study_id).tasks.all()


@router.post("/studies/{study_id}/tasks", response={201: TaskOut})
def task_create(request: HttpRequest, study_id: int, payload: TaskIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return Status(201, services.task_create(actor=request.user, study=study, **_set(payload)))


@router.get("/tasks/{task_id}", response=TaskOut)
def task_get(request: HttpRequest, task_id: int):
    return selectors.access_task(request.user, task_id)


@router.patch("/tasks/{task_id}", response=TaskOut)
def task_update(request: HttpRequest, task_id: int, payload: TaskFields):
    task = selectors.access_task(request.user, task_id, Action.RUN_LAB)
    return services.task_update(actor=request.user, task=task, **_set(payload))


@router.delete("/tasks/{task_id}", response={204: None})
def task_delete(request: HttpRequest, task_id: int):
    services.task_delete(actor=request.user, task=selectors.access_task(request.user, task_id, Action.RUN_LAB))
    return Status(204, None)


def _quota_out(quota: Any, recruited: int) -> dict[str, Any]:
    return {f: getattr(quota, f) for f in ("id", "study_id", "dimension", "value", "target")} | {
        "recruited": recruited}


@router.get("/studies/{study_id}/quotas", response=list[QuotaOut])
def quota_list(request: HttpRequest, study_id: int):
    study = selectors.access_study(request.user, study_id)
    return [_quota_out(q, n) for q, n in services.quota_fill(study)]


@router.post("/studies/{study_id}/quotas", response={201: QuotaOut})
def quota_create(request: HttpRequest, study_id: int, payload: QuotaIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    quota = services.quota_create(actor=request.user, study=study, **payload.model_dump())
    return Status(201, _quota_out(quota, dict((q.pk, n) for q, n in services.quota_fill(study))[quota.pk]))


@router.patch("/quotas/{quota_id}", response=QuotaOut)
def quota_update(request: HttpRequest, quota_id: int, payload: QuotaPatch):
    quota = services.quota_update(actor=request.user, target=payload.target,
                                  quota=selectors.access_quota(request.user, quota_id, Action.RUN_LAB))
    return _quota_out(quota, dict((q.pk, n) for q, n in services.quota_fill(quota.study))[quota.pk])


@router.delete("/quotas/{quota_id}", response={204: None})
def quota_delete(request: HttpRequest, quota_id: int):
    services.quota_delete(actor=request.user, quota=selectors.access_quota(request.user, quota_id, Action.RUN_LAB))
    return Status(204, None)


# ---- participants -------------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/participants", response=list[ParticipantOut], exclude_unset=True)
def participant_list(request: HttpRequest, study_id: int):
    study = selectors.access_study(request.user, study_id)
    return [_participant_out(request, p, study) for p in study.participants.all()]


@router.post("/studies/{study_id}/participants", response={201: ParticipantOut}, exclude_unset=True)
def participant_recruit(request: HttpRequest, study_id: int, payload: ParticipantIn):
    """Recruit a candidate: the screener's accepted answers and full quotas are checked; code P01... assigned."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    participant = services.participant_recruit(actor=request.user, study=study, **_set(payload))
    return Status(201, _participant_out(request, participant, study))


@router.get("/participants/{participant_id}", response=ParticipantOut, exclude_unset=True)
def participant_get(request: HttpRequest, participant_id: int):
    participant = selectors.access_participant(request.user, participant_id)
    return _participant_out(request, participant, participant.study)


@router.patch("/participants/{participant_id}", response=ParticipantOut, exclude_unset=True)
def participant_update(request: HttpRequest, participant_id: int, payload: ParticipantFields):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    participant = services.participant_update(actor=request.user, participant=participant, **_set(payload))
    return _participant_out(request, participant, participant.study)


@router.delete("/participants/{participant_id}", response={204: None})
def participant_delete(request: HttpRequest, participant_id: int):
    participant = selectors.access_participant(request.user, participant_id, Action.RUN_LAB)
    services.participant_delete(actor=request.user, participant=participant)
    return Status(204, None)


@router.post("/participants/{participant_id}/withdraw", response=ParticipantOut, exclude_unset=True)
def participant_withdraw(request: HttpRequest, participant_id: int):
    """Withdraw: personal data and recordings are deleted; anonymised results stay under the code."""
    participant = selectors.access_participant(request.user, participant_id, Action.RUN_LAB)
    participant = services.participant_withdraw(actor=request.user, participant=participant)
    return _participant_out(request, participant, participant.study)


@router.get("/participants/{participant_id}/consent", response=ConsentOut)
def consent_get(request: HttpRequest, participant_id: int):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    consent = Consent.objects.filter(participant=participant).first()
    if consent is None:
        raise NotFound(f"participant {participant.code} has no consent recorded")
    return consent


@router.put("/participants/{participant_id}/consent", response=ConsentOut)
def consent_record(request: HttpRequest, participant_id: int, payload: ConsentIn):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    return services.consent_record(actor=request.user, participant=participant, **payload.model_dump())


@router.get("/participants/{participant_id}/incentives", response=list[IncentiveOut])
def incentive_list(request: HttpRequest, participant_id: int):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    return participant.incentives.all()


@router.post("/participants/{participant_id}/incentives", response={201: IncentiveOut})
def incentive_record(request: HttpRequest, participant_id: int, payload: IncentiveIn):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    return Status(201, services.incentive_record(actor=request.user, participant=participant,
                                                 **payload.model_dump()))


# ---- sessions -----------------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/sessions", response=list[SessionOut])
def session_list(request: HttpRequest, study_id: int):
    study = selectors.access_study(request.user, study_id)
    return [_session_out(s) for s in study.sessions.select_related("participant")]


@router.post("/studies/{study_id}/sessions", response={201: SessionOut})
def session_schedule(request: HttpRequest, study_id: int, payload: SessionIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    participant = selectors.access_participant(request.user, payload.participant_id, Action.RUN_LAB)
    moderator = None
    if payload.moderator_id is not None:
        from govcx.accounts.models import User

        moderator = User.objects.filter(pk=payload.moderator_id, organisation_id=study.lab_id).first()
        if moderator is None:
            raise Invalid("the moderator must be a member of the lab", details=[{"field": "moderator_id"}])
    session = services.session_schedule(actor=request.user, study=study, participant=participant, mode=payload.mode,
                                        moderator=moderator, scheduled_at=payload.scheduled_at)
    return Status(201, _session_out(session))


@router.get("/sessions/{session_id}", response=SessionOut)
def session_get(request: HttpRequest, session_id: int):
    return _session_out(selectors.access_session(request.user, session_id))


@router.delete("/sessions/{session_id}", response={204: None})
def session_delete(request: HttpRequest, session_id: int):
    services.session_delete(actor=request.user,
                            session=selectors.access_session(request.user, session_id, Action.RUN_LAB))
    return Status(204, None)


@router.post("/sessions/{session_id}/start", response=SessionOut)
def session_start(request: HttpRequest, session_id: int):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    return _session_out(services.session_start(actor=request.user, session=session))


@router.post("/sessions/{session_id}/finish", response=SessionOut)
def session_finish(request: HttpRequest, session_id: int, payload: FinishIn):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    return _session_out(services.session_finish(actor=request.user, session=session, status=payload.status))


@router.post("/sessions/{session_id}/link", response={201: LinkOut})
def session_link(request: HttpRequest, session_id: int, payload: LinkIn):
    """Issue the participant's personal link of an unmoderated session. The token is in this answer only;
    issuing again revokes the previous link."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    session, token = services.session_link_issue(actor=request.user, session=session, valid_days=payload.valid_days)
    return Status(201, {"token": token, "path": f"/api/lab/take/{token}", "expires_at": session.link_expires_at})


@router.post("/sessions/{session_id}/recording", response=SessionOut)
def session_recording(request: HttpRequest, session_id: int, file: UploadedFile = File(...)):  # noqa: B008
    """Upload the session's video recording (needs the participant's consent to recording)."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    return _session_out(services.recording_upload(actor=request.user, session=session, upload=file))


# ---- attempts -----------------------------------------------------------------------------------------------


@router.get("/sessions/{session_id}/attempts", response=list[AttemptOut])
def attempt_list(request: HttpRequest, session_id: int):
    session = selectors.access_session(request.user, session_id)
    return [_attempt_out(a) for a in session.attempts.select_related("task", "session__participant")]


@router.post("/sessions/{session_id}/attempts", response=AttemptOut)
def attempt_record(request: HttpRequest, session_id: int, payload: AttemptIn):
    """Record or correct the attempt at a task (by task_id or task_key): one per session and task."""
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    task = _task_in_study(session.study_id, payload.task_id, payload.task_key)
    if task is None:
        raise Invalid("name the task (task_id or task_key)", details=[{"field": "task_id"}])
    attempt = services.attempt_record(
        actor=request.user, session=session, task=task, outcome=payload.outcome, seconds=payload.seconds,
        errors=payload.errors, assists=payload.assists, seq=payload.seq, note=payload.note,
        expected_version=payload.version,
    )
    return _attempt_out(attempt)


@router.get("/attempts/{attempt_id}", response=AttemptOut)
def attempt_get(request: HttpRequest, attempt_id: int):
    return _attempt_out(selectors.access_attempt(request.user, attempt_id))


@router.patch("/attempts/{attempt_id}", response=AttemptOut)
def attempt_update(request: HttpRequest, attempt_id: int, payload: AttemptPatch):
    attempt = selectors.access_attempt(request.user, attempt_id, Action.RUN_LAB)
    values = {f: getattr(attempt, f) for f in ("outcome", "seconds", "errors", "assists", "seq", "note")}
    values |= _set(payload, exclude={"version"})
    attempt = services.attempt_record(actor=request.user, session=attempt.session, task=attempt.task,
                                      expected_version=payload.version, **values)
    return _attempt_out(attempt)


@router.delete("/attempts/{attempt_id}", response={204: None})
def attempt_delete(request: HttpRequest, attempt_id: int):
    services.attempt_delete(actor=request.user,
                            attempt=selectors.access_attempt(request.user, attempt_id, Action.RUN_LAB))
    return Status(204, None)


# ---- observations and findings ------------------------------------------------------------------------------


@router.get("/studies/{study_id}/observations", response=list[ObservationOut])
def observation_list(request: HttpRequest, study_id: int, tag: str | None = None):
    study = selectors.access_study(request.user, study_id)
    observations = Observation.objects.filter(session__study=study).select_related("session__participant")
    return [_observation_out(o) for o in observations if tag is None or tag.lower() in o.tags]


@router.post("/sessions/{session_id}/observations", response={201: ObservationOut})
def observation_add(request: HttpRequest, session_id: int, payload: ObservationIn):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    observation = services.observation_add(
        actor=request.user, session=session, text=payload.text, at_seconds=payload.at_seconds, tags=payload.tags,
        task=_task_in_study(session.study_id, payload.task_id),
    )
    return Status(201, _observation_out(observation))


@router.patch("/observations/{observation_id}", response=ObservationOut)
def observation_update(request: HttpRequest, observation_id: int, payload: ObservationPatch):
    observation = selectors.access_observation(request.user, observation_id, Action.RUN_LAB)
    values = _set(payload, exclude={"task_id"})
    if "task_id" in payload.model_fields_set:
        values["task"] = _task_in_study(observation.session.study_id, payload.task_id)
    return _observation_out(services.observation_update(actor=request.user, observation=observation, **values))


@router.delete("/observations/{observation_id}", response={204: None})
def observation_delete(request: HttpRequest, observation_id: int):
    observation = selectors.access_observation(request.user, observation_id, Action.RUN_LAB)
    services.observation_delete(actor=request.user, observation=observation)
    return Status(204, None)


def _finding_values(study_id: int, payload: FindingFields) -> dict[str, Any]:
    values = _set(payload, exclude={"task_id", "participant_ids"})
    if "task_id" in payload.model_fields_set:
        values["task"] = _task_in_study(study_id, payload.task_id)
    if payload.participant_ids is not None:
        chosen = list(Participant.objects.filter(study_id=study_id, pk__in=payload.participant_ids))
        if len(chosen) != len(set(payload.participant_ids)):
            raise Invalid("some participants are not in this study", details=[{"field": "participant_ids"}])
        values["participants"] = chosen
    return values


@router.post("/studies/{study_id}/observations/merge", response=FindingOut)
def observation_merge(request: HttpRequest, study_id: int, payload: MergeIn):
    """Merge observations into an existing finding (finding_id) or a new one (finding)."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    observations = list(Observation.objects.filter(session__study=study, pk__in=payload.observation_ids)
                        .select_related("session"))
    if len(observations) != len(set(payload.observation_ids)):
        raise Invalid("some observations are not in this study", details=[{"field": "observation_ids"}])
    finding = None
    if payload.finding_id is not None:
        finding = selectors.access_finding(request.user, payload.finding_id, Action.RUN_LAB)
        new: dict[str, Any] = {}
    elif payload.finding is not None:
        new = _finding_values(study.pk, payload.finding)
    else:
        raise Invalid("give finding_id or a new finding", details=[{"field": "finding"}])
    return _finding_out(services.observation_merge(actor=request.user, observations=observations, finding=finding,
                                                   **new))


@router.get("/studies/{study_id}/findings", response=list[FindingOut])
def finding_list(request: HttpRequest, study_id: int):
    study = selectors.access_study(request.user, study_id)
    return [_finding_out(f) for f in study.findings.prefetch_related("participants", "observations")]


@router.post("/studies/{study_id}/findings", response={201: FindingOut})
def finding_create(request: HttpRequest, study_id: int, payload: FindingIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return Status(201, _finding_out(services.finding_create(actor=request.user, study=study,
                                                            **_finding_values(study.pk, payload))))


@router.get("/findings/{finding_id}", response=FindingOut)
def finding_get(request: HttpRequest, finding_id: int):
    return _finding_out(selectors.access_finding(request.user, finding_id))


@router.patch("/findings/{finding_id}", response=FindingOut)
def finding_update(request: HttpRequest, finding_id: int, payload: FindingFields):
    finding = selectors.access_finding(request.user, finding_id, Action.RUN_LAB)
    return _finding_out(services.finding_update(actor=request.user, finding=finding,
                                                **_finding_values(finding.study_id, payload)))


@router.delete("/findings/{finding_id}", response={204: None})
def finding_delete(request: HttpRequest, finding_id: int):
    services.finding_delete(actor=request.user,
                            finding=selectors.access_finding(request.user, finding_id, Action.RUN_LAB))
    return Status(204, None)


# ---- questionnaires -----------------------------------------------------------------------------------------


def _questionnaire_out(response: Any) -> dict[str, Any]:
    return {"id": response.pk, "session_id": response.session_id, "kind": response.kind, "answers": response.answers,
            "participant_code": response.session.participant.code}


@router.get("/studies/{study_id}/questionnaires", response=list[QuestionnaireOut])
def questionnaire_list(request: HttpRequest, study_id: int):
    study = selectors.access_study(request.user, study_id)
    from govcx.lab.models import QuestionnaireResponse

    responses = QuestionnaireResponse.objects.filter(session__study=study).select_related("session__participant")
    return [_questionnaire_out(r) for r in responses]


@router.put("/sessions/{session_id}/questionnaires/{kind}", response=QuestionnaireOut)
def questionnaire_answer(request: HttpRequest, session_id: int, kind: Literal["sus", "umux_lite"],
                         payload: QuestionnaireIn):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    return _questionnaire_out(services.questionnaire_answer(actor=request.user, session=session, kind=kind,
                                                            answers=payload.answers))


@router.delete("/questionnaires/{response_id}", response={204: None})
def questionnaire_delete(request: HttpRequest, response_id: int):
    response = selectors.access_questionnaire(request.user, response_id, Action.RUN_LAB)
    services.questionnaire_delete(actor=request.user, response=response)
    return Status(204, None)


# ---- the participant's personal link (public: no sign-in) ----------------------------------------------------


def _throttle(request: HttpRequest, token: str) -> None:
    hit("lab-take", f"{token_hash(token)[:16]}:{client_address(request)}", limit=TAKE_REQUESTS_PER_MINUTE)


def _take_out(session: Session) -> dict[str, Any]:
    study = session.study
    done = set(session.attempts.values_list("task__key", flat=True))
    wanted = [k for k, used in (("sus", study.use_sus), ("umux_lite", study.use_umux_lite)) if used]
    return {
        "study_title": study.title, "participant_code": session.participant.code, "status": session.status,
        "use_seq": study.use_seq, "questionnaires": wanted,
        "questionnaires_done": sorted(session.questionnaire_responses.values_list("kind", flat=True)),
        "tasks": [{"key": t.key, "title": t.title, "scenario": t.scenario, "done": t.key in done}
                  for t in study.tasks.all()],
    }


@router.get("/take/{token}", response=TakeOut, auth=None)
def take_get(request: HttpRequest, token: str):
    """What the participant's page shows: the tasks in order and which are done."""
    _throttle(request, token)
    return _take_out(services.session_by_token(token))


@router.post("/take/{token}/start", response=TakeOut, auth=None)
def take_start(request: HttpRequest, token: str):
    _throttle(request, token)
    return _take_out(services.take_start(token=token))


@router.post("/take/{token}/attempts", response=OkOut, auth=None)
def take_attempt(request: HttpRequest, token: str, payload: TakeAttemptIn):
    """The participant's own result for a task: done (success) or gave up (abandoned), the measured time and
    the single ease question. Sending it again replaces it."""
    _throttle(request, token)
    services.take_attempt(token=token, **payload.model_dump())
    return {"status": "recorded"}


@router.post("/take/{token}/questionnaires", response=OkOut, auth=None)
def take_questionnaire(request: HttpRequest, token: str, payload: TakeQuestionnaireIn):
    _throttle(request, token)
    services.take_questionnaire(token=token, kind=payload.kind, answers=payload.answers)
    return {"status": "recorded"}


@router.post("/take/{token}/finish", response=OkOut, auth=None)
def take_finish(request: HttpRequest, token: str):
    _throttle(request, token)
    services.take_finish(token=token)
    return {"status": "finished"}
