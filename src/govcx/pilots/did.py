"""Difference-in-differences for a pilot: two-way fixed effects on an authority × period panel, with inference
that holds with few treated clusters.

A pure module (NumPy only; no Django). The model is ``y_it = beta * D_it + a_i + g_t + u_it`` where ``D_it`` is 1
for a treated authority from the pilot's first period on. Everything is computed by the Frisch–Waugh–Lovell
theorem: the fixed effects (and, in the event study, the other event-time dummies) are projected out once
once (units by demeaning, periods and the rest through a small Gram matrix), so each re-estimate is a few dot
products.

- Point estimate and the cluster-robust (CR1) standard error by authority: the same figures as statsmodels'
  OLS with ``C(unit) + C(period)`` and ``cov_type="cluster"`` (small-sample factor G/(G−1)·(N−1)/(N−K), K
  counting every fixed-effect column). Shown for comparison only: with nine treated clusters it over-rejects.
- **Wild cluster bootstrap**, restricted (WCR), the null imposed: Rademacher weights, Webb's six-point weights
  when there are fewer than 12 clusters, every weight vector enumerated when there are no more of them than
  replications. The p-value is symmetric (|t*| ≥ |t|) and the confidence interval is the set of effects the
  test does not reject (test inversion), as ``boottest`` does. Because the bootstrap scores are linear in the
  hypothesised effect, each hypothesis costs O(B) after two G×G×B products ("fast and wild").
- **Randomisation inference**: the treated label is permuted across authorities (the number treated kept);
  exact when the assignments number at most ``draws``, else a fixed-seed sample. Statistic: the coefficient.
  The interval inverts the sharp null of a constant effect.
- **Event study**: one coefficient per period relative to the start, the period before the start (−1) the
  reference, each with its wild-bootstrap interval.
- **Leave one participant out**: the estimate without each treated authority in turn.

Sources: Cameron, A. C., Gelbach, J. B. & Miller, D. L. (2008). Bootstrap-based improvements for inference
with clustered errors. *Review of Economics and Statistics*, 90(3), 414–427. Roodman, D., MacKinnon, J. G.,
Nielsen, M. Ø. & Webb, M. D. (2019). Fast and wild: bootstrap inference in Stata using boottest. *The Stata
Journal*, 19(1), 4–60. Webb, M. D. (2023). Reworking wild bootstrap-based inference for clustered errors.
*Canadian Journal of Economics*, 56(3), 839–858. MacKinnon, J. G. & Webb, M. D. (2020). Randomization
inference for difference-in-differences with few treated clusters. *Journal of Econometrics*, 218(2), 435–450.
Card, D. & Krueger, A. B. (1994). Minimum wages and employment. *American Economic Review*, 84(4), 772–793
(the worked example of the tests).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]  # ships no types

__all__ = [
    "BootstrapResult",
    "DidAnalysis",
    "EventCoefficient",
    "Panel",
    "PanelError",
    "RandomisationResult",
    "TwfeFit",
    "analyse",
    "event_study",
    "leave_one_out",
    "panel_from_rows",
    "randomisation_inference",
    "twfe",
    "wild_cluster_bootstrap",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

WEBB_BELOW = 12
WEBB_WEIGHTS = np.array([-math.sqrt(1.5), -1.0, -math.sqrt(0.5), math.sqrt(0.5), 1.0, math.sqrt(1.5)])
RANK_TOLERANCE = 1e-10


class PanelError(ValueError):
    """The panel cannot identify the effect; ``reason`` is a stable code for the reader's words."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Panel:
    """Observations of one KPI: ``unit``/``period`` are codes 0..G−1 and 0..T−1, ``outcome`` the KPI values.

    ``treated[g]`` says whether authority g takes part; ``start`` is the code of the pilot's first period.
    ``unit_labels``/``period_labels`` map the codes back to the caller's identifiers.
    """

    unit: IntArray
    period: IntArray
    outcome: FloatArray
    treated: npt.NDArray[np.bool_]
    start: int
    unit_labels: tuple[Hashable, ...]
    period_labels: tuple[Hashable, ...]

    @property
    def n_units(self) -> int:
        return len(self.unit_labels)

    @property
    def n_periods(self) -> int:
        return len(self.period_labels)

    def dose(self, treated: npt.NDArray[np.bool_] | None = None) -> FloatArray:
        which = self.treated if treated is None else treated
        return (which[self.unit] & (self.period >= self.start)).astype(np.float64)

    def without_unit(self, unit: int) -> Panel:
        keep = self.unit != unit
        codes = np.cumsum(np.arange(self.n_units) != unit) - 1
        return Panel(
            unit=codes[self.unit[keep]].astype(np.int64),
            period=self.period[keep],
            outcome=self.outcome[keep],
            treated=np.delete(self.treated, unit),
            start=self.start,
            unit_labels=tuple(label for code, label in enumerate(self.unit_labels) if code != unit),
            period_labels=self.period_labels,
        )


def panel_from_rows(
    rows: Iterable[Mapping[str, object]],
    *,
    treated: Iterable[Hashable],
    start_period: Hashable,
    unit_key: str = "organisation_id",
    period_key: str = "period",
    value_key: str = "value",
) -> Panel:
    """Build a panel from rows; rows whose value is missing (None or NaN) are left out, never read as zero.

    Periods sort by their natural order (``"2026Q1" < "2026Q2"``); ``start_period`` need not have a row.
    """
    treated_set = set(treated)
    kept = []
    for row in rows:
        value = row[value_key]
        if value is None:
            continue
        number = float(value)  # type: ignore[arg-type]
        if math.isnan(number):
            continue
        kept.append((row[unit_key], row[period_key], number))
    units = sorted({unit for unit, _, _ in kept}, key=_sort_key)
    periods = sorted({period for _, period, _ in kept} | {start_period}, key=_sort_key)
    unit_code = {unit: code for code, unit in enumerate(units)}
    period_code = {period: code for code, period in enumerate(periods)}
    panel = Panel(
        unit=np.array([unit_code[u] for u, _, _ in kept], dtype=np.int64),
        period=np.array([period_code[p] for _, p, _ in kept], dtype=np.int64),
        outcome=np.array([v for _, _, v in kept], dtype=np.float64),
        treated=np.array([unit in treated_set for unit in units], dtype=np.bool_),
        start=period_code[start_period],
        unit_labels=tuple(units),
        period_labels=tuple(periods),
    )
    _check_identified(panel)
    return panel


def _sort_key(value: Hashable) -> tuple[str, str]:
    return (type(value).__name__, f"{value:>20}" if isinstance(value, int) else str(value))


def _check_identified(panel: Panel) -> None:
    if not panel.treated.any():
        raise PanelError("no_treated", "no treated authority has a value")
    if panel.treated.all():
        raise PanelError("no_comparison", "no comparison authority has a value")
    before = panel.period < panel.start
    treated_rows = panel.treated[panel.unit]
    if not (before & treated_rows).any() or not (~before & treated_rows).any():
        raise PanelError(
            "treated_before_after", "the treated authorities need values both before and after the start"
        )
    if not (before & ~treated_rows).any() or not (~before & ~treated_rows).any():
        raise PanelError(
            "comparison_before_after", "the comparison authorities need values both before and after the start"
        )


@dataclass(frozen=True)
class _Nuisance:
    """The fixed effects (and any extra nuisance columns) to project out.

    Unit effects are absorbed by demeaning within each authority (exact, O(N)); the period dummies and the extra
    columns, demeaned the same way (``within``, N × k with k = T + m small), are projected out through the
    pseudo-inverse of their k × k Gram matrix. No N × G dummy matrix is ever formed or factorised.
    """

    unit: IntArray
    n_units: int
    counts: FloatArray
    within: FloatArray
    gram_pinv: FloatArray
    within_rank: int

    def demean(self, values: FloatArray) -> FloatArray:
        sums = np.bincount(self.unit, weights=values, minlength=self.n_units)
        return values - (sums / self.counts)[self.unit]

    def residualise(self, values: FloatArray) -> FloatArray:
        demeaned = self.demean(values)
        return demeaned - self.within @ (self.gram_pinv @ (self.within.T @ demeaned))

    def cluster_cross(self, weights: FloatArray, values: FloatArray) -> FloatArray:
        """G × G: entry [g, h] is sum over cluster g of weights · (M x^(h)), x^(h) = ``values`` on cluster h only.

        Each x^(h) lives on one authority's rows, so demeaning keeps it there; only the projection on the k
        within-columns couples clusters, through G × k cluster sums.
        """
        demeaned = self.demean(values)
        diagonal = np.bincount(self.unit, weights=weights * demeaned, minlength=self.n_units)
        left = _group_sums(self.unit, self.n_units, self.within * weights[:, None])
        right = _group_sums(self.unit, self.n_units, self.within * demeaned[:, None])
        return np.diag(diagonal) - left @ self.gram_pinv @ right.T

    @property
    def rank(self) -> int:
        return self.n_units + self.within_rank


def _group_sums(unit: IntArray, n_units: int, values: FloatArray) -> FloatArray:
    out = np.zeros((n_units, values.shape[1]), dtype=np.float64)
    np.add.at(out, unit, values)
    return out


def _nuisance(panel: Panel, extra: FloatArray | None = None) -> _Nuisance:
    n = len(panel.outcome)
    counts = np.bincount(panel.unit, minlength=panel.n_units).astype(np.float64)
    columns = np.zeros((n, panel.n_periods), dtype=np.float64)
    columns[np.arange(n), panel.period] = 1.0
    if extra is not None and extra.size:
        columns = np.hstack([columns, extra])
    sums = _group_sums(panel.unit, panel.n_units, columns)
    within = columns - (sums / counts[:, None])[panel.unit]
    gram = within.T @ within
    scale = max(float(np.max(np.abs(gram))), 1.0)
    return _Nuisance(
        unit=panel.unit,
        n_units=panel.n_units,
        counts=counts,
        within=within,
        gram_pinv=np.asarray(np.linalg.pinv(gram, rcond=RANK_TOLERANCE, hermitian=True), dtype=np.float64),
        within_rank=int(np.linalg.matrix_rank(gram, tol=RANK_TOLERANCE * scale, hermitian=True)),
    )


@dataclass(frozen=True)
class TwfeFit:
    estimate: float
    se_cr1: float
    n_obs: int
    n_clusters: int
    n_params: int


@dataclass(frozen=True)
class _Partialled:
    """One regressor of interest after the nuisance columns are projected out, with what the bootstrap needs."""

    y: FloatArray
    d: FloatArray
    nuisance: _Nuisance
    cluster: IntArray
    n_clusters: int
    n_params: int

    @property
    def sdd(self) -> float:
        return float(self.d @ self.d)

    @property
    def estimate(self) -> float:
        return float(self.d @ self.y) / self.sdd

    @property
    def small_sample(self) -> float:
        n, g = len(self.y), self.n_clusters
        if g < 2 or n <= self.n_params:
            return math.nan
        return g / (g - 1) * (n - 1) / (n - self.n_params)

    def cluster_sums(self, values: FloatArray) -> FloatArray:
        return np.bincount(self.cluster, weights=values, minlength=self.n_clusters).astype(np.float64)

    def se_cr1(self) -> float:
        scores = self.cluster_sums(self.d * (self.y - self.estimate * self.d))
        return math.sqrt(self.small_sample * float(scores @ scores)) / self.sdd


def _partial(panel: Panel, dose: FloatArray, others: FloatArray | None = None) -> _Partialled:
    nuisance = _nuisance(panel, others)
    return _Partialled(
        y=nuisance.residualise(panel.outcome),
        d=nuisance.residualise(dose),
        nuisance=nuisance,
        cluster=panel.unit,
        n_clusters=panel.n_units,
        n_params=nuisance.rank + 1,
    )


def twfe(panel: Panel) -> TwfeFit:
    """The two-way fixed-effects estimate and its CR1 standard error clustered by authority."""
    part = _partial(panel, panel.dose())
    return TwfeFit(
        estimate=part.estimate,
        se_cr1=part.se_cr1(),
        n_obs=len(panel.outcome),
        n_clusters=panel.n_units,
        n_params=part.n_params,
    )


@dataclass(frozen=True)
class BootstrapResult:
    estimate: float
    se_cr1: float
    p_value: float
    low: float
    high: float
    reps: int
    weights: str
    enumerated: bool


def _weights(n_clusters: int, reps: int, seed: int) -> tuple[FloatArray, str, bool]:
    """Bootstrap weights, one column per replication (G × B)."""
    if n_clusters < WEBB_BELOW:
        values, name = WEBB_WEIGHTS, "webb"
    else:
        values, name = np.array([-1.0, 1.0]), "rademacher"
    if len(values) ** n_clusters <= reps:
        grid = np.array(list(itertools.product(values, repeat=n_clusters)), dtype=np.float64).T
        return grid, name, True
    rng = np.random.default_rng(seed)
    return rng.choice(values, size=(n_clusters, reps)), name, False


def _wcr(part: _Partialled, *, reps: int, seed: int, confidence: float) -> BootstrapResult:
    g = part.n_clusters
    sdd = part.sdd
    estimate = part.estimate
    se = part.se_cr1()
    # Restricted residuals u(b0) = y - b0*d are linear in the hypothesised effect b0, and so is everything built
    # from them: the cluster scores s_g, the projection term A[g, h] = d_g' P_gh u_h and so the bootstrap scores.
    # The score of cluster g in replication b is sum_h K[g, h] v[h, b] with
    # K[g, h] = d_g' (M u^(h))_g - c_g s_h / sdd, u^(h) the restricted residuals of cluster h alone.
    s0 = part.cluster_sums(part.d * part.y)
    s1 = part.cluster_sums(part.d * part.d)
    k0 = part.nuisance.cluster_cross(part.d, part.y) - np.outer(s1, s0) / sdd
    k1 = part.nuisance.cluster_cross(part.d, part.d) - np.outer(s1, s1) / sdd
    v, name, enumerated = _weights(g, reps, seed)
    num0, num1 = s0 @ v, s1 @ v
    score0, score1 = k0 @ v, k1 @ v
    q00 = np.einsum("gb,gb->b", score0, score0)
    q01 = np.einsum("gb,gb->b", score0, score1)
    q11 = np.einsum("gb,gb->b", score1, score1)

    observed_scores = part.cluster_sums(part.d * (part.y - estimate * part.d))
    observed_spread = math.sqrt(float(observed_scores @ observed_scores))

    def p_value(b0: float) -> float:
        num = num0 - b0 * num1
        spread = np.maximum(q00 - 2 * b0 * q01 + b0 * b0 * q11, 0.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            t_star = np.abs(num) / np.sqrt(spread)
        t_star = np.where(spread > 0, t_star, 0.0)
        t_obs = abs(estimate - b0) * sdd / observed_spread if observed_spread > 0 else math.inf
        return float(np.mean(t_star >= t_obs - 1e-12 * max(1.0, t_obs)))

    low, high = _invert(p_value, estimate, se, 1 - confidence)
    return BootstrapResult(
        estimate=estimate,
        se_cr1=se,
        p_value=p_value(0.0),
        low=low,
        high=high,
        reps=v.shape[1],
        weights=name,
        enumerated=enumerated,
    )


def _invert(p_value: Callable[[float], float], estimate: float, scale: float, alpha: float) -> tuple[float, float]:
    """The effects b0 with p(b0) > alpha around the estimate, by bracketing and bisection."""
    step = scale if math.isfinite(scale) and scale > 0 else max(abs(estimate), 1.0)
    bounds = []
    for sign in (-1.0, 1.0):
        inner, outer = estimate, estimate + sign * step
        for _ in range(60):
            if p_value(outer) <= alpha:
                break
            inner, outer = outer, estimate + 2 * (outer - estimate)
        else:
            bounds.append(sign * math.inf)
            continue
        for _ in range(50):
            middle = (inner + outer) / 2
            if p_value(middle) > alpha:
                inner = middle
            else:
                outer = middle
            if abs(outer - inner) <= 1e-6 * max(1.0, abs(step)):
                break
        bounds.append((inner + outer) / 2)
    return bounds[0], bounds[1]


def wild_cluster_bootstrap(
    panel: Panel, *, reps: int = 9999, seed: int = 20260301, confidence: float = 0.95
) -> BootstrapResult:
    """WCR bootstrap p-value of "no effect" and the test-inversion interval (Roodman et al. 2019)."""
    return _wcr(_partial(panel, panel.dose()), reps=reps, seed=seed, confidence=confidence)


@dataclass(frozen=True)
class RandomisationResult:
    p_value: float
    low: float
    high: float
    assignments: int
    exact: bool


def randomisation_inference(
    panel: Panel, *, draws: int = 9999, seed: int = 20260301, confidence: float = 0.95
) -> RandomisationResult:
    """Permutation p-value of the coefficient under re-drawn treated sets; interval under a constant effect.

    For an assignment vector t (one entry per authority) the coefficient is (t·w)/(t'Wt), with w and W
    computed once: the numerator is linear in t and the denominator (D'MD) a quadratic form, so every assignment costs
    O(G²) and no regression is re-run.
    """
    nuisance = _nuisance(panel)
    g = panel.n_units
    post = (panel.period >= panel.start).astype(np.float64)
    y_tilde = nuisance.residualise(panel.outcome)
    d_tilde = nuisance.residualise(panel.dose())
    observed = float(d_tilde @ y_tilde) / float(d_tilde @ d_tilde)
    w0 = np.bincount(panel.unit, weights=post * y_tilde, minlength=g)
    w1 = np.bincount(panel.unit, weights=post * d_tilde, minlength=g)
    gram = nuisance.cluster_cross(post, post)
    assignments, exact = _assignments(g, int(panel.treated.sum()), draws, seed)
    denominator = np.einsum("rg,rg->r", assignments @ gram, assignments)
    n0, n1 = assignments @ w0, assignments @ w1
    valid = denominator > 1e-12

    def p_value(b0: float) -> float:
        stats = np.abs((n0[valid] - b0 * n1[valid]) / denominator[valid])
        target = abs(observed - b0)
        hits = int(np.count_nonzero(stats >= target - 1e-12 * max(1.0, target)))
        if exact:
            return hits / len(stats)
        return (hits + 1) / (len(stats) + 1)

    spread = float(np.std((n0[valid]) / denominator[valid])) or 1.0
    low, high = _invert(p_value, observed, spread, 1 - confidence)
    return RandomisationResult(p_value=p_value(0.0), low=low, high=high, assignments=len(n0), exact=exact)


def _assignments(units: int, treated: int, draws: int, seed: int) -> tuple[FloatArray, bool]:
    if math.comb(units, treated) <= draws:
        rows = np.zeros((math.comb(units, treated), units), dtype=np.float64)
        for row, chosen in enumerate(itertools.combinations(range(units), treated)):
            rows[row, list(chosen)] = 1.0
        return rows, True
    rng = np.random.default_rng(seed)
    order = np.argsort(rng.random((draws, units)), axis=1)[:, :treated]
    rows = np.zeros((draws, units), dtype=np.float64)
    np.put_along_axis(rows, order, 1.0, axis=1)
    return rows, False


@dataclass(frozen=True)
class EventCoefficient:
    relative_period: int
    period: Hashable
    estimate: float
    low: float
    high: float


def event_study(
    panel: Panel, *, reps: int = 999, seed: int = 20260301, confidence: float = 0.95
) -> list[EventCoefficient]:
    """Treated × period dummies relative to the start, period −1 the reference (0), each with a WCR interval."""
    reference = panel.start - 1
    periods = [p for p in range(panel.n_periods) if p != reference]
    treated_rows = panel.treated[panel.unit]
    dummies = np.stack([(treated_rows & (panel.period == p)).astype(np.float64) for p in periods], axis=1)
    present: npt.NDArray[np.bool_] = np.asarray(dummies.any(axis=0), dtype=np.bool_)
    coefficients = [
        EventCoefficient(relative_period=-1, period=panel.period_labels[reference], estimate=0.0, low=0.0, high=0.0)
    ] if reference >= 0 else []
    for index, period in enumerate(periods):
        if not present[index]:
            continue
        others = np.delete(dummies, index, axis=1)
        keep = np.delete(present, index)
        part = _partial(panel, dummies[:, index], others[:, keep])
        if part.sdd <= 1e-12:
            continue
        result = _wcr(part, reps=reps, seed=seed, confidence=confidence)
        coefficients.append(
            EventCoefficient(
                relative_period=period - panel.start,
                period=panel.period_labels[period],
                estimate=result.estimate,
                low=result.low,
                high=result.high,
            )
        )
    return sorted(coefficients, key=lambda c: c.relative_period)


def leave_one_out(panel: Panel) -> list[tuple[Hashable, float]]:
    """The estimate without each treated authority in turn (a robustness check, not an interval)."""
    out = []
    for unit in np.flatnonzero(panel.treated):
        smaller = panel.without_unit(int(unit))
        if not smaller.treated.any():
            continue
        out.append((panel.unit_labels[unit], twfe(smaller).estimate))
    return out


@dataclass(frozen=True)
class DidAnalysis:
    estimate: float
    se_cr1: float
    low: float
    high: float
    p_value: float
    method: str
    bootstrap: BootstrapResult
    randomisation: RandomisationResult
    events: list[EventCoefficient]
    leave_one_out: list[tuple[Hashable, float]]
    n_clusters: int
    n_treated: int
    n_obs: int


def analyse(
    panel: Panel,
    *,
    reps: int = 9999,
    event_reps: int = 999,
    draws: int = 9999,
    seed: int = 20260301,
    confidence: float = 0.95,
) -> DidAnalysis:
    """Everything the pilot report shows; the headline interval and p-value are the wild bootstrap's.

    BLAS runs on one thread: the matrices are small (G × G, G × B), and a thread pool per process on a busy
    server made the analysis seven times slower in the benchmark (3.3 s against 0.46 s on two loaded cores).
    """
    with threadpool_limits(limits=1, user_api="blas"):
        return _analyse(panel, reps=reps, event_reps=event_reps, draws=draws, seed=seed, confidence=confidence)


def _analyse(panel: Panel, *, reps: int, event_reps: int, draws: int, seed: int, confidence: float) -> DidAnalysis:
    boot = wild_cluster_bootstrap(panel, reps=reps, seed=seed, confidence=confidence)
    ri = randomisation_inference(panel, draws=draws, seed=seed, confidence=confidence)
    return DidAnalysis(
        estimate=boot.estimate,
        se_cr1=boot.se_cr1,
        low=boot.low,
        high=boot.high,
        p_value=boot.p_value,
        method=f"wcr-{boot.weights}",
        bootstrap=boot,
        randomisation=ri,
        events=event_study(panel, reps=event_reps, seed=seed, confidence=confidence),
        leave_one_out=leave_one_out(panel),
        n_clusters=panel.n_units,
        n_treated=int(panel.treated.sum()),
        n_obs=len(panel.outcome),
    )


def synthetic_panel(
    *, units: int, periods: int, treated: int, start: int, effect: float, seed: int, noise: float = 1.0
) -> Panel:
    """A balanced synthetic panel (benchmarks and tests): unit and period effects, noise, a constant effect."""
    rng = np.random.default_rng(seed)
    unit = np.repeat(np.arange(units, dtype=np.int64), periods)
    period = np.tile(np.arange(periods, dtype=np.int64), units)
    treated_units = np.zeros(units, dtype=np.bool_)
    treated_units[:treated] = True
    outcome = (
        rng.normal(0, 2, units)[unit]
        + np.linspace(0, 1, periods)[period]
        + rng.normal(0, noise, units * periods)
        + effect * (treated_units[unit] & (period >= start))
    )
    return Panel(
        unit=unit,
        period=period,
        outcome=outcome.astype(np.float64),
        treated=treated_units,
        start=start,
        unit_labels=tuple(range(units)),
        period_labels=tuple(range(periods)),
    )
