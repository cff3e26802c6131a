"""Benchmark: the maturity index at national scale (issue 16, "Speed"): 1,000 authorities × 100,000 services ×
8 quarters, recomputed in under 10 s.

Synthetic measures are generated in memory (not timed): for every service and quarter the seven per-service
measures of the catalogue (about 15 % missing, satisfaction, complaints and deadlines with a standard error), and
for every authority the three organisation-wide ones (proactive offers, staff trained, management practices).
Timed: the roll-up of the service values to their authorities (mean, services counted, error of the mean — the
rule of `govcx.maturity.measures.roll_up`, vectorised), and the index engine with the govcx model (scores,
renormalisation, delta-method interval, grades, trend, ranks among federal bodies and regions with 1,000
simulations for the rank intervals). Median of `--repeat` runs.

    uv run python benchmarks/bench_index.py [--authorities 1000] [--services 100000] [--periods 8] [--repeat 3]

Peer: no published figure for a national index recomputation was found (MinEconomy's index is computed yearly by
hand from questionnaires); the target is the issue's 10 s.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np

from govcx.maturity.index_engine import compute_index
from govcx.maturity.index_model import shipped_models

SERVICE_MEASURES = ["standards_met", "tested_with_users", "ready_at_launch", "accessible", "satisfaction_mean",
                    "complaints_on_time", "deadlines_met"]
SAMPLED = {"satisfaction_mean", "complaints_on_time", "deadlines_met"}
AUTHORITY_MEASURES = ["proactive_share", "staff_trained", "management_practices"]


def synthetic(authorities: int, services: int, periods: int, seed: int = 7):
    rng = np.random.default_rng(seed)
    owner = rng.integers(0, authorities, services)
    quality = rng.beta(4, 3, authorities)
    values = np.clip(quality[owner, None, None] + rng.normal(0, 0.15, (services, periods, len(SERVICE_MEASURES))),
                     0, 1)
    values[rng.random(values.shape) < 0.15] = np.nan
    errors = np.full(values.shape, np.nan)
    for m, name in enumerate(SERVICE_MEASURES):
        if name in SAMPLED:
            errors[..., m] = np.where(np.isnan(values[..., m]), np.nan, rng.uniform(0.01, 0.08, (services, periods)))
    org_values = np.clip(quality[:, None, None] + rng.normal(0, 0.1, (authorities, periods, len(AUTHORITY_MEASURES))),
                         0, 1)
    org_values[..., 2] = 1 + 4 * org_values[..., 2]  # practices on 1–5
    org_values[rng.random(org_values.shape) < 0.1] = np.nan
    groups = np.where(np.arange(authorities) < authorities * 0.08, "federal", "regional")  # ~85 federal bodies
    return owner, values, errors, org_values, groups


def roll_up(owner, values, errors, authorities: int):
    """Per authority, period and measure: the mean of its services' values, their count and the mean's error
    (√Σse² / n when every service value has one)."""
    present = ~np.isnan(values)
    flat_owner = np.broadcast_to(owner[:, None, None], values.shape)
    periods, measures = values.shape[1], values.shape[2]
    index = (flat_owner * periods + np.arange(periods)[None, :, None]) * measures + np.arange(measures)[None, None, :]
    size = authorities * periods * measures
    count = np.bincount(index[present], minlength=size)
    total = np.bincount(index[present], weights=values[present], minlength=size)
    has_error = present & ~np.isnan(errors)
    squares = np.bincount(index[has_error], weights=np.square(errors[has_error]), minlength=size)
    with_error = np.bincount(index[has_error], minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, total / count, np.nan)
        se = np.where((count > 0) & (with_error == count), np.sqrt(squares) / count, np.nan)
    shape = (authorities, periods, measures)
    return mean.reshape(shape), se.reshape(shape), count.reshape(shape)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=1000)
    parser.add_argument("--services", type=int, default=100_000)
    parser.add_argument("--periods", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    model = next(m for m in shipped_models() if m.id == "govcx")
    owner, values, errors, org_values, groups = synthetic(args.authorities, args.services, args.periods)
    print(f"{args.authorities:,} authorities, {args.services:,} services, {args.periods} quarters, "
          f"{np.count_nonzero(~np.isnan(values)):,} service values")
    order = [SERVICE_MEASURES.index(d.measure) if d.measure in SERVICE_MEASURES else None for d in model.dimensions]
    timings: dict[str, list[float]] = {"roll-up": [], "engine": [], "total": []}
    for _ in range(args.repeat):
        start = time.perf_counter()
        mean, se, _count = roll_up(owner, values, errors, args.authorities)
        rolled = time.perf_counter()
        matrix = np.full((args.authorities, args.periods, len(model.dimensions)), np.nan)
        matrix_se = np.full(matrix.shape, np.nan)
        for d, dim in enumerate(model.dimensions):
            if order[d] is not None:
                matrix[..., d], matrix_se[..., d] = mean[..., order[d]], se[..., order[d]]
            else:
                matrix[..., d] = org_values[..., AUTHORITY_MEASURES.index(dim.measure)]
        result = compute_index(model, matrix, matrix_se, list(groups))
        done = time.perf_counter()
        timings["roll-up"].append(rolled - start)
        timings["engine"].append(done - rolled)
        timings["total"].append(done - start)
    for name, values_ in timings.items():
        print(f"{name:>8}: median {statistics.median(values_):.2f} s (min {min(values_):.2f}, max {max(values_):.2f})")
    computed = np.count_nonzero(~np.isnan(result.value))
    print(f"index computed for {computed:,} of {result.value.size:,} authority-quarters; "
          f"median rank-interval width {np.median((result.rank_high - result.rank_low)[result.rank > 0]):.0f}")
    print("target: total < 10 s", "MET" if statistics.median(timings["total"]) < 10 else "NOT MET")


if __name__ == "__main__":
    main()
