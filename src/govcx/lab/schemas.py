"""The pydantic schemas of the lab API (/api/lab/): what each operation reads and answers. Component names are
part of the published OpenAPI contract (docs/openapi.json): rename none."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import Field, model_validator

from govcx.common.bounds import Count, Id, Moment, refuse_nulls
from govcx.lab.services.session import LINK_VALID_DAYS


class ScreenerQuestion(Schema):
    key: str
    question: str = ""
    options: list[str] = []
    accept: list[str] = []


class StudyFields(Schema):
    title: str | None = None
    title_en: str | None = Field(None, description="the English title; English readers see `title` without it")
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

    @model_validator(mode="after")
    def _sent_fields_hold_values(self):
        return refuse_nulls(self, nullable={"version"})


class StudyIn(StudyFields):
    service_id: Id
    lab_id: Id
    title: str


class StudyPatch(StudyFields):
    status: Literal["draft", "recruiting", "running"] | None = None
    version: Count | None = Field(None, description="the version you read; a concurrent change gives 409")


class StudyOut(Schema):
    id: int
    service_id: int
    lab_id: int
    title: str
    title_en: str
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
    owner_consent: str = Field(description="not_needed (the lab is the service's owner or above it), awaiting, "
                                           "given or refused by the service's owning authority")
    owner_consent_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime
    version: int


class OwnerConsentIn(Schema):
    give: bool = Field(description="true to consent to the study of your authority's service, false to refuse")


class VersionIn(Schema):
    version: Count | None = None


class RetestIn(Schema):
    title: str = ""
    title_en: str = ""


class TaskFields(Schema):
    key: str | None = None
    order: Count | None = None
    title: str | None = None
    scenario: str | None = None
    success_criteria: str | None = None
    critical_path: bool | None = None
    benchmark_completion: Decimal | None = None
    target_seconds: Count | None = None

    @model_validator(mode="after")
    def _sent_fields_hold_values(self):
        return refuse_nulls(self, nullable={"target_seconds"})


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
    target: Count


class QuotaPatch(Schema):
    target: Count


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
    digital_confidence: Count | None = None
    disability: bool | None = None
    assisted_digital: bool | None = None
    screener_answers: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _sent_fields_hold_values(self):
        return refuse_nulls(self, nullable={"digital_confidence"})


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
    given_at: Moment | None = None


class ConsentOut(Schema):
    given_at: dt.datetime
    text_version: str
    recording_allowed: bool
    withdrawn_at: dt.datetime | None


class IncentiveIn(Schema):
    amount: Decimal
    currency: str = "RUB"
    method: str
    paid_at: Moment | None = None


class IncentiveOut(Schema):
    id: int
    amount: Decimal
    currency: str
    method: str
    paid_at: dt.datetime | None


class SessionIn(Schema):
    participant_id: Id
    mode: Literal["moderated", "unmoderated"] = "moderated"
    moderator_id: Id | None = None
    scheduled_at: Moment | None = None


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
    valid_days: Count = LINK_VALID_DAYS


class LinkOut(Schema):
    token: str = Field(description="shown once: only its SHA-256 is stored")
    path: str
    expires_at: dt.datetime


class AttemptIn(Schema):
    task_id: Id | None = None
    task_key: str | None = None
    outcome: str
    seconds: float
    errors: Count = 0
    assists: Count = 0
    seq: Count | None = None
    note: str = ""
    version: Count | None = Field(None, description="the version you read when correcting; 409 if it changed")


class AttemptPatch(Schema):
    outcome: str | None = None
    seconds: float | None = None
    errors: Count | None = None
    assists: Count | None = None
    seq: Count | None = None
    note: str | None = None
    version: Count | None = None

    @model_validator(mode="after")
    def _sent_fields_hold_values(self):
        return refuse_nulls(self, nullable={"seq", "version"})


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
    task_id: Id | None = None
    at_seconds: float | None = None
    tags: list[str] = []


class ObservationPatch(Schema):
    text: str | None = None
    task_id: Id | None = None
    at_seconds: float | None = None
    tags: list[str] | None = None

    @model_validator(mode="after")
    def _sent_fields_hold_values(self):
        return refuse_nulls(self, nullable={"task_id", "at_seconds"})


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
    severity: Count | None = None
    task_id: Id | None = None
    screen: str | None = None
    recommendation: str | None = None
    status: Literal["open", "fixed", "accepted"] | None = None
    participant_ids: list[Id] | None = None

    @model_validator(mode="after")
    def _sent_fields_hold_values(self):
        return refuse_nulls(self, nullable={"task_id"})


class FindingIn(FindingFields):
    title: str


class MergeIn(Schema):
    observation_ids: list[Id]
    finding_id: Id | None = None
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
    seq: Count | None = None


class TakeQuestionnaireIn(Schema):
    kind: Literal["sus", "umux_lite"]
    answers: list[int]


class OkOut(Schema):
    status: str

