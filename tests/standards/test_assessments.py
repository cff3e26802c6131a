"""Assessments through govcx.standards.services: automated checks, manual outcomes, scores, grades, launch
verdicts, re-assessment and comparison, adjustments, optimistic locking and the audit trail.

The model standard (zero_fifty_hundred, pass threshold 60, ru-letter grades) assesses a beta service for
citizens against the nine requirements of its "citizens" group:

  cit-once-only (gate, check)   cit-fully-online (check)   cit-deadline (gate, check, <= 15 working days)
  cit-feedback (check)          cit-public-information (2 checks)   cit-plain-language (audit check)
  cit-accessible (3 audit checks)   cit-proactive (check, weight 0.5)   cit-channels (2 checks)
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govcx.accounts.models import AuditEvent
from govcx.errors import Conflict, Forbidden, Invalid, NotFound
from govcx.registry.selectors import passport_dict
from govcx.registry.services import service_update
from govcx.standards.models import Adjustment, Assessment, OutcomeSource, RequirementOutcome
from govcx.standards.selectors import assessment_comparison
from govcx.standards.services import (
    adjustment_create,
    adjustment_set_status,
    assessment_create,
    assessment_rerun_checks,
    outcome_record,
)

pytestmark = pytest.mark.django_db


MODEL = "govcx-model-standard"
CITIZENS = [
    "cit-once-only", "cit-fully-online", "cit-deadline", "cit-feedback", "cit-public-information",
    "cit-plain-language", "cit-accessible", "cit-proactive", "cit-channels",
]
# Checked from the page audit: unknown until the service's pages have been audited.
AUDITED = ["cit-plain-language", "cit-accessible"]
MANUAL = "bus-single-window"  # a requirement with no automated check (recordable on any service)


@pytest.fixture
def model(packs):
    return packs[MODEL]


@pytest.fixture
def assess(users, services, model):
    def make(service_key: str = "a", actor: str | None = None, pack=None):
        services[service_key].refresh_from_db()  # as a request would read it
        actor = actor or ("assessor_b" if service_key == "b" else "assessor_a")  # each assesses in their scope
        return assessment_create(actor=users[actor], service=services[service_key], pack=pack or model)

    return make


def outcome(assessment: Assessment, requirement_id: str) -> RequirementOutcome:
    return RequirementOutcome.objects.get(assessment=assessment, requirement_id=requirement_id)


def record(users, assessment, requirement_id, *, actor=None, expected="current", **values):
    """Record an outcome as `actor` (by default an assessor of the service's authority), having read the current
    version unless `expected` says otherwise."""
    actor = actor or ("assessor_b" if assessment.service.code == "svc-b" else "assessor_a")
    if expected == "current":
        existing = RequirementOutcome.objects.filter(assessment=assessment, requirement_id=requirement_id).first()
        expected = existing.version if existing else None
    return outcome_record(actor=users[actor], assessment=assessment, requirement_id=requirement_id,
                          expected_version=expected, **values)


def reload(assessment: Assessment) -> Assessment:
    return Assessment.objects.get(pk=assessment.pk)


def gap_ids(assessment: Assessment, kind: str) -> list[str]:
    return [gap["requirement_id"] for gap in assessment.result[kind]]


# --- creation runs the passport checks ---------------------------------------------------------------------


def test_creating_an_assessment_runs_the_passport_checks(assess, services, model):
    assessment = assess("a")
    assert assessment.pack == model
    assert assessment.stage == "beta"  # the service's stage by default
    assert assessment.previous is None

    outcomes = {o.requirement_id: o for o in assessment.outcomes.all()}
    assert set(outcomes) == set(CITIZENS)  # every citizens' requirement has at least one check
    assert all(o.source == OutcomeSource.CHECK for o in outcomes.values())
    assert all(outcomes[r].status == "unknown" for r in AUDITED)  # no audit yet
    assert outcomes["cit-once-only"].status == "met"
    assert outcomes["cit-deadline"].status == "met"  # 10 working days <= 15
    assert outcomes["cit-proactive"].status == "not_met"  # no proactive channel
    assert outcomes["cit-once-only"].evidence_url == f"/registry/services/{services['a'].pk}/"
    assert [c["check"] for c in outcomes["cit-public-information"].checks_run] == [
        "passport.has_public_page", "passport.legal_basis"]
    # Business and civil-servant requirements do not apply to a citizens' service.
    assert not assessment.outcomes.filter(requirement_id__startswith="bus-").exists()


def test_once_only_not_met_when_a_requested_document_is_held_in_a_registry(assess):
    assessment = assess("b")
    once_only = outcome(assessment, "cit-once-only")
    assert once_only.status == "not_met"
    assert "Birth certificate (Civil registry)" in once_only.detail
    assert assessment.verdict == "not_ready"  # once-only is a gate
    assert "cit-once-only" in gap_ids(assessment, "blocking")


def test_first_result_of_a_good_passport(assess):
    assessment = assess("a")
    # Scored: 6 requirements met (weight 1 each) and cit-proactive not met (weight 0.5); the two audited
    # requirements are unknown and left out of the mean.
    assert assessment.score == pytest.approx(600 / 6.5)
    # 7 of 9 requirements assessed (78 %): below the 80 % a grade needs, so "А+" is only indicative
    assert assessment.grade == "" and assessment.result["indicative_grade"] == "А+"
    assert assessment.result["coverage"] == pytest.approx(7 / 9)
    assert assessment.verdict == "launch_with_adjustments"
    assert gap_ids(assessment, "blocking") == []
    assert gap_ids(assessment, "non_blocking") == ["cit-plain-language", "cit-accessible", "cit-proactive"]
    assert assessment.result["counts"] == {"met": 6, "not_met": 1, "unknown": 2, "not_applicable": 0,
                                           "applicable": 9}
    assert assessment.evaluated_at is not None


def test_the_stage_can_be_chosen(users, services, model):
    assessment = assessment_create(actor=users["assessor_a"], service=services["a"], pack=model, stage="live")
    assert assessment.stage == "live"


def test_a_role_without_assess_cannot_create(users, services, model):
    for role in ("viewer_a", "owner_a"):
        with pytest.raises(Forbidden):
            assessment_create(actor=users[role], service=services["a"], pack=model)
    assert not Assessment.objects.exists()


# --- manual outcomes: score, grade, verdict ----------------------------------------------------------------


def test_manual_outcomes_change_score_grade_and_verdict(users, assess):
    assessment = assess("a")
    before = assessment.score

    saved = record(users, assessment, "cit-proactive", rating=50)  # 50 < pass threshold 60: not met
    assert saved.status == "not_met" and saved.rating == 50
    assert saved.source == OutcomeSource.ASSESSOR
    assert saved.recorded_by == users["assessor_a"]
    assessment = reload(assessment)
    assert assessment.score == pytest.approx((600 + 0.5 * 50) / 6.5)
    assert assessment.score > before
    assert assessment.verdict == "launch_with_adjustments"

    record(users, assessment, "cit-public-information", rating=0)
    assessment = reload(assessment)
    assert assessment.score == pytest.approx((500 + 0.5 * 50) / 6.5)
    assert assessment.result["indicative_grade"] == "А"  # 80.8: ru-letter "А" runs from 80 to 90

    record(users, assessment, "cit-channels", rating=0)
    assessment = reload(assessment)
    assert assessment.score == pytest.approx((400 + 0.5 * 50) / 6.5)
    assert assessment.result["indicative_grade"] == "Б"  # 65.4: "Б" runs from 60 to 70
    record(users, assessment, "cit-accessible", status="met")
    assessment = reload(assessment)  # 8 of 9 assessed: graded
    assert assessment.grade == assessment.result["indicative_grade"] != ""


def test_a_rating_at_the_pass_threshold_or_above_is_met(users, assess, model):
    assert model.parsed.pass_threshold == 60
    assessment = assess("a")
    assert record(users, assessment, "cit-proactive", rating=100).status == "met"
    assert record(users, assessment, "cit-plain-language", rating="100").rating == 100  # form text → number


def test_status_without_rating(users, assess):
    assessment = assess("a")
    saved = record(users, assessment, "cit-plain-language", status="met", evidence_text="Tested with 8 users")
    assert saved.status == "met" and saved.rating is None
    assert saved.evidence_text == "Tested with 8 users"
    assert reload(assessment).result["counts"]["unknown"] == 1  # cit-accessible still waits for an audit


def test_gate_not_met_means_not_ready_and_is_blocking(users, assess):
    assessment = assess("a")
    record(users, assessment, "cit-deadline", status="not_met")
    assessment = reload(assessment)
    assert assessment.verdict == "not_ready"
    assert gap_ids(assessment, "blocking") == ["cit-deadline"]
    assert all(gap["gate"] for gap in assessment.result["blocking"])
    assert "cit-deadline" not in gap_ids(assessment, "non_blocking")


def test_only_non_gate_gaps_mean_launch_with_adjustments(users, assess):
    assessment = assess("a")
    record(users, assessment, "cit-plain-language", rating=100)
    record(users, assessment, "cit-accessible", rating=100)
    assessment = reload(assessment)
    assert assessment.verdict == "launch_with_adjustments"
    assert gap_ids(assessment, "blocking") == []
    assert gap_ids(assessment, "non_blocking") == ["cit-proactive"]


def test_everything_met_means_ready(users, assess):
    assessment = assess("a")
    record(users, assessment, "cit-plain-language", rating=100)
    record(users, assessment, "cit-accessible", rating=100)
    record(users, assessment, "cit-proactive", rating=100)
    assessment = reload(assessment)
    assert assessment.verdict == "ready"
    assert assessment.score == pytest.approx(100)
    assert assessment.grade == "А+"
    assert assessment.result["blocking"] == [] and assessment.result["non_blocking"] == []


def test_not_applicable_removes_a_requirement_from_the_gaps(users, assess):
    assessment = assess("a")
    record(users, assessment, "cit-plain-language", rating=100)
    record(users, assessment, "cit-accessible", rating=100)
    record(users, assessment, "cit-proactive", status="not_applicable")
    assessment = reload(assessment)
    assert assessment.verdict == "ready"
    assert assessment.result["counts"]["not_applicable"] == 1
    assert assessment.score == pytest.approx(100)


def test_an_assessor_can_overrule_a_failed_check(users, assess):
    assessment = assess("b")
    record(users, assessment, "cit-once-only", rating=100, evidence_text="The registry is queried instead")
    assessment = reload(assessment)
    assert "cit-once-only" not in gap_ids(assessment, "blocking")
    assert outcome(assessment, "cit-once-only").source == OutcomeSource.ASSESSOR


# --- invalid input ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("rating", [75, "75", "green", -50, 150, True])
def test_invalid_rating_for_the_scheme_names_the_value(users, assess, rating):
    assessment = assess("a")
    before = outcome(assessment, "cit-proactive")
    with pytest.raises(Invalid) as caught:
        record(users, assessment, "cit-proactive", rating=rating)
    assert repr(rating) in caught.value.message
    assert "zero_fifty_hundred" in caught.value.message
    assert caught.value.details[0]["field"] == "rating"
    after = outcome(assessment, "cit-proactive")
    assert (after.status, after.rating, after.version, after.source) == (
        before.status, before.rating, before.version, before.source)


def test_invalid_rating_on_a_met_not_met_pack(users, services, packs):
    assessment = assessment_create(actor=users["assessor_a"], service=services["a"], pack=packs["uk-service-standard"])
    with pytest.raises(Invalid, match="'green'"):
        record(users, assessment, "p01-understand-users", rating="green")
    assert record(users, assessment, "p01-understand-users", rating="met").status == "met"


def test_unknown_status_is_invalid(users, assess):
    assessment = assess("a")
    with pytest.raises(Invalid, match="status"):
        record(users, assessment, "cit-plain-language", status="maybe")
    with pytest.raises(Invalid):
        record(users, assessment, "cit-plain-language")  # neither status nor rating


def test_unknown_requirement_is_not_found(users, assess):
    assessment = assess("a")
    with pytest.raises(NotFound, match="no-such-requirement"):
        record(users, assessment, "no-such-requirement", status="met")


def test_viewer_cannot_record_outcomes(users, assess):
    assessment = assess("a")
    with pytest.raises(Forbidden):
        record(users, assessment, "cit-plain-language", actor="viewer_a", status="met")
    assert outcome(assessment, "cit-plain-language").source == OutcomeSource.CHECK  # unchanged


# --- optimistic locking -------------------------------------------------------------------------------------


def test_two_assessors_editing_the_same_outcome_second_gets_conflict(users, assess):
    assessment = assess("a")
    seen = outcome(assessment, "cit-proactive").version  # both assessors open the page at version N

    first = record(users, assessment, "cit-proactive", actor="assessor_a", expected=seen, rating=100,
                   evidence_text="first")
    assert first.version == seen + 1

    with pytest.raises(Conflict) as caught:
        record(users, assessment, "cit-proactive", actor="assessor_a2", expected=seen, rating=0,
               evidence_text="second")
    assert "assessor-a" in caught.value.message  # names who changed it
    assert caught.value.status == 409

    stored = outcome(assessment, "cit-proactive")
    assert (stored.rating, stored.status, stored.evidence_text) == (100, "met", "first")
    assert stored.recorded_by == users["assessor_a"]
    assert stored.version == seen + 1
    assert "cit-proactive" not in gap_ids(reload(assessment), "non_blocking")  # scored with the first one's 100

    # Having reloaded, the second assessor can save.
    again = record(users, assessment, "cit-proactive", actor="assessor_a2", expected=stored.version, rating=0)
    assert again.version == seen + 2 and again.recorded_by == users["assessor_a2"]


def test_two_assessors_creating_the_first_outcome_second_gets_conflict(users, assess):
    assessment = assess("a")
    assert not assessment.outcomes.filter(requirement_id=MANUAL).exists()
    record(users, assessment, MANUAL, actor="assessor_a", expected=None, rating=100)
    with pytest.raises(Conflict):
        record(users, assessment, MANUAL, actor="assessor_a2", expected=None, rating=0)
    stored = outcome(assessment, MANUAL)
    assert stored.rating == 100 and stored.recorded_by == users["assessor_a"]


def test_a_version_from_the_future_is_a_conflict_too(users, assess):
    assessment = assess("a")
    with pytest.raises(Conflict):
        record(users, assessment, "cit-proactive", expected=99, rating=100)


def test_conflicting_passport_edits(users, services, make_passport):
    service = services["a"]
    seen = service.version
    first = service_update(actor=users["owner_a"], service_id=service.pk, expected_version=seen,
                           passport=make_passport("svc-a", "min-a", name_en="First editor's name"))
    assert first.version == seen + 1

    with pytest.raises(Conflict) as caught:
        service_update(actor=users["admin"], service_id=service.pk, expected_version=seen,
                       passport=make_passport("svc-a", "min-a", name_en="Second editor's name", deadline_days=99))
    assert str(seen) in caught.value.message

    service.refresh_from_db()
    assert service.name_en == "First editor's name"
    assert service.deadline_days == 10
    assert service.version == seen + 1


def test_conflicting_adjustment_status_changes(users, assess):
    assessment = assess("a")
    adjustment = adjustment_create(actor=users["owner_a"], assessment=assessment, requirement_id="cit-proactive",
                                   action="Offer the service proactively", owner=users["owner_a"],
                                   due_date=later())
    seen = adjustment.version
    adjustment_set_status(actor=users["owner_a"], adjustment=adjustment, status="in_progress", expected_version=seen)
    with pytest.raises(Conflict):
        adjustment_set_status(actor=users["assessor_a"], adjustment=adjustment, status="done", expected_version=seen)
    adjustment.refresh_from_db()
    assert adjustment.status == "in_progress"
    assert adjustment.version == seen + 1


# --- re-running checks --------------------------------------------------------------------------------------


def test_rerunning_checks_never_overwrites_an_assessors_outcome(users, services, assess, make_passport):
    assessment = assess("b")
    record(users, assessment, "cit-once-only", rating=100, evidence_text="Obtained from the registry")
    record(users, assessment, "cit-plain-language", rating=50)

    # The passport changes so that the check results would differ.
    service = services["b"]
    service_update(actor=users["owner_b"], service_id=service.pk, expected_version=service.version,
                   passport=make_passport("svc-b", "region-b", feedback_url=None, documents=[
                       {"name_en": "Birth certificate", "held_in_registry": True}]))
    assessment = assessment_rerun_checks(actor=users["assessor_b"], assessment=reload(assessment))

    once_only = outcome(assessment, "cit-once-only")
    assert (once_only.source, once_only.status, once_only.rating) == (OutcomeSource.ASSESSOR, "met", 100)
    assert once_only.evidence_text == "Obtained from the registry"
    assert outcome(assessment, "cit-plain-language").rating == 50
    # Check outcomes do follow the passport.
    assert outcome(assessment, "cit-feedback").status == "not_met"
    assert reload(assessment).verdict == "launch_with_adjustments"


def test_rerunning_checks_picks_up_a_fixed_passport(users, services, assess, make_passport):
    assessment = assess("b")
    assert assessment.verdict == "not_ready"
    service = services["b"]
    service_update(actor=users["owner_b"], service_id=service.pk, expected_version=service.version,
                   passport=make_passport("svc-b", "region-b"))
    assessment = assessment_rerun_checks(actor=users["assessor_b"], assessment=reload(assessment))
    assert outcome(assessment, "cit-once-only").status == "met"
    assert reload(assessment).verdict == "launch_with_adjustments"
    assert reload(assessment).version == 2


# --- re-assessment and comparison --------------------------------------------------------------------------


def test_reassessment_links_previous_and_reports_fixed_gaps(users, services, assess, make_passport):
    first = assess("b", actor="assessor_b")
    assert assessment_comparison(first) is None

    service = services["b"]
    service_update(actor=users["owner_b"], service_id=service.pk, expected_version=service.version,
                   passport=make_passport("svc-b", "region-b", channels=["portal", "office", "proactive"]))
    second = assess("b", actor="assessor_b")
    assert second.previous == first

    comparison = assessment_comparison(second)
    assert comparison is not None
    assert comparison.fixed_gaps == ["cit-once-only", "cit-proactive"]
    assert comparison.new_gaps == []
    assert comparison.verdict_before == "not_ready"
    assert comparison.verdict_after == "launch_with_adjustments"
    assert comparison.score_after > comparison.score_before
    changes = {c.requirement_id: c for c in comparison.changes}
    assert (changes["cit-once-only"].before, changes["cit-once-only"].after) == (0.0, 100.0)
    assert changes["cit-once-only"].direction == "improved"
    assert changes["cit-feedback"].direction == "unchanged"

    third = assess("b", actor="assessor_b")
    assert third.previous == second  # the latest one, not the first


def test_reassessment_against_another_pack_has_no_previous(users, services, assess, packs):
    assess("a")
    other = assessment_create(actor=users["assessor_a"], service=services["a"], pack=packs["uk-service-standard"])
    assert other.previous is None


def test_comparison_reports_new_gaps(users, assess):
    first = assess("a")
    second = assess("a")
    record(users, second, "cit-deadline", status="not_met")
    comparison = assessment_comparison(reload(second))
    assert comparison.new_gaps == ["cit-deadline"]
    assert comparison.fixed_gaps == []
    assert comparison.verdict_before == first.verdict


# --- adjustments ------------------------------------------------------------------------------------------


def later(days: int = 60) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


def test_adjustment_create_and_progress(users, assess):
    assessment = assess("a")
    adjustment = adjustment_create(actor=users["owner_a"], assessment=assessment, requirement_id="cit-proactive",
                                   action="  Offer the service proactively ", owner=users["viewer_a"],
                                   due_date=later())
    assert (adjustment.status, adjustment.version) == ("open", 1)
    assert adjustment.action == "Offer the service proactively"
    assert (adjustment.owner, adjustment.owner_user) == ("viewer-a", users["viewer_a"])
    assert adjustment.created_by == users["owner_a"]
    assert list(assessment.adjustments.all()) == [adjustment]

    adjustment = adjustment_set_status(actor=users["owner_a"], adjustment=adjustment, status="in_progress",
                                       expected_version=1)
    assert (adjustment.status, adjustment.version) == ("in_progress", 2)
    adjustment = adjustment_set_status(actor=users["assessor_a"], adjustment=adjustment, status="done",
                                       expected_version=2)
    assert Adjustment.objects.get(pk=adjustment.pk).status == "done"


def test_adjustment_validation(users, assess):
    assessment = assess("a")
    with pytest.raises(Invalid) as caught:
        adjustment_create(actor=users["owner_a"], assessment=assessment, requirement_id="not-a-requirement",
                          action="x", owner=users["owner_a"], due_date=later())
    assert [(d["field"], "not-a-requirement" in d["message"]) for d in caught.value.details] == [
        ("requirement_id", True)]
    with pytest.raises(Invalid) as caught:
        adjustment_create(actor=users["owner_a"], assessment=assessment, requirement_id="cit-proactive",
                          action="  ", owner=users["owner_b"], due_date=timezone.localdate() - dt.timedelta(days=1))
    # every problem at once: the owner is of another authority, the due date has passed
    assert {d["field"] for d in caught.value.details} == {"action", "owner", "due_date"}
    inactive = users["assessor_a2"]
    inactive.is_active = False
    inactive.save()
    with pytest.raises(Invalid) as caught:
        adjustment_create(actor=users["owner_a"], assessment=assessment, requirement_id="cit-proactive",
                          action="x", owner=inactive, due_date=later())
    assert {d["field"] for d in caught.value.details} == {"owner"}
    adjustment = adjustment_create(actor=users["owner_a"], assessment=assessment, requirement_id="cit-proactive",
                                   action="x", owner=users["owner_a"], due_date=timezone.localdate())
    with pytest.raises(Invalid, match="status"):
        adjustment_set_status(actor=users["owner_a"], adjustment=adjustment, status="abandoned", expected_version=1)
    with pytest.raises(Forbidden):
        adjustment_create(actor=users["viewer_a"], assessment=assessment, requirement_id="cit-proactive",
                          action="x", owner=users["owner_a"], due_date=later())
    assert Adjustment.objects.count() == 1


# --- the audit trail --------------------------------------------------------------------------------------


def events(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)))


def test_every_change_writes_an_audit_event(users, services, assess, make_passport):
    assessment = assess("a")
    [created] = events(assessment)
    assert (created.actor, created.action) == (users["assessor_a"], "assessment.create")
    assert created.object_type == "standards.assessment"
    assert created.organisation == services["a"].owner
    assert created.changes["verdict"] == [None, "launch_with_adjustments"]

    saved = record(users, assessment, "cit-proactive", actor="assessor_a2", rating=100)
    [recorded] = events(saved)
    assert (recorded.actor, recorded.action, recorded.object_type) == (
        users["assessor_a2"], "outcome.record", "standards.requirementoutcome")
    assert recorded.changes["status"] == ["not_met", "met"]
    assert recorded.changes["requirement"] == "cit-proactive"

    assessment_rerun_checks(actor=users["analyst"], assessment=reload(assessment))
    assert [(e.actor, e.action) for e in events(assessment)] == [
        (users["analyst"], "assessment.rerun_checks"), (users["assessor_a"], "assessment.create")]

    adjustment = adjustment_create(actor=users["owner_a"], assessment=assessment, requirement_id="cit-plain-language",
                                   action="Test the forms with users", owner=users["owner_a"],
                                   due_date=later())
    adjustment_set_status(actor=users["assessor_a"], adjustment=adjustment, status="done", expected_version=1)
    assert [(e.actor, e.action, e.changes.get("status")) for e in events(adjustment)] == [
        (users["assessor_a"], "adjustment.set_status", ["open", "done"]),
        (users["owner_a"], "adjustment.create", None),
    ]

    service = services["a"]
    service_update(actor=users["owner_a"], service_id=service.pk, expected_version=service.version,
                   passport=make_passport("svc-a", "min-a", deadline_days=5))
    latest = events(service)[0]
    assert (latest.actor, latest.action) == (users["owner_a"], "service.update")
    assert latest.changes == {"deadline_days": [10, 5]}


def test_refused_changes_write_no_audit_event(users, assess):
    assessment = assess("a")
    count = AuditEvent.objects.count()
    seen = outcome(assessment, "cit-proactive").version
    record(users, assessment, "cit-proactive", expected=seen, rating=100)
    with pytest.raises(Conflict):
        record(users, assessment, "cit-proactive", actor="assessor_a2", expected=seen, rating=0)
    with pytest.raises(Invalid):
        record(users, assessment, "cit-proactive", rating=75)
    assert AuditEvent.objects.count() == count + 1


def test_passport_dict_round_trips_what_was_saved(services):
    data = passport_dict(services["b"])
    assert data["documents"][0]["held_in_registry"] is True
    assert data["owner"] == "region-b"


# --- new evidence re-evaluates; a contradicted manual outcome is a conflict ----------------------------------


def _audit_finished(service, **violations):
    from govcx.audit.models import AuditRun, RunStatus

    return AuditRun.objects.create(service=service, status=RunStatus.DONE, finished_at=timezone.now(),
                                   summary={"violations": violations, "pages": 1})


def test_a_finished_audit_re_evaluates_the_current_assessment(services, assess):
    from govcx.standards.services import assessments_recheck

    older = assess("a")
    current = assess("a")
    assert current.result["counts"]["unknown"] == 2  # not audited yet
    _audit_finished(services["a"], critical=3)
    changed = assessments_recheck(service=services["a"], check_prefix="audit.")
    assert [a.pk for a in changed] == [current.pk]  # the older assessment keeps the evidence of its time
    outcome = RequirementOutcome.objects.get(assessment=current, requirement_id="cit-accessible")
    assert outcome.status == "not_met" and outcome.source == OutcomeSource.CHECK
    assert "critical: 3" in outcome.measured_value
    assert reload(current).result["counts"]["unknown"] < 2
    assert reload(older).result["counts"]["unknown"] == 2


def test_the_audit_schedules_the_re_evaluation_on_commit(services, assess, django_capture_on_commit_callbacks):
    from govcx.audit.models import AuditRun
    from govcx.audit.services import _store

    current = assess("a")
    run = AuditRun.objects.create(service=services["a"], targets=["https://example.org/"])
    with django_capture_on_commit_callbacks(execute=True):
        _store(run, [])
    assert AuditRun.objects.get(pk=run.pk).status == "done"
    assert RequirementOutcome.objects.get(assessment=current, requirement_id="cit-accessible").checks_run


def test_a_manual_outcome_the_check_now_contradicts_is_a_conflict_until_resolved(users, services, assess, client_for):
    from govcx.standards.services import assessments_recheck

    assessment = assess("a")
    record(users, assessment, "cit-accessible", status="met", evidence_text="checked by hand in March")
    assessment = reload(assessment)
    assert "cit-accessible" not in gap_ids(assessment, "non_blocking")
    _audit_finished(services["a"], critical=2)
    assessments_recheck(service=services["a"], check_prefix="audit.")
    outcome = RequirementOutcome.objects.get(assessment=assessment, requirement_id="cit-accessible")
    assert outcome.status == "met" and outcome.check_status == "not_met" and outcome.in_conflict
    assessment = reload(assessment)
    assert "cit-accessible" in gap_ids(assessment, "non_blocking")  # counts as unknown: the old note does not win
    page = client_for(users["assessor_a"]).get(f"/standards/assessments/{assessment.pk}/").content.decode()
    assert "Conflicts to resolve" in page and "the automated check now finds" in page
    # The assessor decides, having seen the check: an informed override, no longer a conflict.
    record(users, assessment, "cit-accessible", status="met", evidence_text="the violations are in a test page")
    outcome.refresh_from_db()
    assert not outcome.in_conflict and outcome.check_seen == "not_met"
    assert "cit-accessible" not in gap_ids(reload(assessment), "non_blocking")
