"""The index engine: authorities' measures → dimension scores, index value with an interval, grade, trend and
rank among peers with a rank interval. Arrays in, arrays out (numpy), for every authority and period at once.

For authority a, period t and dimension d of the model with weight w_d:

* **score** S_d on 0–100: a `min`/`max` scale maps the value linearly, 100·(v − min)/(max − min) (reversed when
  lower is better), clipped to 0–100; a `target` gives the share of it reached, 100·min(v/target, 1) (or
  100·min(target/v, 1) when lower is better). A missing value is a missing score, never a zero;
* **coverage** C = Σ w_d over the dimensions present; below the model's minimum coverage the index is not
  computed (NaN). Otherwise **index** I = Σ w_d·S_d / C: the weights of the present dimensions renormalised;
* **interval** (delta method, dimensions taken as independent): Var(I) = Σ (w_d/C)²·(∂S_d/∂v)²·se_d², with
  ∂S/∂v the scale's slope where the score is not clipped (0 where it is); the interval is I ± z·√Var(I) (z = 1.96
  for 95 %), clipped to 0–100. Dimensions resting on counts, not samples, have no error and add nothing;
* **grade**: the first band (best first) whose min_score ≤ I;
* **trend**: I minus the authority's index of the previous period (NaN where either is missing);
* **rank** among the authority's peers (its group: federal bodies, regions) in the period, 1 = highest index,
  ties sharing the better rank; the **rank interval** comes from simulation: each authority's index drawn K times
  from N(I, se²) with a fixed seed, ranked within the group in each draw, and the 2.5th and 97.5th percentiles of
  its ranks taken (the approach of Goldstein & Spiegelhalter 1996, "League tables and their limitations", JRSS A
  159(3), §3, by simulation rather than their analytic pairwise intervals). An authority with no error has a rank
  interval set by the others' uncertainty alone.

Plain Python, no Django.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from govcx.maturity.index_model import IndexModel

__all__ = ["IndexResult", "compute_index", "dimension_scores", "grade_of"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
SEED = 20_261_203
SIMULATIONS = 1000
Z95 = 1.959963984540054


@dataclass(frozen=True)
class IndexResult:
    """Arrays shaped (authorities, periods[, dimensions]); NaN (or -1 for grades, 0 for ranks) where not computed."""

    scores: FloatArray  # (A, P, D)
    score_errors: FloatArray  # (A, P, D)
    coverage: FloatArray  # (A, P)
    value: FloatArray  # (A, P)
    standard_error: FloatArray  # (A, P)
    low: FloatArray
    high: FloatArray
    grade: IntArray  # index into model.grades, -1 where the index is not computed
    change: FloatArray  # against the previous period
    rank: IntArray  # 1 = best among peers; 0 where not computed
    rank_low: IntArray
    rank_high: IntArray
    peers: IntArray  # authorities of the same group with an index in the period


def dimension_scores(model: IndexModel, values: FloatArray, errors: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Scores on 0–100 and their standard errors (slope × se; 0 where the measure has no error), NaN if missing."""
    scores = np.full(values.shape, np.nan)
    slopes = np.zeros(values.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        for d, dim in enumerate(model.dimensions):
            v = values[..., d]
            if dim.target is not None:
                if dim.higher_is_better:
                    raw = 100 * v / dim.target
                    slope = np.where(raw < 100, 100 / dim.target, 0.0)
                else:
                    raw = np.where(v > 0, 100 * dim.target / v, 100.0)
                    slope = np.where(raw < 100, 100 * dim.target / np.square(v), 0.0)
            else:
                assert dim.scale_min is not None and dim.scale_max is not None
                span = dim.scale_max - dim.scale_min
                raw = 100 * ((v - dim.scale_min) if dim.higher_is_better else (dim.scale_max - v)) / span
                slope = np.where((raw > 0) & (raw < 100), 100 / span, 0.0)
            scores[..., d] = np.clip(raw, 0, 100)
            slopes[..., d] = slope
    score_errors = np.where(np.isnan(scores), np.nan, slopes * np.nan_to_num(errors, nan=0.0))
    return scores, score_errors


def grade_of(model: IndexModel, value: FloatArray) -> IntArray:
    """The index of the first band (best first) whose min_score ≤ value; -1 for NaN."""
    thresholds = np.array([band.min_score for band in model.grades])
    found = np.argmax(value[..., None] >= thresholds, axis=-1)
    return np.where(np.isnan(value), -1, found).astype(np.int64)


def _ranks(value: FloatArray, groups: npt.NDArray[np.str_], se: FloatArray, simulations: int,
           seed: int) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    authorities, periods = value.shape
    rank = np.zeros((authorities, periods), np.int64)
    rank_low, rank_high, peers = np.zeros_like(rank), np.zeros_like(rank), np.zeros_like(rank)
    rng = np.random.default_rng(seed)
    for group in np.unique(groups):
        members = np.flatnonzero(groups == group)
        for t in range(periods):
            present = members[~np.isnan(value[members, t])]
            n = present.size
            if n == 0:
                continue
            v = value[present, t]
            # competition ranking: 1 + how many peers have a strictly higher index
            order = np.sort(v)
            rank[present, t] = n - np.searchsorted(order, v, side="right") + 1
            peers[present, t] = n
            draws = v + rng.standard_normal((simulations, n)) * np.nan_to_num(se[present, t], nan=0.0)
            sim_ranks = np.empty((simulations, n), np.int64)
            np.put_along_axis(sim_ranks, np.argsort(-draws, axis=1), np.arange(1, n + 1)[None, :], axis=1)
            low, high = np.quantile(sim_ranks, [0.025, 0.975], axis=0, method="inverted_cdf")
            rank_low[present, t] = np.minimum(low, rank[present, t])
            rank_high[present, t] = np.maximum(high, rank[present, t])
    return rank, rank_low, rank_high, peers


def compute_index(model: IndexModel, values: FloatArray, errors: FloatArray, groups: Sequence[str], *,
                  simulations: int = SIMULATIONS, seed: int = SEED, z: float = Z95) -> IndexResult:
    """The index of every authority (axis 0) and period (axis 1, in time order) from its measures (axis 2, in the
    order of `model.dimensions`; NaN = missing; `errors` NaN = no standard error)."""
    weights = np.array([d.weight for d in model.dimensions])
    scores, score_errors = dimension_scores(model, values, errors)
    present = ~np.isnan(scores)
    coverage = (present * weights).sum(axis=-1)
    computed = coverage >= model.minimum_coverage - 1e-9
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(present, weights / coverage[..., None], 0.0)
        value = np.where(computed, (share * np.nan_to_num(scores)).sum(axis=-1), np.nan)
        se = np.where(computed, np.sqrt((np.square(share) * np.square(np.nan_to_num(score_errors))).sum(axis=-1)),
                      np.nan)
    low, high = np.clip(value - z * se, 0, 100), np.clip(value + z * se, 0, 100)
    change = np.full(value.shape, np.nan)
    change[:, 1:] = value[:, 1:] - value[:, :-1]
    rank, rank_low, rank_high, peers = _ranks(value, np.asarray(groups, dtype=str), se, simulations, seed)
    return IndexResult(scores, score_errors, coverage, value, se, low, high, grade_of(model, value), change,
                       rank, rank_low, rank_high, peers)
