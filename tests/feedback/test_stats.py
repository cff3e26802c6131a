"""Satisfaction statistics from summary moments (govcx.feedback.stats): published worked examples, hand-derived
values from the published formulas, and properties."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats as sps

from govcx.common.stats import t_interval
from govcx.feedback.stats import (
    Moments,
    NpsCounts,
    adjust_comparisons,
    driver_analysis,
    mean_summary,
    nps_difference_test,
    nps_summary,
    top_box_share,
    trend,
    two_proportion_test,
    welch_t_test,
)

# --- estimates --------------------------------------------------------------------------------------------


def test_mean_from_moments_worked_example():
    # 7,7,6,7,6 → n 5, Σx 33, Σx² 219: mean 6.6, s² = (219 − 33²/5)/4 = 0.3, t(0.975, 4) = 2.776445 (published
    # t table, e.g. Sauro & Lewis 2016 appendix) → margin 2.776445·√0.3/√5 = 0.680087 → (5.9199, 7.2801).
    summary = mean_summary(Moments(5, 33, 219), bounds=(1, 7))
    assert summary.mean == pytest.approx(6.6) and summary.sd == pytest.approx(math.sqrt(0.3))
    assert round(summary.interval.low, 4) == 5.9199 and round(summary.interval.high_raw, 4) == 7.2801
    assert summary.interval.high == 7


def test_top_box_share_uses_the_adjusted_wald_interval():
    # Sauro & Lewis (2016) ch. 3: 7 of 10 → adjusted-Wald (0.3923, 0.8967) at 95 %.
    share = top_box_share(7, 10)
    assert share.share == 0.7
    assert (round(share.interval.low, 4), round(share.interval.high, 4)) == (0.3923, 0.8967)


def test_nps_worked_example():
    # 50 promoters, 30 passives, 20 detractors: NPS = 30. Adjusted-Wald (Rocks 2016; Lewis & Sauro 2021):
    # n' = 103, p_pro = 50.75/103 = 0.492718, p_det = 20.75/103 = 0.201456, NPS' = 0.291262,
    # var = (0.694175 − 0.084834)/103 = 0.0059159, se = 0.076915, margin 1.959964·se = 0.150751
    # → 29.13 ± 15.08 points = (14.05, 44.20).
    summary = nps_summary(NpsCounts(promoters=50, passives=30, detractors=20))
    assert summary.nps == 30.0
    assert round(summary.standard_error, 3) == 7.692
    assert (round(summary.interval.low, 2), round(summary.interval.high, 2)) == (14.05, 44.20)


def test_nps_interval_is_clipped_to_its_range():
    summary = nps_summary(NpsCounts(10, 0, 0))
    assert summary.nps == 100 and summary.interval.high == 100 and summary.interval.high_raw > 100
    assert nps_summary(NpsCounts(0, 0, 3)).interval.low == -100


# --- comparisons ------------------------------------------------------------------------------------------

WELCH_A = [27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4]
WELCH_B = [27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4]


def test_welch_worked_example():
    # Wikipedia, "Welch's t-test", example 1: t = −2.46, ν ≈ 24.99, p = 0.021.
    result = welch_t_test(Moments.from_values(WELCH_A), Moments.from_values(WELCH_B))
    assert round(result.statistic, 2) == -2.46
    assert round(result.p_value, 3) == 0.021
    assert result.significant and result.reported_difference == pytest.approx(result.difference)


def test_a_non_significant_difference_is_not_reported():
    result = welch_t_test(Moments.from_values([4, 5, 3, 4, 5]), Moments.from_values([4, 4, 5, 3, 5]))
    assert not result.significant and result.reported_difference is None


def test_fisher_irwin_worked_example():
    # Fisher (1935), The Design of Experiments: the lady tasting tea, 3 of 4 vs 1 of 4 → two-sided p = 0.4857.
    result = two_proportion_test(3, 4, 1, 4, method="fisher-irwin")
    assert round(result.p_value, 4) == 0.4857 and result.reported_difference is None


def test_n_minus_one_chi_square_is_the_pearson_statistic_times_n_minus_one_over_n():
    # Campbell (2007): χ²(N−1) = χ²·(N − 1)/N. 40/60 vs 15/35: Pearson χ² = 5.140693, N = 95 → 5.086580,
    # z = √5.086580 = 2.255345, two-sided p = 0.0241.
    result = two_proportion_test(40, 60, 15, 35)
    pearson = sps.chi2_contingency([[40, 20], [15, 20]], correction=False).statistic
    assert result.method == "n-1-chi-square"
    assert result.statistic**2 == pytest.approx(pearson * 94 / 95)
    assert round(result.statistic, 4) == 2.2553 and round(result.p_value, 4) == 0.0241


def test_small_expected_counts_switch_to_the_exact_test():
    assert two_proportion_test(1, 10, 0, 10).method == "fisher-irwin"  # smallest expected count 0.5
    assert two_proportion_test(2, 10, 0, 10).method == "n-1-chi-square"  # smallest expected count 1.0


def test_nps_difference_worked_example():
    # Lewis & Sauro (2021) method. a = 50/30/20: NPS' 0.291262, var 0.0059159; b = 30/30/40: n' 103,
    # p_pro 0.298544, p_det 0.395631, NPS' −0.097087, var (0.694175 − 0.009426)/103 = 0.0066481.
    # z = 0.388349/√0.0125640 = 3.4646, p = 0.00053.
    result = nps_difference_test(NpsCounts(50, 30, 20), NpsCounts(30, 30, 40))
    assert (result.estimate_a, result.estimate_b, result.difference) == (30.0, -10.0, 40.0)
    assert round(result.statistic, 4) == 3.4646 and round(result.p_value, 5) == 0.00053


BH_P_VALUES = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
               0.6528, 0.7590, 1.000]


def test_many_comparisons_benjamini_hochberg_worked_example():
    # Benjamini & Hochberg (1995), section 4: of these 15 p-values the FDR procedure at q = 0.05 rejects 4;
    # Bonferroni (and Holm, whose 4th step needs p ≤ 0.05/12 = 0.00417) reject 3.
    template = welch_t_test(Moments(10, 40, 170), Moments(10, 40, 170))
    comparisons = [dataclasses.replace(template, p_value=p) for p in BH_P_VALUES]
    bh = adjust_comparisons(comparisons, "benjamini-hochberg")
    holm = adjust_comparisons(comparisons, "holm")
    assert sum(c.significant for c in comparisons) == 9  # unadjusted
    assert sum(c.significant for c in bh) == 4
    assert sum(c.significant for c in holm) == 3
    assert all(c.adjustment == "holm" and c.p_adjusted >= c.p_value for c in holm)


def test_adjustment_needs_one_alpha_and_a_known_method():
    a = welch_t_test(Moments.from_values(WELCH_A), Moments.from_values(WELCH_B))
    b = welch_t_test(Moments.from_values(WELCH_A), Moments.from_values(WELCH_B), alpha=0.1)
    with pytest.raises(ValueError, match="one alpha"):
        adjust_comparisons([a, b])
    with pytest.raises(ValueError, match="method"):
        adjust_comparisons([a], "bonferroni")  # type: ignore[arg-type]


def test_trend_flags_only_the_significant_step():
    quarters = [
        ("2024Q1", Moments.from_values([3, 4, 3, 4, 3, 4, 3, 4] * 5)),
        ("2024Q2", Moments.from_values([3, 4, 4, 3, 3, 4, 4, 3] * 5)),
        ("2024Q3", Moments.from_values([5, 4, 5, 4, 5, 5, 4, 5] * 5)),
    ]
    steps = trend(quarters, welch_t_test, adjust="holm")
    assert [(s.period_from, s.period_to) for s in steps] == [("2024Q1", "2024Q2"), ("2024Q2", "2024Q3")]
    assert steps[0].comparison.reported_difference is None
    assert steps[1].comparison.reported_difference == pytest.approx(4.625 - 3.5)
    shares = trend([("Q1", (40, 100)), ("Q2", (60, 100))], lambda later, earlier: two_proportion_test(*later, *earlier))
    assert shares[0].comparison.difference == pytest.approx(0.2) and shares[0].comparison.significant


# --- drivers ----------------------------------------------------------------------------------------------


def test_uncorrelated_drivers_get_their_squared_correlations():
    # Johnson (2000): with orthogonal predictors the relative weights equal r² (and β = r).
    a = np.array([1, -1, 1, -1, 1, -1, 1, -1], dtype=float)
    b = np.array([1, 1, -1, -1, 1, 1, -1, -1], dtype=float)
    noise = np.array([1, -1, -1, 1, -1, 1, 1, -1], dtype=float)
    overall = 2 * a + b + 0.5 * noise
    result = driver_analysis({"ease": a, "speed": b}, overall)
    for name in ("ease", "speed"):
        w = result.weight(name)
        assert w.relative_weight == pytest.approx(w.correlation**2)
        assert w.beta == pytest.approx(w.correlation)
    assert [d.driver for d in result.drivers] == ["ease", "speed"]
    assert result.r_squared == pytest.approx(5 / 5.25)


def test_correlated_drivers_share_the_explained_variance():
    rng = np.random.default_rng(7)
    staff = rng.normal(size=400)
    speed = 0.6 * staff + 0.8 * rng.normal(size=400)
    info = rng.normal(size=400)
    overall = 0.5 * staff + 0.3 * speed + 0.05 * info + rng.normal(scale=0.5, size=400)
    result = driver_analysis({"staff": staff, "speed": speed, "info": info}, overall)
    ols = np.linalg.lstsq(np.column_stack([staff, speed, info, np.ones(400)]), overall, rcond=None)
    residual = overall - np.column_stack([staff, speed, info, np.ones(400)]) @ ols[0]
    assert result.r_squared == pytest.approx(1 - residual.var() / overall.var())
    assert sum(d.relative_weight for d in result.drivers) == pytest.approx(result.r_squared)
    assert sum(d.share for d in result.drivers) == pytest.approx(1.0)
    assert [d.driver for d in result.drivers] == ["staff", "speed", "info"]
    assert [d.rank for d in result.drivers] == [1, 2, 3]


def test_missing_answers_are_dropped_listwise():
    a = [1, 2, 3, 4, 5, 4, float("nan"), 2]
    b = [2, 1, 4, 3, 5, 5, 1, None]
    y = [1, 2, 4, 4, 5, 5, 2, 2]
    assert driver_analysis({"a": a, "b": b}, y).n == 6


@pytest.mark.parametrize(
    ("drivers", "overall", "message"),
    [
        ({"a": [1, 2, 3, 4, 5], "b": [2, 4, 6, 8, 10]}, [1, 2, 3, 5, 4], "collinear"),
        ({"a": [3, 3, 3, 3, 3]}, [1, 2, 3, 5, 4], r"drivers \['a'\] do not vary"),
        ({"a": [1, 2, 3]}, [1, 2], "'a' has 3 values"),
        ({"a": [1, 2]}, [1, 2], "too few"),
        ({}, [1, 2, 3], "at least one driver"),
    ],
)
def test_driver_analysis_errors_are_clear(drivers, overall, message):
    with pytest.raises(ValueError, match=message):
        driver_analysis(drivers, overall)


# --- properties -------------------------------------------------------------------------------------------

ratings = st.lists(st.integers(1, 5), min_size=2, max_size=60)


@given(ratings, st.sampled_from([0.8, 0.9, 0.95, 0.99]))
def test_moments_give_the_same_interval_as_the_raw_values(values, confidence):
    from_moments = mean_summary(Moments.from_values(values), confidence).interval
    from_values = t_interval(values, confidence)
    assert from_moments.low == pytest.approx(from_values.low, abs=1e-9)
    assert from_moments.high == pytest.approx(from_values.high, abs=1e-9)


@given(ratings, ratings)
def test_welch_from_moments_matches_scipy_on_the_raw_values(a, b):
    assume(np.std(a) > 0 and np.std(b) > 0)
    ours = welch_t_test(Moments.from_values(a), Moments.from_values(b))
    theirs = sps.ttest_ind(a, b, equal_var=False)
    assert ours.statistic == pytest.approx(theirs.statistic, rel=1e-9, abs=1e-9)
    assert ours.p_value == pytest.approx(theirs.pvalue, rel=1e-7, abs=1e-12)


@given(st.integers(0, 500), st.integers(0, 500), st.integers(0, 500))
def test_nps_interval_contains_its_centre_and_stays_in_range(pro, pas, det):
    assume(pro + pas + det > 0)
    summary = nps_summary(NpsCounts(pro, pas, det))
    assert -100 <= summary.interval.low <= summary.interval.point <= summary.interval.high <= 100
    assert -100 <= summary.nps <= 100


@given(st.integers(0, 200), st.integers(0, 200), st.integers(0, 200))
def test_nps_difference_is_antisymmetric_and_zero_against_itself(pro, pas, det):
    assume(pro + pas + det > 0)
    counts, other = NpsCounts(pro, pas, det), NpsCounts(det, pas, pro)
    forward, backward = nps_difference_test(counts, other), nps_difference_test(other, counts)
    assert forward.statistic == pytest.approx(-backward.statistic)
    assert forward.p_value == pytest.approx(backward.p_value)
    assert nps_difference_test(counts, counts).p_value == pytest.approx(1.0)


@settings(max_examples=40)
@given(st.integers(0, 10**6), st.integers(2, 5))
def test_relative_weights_sum_to_r_squared_and_are_non_negative(seed, p):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(60, p)) @ rng.normal(size=(p, p))
    y = x @ rng.normal(size=p) + rng.normal(size=60)
    try:
        result = driver_analysis({f"d{j}": x[:, j] for j in range(p)}, y)
    except ValueError:
        assume(False)
    assert sum(d.relative_weight for d in result.drivers) == pytest.approx(result.r_squared)
    assert all(d.relative_weight >= -1e-12 for d in result.drivers)
    rescaled = driver_analysis({f"d{j}": 10 * x[:, j] + 3 for j in range(p)}, y)
    assert [d.relative_weight for d in rescaled.drivers] == pytest.approx([d.relative_weight for d in result.drivers])


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=30))
def test_adjusted_p_values_keep_order_and_bounds(p_values):
    from govcx.feedback.stats import benjamini_hochberg, holm

    for adjusted in (holm(p_values), benjamini_hochberg(p_values)):
        assert all(raw <= adj <= 1.0 for raw, adj in zip(p_values, adjusted, strict=True))
        ranked = sorted(range(len(p_values)), key=lambda i: p_values[i])
        assert all(adjusted[a] <= adjusted[b] for a, b in zip(ranked, ranked[1:], strict=False))
    assert all(bh <= h + 1e-12 for bh, h in zip(benjamini_hochberg(p_values), holm(p_values), strict=True))


def test_cohens_d_by_hand_and_the_difference_that_matters():
    from govcx.feedback.stats import Moments, cohens_d, matters

    a, b = Moments.from_values([4, 5, 5, 4]), Moments.from_values([3, 4, 3, 4])
    # means 4.5 and 3.5, both sample variances 1/3: pooled SD √(1/3), d = 1 / 0.5774 = 1.732
    assert cohens_d(a, b) == pytest.approx(3 ** 0.5)
    assert cohens_d(Moments.from_values([4]), b) is None
    assert cohens_d(Moments.from_values([4, 4]), Moments.from_values([4, 4])) is None
    assert matters(0.2, scale_min=1, scale_max=5, min_share=0.05)
    assert not matters(-0.19, scale_min=1, scale_max=5, min_share=0.05)
    assert matters(-0.3, scale_min=1, scale_max=7, min_share=0.05)
