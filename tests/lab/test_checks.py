"""The lab's checks in the standards registry, run inside an assessment against the model pack."""

from __future__ import annotations

import pytest

from govcx.lab.services import finding as finding_services
from govcx.lab.services import study as study_services
from govcx.standards.checks import CHECKS, CheckContext, param_errors, run_check
from govcx.standards.scoring import OutcomeStatus
from govcx.standards.selectors import service_facts
from govcx.standards.services import assessment_create

GOOD_SUS = [5, 1, 5, 1, 5, 1, 4, 2, 5, 1]
REQUIREMENT = "cit-tested-with-users"


def finish_study(study, researcher, run_session, *, successes, failures=0, sus=GOOD_SUS):
    for _ in range(successes):
        run_session(study, researcher, {"find": ("success", 30.0), "apply": ("success", 50.0)}, sus=sus)
    for _ in range(failures):
        run_session(study, researcher, {"find": ("failure", 90.0), "apply": ("success", 50.0)}, sus=sus)
    return study_services.study_close(actor=researcher, study=study)


def outcome(users, service, packs):
    assessment = assessment_create(actor=users["assessor_a"], service=service, pack=packs["govcx-model-standard"],
                                   stage="live")
    return assessment.outcomes.get(requirement_id=REQUIREMENT)


def test_the_checks_are_registered_with_their_parameters():
    assert {"lab.verdict", "lab.critical_completion", "lab.sus", "lab.no_open_findings"} <= set(CHECKS)
    assert param_errors("lab.critical_completion", {"min_rate": 0.78, "confidence": 0.9}) == []
    assert param_errors("lab.sus", {"min_score": "68"})


def test_without_a_closed_study_the_requirement_is_unknown(users, services, packs, study):
    result = outcome(users, services["a"], packs)
    assert result.status == OutcomeStatus.UNKNOWN and "no closed usability study" in result.detail


def test_a_ready_study_meets_the_requirement(users, services, packs, study, researchers, run_session):
    study_services.task_update(actor=researchers["lab"], task=study.tasks.get(key="find"), benchmark_completion="0.7")
    study_services.task_update(actor=researchers["lab"], task=study.tasks.get(key="apply"), benchmark_completion="0.7")
    closed = finish_study(study, researchers["lab"], run_session, successes=12)
    assert closed.verdict == "ready"
    result = outcome(users, services["a"], packs)
    # 12/12 at 90 %: p̂adj = (12 + z²/2)/(12 + z²) = 0.9080, lower bound 0.7840 ≥ 0.78 for both critical tasks;
    # SUS: odd items 4+4+4+3+4, even items 4+4+4+3+4 → 38 × 2.5 = 95
    assert result.status == OutcomeStatus.MET, (result.measured_value, result.detail)
    assert "find: 0.784" in result.measured_value and "SUS 95.0" in result.measured_value
    assert [c["check"] for c in result.checks_run] == [
        "lab.verdict", "lab.critical_completion", "lab.sus", "lab.no_open_findings"]


def test_each_check_can_fail_alone(users, services, packs, study, researchers, run_session):
    finish_study(study, researchers["lab"], run_session, successes=8, failures=2, sus=[3] * 10)
    finding_services.finding_create(actor=researchers["lab"], study=study, title="Payment fails on phones", severity=4,
                                    task=study.tasks.get(key="apply"))
    facts = service_facts(services["a"])
    statuses = {name: run_check(name, CheckContext(service=facts, params=params)).status for name, params in [
        ("lab.verdict", {}), ("lab.critical_completion", {}), ("lab.sus", {"min_score": 68.0}),
        ("lab.no_open_findings", {"min_severity": 4})]}
    assert set(statuses.values()) == {OutcomeStatus.NOT_MET}
    assert run_check("lab.sus", CheckContext(service=facts, params={"min_score": 40.0})).status == OutcomeStatus.MET
    assert outcome(users, services["a"], packs).status == OutcomeStatus.NOT_MET


@pytest.mark.parametrize(("params", "expected"), [
    ({}, OutcomeStatus.NOT_MET),
    ({"accept_adjustments": True}, OutcomeStatus.MET),
    ({"adjustment_severity": 4}, OutcomeStatus.MET),
])
def test_the_pack_sets_the_verdict_thresholds(services, study, researchers, run_session, params, expected):
    for key in ("find", "apply"):
        study_services.task_update(actor=researchers["lab"], task=study.tasks.get(key=key), benchmark_completion="0.5")
    finish_study(study, researchers["lab"], run_session, successes=6)
    finding_services.finding_create(actor=researchers["lab"], study=study, title="Unclear fee", severity=3)
    result = run_check("lab.verdict", CheckContext(service=service_facts(services["a"]), params=params))
    assert result.status == expected, result.detail
