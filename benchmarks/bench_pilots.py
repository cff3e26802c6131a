"""Benchmark: the pilot analysis for 100 authorities × 12 quarters (issue 16: under 2 s).

One KPI panel (9 treated authorities, start in quarter 7, a 0.5-point effect, noise 1) through the whole analysis
of `govcx.pilots.did.analyse`: the TWFE estimate and CR1 error, the wild cluster bootstrap (WCR, 9,999
replications, test-inversion interval), randomisation inference (9,999 re-drawn assignments, its interval), the
event study (11 coefficients, each with a 999-replication bootstrap interval) and leave one participant out.
Prints the median and the range of `--repeat` runs after a warm-up.

Peer, from the same run: statsmodels' OLS with C(unit) + C(period) and cluster-robust errors — the plain TWFE
estimate alone, with no bootstrap, randomisation or event study — timed the same way (its import apart).

    uv run python benchmarks/bench_pilots.py [--units 100] [--periods 12] [--treated 9] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from threadpoolctl import threadpool_limits

from govcx.pilots import did


def timed(run: Callable[[], object], repeat: int) -> list[float]:
    run()  # warm-up
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def show(name: str, times: list[float]) -> None:
    print(f"{name:<58} median {statistics.median(times):7.3f} s  (min {min(times):.3f}, max {max(times):.3f})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--periods", type=int, default=12)
    parser.add_argument("--treated", type=int, default=9)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    panel = did.synthetic_panel(units=args.units, periods=args.periods, treated=args.treated,
                                start=args.periods // 2, effect=0.5, seed=1)
    print(f"panel: {args.units} authorities × {args.periods} periods, {args.treated} treated, "
          f"{len(panel.outcome)} observations")
    result = did.analyse(panel)
    print(f"estimate {result.estimate:.3f}, CR1 s.e. {result.se_cr1:.3f}, WCR p {result.p_value:.4f} "
          f"[{result.low:.3f}, {result.high:.3f}], RI p {result.randomisation.p_value:.4f}")
    show("govcx analyse (TWFE + WCR 9,999 + RI 9,999 + events + LOO)", timed(lambda: did.analyse(panel),
                                                                              args.repeat))
    with threadpool_limits(limits=1, user_api="blas"):  # as analyse runs them
        show("  of which TWFE point estimate and CR1", timed(lambda: did.twfe(panel), args.repeat))
        show("  of which wild cluster bootstrap", timed(lambda: did.wild_cluster_bootstrap(panel), args.repeat))
        show("  of which randomisation inference", timed(lambda: did.randomisation_inference(panel), args.repeat))
        show("  of which event study", timed(lambda: did.event_study(panel), args.repeat))

    start = time.perf_counter()
    import pandas as pd
    import statsmodels.formula.api as smf

    print(f"statsmodels + pandas import: {time.perf_counter() - start:.2f} s (not counted below)")
    frame = pd.DataFrame({"y": panel.outcome, "unit": panel.unit, "period": panel.period, "d": panel.dose()})

    def peer() -> float:
        fit = smf.ols("y ~ d + C(unit) + C(period)", frame).fit(cov_type="cluster",
                                                                cov_kwds={"groups": frame["unit"]})
        return float(fit.params["d"])

    assert abs(peer() - result.estimate) < 1e-9
    show("peer: statsmodels OLS C(unit)+C(period), cluster SE (TWFE only)", timed(peer, args.repeat))


if __name__ == "__main__":
    main()
