"""Satisfaction statistics from summary moments, so the analytics layer can feed its aggregates directly.

Each estimate takes counts and sums (n, Σx, Σx²; positives and n; promoters, passives, detractors), never the
national table. Comparisons report a difference only when it is statistically significant
(:attr:`Comparison.reported_difference`), and many comparisons are corrected together (Holm or
Benjamini–Hochberg) before a ranking is shown.

Sources:
- Means: t interval x̄ ± t(1 − α/2, n − 1)·s/√n (Sauro & Lewis 2016, *Quantifying the User Experience*, 2nd ed.,
  ch. 3), with s² = (Σx² − (Σx)²/n)/(n − 1), by :func:`govcx.common.stats.mean_interval`.
- Top-2-box share: adjusted-Wald interval (Agresti & Coull 1998), :func:`govcx.common.stats.adjusted_wald`.
- NPS: promoters − detractors (Reichheld 2003), interval and difference test by the adjusted-Wald method of
  Rocks, B. (2016), Interval estimation for the "Net Promoter Score", *The American Statistician* 70(4),
  365–372, as used by Lewis & Sauro (2021), "Confidence Intervals for Net Promoter Scores" and "How to
  Statistically Compare Two Net Promoter Scores" (measuringu.com): add ¾ to promoters and to detractors and 3
  to n, then var = (p_pro + p_det − (p_pro − p_det)²)/n (the variance of a difference of two multinomial
  proportions).
- Two means: Welch's t-test (Welch, B. L. (1947), *Biometrika* 34, 28–35) with Welch–Satterthwaite df.
- Two proportions: the N − 1 chi-square test, and the Fisher–Irwin exact test when an expected count is below
  1 (Campbell, I. (2007), *Statistics in Medicine* 26, 3661–3675; Sauro & Lewis 2016, ch. 5).
- Many comparisons: Holm (1979), *Scand. J. Statistics* 6, 65–70; Benjamini & Hochberg (1995), *JRSS B* 57,
  289–300 (step-down and step-up adjusted p-values, computed here).
- Drivers: Pearson correlations, standardised OLS coefficients and Johnson's relative weights (Johnson, J. W.
  (2000), A heuristic method for estimating the relative weight of predictor variables in multiple
  regression, *Multivariate Behavioral Research* 35(1), 1–19).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from govcx.common.stats import Interval, adjusted_wald, mean_interval, t_two_sided_p, z_two_sided, z_two_sided_p

__all__ = [
    "Comparison",
    "DriverAnalysis",
    "DriverWeight",
    "MeanSummary",
    "Moments",
    "NpsCounts",
    "NpsSummary",
    "ShareSummary",
    "TrendStep",
    "adjust_comparisons",
    "cohens_d",
    "driver_analysis",
    "matters",
    "mean_summary",
    "nps_difference_test",
    "nps_summary",
    "top_box_share",
    "trend",
    "two_proportion_test",
    "welch_t_test",
]

DEFAULT_ALPHA = 0.05
PeriodData = TypeVar("PeriodData")


def _check_alpha(alpha: float) -> None:
    if not 0.0 < alpha < 1.0:
        raise ValueError(f"alpha must be strictly between 0 and 1, got {alpha!r}")


# --------------------------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Moments:
    """Count, sum and sum of squares of a rating: what an aggregate query returns (COUNT, SUM(x), SUM(x*x))."""

    n: int
    total: float
    sum_squares: float

    def __post_init__(self) -> None:
        if self.n < 0:
            raise ValueError(f"n must be ≥ 0, got {self.n!r}")

    @classmethod
    def from_values(cls, values: Sequence[float]) -> Moments:
        return cls(len(values), math.fsum(values), math.fsum(v * v for v in values))

    @property
    def mean(self) -> float:
        if self.n == 0:
            raise ValueError("the mean of no responses is undefined")
        return self.total / self.n

    @property
    def variance(self) -> float:
        """Sample variance (n − 1 denominator); rounding can make Σx² − (Σx)²/n slightly negative, so clip at 0."""
        if self.n < 2:
            raise ValueError(f"a variance needs at least two responses, got {self.n}")
        return max(0.0, (self.sum_squares - self.total * self.total / self.n) / (self.n - 1))


@dataclass(frozen=True, slots=True)
class NpsCounts:
    promoters: int  # 9–10
    passives: int  # 7–8
    detractors: int  # 0–6

    def __post_init__(self) -> None:
        if min(self.promoters, self.passives, self.detractors) < 0:
            raise ValueError(f"NPS counts must be ≥ 0, got {self}")

    @property
    def n(self) -> int:
        return self.promoters + self.passives + self.detractors


# --------------------------------------------------------------------------------------------------------------
# Estimates
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MeanSummary:
    n: int
    mean: float
    sd: float
    interval: Interval


def mean_summary(
    moments: Moments, confidence: float = 0.95, *, bounds: tuple[float, float] | None = None
) -> MeanSummary:
    """Mean rating with its t interval, from (n, Σx, Σx²); `bounds` clips the interval to the scale."""
    if moments.n < 2:
        raise ValueError(f"a mean with an interval needs at least two responses, got {moments.n}")
    mean, sd = moments.mean, math.sqrt(moments.variance)
    interval = mean_interval(mean, sd, moments.n, confidence, bounds=bounds)
    return MeanSummary(n=moments.n, mean=mean, sd=sd, interval=interval)


@dataclass(frozen=True, slots=True)
class ShareSummary:
    n: int
    positive: int
    share: float  # positive / n
    interval: Interval  # adjusted-Wald


def top_box_share(positive: int, n: int, confidence: float = 0.95) -> ShareSummary:
    """Share of positive ratings (top-2-box by default) with its adjusted-Wald interval."""
    interval = adjusted_wald(positive, n, confidence)
    return ShareSummary(n=n, positive=positive, share=positive / n, interval=interval)


@dataclass(frozen=True, slots=True)
class NpsSummary:
    counts: NpsCounts
    nps: float  # (promoters − detractors)/n × 100, from −100 to 100
    standard_error: float  # of the adjusted estimate, in NPS points
    interval: Interval  # adjusted-Wald, in NPS points, clipped to [−100, 100]


def _nps_adjusted(counts: NpsCounts) -> tuple[float, float]:
    """(adjusted NPS as a proportion difference, its variance) by Rocks' adjusted-Wald (+¾, +¾, +3)."""
    n = counts.n + 3.0
    p_pro, p_det = (counts.promoters + 0.75) / n, (counts.detractors + 0.75) / n
    difference = p_pro - p_det
    return difference, (p_pro + p_det - difference * difference) / n


def nps_summary(counts: NpsCounts, confidence: float = 0.95) -> NpsSummary:
    """Net Promoter Score with its adjusted-Wald interval (see the module doc for the formula and sources)."""
    if counts.n < 1:
        raise ValueError("an NPS needs at least one response")
    centre, variance = _nps_adjusted(counts)
    se = math.sqrt(variance)
    margin = z_two_sided(confidence) * se
    low_raw, high_raw = 100 * (centre - margin), 100 * (centre + margin)
    interval = Interval(
        low=max(-100.0, low_raw), high=min(100.0, high_raw), low_raw=low_raw, high_raw=high_raw,
        point=100 * centre, method="adjusted-wald-nps",
    )
    nps = 100 * (counts.promoters - counts.detractors) / counts.n
    return NpsSummary(counts=counts, nps=nps, standard_error=100 * se, interval=interval)


# --------------------------------------------------------------------------------------------------------------
# Comparisons
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Comparison:
    """A test of a − b. `p_value` is the test's own; after `adjust_comparisons`, `p_adjusted` decides."""

    estimate_a: float
    estimate_b: float
    difference: float  # estimate_a − estimate_b
    statistic: float
    p_value: float
    alpha: float
    method: str
    p_adjusted: float | None = None
    adjustment: str | None = None

    @property
    def significant(self) -> bool:
        p = self.p_value if self.p_adjusted is None else self.p_adjusted
        return p < self.alpha

    @property
    def reported_difference(self) -> float | None:
        """The difference to show on a dashboard: only when significant, otherwise None ("no difference")."""
        return self.difference if self.significant else None


def welch_t_test(a: Moments, b: Moments, alpha: float = DEFAULT_ALPHA) -> Comparison:
    """Welch's two-sample t-test of mean a − mean b, from moments, two-sided."""
    _check_alpha(alpha)
    if a.n < 2 or b.n < 2:
        raise ValueError(f"each group needs at least two responses, got {a.n} and {b.n}")
    va, vb = a.variance / a.n, b.variance / b.n
    difference = a.mean - b.mean
    se2 = va + vb
    if se2 == 0.0:
        # Both groups constant: any difference is certain, none is none.
        p = 1.0 if difference == 0 else 0.0
        statistic = 0.0 if difference == 0 else math.copysign(math.inf, difference)
    else:
        statistic = difference / math.sqrt(se2)
        df = se2 * se2 / (va * va / (a.n - 1) + vb * vb / (b.n - 1))
        p = t_two_sided_p(statistic, df)
    return Comparison(a.mean, b.mean, difference, statistic, p, alpha, "welch-t")


def cohens_d(a: Moments, b: Moments) -> float | None:
    """Effect size of mean a − mean b: Cohen's d with the pooled standard deviation,
    d = (x̄a − x̄b) / √(((na − 1)·sa² + (nb − 1)·sb²) / (na + nb − 2)) (Cohen, J. (1988), *Statistical Power
    Analysis for the Behavioral Sciences*, 2nd ed., §2.2; about 0.2 small, 0.5 medium, 0.8 large). None when
    either group has fewer than two responses or both are constant."""
    if a.n < 2 or b.n < 2:
        return None
    pooled = ((a.n - 1) * a.variance + (b.n - 1) * b.variance) / (a.n + b.n - 2)
    return (a.mean - b.mean) / math.sqrt(pooled) if pooled > 0 else None


def matters(difference: float, *, scale_min: float, scale_max: float, min_share: float) -> bool:
    """Whether a difference of means is large enough to act on: at least `min_share` of the scale's range
    (0.05 of a 1–5 scale is 0.2 points). With hundreds of thousands of answers a test finds differences of a
    hundredth of a point "significant"; this is the floor below which a difference is reported as too small."""
    return abs(difference) >= min_share * (scale_max - scale_min) - 1e-12  # 0.05 × 6 is 0.30000000000000004


def two_proportion_test(
    positive_a: int,
    n_a: int,
    positive_b: int,
    n_b: int,
    alpha: float = DEFAULT_ALPHA,
    *,
    method: Literal["auto", "n-1-chi-square", "fisher-irwin"] = "auto",
) -> Comparison:
    """Test share a − share b: N − 1 chi-square, or Fisher–Irwin exact when an expected count is < 1 (Campbell).

    N − 1 chi-square: χ² = (ad − bc)²(N − 1)/(r₁r₂c₁c₂) on the 2×2 table, i.e. z = (p_a − p_b)/SE·√((N − 1)/N)
    with the pooled SE; the p-value is two-sided. Fisher–Irwin: two-sided exact p by summing the tables no more
    probable than the observed one (scipy's ``fisher_exact``).
    """
    _check_alpha(alpha)
    for x, n, name in ((positive_a, n_a, "a"), (positive_b, n_b, "b")):
        if n < 1 or not 0 <= x <= n:
            raise ValueError(f"group {name}: need 0 ≤ positive ≤ n and n ≥ 1, got {x} of {n}")
    pa, pb = positive_a / n_a, positive_b / n_b
    total, successes = n_a + n_b, positive_a + positive_b
    failures = total - successes
    smallest_expected = min(n_a, n_b) * min(successes, failures) / total
    chosen = method if method != "auto" else ("fisher-irwin" if smallest_expected < 1 else "n-1-chi-square")
    if chosen == "fisher-irwin":
        import numpy as np
        from scipy.stats import fisher_exact  # on first use: importing scipy.stats takes seconds

        table = np.array([[positive_a, n_a - positive_a], [positive_b, n_b - positive_b]])

        statistic, p = fisher_exact(table, alternative="two-sided")
        return Comparison(pa, pb, pa - pb, float(statistic), float(p), alpha, chosen)
    if successes in (0, total):
        return Comparison(pa, pb, 0.0, 0.0, 1.0, alpha, chosen)  # both shares 0 or both 1: nothing to test
    pooled = successes / total
    se = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = (pa - pb) / se * math.sqrt((total - 1) / total)
    p = z_two_sided_p(z)
    return Comparison(pa, pb, pa - pb, z, p, alpha, chosen)


def nps_difference_test(a: NpsCounts, b: NpsCounts, alpha: float = DEFAULT_ALPHA) -> Comparison:
    """Test NPS a − NPS b with the adjusted-Wald variances of each (Lewis & Sauro 2021): z = Δ/√(var_a + var_b).

    Estimates and the difference are reported as the plain NPS (points); the test uses the adjusted values.
    """
    _check_alpha(alpha)
    if a.n < 1 or b.n < 1:
        raise ValueError("each group needs at least one response")
    centre_a, var_a = _nps_adjusted(a)
    centre_b, var_b = _nps_adjusted(b)
    z = (centre_a - centre_b) / math.sqrt(var_a + var_b)
    p = z_two_sided_p(z)
    nps_a = 100 * (a.promoters - a.detractors) / a.n
    nps_b = 100 * (b.promoters - b.detractors) / b.n
    return Comparison(nps_a, nps_b, nps_a - nps_b, z, p, alpha, "adjusted-wald-nps")


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (Holm, S. (1979). A simple sequentially rejective multiple test
    procedure. Scandinavian Journal of Statistics, 6(2), 65–70): in ascending order, p_(i) × (m − i + 1),
    made non-decreasing, capped at 1; returned in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i])
    adjusted = [0.0] * m
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def benjamini_hochberg(p_values: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg step-up adjusted p-values, controlling the false discovery rate (Benjamini, Y. &
    Hochberg, Y. (1995). JRSS B, 57(1), 289–300): in descending order, p_(i) × m / i, made non-increasing,
    capped at 1; returned in the input order."""
    m = len(p_values)
    order = sorted(range(m), key=lambda i: p_values[i], reverse=True)
    adjusted = [0.0] * m
    running = 1.0
    for position, index in enumerate(order):
        rank = m - position
        running = min(running, p_values[index] * (m / rank))  # m / rank ≥ 1, so never below the raw p
        adjusted[index] = min(1.0, running)
    return adjusted


def adjust_comparisons(
    comparisons: Sequence[Comparison], method: Literal["holm", "benjamini-hochberg"] = "holm"
) -> list[Comparison]:
    """The same comparisons with p-values adjusted together (family-wise by Holm, or false discovery rate by
    Benjamini–Hochberg), e.g. every service against the national figure before a ranking is shown."""
    if not comparisons:
        return []
    alphas = {c.alpha for c in comparisons}
    if len(alphas) != 1:
        raise ValueError(f"comparisons adjusted together must share one alpha, got {sorted(alphas)}")
    if method not in ("holm", "benjamini-hochberg"):
        raise ValueError(f"method must be 'holm' or 'benjamini-hochberg', got {method!r}")
    p_values = [c.p_value for c in comparisons]
    adjusted = holm(p_values) if method == "holm" else benjamini_hochberg(p_values)
    return [replace(c, p_adjusted=float(p), adjustment=method) for c, p in zip(comparisons, adjusted, strict=True)]


@dataclass(frozen=True, slots=True)
class TrendStep:
    period_from: str
    period_to: str
    comparison: Comparison  # later period − earlier period


def trend(
    periods: Sequence[tuple[str, PeriodData]],
    compare: Callable[[PeriodData, PeriodData], Comparison],
    *,
    adjust: Literal["holm", "benjamini-hochberg"] | None = None,
) -> list[TrendStep]:
    """Change between consecutive periods: `compare(later, earlier)` for each pair, optionally adjusted together.

    `periods` are (label, data) in time order; `compare` is e.g. ``welch_t_test`` for Moments,
    ``nps_difference_test`` for NpsCounts, or a lambda over (positives, n) pairs for shares.
    """
    steps = [(periods[i - 1][0], periods[i][0], compare(periods[i][1], periods[i - 1][1]))
             for i in range(1, len(periods))]
    comparisons = [c for _, _, c in steps]
    if adjust is not None:
        comparisons = adjust_comparisons(comparisons, adjust)
    return [TrendStep(f, t, c) for (f, t, _), c in zip(steps, comparisons, strict=True)]


# --------------------------------------------------------------------------------------------------------------
# Drivers
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DriverWeight:
    driver: str
    correlation: float  # Pearson r with the overall measure
    correlation_p: float
    beta: float  # standardised OLS coefficient
    relative_weight: float  # Johnson's raw relative weight; the weights sum to R²
    share: float  # relative_weight / R²: the driver's share of the explained variance
    rank: int  # 1 = moves the overall measure most (largest relative weight)


@dataclass(frozen=True, slots=True)
class DriverAnalysis:
    n: int  # responses with every driver and the overall measure answered
    r_squared: float
    drivers: tuple[DriverWeight, ...]  # in rank order

    def weight(self, driver: str) -> DriverWeight:
        for d in self.drivers:
            if d.driver == driver:
                return d
        raise KeyError(driver)


def driver_analysis(drivers: Mapping[str, Sequence[float]], overall: Sequence[float]) -> DriverAnalysis:
    """Which driver moves the overall measure most: per-response arrays of each driver and of overall.

    Responses with a missing value (NaN or None) in any column are dropped. Johnson (2000): with R_xx = VΛVᵀ,
    Λ* = VΛ^½Vᵀ relates the drivers to their closest orthogonal counterparts Z; β* = Λ*⁻¹ r_xy regresses the
    outcome on Z, and the raw weight of driver j is Σ_k Λ*_jk² β*_k², which sums to R² over the drivers.
    """
    import numpy as np  # on first use: a page that draws no driver chart does not load NumPy

    names = list(drivers)
    if not names:
        raise ValueError("driver analysis needs at least one driver")
    columns = [np.asarray(drivers[name], dtype=float) for name in names]
    y = np.asarray(overall, dtype=float)
    for name, column in zip(names, columns, strict=True):
        if column.shape != y.shape:
            raise ValueError(f"driver {name!r} has {column.size} values, overall has {y.size}")
    x = np.column_stack(columns)
    complete = ~np.isnan(x).any(axis=1) & ~np.isnan(y)
    x, y = x[complete], y[complete]
    n, p = x.shape
    if n < p + 2:
        raise ValueError(f"{n} complete responses are too few for {p} drivers (need at least {p + 2})")
    constant = [name for name, sd in zip(names, x.std(axis=0), strict=True) if sd == 0]
    if constant or y.std() == 0:
        what = f"drivers {constant}" if constant else "the overall measure"
        raise ValueError(f"{what} do not vary, so no correlation can be computed")

    r_all = np.corrcoef(np.column_stack([x, y]), rowvar=False)
    r_xx, r_xy = r_all[:p, :p], r_all[:p, p]
    eigenvalues, vectors = np.linalg.eigh(r_xx)
    if eigenvalues.min() < 1e-10:
        raise ValueError("the drivers are collinear (one is a combination of others); remove one of them")
    beta = np.linalg.solve(r_xx, r_xy)
    r_squared = float(r_xy @ beta)
    lam = vectors @ np.diag(np.sqrt(eigenvalues)) @ vectors.T
    beta_z = np.linalg.solve(lam, r_xy)
    raw = (lam**2) @ (beta_z**2)

    weights = []
    for j, name in enumerate(names):
        r = float(r_xy[j])
        t = r * math.sqrt((n - 2) / max(1e-300, 1 - r * r))
        weights.append((name, r, t_two_sided_p(t, n - 2), float(beta[j]), float(raw[j])))
    ordered = sorted(weights, key=lambda w: -w[4])
    return DriverAnalysis(
        n=n,
        r_squared=r_squared,
        drivers=tuple(
            DriverWeight(name, r, rp, b, w, w / r_squared if r_squared > 0 else 0.0, rank)
            for rank, (name, r, rp, b, w) in enumerate(ordered, start=1)
        ),
    )
