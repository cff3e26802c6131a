"""The index engine on a hand-computed example: renormalised weights, coverage threshold, missing ≠ zero,
delta-method interval, grades, trend and ranks with rank intervals."""

from __future__ import annotations

import numpy as np
import pytest

from govcx.maturity.index_engine import compute_index, dimension_scores
from govcx.maturity.index_model import model_from_text

nan = np.nan


@pytest.fixture
def model(good):
    return model_from_text(good, "good.yaml")  # standards_met 0.6 (0–1), complaints_on_time 0.4 (target 0.9)


def run(model, values, errors=None, groups=None, **options):
    values = np.array(values, dtype=float)
    errors = np.full(values.shape, nan) if errors is None else np.array(errors, dtype=float)
    return compute_index(model, values, errors, groups or ["federal"] * values.shape[0], **options)


def test_hand_computed_example(model):
    result = run(model, [[[0.8, 0.45]]], [[[nan, 0.05]]])
    assert result.scores[0, 0].tolist() == pytest.approx([80, 50])
    assert result.value[0, 0] == pytest.approx(68)  # 0.6·80 + 0.4·50
    assert result.coverage[0, 0] == pytest.approx(1)
    assert result.standard_error[0, 0] == pytest.approx(0.4 * 100 / 0.9 * 0.05)  # delta method
    assert result.low[0, 0] == pytest.approx(68 - 1.96 * 2.2222, abs=1e-3)
    assert model.grades[result.grade[0, 0]].grade == "B"


def test_missing_is_renormalised_not_zero(model):
    result = run(model, [[[0.5, nan]], [[0.5, 0.0]]])
    assert result.value[0, 0] == pytest.approx(50)  # only standards_met, its weight renormalised to 1
    assert result.coverage[0, 0] == pytest.approx(0.6)
    assert result.value[1, 0] == pytest.approx(30)  # a real zero counts
    assert np.isnan(result.scores[0, 0, 1])


def test_below_minimum_coverage_is_not_computed(model):
    result = run(model, [[[nan, 0.9]]])
    assert result.coverage[0, 0] == pytest.approx(0.4)
    assert np.isnan(result.value[0, 0]) and result.grade[0, 0] == -1 and result.rank[0, 0] == 0


def test_scales_clip_and_directions(model):
    scores, errors = dimension_scores(model, np.array([[1.2, 0.99]]), np.array([[0.1, 0.1]]))
    assert scores[0].tolist() == [100, 100]
    assert errors[0].tolist() == [0, 0]  # clipped: the value's error does not move the score


def test_trend_is_the_change_from_the_previous_period(model):
    result = run(model, [[[0.5, 0.45], [0.8, 0.45], [nan, nan]]])
    assert np.isnan(result.change[0, 0])
    assert result.change[0, 1] == pytest.approx(18)  # 0.6·(80 − 50)
    assert np.isnan(result.change[0, 2])


def test_ranks_within_peer_groups(model):
    values = [[[0.8, 0.45]], [[0.5, nan]], [[nan, 0.9]], [[0.5, 0.0]], [[0.9, 0.9]]]
    result = run(model, values, groups=["federal", "federal", "federal", "federal", "regional"])
    assert result.rank[:, 0].tolist() == [1, 2, 0, 3, 1]
    assert result.peers[:, 0].tolist() == [3, 3, 0, 3, 1]
    # no errors: the ranks are certain
    assert result.rank_low[:, 0].tolist() == result.rank[:, 0].tolist() == result.rank_high[:, 0].tolist()


def test_ties_share_the_better_rank(model):
    result = run(model, [[[0.5, nan]], [[0.5, nan]], [[0.1, nan]]])
    assert result.rank[:, 0].tolist() == [1, 1, 3]


def test_rank_interval_widens_with_overlapping_intervals(model):
    values = [[[0.60, 0.45]], [[0.62, 0.45]], [[0.95, 0.85]]]
    errors = [[[nan, 0.2]], [[nan, 0.2]], [[nan, 0.01]]]
    result = run(model, values, errors)
    assert result.rank[:, 0].tolist() == [3, 2, 1]
    assert result.rank_low[0, 0] <= 2 and result.rank_high[1, 0] == 3  # the two close ones may swap
    again = run(model, values, errors)
    assert again.rank_low.tolist() == result.rank_low.tolist()  # fixed seed: reproducible
