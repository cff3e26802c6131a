"""The verdict rule (pure): every condition, its thresholds as parameters, and the reasons it lists."""

from __future__ import annotations

import pytest

from govcx.lab.verdict import FindingEvidence, TaskEvidence, Verdict, VerdictRule, decide


def task(key="pay", critical=True, successes=20, attempts=20, benchmark=0.78):
    return TaskEvidence(key, key.title(), critical, benchmark, successes, attempts)


def finding(severity, *, task_key="pay", is_open=True, title=None):
    return FindingEvidence(title or f"severity {severity}", severity, is_open, task_key)


def test_ready_when_nothing_fires():
    result = decide([task()], [finding(2)])
    assert result.verdict is Verdict.READY and result.reasons == ()


def test_severity_4_open_on_a_critical_task_blocks():
    result = decide([task()], [finding(4)])
    assert result.verdict is Verdict.NOT_READY
    assert [r.code for r in result.reasons] == ["blocking_finding_on_critical_task"]


def test_severity_4_on_a_non_critical_task_needs_adjustment_only():
    result = decide([task(), task("help", critical=False)], [finding(4, task_key="help")])
    assert result.verdict is Verdict.LAUNCH_WITH_ADJUSTMENTS


def test_fixed_findings_do_not_count():
    assert decide([task()], [finding(4, is_open=False), finding(3, is_open=False)]).verdict is Verdict.READY


def test_open_severity_3_means_launch_with_adjustments():
    result = decide([task()], [finding(3, task_key=None)])
    assert result.verdict is Verdict.LAUNCH_WITH_ADJUSTMENTS
    assert result.reasons[0].code == "open_major_finding"


def test_critical_task_lower_bound_below_benchmark_blocks():
    # 9/10 at 90 %: z = 1.6449, p̂adj = (9 + z²/2)/(10 + z²) = 0.8148, lower bound 0.8148 − z·√(p̂adj(1 − p̂adj)/ñ)
    # = 0.6356 < 0.78
    result = decide([task(successes=9, attempts=10)], [])
    assert result.verdict is Verdict.NOT_READY
    reason = result.reasons[0]
    assert reason.code == "critical_task_below_benchmark" and reason.lower_bound == pytest.approx(0.6356, abs=1e-4)
    assert "0.636" in reason.message and "0.780" in reason.message


def test_non_critical_task_below_benchmark_does_not_block():
    assert decide([task(), task("help", critical=False, successes=1, attempts=10)], []).verdict is Verdict.READY


def test_critical_task_without_attempts_blocks():
    result = decide([task(attempts=0, successes=0)], [])
    assert result.verdict is Verdict.NOT_READY and result.reasons[0].code == "critical_task_untested"


def test_all_reasons_are_listed_blocking_first():
    result = decide([task(successes=5, attempts=10)], [finding(3, title="minor"), finding(4, title="major")])
    assert [r.code for r in result.reasons] == [
        "critical_task_below_benchmark", "blocking_finding_on_critical_task", "open_major_finding"]


def test_thresholds_are_parameters():
    strict = VerdictRule(adjustment_severity=2)
    assert decide([task()], [finding(2)], strict).verdict is Verdict.LAUNCH_WITH_ADJUSTMENTS
    lenient = VerdictRule(blocking_severity=4, benchmark_override=0.5)
    assert decide([task(successes=9, attempts=10)], [], lenient).verdict is Verdict.READY
    # a lower confidence narrows the interval: 18/20 has lower bounds 0.7769 at 80 % and 0.7299 at 90 %
    near = [task(successes=18, attempts=20, benchmark=0.75)]
    assert decide(near, [], VerdictRule(confidence=0.80)).verdict is Verdict.READY
    assert decide(near, []).verdict is Verdict.NOT_READY


@pytest.mark.parametrize("bad", [{"blocking_severity": 5}, {"adjustment_severity": -1}, {"confidence": 1.0},
                                 {"benchmark_override": 1.5}])
def test_rule_rejects_impossible_thresholds(bad):
    with pytest.raises(ValueError):
        VerdictRule(**bad)
