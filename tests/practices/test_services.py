"""Self-assessment use cases: start, answer (all or nothing, errors naming the field), submit, review (accept with
the central office's levels, or return), the freeze after review, the evidence and flags, and practice_scores."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govcx.errors import Conflict, Forbidden, Invalid, InvalidInput, NotFound
from govcx.practices import evidence, selectors
from govcx.practices.models import PracticeAnswer, ReviewerScore, SelfAssessment, Status
from govcx.practices.questionnaire import parse_quarter
from govcx.practices.selectors import practice_scores
from govcx.practices.services import (
    self_assessment_answer,
    self_assessment_create,
    self_assessment_delete,
    self_assessment_review,
    self_assessment_submit,
)
from govcx.standards.models import Assessment
from govcx.training.models import Course, Person, Programme, Requirement

pytestmark = pytest.mark.django_db

PERIOD = "2026Q3"
FUNCTIONS = ("measurement", "culture", "customer_research", "service_design", "governance")


def answers(**levels: int) -> list[dict]:
    return [{"function": code, "level": levels.get(code, 2), "justification": f"why {code}",
             "evidence_links": ["https://example.gov/report"]} for code in FUNCTIONS]


@pytest.fixture
def draft(users, reference_data):
    return self_assessment_create(actor=users["owner_a"], organisation_id=reference_data["ministry"].pk,
                                  period=PERIOD)


def submitted(users, assessment, **levels):
    self_assessment_answer(actor=users["owner_a"], assessment=assessment, answers=answers(**levels))
    return self_assessment_submit(actor=users["owner_a"], assessment=assessment)


def test_the_owner_starts_one_assessment_per_quarter(users, reference_data, draft):
    assert (draft.status, draft.period, draft.questionnaire) == ("draft", "2026Q3", "a11-cx-capacity@1")
    with pytest.raises(Conflict):
        self_assessment_create(actor=users["owner_a"], organisation_id=reference_data["ministry"].pk, period=PERIOD)
    with pytest.raises(InvalidInput) as caught:
        self_assessment_create(actor=users["owner_a"], organisation_id=reference_data["ministry"].pk, period="2026")
    assert caught.value.problems[0].field == "period"


def test_only_the_authority_itself_starts_its_assessment(users, reference_data):
    with pytest.raises(NotFound):  # another authority: as if it did not exist
        self_assessment_create(actor=users["owner_b"], organisation_id=reference_data["ministry"].pk, period=PERIOD)
    with pytest.raises(Forbidden):
        self_assessment_create(actor=users["analyst"], organisation_id=reference_data["ministry"].pk, period=PERIOD)
    with pytest.raises(Forbidden):
        self_assessment_create(actor=users["viewer_a"], organisation_id=reference_data["ministry"].pk, period=PERIOD)
    # its subordinate agency is in the owner's scope
    agency = self_assessment_create(actor=users["owner_a"], organisation_id=reference_data["agency"].pk,
                                    period=PERIOD)
    assert agency.organisation_id == reference_data["agency"].pk


@pytest.mark.parametrize(("bad", "field"), [
    ({"function": "measurement", "level": 6}, "answers[1].level"),
    ({"function": "measurement", "level": 0}, "answers[1].level"),
    ({"function": "measurement", "level": "high"}, "answers[1].level"),
    ({"function": "measurement", "level": True}, "answers[1].level"),
    ({"function": "astrology", "level": 3}, "answers[1].function"),
    ({"function": "culture", "level": 3}, "answers[1].function"),  # given twice
    ({"function": "measurement", "level": 3, "evidence_links": ["javascript:alert(1)"]},
     "answers[1].evidence_links[0]"),
    ({"function": "measurement", "level": 3, "justification": "x" * 5001}, "answers[1].justification"),
])
def test_a_bad_answer_names_its_field_and_nothing_is_stored(users, draft, bad, field):
    good = {"function": "culture", "level": 3}
    with pytest.raises(InvalidInput) as caught:
        self_assessment_answer(actor=users["owner_a"], assessment=draft, answers=[good, bad])
    assert [p.field for p in caught.value.problems] == [field]
    assert not PracticeAnswer.objects.exists()
    draft.refresh_from_db()
    assert draft.version == 1


def test_answers_are_saved_and_changed_while_a_draft(users, draft):
    self_assessment_answer(actor=users["owner_a"], assessment=draft, answers=answers(culture=4)[:2])
    self_assessment_answer(actor=users["owner_a"], assessment=draft, answers=[{"function": "culture", "level": "3"}])
    assert selectors.self_levels(draft) == {"measurement": 2, "culture": 3}
    with pytest.raises(Conflict):  # a writer that read version 1 is too late
        self_assessment_answer(actor=users["owner_a"], assessment=draft, answers=answers(), expected_version=1)


def test_submitting_needs_every_function(users, draft):
    self_assessment_answer(actor=users["owner_a"], assessment=draft, answers=answers()[:3])
    with pytest.raises(InvalidInput) as caught:
        self_assessment_submit(actor=users["owner_a"], assessment=draft)
    assert [p.field for p in caught.value.problems] == ["service_design", "governance"]
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


def test_review_accepts_with_the_central_offices_levels_and_freezes(users, draft):
    assessment = submitted(users, draft, measurement=4, culture=3)
    with pytest.raises(Conflict):  # submitted: the authority waits for the review
        self_assessment_answer(actor=users["owner_a"], assessment=assessment, answers=answers())
    with pytest.raises(Forbidden):
        self_assessment_review(actor=users["owner_a"], assessment=assessment, decision="reviewed")
    with pytest.raises(InvalidInput) as caught:  # another level needs a reason
        self_assessment_review(actor=users["analyst"], assessment=assessment, decision="reviewed",
                               scores=[{"function": "measurement", "level": 2}])
    assert caught.value.problems[0].field == "scores[0].reason"
    reviewed = self_assessment_review(
        actor=users["analyst"], assessment=assessment, decision="reviewed", comment="Fine",
        scores=[{"function": "measurement", "level": 2, "reason": "No survey data in the quarter"},
                {"function": "culture", "level": 3, "reason": ""}])  # the same as the self-score: accepted
    assert reviewed.status == Status.REVIEWED and reviewed.reviewed_by == users["analyst"]
    assert selectors.reviewer_levels(reviewed) == {"measurement": 2}
    # measurement 4 with no survey responses in the quarter: flagged and kept as the reviewer saw it
    assert [f["function"] for f in reviewed.flags_at_review] == ["measurement"]
    for write in (lambda: self_assessment_answer(actor=users["owner_a"], assessment=reviewed, answers=answers()),
                  lambda: self_assessment_submit(actor=users["owner_a"], assessment=reviewed),
                  lambda: self_assessment_review(actor=users["analyst"], assessment=reviewed, decision="returned",
                                                 comment="again"),
                  lambda: self_assessment_delete(actor=users["owner_a"], assessment=reviewed)):
        with pytest.raises(Conflict):
            write()
    assert PracticeAnswer.objects.filter(assessment=reviewed).count() == 5
    assert ReviewerScore.objects.get().reason == "No survey data in the quarter"


def test_returned_assessment_goes_back_to_the_authority(users, draft):
    assessment = submitted(users, draft)
    with pytest.raises(InvalidInput) as caught:
        self_assessment_review(actor=users["analyst"], assessment=assessment, decision="returned")
    assert caught.value.problems[0].field == "comment"
    with pytest.raises(InvalidInput):
        self_assessment_review(actor=users["analyst"], assessment=assessment, decision="approved", comment="x")
    returned = self_assessment_review(actor=users["analyst"], assessment=assessment, decision="returned",
                                      comment="Add links to the survey reports")
    assert returned.status == Status.RETURNED and not ReviewerScore.objects.exists()
    self_assessment_answer(actor=users["owner_a"], assessment=returned, answers=answers(governance=3))
    assert self_assessment_submit(actor=users["owner_a"], assessment=returned).status == Status.SUBMITTED


def test_only_a_draft_is_deleted(users, draft):
    with pytest.raises(NotFound):
        self_assessment_delete(actor=users["owner_b"], assessment=draft)
    self_assessment_delete(actor=users["owner_a"], assessment=draft)
    assert not SelfAssessment.objects.exists()


def test_practice_scores_are_the_mean_accepted_level_of_reviewed_assessments(users, reference_data, draft):
    reviewed = submitted(users, draft, measurement=4, culture=3, customer_research=3, service_design=2,
                         governance=3)
    self_assessment_review(actor=users["analyst"], assessment=reviewed, decision="reviewed",
                           scores=[{"function": "measurement", "level": 2, "reason": "no data"}])
    other = self_assessment_create(actor=users["owner_b"], organisation_id=reference_data["region"].pk,
                                   period=PERIOD)
    submitted_only = submitted({"owner_a": users["owner_b"]}, other)
    assert submitted_only.status == Status.SUBMITTED
    assert practice_scores(period=PERIOD) == {reference_data["ministry"].pk: (2 + 3 + 3 + 2 + 3) / 5}
    assert practice_scores(period="2026Q2") == {}
    with pytest.raises(Invalid):
        practice_scores(period="last quarter")


def test_evidence_counts_the_authoritys_own_records_in_the_window(users, reference_data, services, packs):
    quarter = parse_quarter(PERIOD)
    ministry = reference_data["ministry"].pk
    pack = next(iter(packs.values()))
    inside = timezone.make_aware(dt.datetime(2026, 8, 1, 12))
    for service, verdict, when in ((services["a"], "ready", inside), (services["a1"], "ready", inside),
                                   (services["b"], "ready", inside),
                                   (services["a"], "not_ready", inside - dt.timedelta(days=400))):
        Assessment.objects.create(service=service, pack=pack, stage="beta", verdict=verdict, evaluated_at=when)
    start, end = quarter.window(4)
    assert evidence.services_assessed(ministry, start, end) == 1.0  # svc-a1 belongs to the agency
    assert evidence.services_ready_at_launch(ministry, start, end) == 1.0
    assert evidence.feedback_responses(ministry, *quarter.window(1)) == 0.0
    assert evidence.lab_studies(ministry, start, end) == 0.0
    assert evidence.training_coverage(ministry, *quarter.window(1)) is None  # no roster: missing, not zero

    programme = Programme.objects.create(organisation=reference_data["ministry"], name="P",
                                         starts_on=dt.date(2025, 1, 1), deadline_on=dt.date(2028, 1, 1))
    course = Course.objects.create(programme=programme, code="c", name="C", kind="elearning", activity_id="x")
    Requirement.objects.create(programme=programme, position_category="specialist", course=course)
    for i, trained_on in enumerate([dt.date(2026, 5, 1), dt.date(2026, 11, 1), None, None]):
        Person.objects.create(programme=programme, organisation=reference_data["ministry"], person_key=f"p{i}",
                              position_category="specialist", started_on=dt.date(2024, 1, 1), trained_on=trained_on)
    assert evidence.training_coverage(ministry, *quarter.window(1)) == 0.25  # the November training is later
