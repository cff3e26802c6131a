"""The study analysis (pure): per-task figures, SUS and UMUX-Lite, findings ranking and matrix, planning figures,
the verdict, and the comparison of a re-test. Property tests (hypothesis) for invariants."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from govcx.common.stats import adjusted_wald
from govcx.lab import metrics
from govcx.lab.analysis import AttemptInput, FindingInput, StudyInput, TaskInput, analyse, compare

TASKS = (TaskInput("find", "Find the form", critical_path=True), TaskInput("help", "Read help"))


def attempts(key, outcomes_and_times, start=1):
    return [AttemptInput(f"P{i:02d}", key, outcome, seconds, errors=i % 2, seq=6)
            for i, (outcome, seconds) in enumerate(outcomes_and_times, start=start)]


def test_task_figures_reuse_the_published_methods():
    times = [40.0, 50.0, 35.0, 90.0, 60.0]
    rows = attempts("find", [("success", t) for t in times[:4]] + [("failure", times[4])])
    result = analyse(StudyInput(tasks=TASKS, attempts=rows))
    find = result.task("find")
    assert (find.attempts, find.successes) == (5, 4)
    assert find.completion == adjusted_wald(4, 5, 0.95)
    assert (find.point_estimate, find.point_method) == metrics.completion_point_estimate(4, 5)
    assert find.benchmark_test == metrics.compare_with_benchmark(4, 5, 0.78, 0.90)
    # successful attempts only, by default: the failure's 60 s is left out
    assert find.time.n == 4 and find.time.estimate == pytest.approx(math.exp(sum(map(math.log, times[:4])) / 4))
    assert find.times == tuple(times[:4])
    assert find.errors_mean == pytest.approx(3 / 5)
    assert result.task("help").attempts == 0 and result.task("help").completion is None


def test_failed_times_are_included_when_the_study_says_so():
    rows = attempts("find", [("success", 40.0), ("failure", 90.0), ("success", 50.0)])
    assert analyse(StudyInput(tasks=TASKS, attempts=rows, include_failed_times=True)).task("find").time.n == 3
    assert analyse(StudyInput(tasks=TASKS, attempts=rows)).task("find").time.n == 2


def test_sus_umux_and_flagged_patterns():
    sus = [("P01", [4, 2, 4, 2, 4, 2, 4, 2, 4, 2]), ("P02", [3] * 10), ("P03", [5, 1, 5, 1, 5, 1, 5, 1, 5, 1])]
    result = analyse(StudyInput(tasks=TASKS, attempts=[], sus=sus, umux_lite=[("P01", [6, 7]), ("P02", [5, 5])]))
    assert result.sus.mean == pytest.approx((75 + 50 + 100) / 3)
    assert result.sus_flagged == ("P02",)
    assert result.umux_lite.mean == pytest.approx((metrics.umux_lite(6, 7) + metrics.umux_lite(5, 5)) / 2)
    assert result.umux_lite.sus_equivalent == pytest.approx(0.65 * result.umux_lite.mean + 22.9)


def test_findings_are_ranked_by_severity_times_affected_share():
    rows = attempts("find", [("success", 30.0)] * 4)
    findings = [FindingInput(1, "Cosmetic but everywhere", 1, participants=frozenset({"P01", "P02", "P03", "P04"})),
                FindingInput(2, "Blocks payment", 4, task_key="find", participants=frozenset({"P01"})),
                FindingInput(3, "Confusing label", 3, participants=frozenset({"P02", "P03"}))]
    result = analyse(StudyInput(tasks=TASKS, attempts=rows, findings=findings))
    # ties go to the more severe finding
    assert [(f.id, f.priority) for f in result.findings] == [(3, 1.5), (2, 1.0), (1, 1.0)]
    assert result.matrix[0] == ("P01", (False, True, True))
    assert result.verdict.verdict.value == "not_ready"


def test_planning_figures():
    result = analyse(StudyInput(tasks=TASKS, attempts=attempts("find", [("success", 10.0)] * 5)))
    assert result.planning.participants == 5
    assert result.planning.discovery_at_n == pytest.approx(1 - 0.69**5)
    assert result.planning.n_for_goal == metrics.sample_size_for_discovery(0.31, 0.85) == 6
    assert result.planning.n_for_margin == metrics.sample_size_for_completion_margin(0.15, 0.90)


def test_comparison_of_a_retest():
    tasks = (TaskInput("find", "Find the form", critical_path=True, benchmark=0.5), TASKS[1])
    before = analyse(StudyInput(
        tasks=tasks, attempts=attempts("find", [("success", 60.0)] * 3 + [("failure", 90.0)] * 2),
        sus=[("P01", [3] * 10), ("P02", [4, 2] * 5)],
        findings=[FindingInput(1, "Hidden button", 4, task_key="find"), FindingInput(2, "Long form", 3)]))
    after = analyse(StudyInput(
        tasks=tasks, attempts=attempts("find", [("success", 30.0)] * 5),
        sus=[("P01", [4, 2] * 5), ("P02", [5, 1] * 5)],
        findings=[FindingInput(7, "long  FORM", 2), FindingInput(8, "Date picker", 2)]))
    change = compare(before, after)
    find = change.tasks[0]
    assert (find.completion_before, find.completion_after) == (0.6, 1.0)
    assert find.completion_change == pytest.approx(0.4) and find.time_ratio == pytest.approx(0.5)
    assert change.sus_change == pytest.approx(87.5 - 62.5)
    assert change.findings_fixed == ("Hidden button",)
    assert change.findings_persisting == ("Long form",) and change.findings_new == ("Date picker",)
    assert (change.verdict_before, change.verdict_after) == ("not_ready", "ready")


# ---- properties ---------------------------------------------------------------------------------------------

outcomes = st.sampled_from(["success", "partial", "failure", "abandoned"])
seconds = st.floats(min_value=0.5, max_value=3600, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(outcomes, seconds), min_size=1, max_size=40))
def test_intervals_contain_their_points_and_stay_in_range(rows):
    find = analyse(StudyInput(tasks=TASKS, attempts=attempts("find", rows))).task("find")
    assert 0.0 <= find.completion.low <= find.completion.point <= find.completion.high <= 1.0
    assert 0.0 <= find.point_estimate <= 1.0
    assert find.completion.low <= find.successes / find.attempts <= find.completion.high
    if find.time is not None:
        assert find.time.low <= find.time.estimate <= find.time.high


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=30), st.data())
def test_more_successes_never_lower_the_bound_or_worsen_the_verdict(n, data):
    successes = data.draw(st.integers(min_value=0, max_value=n - 1))
    order = {"not_ready": 0, "launch_with_adjustments": 1, "ready": 2}

    def run(x):
        rows = attempts("find", [("success", 10.0)] * x + [("failure", 10.0)] * (n - x))
        return analyse(StudyInput(tasks=TASKS, attempts=rows))

    worse, better = run(successes), run(successes + 1)
    assert better.task("find").completion.low >= worse.task("find").completion.low
    assert order[better.verdict.verdict.value] >= order[worse.verdict.verdict.value]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.integers(1, 5), min_size=10, max_size=10), min_size=2, max_size=20))
def test_sus_mean_interval_contains_the_mean_within_0_100(answers):
    result = analyse(StudyInput(tasks=TASKS, attempts=[], sus=[(f"P{i}", a) for i, a in enumerate(answers)]))
    assert 0.0 <= result.sus.interval.low <= result.sus.mean <= result.sus.interval.high <= 100.0


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.sets(st.sampled_from(["P01", "P02", "P03"]))), max_size=8))
def test_priorities_are_sorted_and_bounded_by_severity(specs):
    rows = attempts("find", [("success", 5.0)] * 3)
    findings = [FindingInput(i, f"f{i}", sev, participants=frozenset(who)) for i, (sev, who) in enumerate(specs)]
    ranked = analyse(StudyInput(tasks=TASKS, attempts=rows, findings=findings)).findings
    assert [f.priority for f in ranked] == sorted((f.priority for f in ranked), reverse=True)
    assert all(0.0 <= f.priority <= f.severity for f in ranked)
