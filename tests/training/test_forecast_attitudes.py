"""Coverage, forecast, paired attitude change and small-group suppression (pure modules of govcx.training)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcx.training.attitudes import d_z_interval, group_difference, paired, paired_change, scale_scores
from govcx.training.forecast import coverage_share, deadline_for, forecast
from govcx.training.groups import MIN_GROUP_SIZE, may_show, shown

TODAY = dt.date(2026, 6, 1)


def test_forecast_at_the_recent_rate():
    # 1,000 people, 400 trained, 90 trained in the last 90 days: 1 a day, 600 days to go.
    result = forecast(people=1000, trained=400, trained_in_window=90, today=TODAY, deadline=dt.date(2027, 6, 1))
    assert result.share == 0.4
    assert result.rate_per_month == pytest.approx(30.0)
    assert result.reaches_full_on == TODAY + dt.timedelta(days=600)
    assert not result.on_track
    assert result.needed_per_month == pytest.approx(600 / 365 * 30)


def test_forecast_on_track_and_done_and_stalled():
    fast = forecast(people=100, trained=50, trained_in_window=45, today=TODAY, deadline=dt.date(2027, 1, 1))
    assert fast.on_track and fast.reaches_full_on == TODAY + dt.timedelta(days=100)
    done = forecast(people=10, trained=10, trained_in_window=0, today=TODAY, deadline=dt.date(2027, 1, 1))
    assert done.on_track and done.remaining == 0 and done.needed_per_month is None
    stalled = forecast(people=10, trained=3, trained_in_window=0, today=TODAY, deadline=dt.date(2027, 1, 1))
    assert stalled.reaches_full_on is None and not stalled.on_track
    late = forecast(people=10, trained=3, trained_in_window=3, today=TODAY, deadline=dt.date(2026, 1, 1))
    assert late.needed_per_month is None and not late.on_track


def test_forecast_rejects_impossible_counts():
    with pytest.raises(ValueError):
        coverage_share(5, 4)
    with pytest.raises(ValueError):
        forecast(people=10, trained=3, trained_in_window=4, today=TODAY, deadline=TODAY)


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_forecast_date_never_before_today_and_on_track_is_consistent(people, trained, window):
    trained, people = sorted((trained, people))
    window = min(window, trained)
    result = forecast(people=people, trained=trained, trained_in_window=window, today=TODAY,
                      deadline=dt.date(2027, 6, 1))
    assert 0.0 <= result.share <= 1.0
    if result.reaches_full_on is not None:
        assert result.reaches_full_on >= TODAY
        assert result.on_track == (result.reaches_full_on <= dt.date(2027, 6, 1))


def test_deadline_three_years_on():
    assert deadline_for(dt.date(2024, 9, 1)) == dt.date(2027, 9, 1)
    assert deadline_for(dt.date(2024, 2, 29)) == dt.date(2027, 2, 28)


def test_d_z_on_lakens_worked_example():
    """Lakens (2013), Frontiers in Psychology 4:863, the within-subjects example: ten people rate two movies,
    t(9) = 4.74, d_z = 1.50."""
    movie_1 = [9, 7, 8, 9, 8, 9, 9, 10, 9, 9]
    movie_2 = [9, 6, 7, 8, 7, 9, 8, 8, 8, 7]
    result = paired_change(movie_2, movie_1)
    assert result is not None
    assert result.mean_change == pytest.approx(1.0)
    assert result.d_z == pytest.approx(1.50, abs=0.005)
    assert result.d_z * math.sqrt(10) == pytest.approx(4.74, abs=0.005)
    assert result.share_improved == pytest.approx(0.8)


def test_d_z_interval_is_the_noncentral_t_inversion():
    """The bounds are the noncentralities at which the observed t sits at the 97.5th and 2.5th percentiles
    (Cumming & Finch 2001), checked with SciPy's noncentral t distribution object rather than the inverse used."""
    from scipy.stats import nct

    low, high = d_z_interval(1.5, 10)
    t = 1.5 * math.sqrt(10)
    assert nct.cdf(t, 9, low * math.sqrt(10)) == pytest.approx(0.975, abs=1e-6)
    assert nct.cdf(t, 9, high * math.sqrt(10)) == pytest.approx(0.025, abs=1e-6)
    assert low < 1.5 < high
    # For large n the interval approaches d ± 1.96·sqrt(1/n + d²/(2n)).
    low, high = d_z_interval(0.5, 2000)
    se = math.sqrt(1 / 2000 + 0.25 / 4000)
    assert low == pytest.approx(0.5 - 1.96 * se, abs=0.003)
    assert high == pytest.approx(0.5 + 1.96 * se, abs=0.003)


def test_small_groups_are_never_shown():
    assert MIN_GROUP_SIZE == 10
    assert not may_show(9) and may_show(10)
    assert shown(3.5, 9) is None and shown(3.5, 10) == 3.5
    assert paired_change([1.0] * 9, [2.0] * 9) is None
    assert group_difference([1.0] * 9, [2.0] * 20) is None


def test_constant_change_has_no_standardised_size():
    result = paired_change([1.0] * 10, [2.0] * 10)
    assert result is not None and result.d_z is None and result.share_improved == 1.0


def test_group_difference_welch():
    trained = [4.0, 5.0] * 10
    untrained = [3.0, 4.0] * 10
    result = group_difference(trained, untrained)
    assert result is not None and result.difference == pytest.approx(1.0)
    assert result.low < 1.0 < result.high


def test_scale_scores_flip_reverse_items_and_pairing():
    answers = {"p1": {"a": 5, "b": 1}, "p2": {"a": 3}}
    assert scale_scores(answers, ["a", "b"], frozenset({"b"}), 5) == {"p1": 5.0}
    assert paired({"p1": 1.0, "p2": 2.0}, {"p2": 3.0, "p3": 4.0}) == ([2.0], [3.0])
