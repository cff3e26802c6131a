"""Shared statistics helpers (govcx.common.stats) against values known independently of SciPy: published table
values, closed forms (Student's t with 1 and 2 degrees of freedom), exact binomial sums in rational arithmetic.

The published worked examples of the measures built on these helpers stay in tests/lab/test_metrics.py and
tests/feedback/test_stats.py.
"""

from __future__ import annotations

import ast
import inspect
import math
import statistics
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import special

from govcx.common import stats as cs

Z95 = 1.959963984540054  # Φ⁻¹(0.975)

probabilities = st.floats(min_value=1e-6, max_value=1 - 1e-6)


def imports_in(function_or_module) -> list[str]:
    tree = ast.parse(textwrap.dedent(inspect.getsource(function_or_module)))
    found = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    return found + [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]


def test_module_imports_scipy_only_inside_functions():
    """Importing the module must stay cheap: SciPy costs 0.5–2 s, paid on first use only."""
    tree = ast.parse(Path(cs.__file__).read_text(encoding="utf-8"))
    top_level = [a.name for n in tree.body if isinstance(n, ast.Import) for a in n.names]
    top_level += [n.module or "" for n in tree.body if isinstance(n, ast.ImportFrom)]
    assert not [name for name in top_level if name.split(".")[0] in {"scipy", "numpy"}]


@pytest.mark.parametrize("function", [cs.adjusted_wald, cs.z_two_sided, cs.normal_quantile, cs.z_two_sided_p])
def test_the_normal_distribution_never_loads_scipy(function):
    """Adjusted-Wald intervals run in lab checks and verdicts: they must not stall a process loading SciPy."""
    assert not [name for name in imports_in(function) if name.startswith("scipy")]


# --- normal and t quantiles ----------------------------------------------------------------------------------


def test_normal_quantile_known_values():
    assert cs.normal_quantile(0.975) == pytest.approx(Z95, abs=1e-12)
    assert cs.normal_quantile(0.5) == 0.0
    assert cs.z_two_sided(0.95) == pytest.approx(Z95, abs=1e-12)
    assert cs.z_two_sided(0.99) == pytest.approx(2.5758293035489004, abs=1e-12)  # Φ⁻¹(0.995), any z table


@given(probabilities)
def test_normal_quantile_matches_scipy(p):
    assert cs.normal_quantile(p) == pytest.approx(float(special.ndtri(p)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("p", "df", "expected", "places"),
    [
        (0.975, 10, 2.228138851986, 12),  # tables to 12 places (e.g. NIST/SEMATECH e-Handbook, 1.3.6.7.2)
        (0.975, 1, 12.7062, 4),  # published Student-t table, 4 places
        (0.95, 5, 2.0150, 4),
        (0.995, 30, 2.7500, 4),
        (0.90, 20, 1.3253, 4),
        (0.999, 3, 10.2145, 4),
    ],
)
def test_t_quantile_table_values(p, df, expected, places):
    assert round(cs.t_quantile(p, df), places) == expected


@given(probabilities)
def test_t_quantile_closed_forms_for_one_and_two_degrees_of_freedom(p):
    # df = 1 is the Cauchy distribution: t_p = tan(π(p − ½)); df = 2: t_p = (2p − 1)/√(2p(1 − p)).
    assert cs.t_quantile(p, 1) == pytest.approx(math.tan(math.pi * (p - 0.5)), rel=1e-9, abs=1e-12)
    assert cs.t_quantile(p, 2) == pytest.approx((2 * p - 1) / math.sqrt(2 * p * (1 - p)), rel=1e-9, abs=1e-12)


@given(probabilities, st.floats(min_value=0.5, max_value=1e4))
def test_t_quantile_symmetric_and_wider_than_normal(p, df):
    assert cs.t_quantile(p, df) == pytest.approx(-cs.t_quantile(1 - p, df), rel=1e-9, abs=1e-12)
    if p > 0.5:
        assert cs.t_quantile(p, df) >= cs.normal_quantile(p) - 1e-12


def test_t_quantile_tends_to_z():
    assert cs.t_quantile(0.975, 1_000_000) == pytest.approx(Z95, abs=1e-5)


@pytest.mark.parametrize(("p", "df"), [(0.0, 5), (1.0, 5), (-0.1, 5), (0.5, 0), (0.5, -1)])
def test_t_quantile_refuses_impossible_arguments(p, df):
    with pytest.raises(ValueError):
        cs.t_quantile(p, df)


# --- p-values ------------------------------------------------------------------------------------------------


def test_two_sided_p_values_known_values():
    assert cs.t_two_sided_p(2.228138851986, 10) == pytest.approx(0.05, abs=1e-12)
    assert cs.t_two_sided_p(-2.228138851986, 10) == pytest.approx(0.05, abs=1e-12)
    assert cs.t_two_sided_p(0.0, 7) == 1.0
    assert cs.z_two_sided_p(Z95) == pytest.approx(0.05, abs=1e-12)
    assert cs.z_two_sided_p(-Z95) == pytest.approx(0.05, abs=1e-12)


@given(st.floats(min_value=-40, max_value=40))
def test_z_p_value_matches_scipy_far_into_the_tail(z):
    assert cs.z_two_sided_p(z) == pytest.approx(float(2 * special.ndtr(-abs(z))), rel=1e-12, abs=1e-300)


@given(st.floats(min_value=-1e6, max_value=1e6))
def test_t_p_value_with_one_degree_of_freedom_is_the_cauchy_tail(t):
    # P(|T| ≥ |t|) for the Cauchy distribution = 1 − (2/π)·atan|t|.
    assert cs.t_two_sided_p(t, 1) == pytest.approx(1 - 2 / math.pi * math.atan(abs(t)), rel=1e-9, abs=1e-8)


@given(st.floats(min_value=0.001, max_value=0.999), st.floats(min_value=1, max_value=500))
def test_t_p_value_inverts_the_quantile(alpha, df):
    assert cs.t_two_sided_p(cs.t_quantile(1 - alpha / 2, df), df) == pytest.approx(alpha, rel=1e-8)


# --- binomial ------------------------------------------------------------------------------------------------


def exact_upper_tails(x: int, n: int, p: Fraction) -> tuple[Fraction, Fraction]:
    """(P(X ≥ x), P(X > x)) summed term by term with math.comb in rational arithmetic."""
    pmf = [math.comb(n, k) * p**k * (1 - p) ** (n - k) for k in range(n + 1)]
    return sum(pmf[x:], Fraction(0)), sum(pmf[x + 1 :], Fraction(0))


def test_binomial_upper_tails_by_hand():
    # n = 5, p = ½: C(5, k)/32 = 1, 5, 10, 10, 5, 1 over 32 → P(X ≥ 4) = 6/32, P(X > 4) = 1/32.
    assert cs.binomial_upper_tails(4, 5, 0.5) == pytest.approx((6 / 32, 1 / 32), abs=1e-15)
    # n = 4, p = 0.2: P(X ≥ 0) = 1, P(X > 0) = 1 − 0.8⁴ = 0.5904.
    assert cs.binomial_upper_tails(0, 4, 0.2) == pytest.approx((1.0, 0.5904), abs=1e-15)
    # n = 3, p = 0.1: P(X ≥ 3) = 0.1³ = 0.001, P(X > 3) = 0.
    assert cs.binomial_upper_tails(3, 3, 0.1) == pytest.approx((0.001, 0.0), rel=1e-12)


def test_binomial_upper_tails_at_certain_probabilities():
    assert cs.binomial_upper_tails(0, 6, 0.0) == (1.0, 0.0)
    assert cs.binomial_upper_tails(1, 6, 0.0) == (0.0, 0.0)
    assert cs.binomial_upper_tails(6, 6, 1.0) == (1.0, 0.0)
    assert cs.binomial_upper_tails(5, 6, 1.0) == (1.0, 1.0)


@given(
    st.integers(min_value=1, max_value=60).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.integers(min_value=1, max_value=99),
)
def test_binomial_upper_tails_match_exact_sums(xn, percent):
    x, n = xn
    at_least, above = cs.binomial_upper_tails(x, n, percent / 100)
    want_at_least, want_above = exact_upper_tails(x, n, Fraction(percent, 100))
    assert at_least == pytest.approx(float(want_at_least), rel=1e-10, abs=1e-300)
    assert above == pytest.approx(float(want_above), rel=1e-10, abs=1e-300)


@pytest.mark.parametrize(("x", "n", "p"), [(-1, 5, 0.5), (6, 5, 0.5), (0, 0, 0.5), (1, 5, 1.5)])
def test_binomial_upper_tails_refuse_impossible_arguments(x, n, p):
    with pytest.raises(ValueError):
        cs.binomial_upper_tails(x, n, p)


# --- intervals -----------------------------------------------------------------------------------------------


def test_t_interval_worked_example_with_the_closed_form_quantile():
    # 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 0.95/√(2·0.975·0.025) = 4.302653 → margin 4.302653/√3 = 2.484138.
    interval = cs.t_interval([1.0, 2.0, 3.0])
    assert interval.point == 2.0
    assert round(interval.low, 6) == -0.484138 and round(interval.high, 6) == 4.484138
    assert interval.method == "t"
    clipped = cs.t_interval([1.0, 2.0, 3.0], bounds=(1.0, 3.0), method="sus")
    assert (clipped.low, clipped.high, clipped.method) == (1.0, 3.0, "sus")
    assert clipped.low_raw == interval.low_raw and clipped.high_raw == interval.high_raw


def test_mean_interval_equals_the_interval_of_the_values():
    values = [4.0, 7.0, 5.0, 6.0, 6.0, 3.0]
    from_summary = cs.mean_interval(statistics.fmean(values), statistics.stdev(values), len(values), 0.9)
    assert from_summary == cs.t_interval(values, 0.9)


@pytest.mark.parametrize("values", [[], [5.0]])
def test_t_interval_needs_two_values(values):
    with pytest.raises(ValueError):
        cs.t_interval(values)


def test_adjusted_wald_by_hand_at_95_percent():
    # 0 of 5: z² = 3.841459, ñ = 8.841459, p̂adj = 1.920729/8.841459 = 0.217241,
    # margin = 1.959964·√(0.217241·0.782759/8.841459) = 0.271814 → raw (−0.054572, 0.489055), low clipped to 0.
    interval = cs.adjusted_wald(0, 5)
    assert round(interval.point, 6) == 0.217241
    assert round(interval.low_raw, 6) == -0.054572 and interval.low == 0.0
    assert round(interval.high, 6) == 0.489055


@given(
    st.integers(min_value=1, max_value=400).flatmap(lambda n: st.tuples(st.integers(0, n), st.just(n))),
    st.floats(min_value=0.5, max_value=0.999),
)
def test_adjusted_wald_is_symmetric_in_successes_and_failures(xn, confidence):
    x, n = xn
    a, b = cs.adjusted_wald(x, n, confidence), cs.adjusted_wald(n - x, n, confidence)
    assert a.point == pytest.approx(1 - b.point, abs=1e-12)
    assert a.low == pytest.approx(1 - b.high, abs=1e-12)
    assert 0.0 <= a.low <= a.point <= a.high <= 1.0


@pytest.mark.parametrize("confidence", [0.0, 1.0, -0.5, 1.5])
def test_confidence_must_be_strictly_between_0_and_1(confidence):
    with pytest.raises(ValueError, match="confidence"):
        cs.adjusted_wald(3, 10, confidence)
    with pytest.raises(ValueError, match="confidence"):
        cs.t_interval([1.0, 2.0], confidence)
