"""Usability-lab statistics: published worked examples, hand-derived values, and properties.

Every literal below is derived in the comment next to it (by hand from the published formula, or from a
published table), never copied from the implementation's output.
"""

from __future__ import annotations

import ast
import math
import statistics
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcx.common import stats as cs
from govcx.lab import metrics as m

Z95 = 1.959963984540054  # Φ⁻¹(0.975)
Z90 = 1.6448536269514722  # Φ⁻¹(0.95)


def test_module_is_free_of_django():
    path = Path(m.__file__)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert not [n for n in names if n.split(".")[0] in {"django", "ninja", "django_htmx", "scipy"}]


# --- distributions -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        # Published Student-t table values (any statistics text, e.g. Sauro & Lewis 2016, Appendix).
        (0.975, 9, 2.2622),
        (0.975, 4, 2.7764),
        (0.95, 1, 6.3138),
        (0.995, 2, 9.9248),
        (0.975, 29, 2.0452),
        (0.95, 24, 1.7109),
    ],
)
def test_t_quantile_matches_published_table(p, df, expected):
    assert round(cs.t_quantile(p, df), 4) == expected


def test_t_quantile_is_symmetric_and_tends_to_z():
    assert cs.t_quantile(0.025, 9) == pytest.approx(-cs.t_quantile(0.975, 9))
    assert cs.t_quantile(0.975, 100_000) == pytest.approx(Z95, abs=1e-4)


def test_z_full_precision():
    assert cs.z_two_sided(0.95) == pytest.approx(Z95, abs=1e-12)
    assert cs.z_two_sided(0.90) == pytest.approx(Z90, abs=1e-12)


# --- completion rates ----------------------------------------------------------------------------------------


def test_adjusted_wald_7_of_10():
    # Sauro & Lewis (2016) ch. 3 / Agresti & Coull (1998): z² = 3.841459, ñ = 10 + 3.841459 = 13.841459,
    # p̂adj = (7 + 1.920729)/13.841459 = 0.644493, se = √(0.644493·0.355507/13.841459) = 0.128661,
    # margin = 1.959964·0.128661 = 0.252171 → (0.3923, 0.8967). (The book, with z rounded to 1.96, reports
    # roughly 39 % to 90 %.)
    ci = cs.adjusted_wald(7, 10)
    assert round(ci.point, 4) == 0.6445
    assert round(ci.low, 4) == 0.3923
    assert round(ci.high, 4) == 0.8967
    assert ci.method == "adjusted-wald"


def test_adjusted_wald_clips_but_keeps_raw_bounds():
    # 10/10: p̂adj = 11.920729/13.841459 = 0.861234, p̂adj(1 − p̂adj) = 0.119510, /13.841459 = 0.0086342,
    # √ = 0.0929204, margin = 1.959964·0.0929204 = 0.182121 → raw high 1.043355 > 1, clipped to 1.
    ci = cs.adjusted_wald(10, 10)
    assert ci.high == 1.0
    assert round(ci.high_raw, 4) == 1.0434
    assert round(ci.low, 4) == 0.6791  # 0.861234 − 0.182121 = 0.679113
    assert cs.adjusted_wald(0, 10).low == 0.0
    assert cs.adjusted_wald(0, 10).low_raw < 0


@pytest.mark.parametrize(
    ("x", "n", "estimate", "method"),
    [
        # Lewis & Sauro (2006) rule, Sauro & Lewis (2016) ch. 3.
        (3, 10, 0.3555, "wilson"),  # (3 + 1.920729)/13.841459 = 0.355506
        (5, 10, 0.5, "wilson"),  # p = 0.5 exactly → Wilson; (5 + z²/2)/(10 + z²) = 0.5 by symmetry
        (7, 10, 0.7, "mle"),  # 0.5 < 0.7 < 0.9 → x/n
        (6, 11, 0.5455, "mle"),  # 6/11 = 0.545454…
        (9, 10, 0.8333, "laplace"),  # p = 0.9 exactly → Laplace (9 + 1)/(10 + 2) = 0.833333
        (27, 30, 0.875, "laplace"),  # 27/30 = 0.9 exactly → (27 + 1)/32 = 0.875
        (10, 10, 0.9167, "laplace"),  # the paper's headline case: 100 % observed → 11/12 = 0.916667
        (0, 5, 0.2172, "wilson"),  # 1.920729/8.841459 = 0.217241
    ],
)
def test_completion_point_estimate_rule(x, n, estimate, method):
    value, used = m.completion_point_estimate(x, n)
    assert used == method
    assert round(value, 4) == round(estimate, 4)


def test_benchmark_9_of_10_against_70_percent():
    # Exact binomial, computed in rational arithmetic: P(X = 10) = 0.7¹⁰ = 0.0282475249,
    # P(X = 9) = 10·0.7⁹·0.3 = 0.121060821 → P(X ≥ 9) = 0.1493083459, mid-p = 0.0282475249 + 0.0605304105
    # = 0.0887779354 (Sauro & Lewis 2016, ch. 4: small-sample test against a benchmark).
    p = Fraction(7, 10)
    at_9 = 10 * p**9 * (1 - p)
    at_10 = p**10
    result = m.compare_with_benchmark(9, 10, 0.7)
    assert result.exact_p == pytest.approx(float(at_9 + at_10), abs=1e-12)
    assert result.mid_p == pytest.approx(float(at_9 / 2 + at_10), abs=1e-12)
    assert round(result.exact_p, 4) == 0.1493
    assert round(result.mid_p, 4) == 0.0888
    # 90 % adjusted Wald: z² = 2.705543, p̂adj = 10.352772/12.705543 = 0.814824,
    # margin = 1.644854·√(0.814824·0.185176/12.705543) = 0.179248 → lower bound 0.635576 < 0.70.
    assert round(result.lower_bound, 4) == 0.6356
    assert result.meets is False


def test_benchmark_met_by_a_large_sample():
    # 95/100 at 90 %: p̂adj = 96.352772/102.705543 = 0.938147, margin = 1.644854·√(0.938147·0.061853/102.705543)
    # = 0.039096 → lower bound 0.899051 > 0.8.
    result = m.compare_with_benchmark(95, 100, 0.8)
    assert round(result.lower_bound, 3) == 0.899
    assert result.meets is True
    assert result.exact_p < 0.001


# --- task times ----------------------------------------------------------------------------------------------


def test_task_time_small_sample_uses_geometric_mean_and_log_t_interval():
    times = [94, 95, 96, 113, 121, 132, 190, 193, 255, 298]
    summary = m.task_time_summary(times)
    logs = [math.log(t) for t in times]
    mean, sd = statistics.fmean(logs), statistics.stdev(logs)
    margin = 2.262157 * sd / math.sqrt(10)  # t(0.975, 9) from the published table
    assert summary.method == "geometric_mean"
    assert summary.estimate == pytest.approx(statistics.geometric_mean(times))
    assert summary.low == pytest.approx(math.exp(mean - margin), rel=1e-6)
    assert summary.high == pytest.approx(math.exp(mean + margin), rel=1e-6)
    assert summary.arithmetic_mean == pytest.approx(158.7)


def test_task_time_excludes_failed_attempts_by_default():
    times = [10, 20, 30, 1000]
    flags = [True, True, True, False]
    summary = m.task_time_summary(times, successes=flags)
    assert summary.n == 3 and summary.excluded_failed == 1
    assert summary.estimate == pytest.approx((10 * 20 * 30) ** (1 / 3))
    assert m.task_time_summary(times, successes=flags, include_failed=True).n == 4
    assert m.task_time_summary(times).n == 4


def test_task_time_large_sample_uses_median_with_order_statistics():
    # n = 25, 95 %: P(B ≤ 7 | 25, ½) = 0.0216 ≤ 0.025 < P(B ≤ 8) = 0.0539 → ranks 8 and 18 (published tables of
    # distribution-free median CIs; also Sauro & Lewis' normal approximation 12.5 ± 1.96·2.5 = 7.6…17.4 → 8, 18).
    times = list(range(1, 26))
    summary = m.task_time_summary(times)
    assert summary.method == "median"
    assert summary.estimate == 13
    assert (summary.low, summary.high) == (8, 18)
    # n = 100, 95 %: the standard table gives ranks 40 and 61.
    assert m.median_rank_interval(100) == (40, 61)


def test_task_time_rejects_non_positive_times():
    with pytest.raises(ValueError):
        m.task_time_summary([1.0, 0.0, 2.0])


# --- SUS -----------------------------------------------------------------------------------------------------


def test_sus_score_of_a_known_respondent():
    # Brooke (1996): odd items r − 1, even items 5 − r, × 2.5.
    # Answers 4,2,4,1,5,2,4,1,4,2 → odd: 3+3+4+3+3 = 16, even: 3+4+3+4+3 = 17 → 33 × 2.5 = 82.5.
    assert m.sus_score([4, 2, 4, 1, 5, 2, 4, 1, 4, 2]) == 82.5
    assert m.sus_score([5, 1] * 5) == 100.0
    assert m.sus_score([1, 5] * 5) == 0.0
    assert m.sus_score([3] * 10) == 50.0


@pytest.mark.parametrize("answers", [[3] * 9, [3] * 11, [0] + [3] * 9, [6] + [3] * 9])
def test_sus_score_rejects_bad_answers(answers):
    with pytest.raises(ValueError):
        m.sus_score(answers)


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        # Sauro & Lewis (2016) Table 8.6 boundaries.
        (100, "A+"),
        (84.1, "A+"),
        (84.0, "A"),
        (80.8, "A"),
        (80.7, "A-"),
        (78.9, "A-"),
        (78.8, "B+"),
        (77.2, "B+"),
        (77.1, "B"),
        (74.1, "B"),
        (74.0, "B-"),
        (72.6, "B-"),
        (72.5, "C+"),
        (71.1, "C+"),
        (71.0, "C"),
        (68.0, "C"),
        (65.0, "C"),
        (64.9, "C-"),
        (62.7, "C-"),
        (62.6, "D"),
        (51.7, "D"),
        (51.6, "F"),
        (0, "F"),
    ],
)
def test_sus_grade_boundaries(score, grade):
    assert m.sus_grade(score) == grade


@pytest.mark.parametrize(
    ("score", "percentile"),
    [(68.0, 50.0), (62.7, 35.0), (72.6, 65.0), (78.9, 85.0), (51.7, 15.0), (84.1, 96.0), (100.0, 100.0), (0.0, 0.0)],
)
def test_sus_percentile_rank_from_table(score, percentile):
    assert m.sus_percentile_rank(score) == pytest.approx(percentile)


def test_sus_percentile_rank_interpolates():
    # Between (65.0, 41) and (68.0, 50): 66.5 → 45.5.
    assert m.sus_percentile_rank(66.5) == pytest.approx(45.5)


def test_sus_percentile_normal_approximation():
    # Φ(0) = 0.5; (80.5 − 68)/12.5 = 1 → Φ(1) = 0.841345.
    assert m.sus_percentile_normal(68) == pytest.approx(50.0)
    assert round(m.sus_percentile_normal(80.5), 2) == 84.13


@pytest.mark.parametrize(
    ("score", "label"),
    [(49.9, "not acceptable"), (50.0, "marginal"), (70.0, "marginal"), (70.1, "acceptable")],
)
def test_sus_acceptability(score, label):
    assert m.sus_acceptability(score) == label


@pytest.mark.parametrize(
    ("score", "adjective"),
    [
        # Bangor, Kortum & Miller (2009) adjective means; nearest mean at or below.
        (5.0, "worst imaginable"),
        (12.5, "worst imaginable"),
        (20.3, "awful"),
        (35.7, "poor"),
        (50.9, "OK"),
        (71.3, "OK"),
        (71.4, "good"),
        (85.5, "excellent"),
        (90.9, "best imaginable"),
    ],
)
def test_sus_adjective(score, adjective):
    assert m.sus_adjective(score) == adjective


def test_sus_summary():
    responses = [
        [4, 2, 4, 1, 5, 2, 4, 1, 4, 2],  # 82.5
        [3, 3, 3, 3, 3, 3, 3, 3, 3, 3],  # 50.0, straight-lined
        [5, 1, 5, 1, 5, 1, 5, 1, 5, 1],  # 100.0
        [4, 2, 4, 2, 4, 2, 4, 2, 4, 2],  # 75.0
    ]
    summary = m.sus_summary(responses)
    assert summary.scores == (82.5, 50.0, 100.0, 75.0)
    assert summary.mean == pytest.approx(76.875)
    sd = statistics.stdev([82.5, 50.0, 100.0, 75.0])
    margin = 3.182446 * sd / 2  # t(0.975, 3) = 3.1824 (published table), √4 = 2
    assert summary.interval.low_raw == pytest.approx(76.875 - margin, rel=1e-6)
    assert summary.interval.high == 100.0  # 76.875 + 33.0 > 100 → clipped
    assert summary.interval.high_raw == pytest.approx(76.875 + margin, rel=1e-6)
    assert summary.grade == "B"
    assert summary.acceptability == "acceptable"
    assert summary.adjective == "good"
    assert summary.identical_answer_respondents == (1,)
    # 76.875 between (74.1, 70) and (77.1, 79): 70 + 9·2.775/3 = 78.325.
    assert summary.percentile_rank == pytest.approx(78.325)


# --- UMUX-Lite and SEQ ---------------------------------------------------------------------------------------


def test_umux_lite_and_regression():
    # Lewis, Utesch & Maher (2013): ((i1 − 1) + (i2 − 1))/12 × 100; SUS ≈ 0.65·UMUX-Lite + 22.9.
    assert m.umux_lite(7, 7) == 100.0
    assert m.umux_lite(1, 1) == 0.0
    assert m.umux_lite(4, 5) == pytest.approx(58.3333, abs=1e-4)  # 7/12 × 100
    assert m.umux_lite_to_sus(100.0) == pytest.approx(87.9)
    assert m.umux_lite_to_sus(0.0) == pytest.approx(22.9)
    assert m.umux_lite_to_sus(m.umux_lite(4, 5)) == pytest.approx(60.8167, abs=1e-4)  # 0.65·58.3333 + 22.9
    with pytest.raises(ValueError):
        m.umux_lite(0, 8)


def test_seq_summary_positions():
    # 7,7,6,7,6: mean 6.6, s = √0.3 = 0.547723, t(0.975, 4) = 2.776445 → margin 0.680087 → (5.9199, 7.2801)
    high = m.seq_summary([7, 7, 6, 7, 6])
    assert high.mean == pytest.approx(6.6)
    assert round(high.interval.low, 4) == 5.9199
    assert high.interval.high == 7.0 and round(high.interval.high_raw, 4) == 7.2801
    assert high.position == "above"
    assert m.seq_summary([2, 3, 2, 3, 2]).position == "below"
    assert m.seq_summary([4, 7, 5, 6, 5]).position == "straddles"


# --- discovery, sample size, priority ------------------------------------------------------------------------


def test_discovery_nielsen_landauer():
    # 1 − 0.69⁵ = 1 − 0.1564031349 = 0.8435968651 (Nielsen: five users find ~85 % of problems at p = .31).
    assert round(m.discovery_probability(0.31, 5), 4) == 0.8436
    assert m.discovery_probability(0.31, 0) == 0.0


def test_sample_size_for_discovery():
    # p = .31: n = 5 → 0.8436 < 0.85; n = 6 → 1 − 0.69⁶ = 1 − 0.1079 = 0.8921 ≥ 0.85 → 6.
    assert m.sample_size_for_discovery(0.31, 0.85) == 6
    # goal 0.90: n = 6 → 0.8921 < 0.90; n = 7 → 1 − 0.0745 = 0.9255 → 7.
    assert m.sample_size_for_discovery(0.31, 0.90) == 7
    # p = .10, goal .85 (Sauro & Lewis Table 7.1): ln(0.15)/ln(0.9) = 18.006 → 19; 1 − 0.9¹⁸ = 0.8499 < 0.85.
    assert m.sample_size_for_discovery(0.10, 0.85) == 19


def test_sample_size_for_completion_margin():
    # Sauro & Lewis (2016) ch. 7: n = z²·p(1 − p)/d² − z².
    # d = .05: 3.841459·0.25/0.0025 − 3.841459 = 384.1459 − 3.8415 = 380.30 → 381.
    assert m.sample_size_for_completion_margin(0.05) == 381
    # d = .20: 3.841459·0.25/0.04 − 3.841459 = 24.0091 − 3.8415 = 20.17 → 21.
    assert m.sample_size_for_completion_margin(0.20) == 21
    # d = .10, 90 %, p = .8: 2.705543·0.16/0.01 − 2.705543 = 43.2887 − 2.7055 = 40.58 → 41.
    assert m.sample_size_for_completion_margin(0.10, confidence=0.90, p=0.8) == 41


def test_priority():
    assert m.priority(4, 3, 12) == 1.0
    assert m.priority(0, 5, 5) == 0.0
    with pytest.raises(ValueError):
        m.priority(5, 1, 2)
    with pytest.raises(ValueError):
        m.priority(2, 3, 2)


# --- properties ----------------------------------------------------------------------------------------------

counts = st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n)))
confidences = st.floats(min_value=0.5, max_value=0.999)


@given(counts, confidences)
def test_adjusted_wald_contains_point_and_stays_in_unit_interval(xn, confidence):
    x, n = xn
    ci = cs.adjusted_wald(x, n, confidence)
    assert 0.0 <= ci.low <= ci.point <= ci.high <= 1.0
    assert ci.low_raw <= ci.low and ci.high <= ci.high_raw
    estimate, _ = m.completion_point_estimate(x, n)
    assert 0.0 <= estimate <= 1.0


@given(st.integers(min_value=1, max_value=400), confidences, st.data())
def test_adjusted_wald_bounds_monotonic_in_successes(n, confidence, data):
    x = data.draw(st.integers(0, n - 1))
    a, b = cs.adjusted_wald(x, n, confidence), cs.adjusted_wald(x + 1, n, confidence)
    assert a.low <= b.low + 1e-12
    assert a.high <= b.high + 1e-12


@given(st.lists(st.floats(min_value=0.5, max_value=10_000, allow_nan=False), min_size=2, max_size=60))
def test_geometric_mean_not_above_arithmetic_mean(times):
    summary = m.task_time_summary(times)
    assert summary.low <= summary.estimate <= summary.high
    if summary.method == "geometric_mean":
        assert summary.estimate <= summary.arithmetic_mean * (1 + 1e-9)


@given(st.floats(min_value=0.0, max_value=1.0), st.integers(min_value=0, max_value=200))
def test_discovery_probability_increasing_in_n(p, n):
    assert m.discovery_probability(p, n) <= m.discovery_probability(p, n + 1)
    if 0.001 <= p <= 0.5 and n <= 20:
        assert m.discovery_probability(p, n) < m.discovery_probability(p, n + 1)


@given(st.floats(min_value=0.01, max_value=0.99), st.floats(min_value=0.01, max_value=0.999))
def test_sample_size_for_discovery_is_the_smallest(p, goal):
    n = m.sample_size_for_discovery(p, goal)
    assert m.discovery_probability(p, n) >= goal
    assert n == 1 or m.discovery_probability(p, n - 1) < goal


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=10, max_size=10))
def test_sus_score_range(answers):
    score = m.sus_score(answers)
    assert 0.0 <= score <= 100.0 and (score / 2.5).is_integer()
    assert 0.0 <= m.sus_percentile_rank(score) <= 100.0
