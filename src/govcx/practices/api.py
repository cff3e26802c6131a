"""Self-assessment API: the questionnaire, assessments through the caller's scope, answers (all or nothing), submit
and review. Filling needs FILL_SELF_ASSESSMENT (the authority's service owner), reviewing REVIEW_SELF_ASSESSMENT
(the central office)."""

# No `from __future__ import annotations`: ninja reads the annotations of the operations at import.
import datetime as dt
from typing import Literal

from django.utils.translation import get_language
from ninja import Field, Router, Schema, Status

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.common.bounds import Count, Id
from govcx.practices import selectors, services
from govcx.practices.models import SelfAssessment
from govcx.practices.questionnaire import current_questionnaire, parse_quarter

router = Router(tags=["practices"])

Level = Field(ge=1, le=5)


class PracticeLevelTextOut(Schema):
    level: int
    en: str
    ru: str


class PracticeFunctionOut(Schema):
    code: str
    name_en: str
    name_ru: str
    levels: list[PracticeLevelTextOut]


class PracticeQuestionnaireOut(Schema):
    key: str = Field(description="code@version; an assessment keeps the version it was filled against")
    source: str
    functions: list[PracticeFunctionOut]


class PracticeAnswerIn(Schema):
    function: str
    level: int = Level
    justification: str = ""
    evidence_links: list[str] = []


class PracticeAnswersIn(Schema):
    answers: list[PracticeAnswerIn]
    version: Count | None = Field(None, description="the version you read; a newer one is a 409")


class SelfAssessmentCreateIn(Schema):
    organisation_id: Id
    period: str = Field(description="a quarter, e.g. 2026Q3", max_length=6)


class ReviewerScoreIn(Schema):
    function: str
    level: int = Level
    reason: str = ""


class SelfAssessmentReviewIn(Schema):
    decision: Literal["reviewed", "returned"]
    comment: str = ""
    scores: list[ReviewerScoreIn] = []
    version: Count | None = None


class SelfAssessmentVersionIn(Schema):
    version: Count | None = None


class ContradictionFlagOut(Schema):
    function: str
    level: int
    evidence: str
    window_quarters: int
    value: float
    threshold: float
    reason: str


class PracticeFunctionScoreOut(Schema):
    function: str
    self_level: int | None
    reviewer_level: int | None
    reviewer_reason: str
    justification: str
    evidence_links: list[str]


class SelfAssessmentOut(Schema):
    id: int
    organisation_id: int
    period: str
    questionnaire: str
    status: str
    version: int
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    review_comment: str


class SelfAssessmentDetailOut(SelfAssessmentOut):
    functions: list[PracticeFunctionScoreOut]
    flags: list[ContradictionFlagOut] = Field(
        description="self-scores the evidence contradicts (as at review once reviewed)")


class PracticeScoreOut(Schema):
    organisation_id: int
    score: float


def _detail(assessment: SelfAssessment) -> dict:
    language = get_language() or "en"
    flags = selectors.assessment_flags(assessment)
    rows = selectors.function_rows(assessment, language=language, flags=flags)
    return {**SelfAssessmentOut.model_validate(assessment).model_dump(),
            "functions": [{"function": r.code, "self_level": r.self_level, "reviewer_level": r.reviewer_level,
                           "reviewer_reason": r.reviewer_reason, "justification": r.justification,
                           "evidence_links": r.evidence_links} for r in rows],
            "flags": [{**f.as_dict(), "reason": f.reason(language)} for f in flags]}


@router.get("/questionnaire", response=PracticeQuestionnaireOut)
def questionnaire_current(request: SignedInRequest):
    q = current_questionnaire()
    return {"key": q.key, "source": q.source,
            "functions": [{"code": f.code, "name_en": f.name.en, "name_ru": f.name.ru,
                           "levels": [{"level": n, "en": t.en, "ru": t.ru} for n, t in sorted(f.levels.items())]}
                          for f in q.functions]}


@router.get("/self-assessments", response=list[SelfAssessmentOut])
def self_assessment_list(request: SignedInRequest, period: str | None = None):
    if period is not None:
        period = str(parse_quarter(period))
    return list(selectors.self_assessment_list(user=request.user, period=period))


@router.post("/self-assessments", response={201: SelfAssessmentOut})
def self_assessment_create(request: SignedInRequest, payload: SelfAssessmentCreateIn):
    return Status(201, services.self_assessment_create(actor=request.user, organisation_id=payload.organisation_id,
                                                       period=payload.period))


@router.get("/self-assessments/{self_assessment_id}", response=SelfAssessmentDetailOut)
def self_assessment_detail(request: SignedInRequest, self_assessment_id: Id):
    return _detail(selectors.access_self_assessment(request.user, self_assessment_id))


@router.put("/self-assessments/{self_assessment_id}/answers", response=SelfAssessmentDetailOut)
def self_assessment_answer(request: SignedInRequest, self_assessment_id: Id, payload: PracticeAnswersIn):
    """Record levels for the functions given (the others stay): all or nothing."""
    assessment = selectors.access_self_assessment(request.user, self_assessment_id, Action.FILL_SELF_ASSESSMENT)
    assessment = services.self_assessment_answer(actor=request.user, assessment=assessment,
                                                 answers=[a.model_dump() for a in payload.answers],
                                                 expected_version=payload.version)
    return _detail(assessment)


@router.post("/self-assessments/{self_assessment_id}/submit", response=SelfAssessmentDetailOut)
def self_assessment_submit(request: SignedInRequest, self_assessment_id: Id, payload: SelfAssessmentVersionIn):
    assessment = selectors.access_self_assessment(request.user, self_assessment_id, Action.FILL_SELF_ASSESSMENT)
    return _detail(services.self_assessment_submit(actor=request.user, assessment=assessment,
                                                   expected_version=payload.version))


@router.post("/self-assessments/{self_assessment_id}/review", response=SelfAssessmentDetailOut)
def self_assessment_review(request: SignedInRequest, self_assessment_id: Id, payload: SelfAssessmentReviewIn):
    """Accept (reviewed: frozen from then on) or send back (returned, with a comment); the reviewer's own level
    for a function needs a reason when it differs from the self-score."""
    assessment = selectors.access_self_assessment(request.user, self_assessment_id, Action.REVIEW_SELF_ASSESSMENT)
    return _detail(services.self_assessment_review(actor=request.user, assessment=assessment,
                                                   decision=payload.decision, comment=payload.comment,
                                                   scores=[s.model_dump() for s in payload.scores],
                                                   expected_version=payload.version))


@router.delete("/self-assessments/{self_assessment_id}", response={204: None})
def self_assessment_delete(request: SignedInRequest, self_assessment_id: Id):
    assessment = selectors.access_self_assessment(request.user, self_assessment_id, Action.FILL_SELF_ASSESSMENT)
    services.self_assessment_delete(actor=request.user, assessment=assessment)
    return Status(204, None)


@router.get("/scores", response=list[PracticeScoreOut])
def practice_scores(request: SignedInRequest, period: str):
    """Mean reviewed level per authority for the quarter (reviewed assessments only), within the caller's scope."""
    visible = set(selectors.self_assessment_list(user=request.user).values_list("organisation_id", flat=True))
    scores = selectors.practice_scores(period=period)
    return [{"organisation_id": o, "score": s} for o, s in sorted(scores.items()) if o in visible]
