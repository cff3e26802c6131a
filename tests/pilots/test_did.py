"""The difference-in-differences engine against a published worked example, statsmodels, and its own properties."""

from __future__ import annotations

import math

import numpy as np
import pytest

from govcx.pilots import did

pytestmark = pytest.mark.one_database


def rows_from(values: dict[tuple[str, str], float]) -> list[dict[str, object]]:
    return [{"organisation_id": unit, "period": period, "value": value} for (unit, period), value in values.items()]


def test_card_krueger_two_by_two_from_the_published_means() -> None:
    """Card & Krueger (1994), Table 3, row 1: mean FTE employment per store. NJ 20.44 → 21.03, PA 23.33 → 21.17.

    The published difference-in-differences is 2.76 FTE (from unrounded means); the rounded means give 2.75.
    """
    means = {("NJ", "1992Q1"): 20.44, ("NJ", "1992Q4"): 21.03, ("PA", "1992Q1"): 23.33, ("PA", "1992Q4"): 21.17}
    rows = rows_from(means)
    panel = did.panel_from_rows(rows, treated={"NJ"}, start_period="1992Q4")
    fit = did.twfe(panel)
    assert fit.estimate == pytest.approx(2.75, abs=1e-9)
    assert abs(fit.estimate - 2.76) < 0.0101  # the published means are rounded to 0.01
    assert math.isnan(fit.se_cr1)  # four cells, four parameters: no degrees of freedom left


def test_card_krueger_with_stores_matches_the_group_means() -> None:
    """The same means spread over stores (each store's own level, common shocks): TWFE recovers 2.75 exactly."""
    rng = np.random.default_rng(7)
    rows = []
    for state, before, after, stores in (("NJ", 20.44, 21.03, 20), ("PA", 23.33, 21.17, 8)):
        levels = rng.normal(0, 3, stores)
        levels -= levels.mean()
        for store, level in enumerate(levels):
            rows.append({"organisation_id": f"{state}{store}", "period": "1992Q1", "value": before + level})
            rows.append({"organisation_id": f"{state}{store}", "period": "1992Q4", "value": after + level})
    panel = did.panel_from_rows(rows, treated={f"NJ{i}" for i in range(20)}, start_period="1992Q4")
    assert did.twfe(panel).estimate == pytest.approx(2.75, abs=1e-9)


def statsmodels_fit(panel: did.Panel) -> tuple[float, float]:
    import pandas as pd
    import statsmodels.formula.api as smf

    frame = pd.DataFrame({"y": panel.outcome, "unit": panel.unit, "period": panel.period, "d": panel.dose()})
    result = smf.ols("y ~ d + C(unit) + C(period)", frame).fit(cov_type="cluster", cov_kwds={"groups": frame["unit"]})
    return float(result.params["d"]), float(result.bse["d"])


@pytest.mark.parametrize("seed", [1, 2])
def test_point_estimate_and_cr1_equal_statsmodels(seed: int) -> None:
    panel = did.synthetic_panel(units=30, periods=8, treated=9, start=4, effect=0.7, seed=seed)
    fit = did.twfe(panel)
    estimate, se = statsmodels_fit(panel)
    assert fit.estimate == pytest.approx(estimate, rel=1e-9)
    assert fit.se_cr1 == pytest.approx(se, rel=1e-9)


def test_unbalanced_panel_equals_statsmodels() -> None:
    panel = did.synthetic_panel(units=25, periods=8, treated=9, start=4, effect=0.7, seed=3)
    keep = np.random.default_rng(3).random(len(panel.outcome)) > 0.2
    rows = [
        {"organisation_id": int(u), "period": int(p), "value": float(v)}
        for u, p, v in zip(panel.unit[keep], panel.period[keep], panel.outcome[keep], strict=True)
    ]
    unbalanced = did.panel_from_rows(rows, treated=range(9), start_period=4)
    fit = did.twfe(unbalanced)
    estimate, se = statsmodels_fit(unbalanced)
    assert fit.estimate == pytest.approx(estimate, rel=1e-9)
    assert fit.se_cr1 == pytest.approx(se, rel=1e-9)


def test_missing_values_are_left_out_not_zero() -> None:
    rows = rows_from({("a", "1"): 1.0, ("a", "2"): 3.0, ("b", "1"): 1.0, ("b", "2"): 1.0, ("c", "1"): 1.0})
    rows.append({"organisation_id": "c", "period": "2", "value": None})
    panel = did.panel_from_rows(rows, treated={"a"}, start_period="2")
    assert len(panel.outcome) == 5
    assert did.twfe(panel).estimate == pytest.approx(2.0)


@pytest.mark.parametrize(
    ("treated", "message"),
    [(set(), "no treated"), ({"a", "b"}, "no comparison")],
)
def test_a_panel_that_cannot_identify_the_effect_is_refused(treated: set[str], message: str) -> None:
    rows = rows_from({("a", "1"): 1.0, ("a", "2"): 3.0, ("b", "1"): 1.0, ("b", "2"): 1.0})
    with pytest.raises(did.PanelError, match=message):
        did.panel_from_rows(rows, treated=treated, start_period="2")


def test_wild_bootstrap_is_reproducible_and_its_interval_holds_the_estimate() -> None:
    panel = did.synthetic_panel(units=40, periods=8, treated=9, start=4, effect=1.0, seed=4)
    first = did.wild_cluster_bootstrap(panel, reps=999, seed=11)
    again = did.wild_cluster_bootstrap(panel, reps=999, seed=11)
    assert first == again
    assert first.weights == "rademacher"
    assert first.low < first.estimate < first.high
    # the interval is the set the test does not reject: p at each end is at the level
    assert first.p_value < 0.05


def test_few_clusters_use_webb_weights_and_enumerate_when_they_can() -> None:
    panel = did.synthetic_panel(units=5, periods=6, treated=2, start=3, effect=0.0, seed=5)
    result = did.wild_cluster_bootstrap(panel, reps=9999, seed=1)
    assert result.weights == "webb"
    assert result.enumerated and result.reps == 6**5


def test_wild_bootstrap_p_value_is_roughly_uniform_under_no_effect() -> None:
    p_values = [
        did.wild_cluster_bootstrap(
            did.synthetic_panel(units=20, periods=6, treated=6, start=3, effect=0.0, seed=seed), reps=399, seed=seed
        ).p_value
        for seed in range(40)
    ]
    rejections = sum(p < 0.1 for p in p_values)
    assert 0 <= rejections <= 10  # expected 4 of 40 at the 10% level
    assert 0.3 < float(np.mean(p_values)) < 0.7


def test_wild_bootstrap_finds_a_large_effect() -> None:
    panel = did.synthetic_panel(units=20, periods=8, treated=9, start=4, effect=3.0, seed=8, noise=0.5)
    result = did.wild_cluster_bootstrap(panel, reps=999, seed=1)
    assert result.p_value < 0.01
    assert result.low < 3.0 < result.high


def test_randomisation_inference_exact_when_assignments_are_few() -> None:
    panel = did.synthetic_panel(units=8, periods=6, treated=3, start=3, effect=2.0, seed=9, noise=0.3)
    result = did.randomisation_inference(panel, draws=9999)
    assert result.exact and result.assignments == math.comb(8, 3)
    assert result.p_value == pytest.approx(1 / 56)
    assert result.low < did.twfe(panel).estimate < result.high


def test_randomisation_inference_matches_brute_force_refits() -> None:
    panel = did.synthetic_panel(units=7, periods=5, treated=2, start=2, effect=0.5, seed=10)
    observed = abs(did.twfe(panel).estimate)
    import itertools

    stats = []
    for chosen in itertools.combinations(range(7), 2):
        treated = np.zeros(7, dtype=bool)
        treated[list(chosen)] = True
        relabelled = did.Panel(
            unit=panel.unit, period=panel.period, outcome=panel.outcome, treated=treated, start=panel.start,
            unit_labels=panel.unit_labels, period_labels=panel.period_labels,
        )
        stats.append(abs(did.twfe(relabelled).estimate))
    expected = sum(s >= observed - 1e-12 for s in stats) / len(stats)
    assert did.randomisation_inference(panel).p_value == pytest.approx(expected)


def test_event_study_has_the_reference_period_at_zero_and_recovers_a_step() -> None:
    panel = did.synthetic_panel(units=30, periods=8, treated=9, start=4, effect=2.0, seed=12, noise=0.3)
    events = did.event_study(panel, reps=199)
    assert [e.relative_period for e in events] == [-4, -3, -2, -1, 0, 1, 2, 3]
    reference = next(e for e in events if e.relative_period == -1)
    assert reference.estimate == 0.0
    for event in events:
        if event.relative_period >= 0:
            assert event.low < 2.0 < event.high
        assert event.low <= event.estimate <= event.high


def test_leave_one_out_names_each_treated_authority() -> None:
    panel = did.synthetic_panel(units=20, periods=6, treated=5, start=3, effect=1.0, seed=13)
    result = did.leave_one_out(panel)
    assert [label for label, _ in result] == [0, 1, 2, 3, 4]
    estimate = did.twfe(panel).estimate
    assert min(v for _, v in result) <= estimate <= max(v for _, v in result)


def test_analyse_bundles_everything_reproducibly() -> None:
    panel = did.synthetic_panel(units=30, periods=8, treated=9, start=4, effect=1.0, seed=14)
    first = did.analyse(panel, reps=499, event_reps=99, draws=499)
    assert first == did.analyse(panel, reps=499, event_reps=99, draws=499)
    assert first.method == "wcr-rademacher"
    assert first.n_clusters == 30 and first.n_treated == 9
