"""Statistics helpers shared by the apps: normal and Student-t quantiles, binomial tails, two-sided p-values,
the t interval of a mean and the adjusted-Wald interval of a proportion.

A pure module (no Django). Student's t and the binomial are SciPy's ``scipy.special`` ufuncs (microseconds a
call, where a ``scipy.stats`` distribution object costs ~100 µs), imported inside the functions: importing SciPy
takes 0.5–2 s, which a web process should pay when it first needs a t or binomial figure, not when it starts.
The normal distribution is the standard library's (``statistics.NormalDist`` for the quantile, ``math.erfc`` for
the tail), exact to double precision like SciPy's (the tests compare them), so that adjusted-Wald intervals —
lab checks and verdicts, top-box shares — never load SciPy. Domain measures (SUS, completion rates, NPS, ...)
stay in their apps' modules (``govcx.lab.metrics``, ``govcx.feedback.stats``) and call these.

Sources: Sauro, J. & Lewis, J. R. (2016). *Quantifying the User Experience: Practical Statistics for User
Research* (2nd ed.). Morgan Kaufmann, ch. 3 (t interval, adjusted-Wald interval, critical values); Agresti, A.
& Coull, B. A. (1998). Approximate is better than "exact" for interval estimation of binomial proportions.
*The American Statistician*, 52(2), 119–126.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from statistics import NormalDist, fmean, stdev

__all__ = [
    "Interval",
    "adjusted_wald",
    "binomial_upper_tails",
    "check_confidence",
    "check_counts",
    "mean_interval",
    "normal_quantile",
    "t_interval",
    "t_quantile",
    "t_two_sided_p",
    "z_two_sided",
    "z_two_sided_p",
]


@dataclass(frozen=True, slots=True)
class Interval:
    """A confidence interval. `low`/`high` are clipped to the measure's range; `low_raw`/`high_raw` are not."""

    low: float
    high: float
    low_raw: float
    high_raw: float
    point: float
    method: str


def check_confidence(confidence: float) -> None:
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be strictly between 0 and 1, got {confidence!r}")


def check_counts(successes: int, n: int) -> None:
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n!r}")
    if not 0 <= successes <= n:
        raise ValueError(f"successes must be between 0 and n={n}, got {successes!r}")


# --------------------------------------------------------------------------------------------------------------
# Quantiles and p-values
# --------------------------------------------------------------------------------------------------------------


def normal_quantile(p: float) -> float:
    """Φ⁻¹(p), the standard normal quantile (``statistics.NormalDist``: Wichura's AS 241, full precision)."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p!r}")
    return NormalDist().inv_cdf(p)


def z_two_sided(confidence: float) -> float:
    """Critical z for a two-sided interval: Φ⁻¹(1 − (1 − confidence)/2), full precision.

    Source: Sauro & Lewis (2016), ch. 3 (z = 1.96 at 95 %, 1.645 at 90 %, rounded in the book).
    """
    check_confidence(confidence)
    return normal_quantile(1.0 - (1.0 - confidence) / 2.0)


def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t with `df` (> 0, not necessarily whole) degrees of freedom (``scipy.special.stdtrit``).

    Checked in the tests against published table values, e.g. t(.975, 9) = 2.262.
    """
    if not 0.0 < p < 1.0:
        raise ValueError(f"p must be strictly between 0 and 1, got {p!r}")
    if not df > 0:
        raise ValueError(f"df must be positive, got {df!r}")
    from scipy import special

    return float(special.stdtrit(df, p))


def t_two_sided_p(statistic: float, df: float) -> float:
    """Two-sided p-value of a t statistic: 2·P(T ≥ |t|) for T ~ t(df) (``scipy.special.stdtr``)."""
    if not df > 0:
        raise ValueError(f"df must be positive, got {df!r}")
    from scipy import special

    return float(2.0 * special.stdtr(df, -abs(statistic)))


def z_two_sided_p(statistic: float) -> float:
    """Two-sided p-value of a standard normal statistic: 2·(1 − Φ(|z|)) = erfc(|z|/√2), accurate far in the tail
    (where 1 − Φ would round to 0)."""
    return math.erfc(abs(statistic) / math.sqrt(2.0))


def binomial_upper_tails(successes: int, n: int, p: float) -> tuple[float, float]:
    """(P(X ≥ x), P(X > x)) for X ~ Binomial(n, p), x = `successes` (``scipy.special.bdtrc``).

    Both tails rather than P(X = x): a mid-probability ½·(P(X ≥ x) + P(X > x)) then needs no subtraction of two
    numbers close to 1.
    """
    check_counts(successes, n)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be within 0–1, got {p!r}")
    from scipy import special

    return float(special.bdtrc(successes - 1, n, p)), float(special.bdtrc(successes, n, p))


# --------------------------------------------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------------------------------------------


def mean_interval(
    mean: float,
    sd: float,
    n: int,
    confidence: float = 0.95,
    *,
    bounds: tuple[float, float] | None = None,
    method: str = "t",
) -> Interval:
    """Two-sided t confidence interval around a mean from its summary: x̄ ± t(1 − α/2, n − 1) · s/√n.

    Source: Sauro & Lewis (2016), ch. 3, "Confidence interval for rating scales and other continuous data".
    With `bounds`, `low`/`high` are clipped to the scale while `low_raw`/`high_raw` keep the computed values.
    """
    check_confidence(confidence)
    if n < 2:
        raise ValueError(f"a t interval needs at least two values, got {n}")
    margin = t_quantile(1.0 - (1.0 - confidence) / 2.0, n - 1) * sd / math.sqrt(n)
    low_raw, high_raw = mean - margin, mean + margin
    low, high = (low_raw, high_raw) if bounds is None else (max(bounds[0], low_raw), min(bounds[1], high_raw))
    return Interval(low=low, high=high, low_raw=low_raw, high_raw=high_raw, point=mean, method=method)


def t_interval(
    values: Sequence[float], confidence: float = 0.95, *, bounds: tuple[float, float] | None = None, method: str = "t"
) -> Interval:
    """The t interval of `mean_interval` computed from the values themselves (sample SD, n − 1 denominator)."""
    if len(values) < 2:
        raise ValueError("a t interval needs at least two values")
    return mean_interval(fmean(values), stdev(values), len(values), confidence, bounds=bounds, method=method)


def adjusted_wald(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Adjusted-Wald (Agresti–Coull) confidence interval for a proportion (a completion rate, a top-box share).

    p̂adj = (x + z²/2) / (n + z²),  ñ = n + z²,  p̂adj ± z·√(p̂adj(1 − p̂adj)/ñ), z at full precision.
    Bounds are clipped to [0, 1]; the unclipped bounds are kept as `low_raw`/`high_raw`. `point` is p̂adj, the
    centre of the interval (not the reported best point estimate of a completion rate: see
    `govcx.lab.metrics.completion_point_estimate`).

    Sources: Agresti & Coull (1998); Sauro & Lewis (2016), ch. 3, "Adjusted-Wald interval: add two successes
    and two failures".
    """
    check_counts(successes, n)
    z = z_two_sided(confidence)
    n_adj = n + z * z
    p_adj = (successes + z * z / 2.0) / n_adj
    margin = z * math.sqrt(p_adj * (1.0 - p_adj) / n_adj)
    low_raw, high_raw = p_adj - margin, p_adj + margin
    return Interval(
        low=max(0.0, low_raw),
        high=min(1.0, high_raw),
        low_raw=low_raw,
        high_raw=high_raw,
        point=p_adj,
        method="adjusted-wald",
    )


def wilson(successes: int, n: int, confidence: float = 0.95) -> Interval:
    """Wilson score interval for a proportion (a share of cases closed on time).

    centre = (p̂ + z²/2n) / (1 + z²/n),  half-width = z/(1 + z²/n) · √(p̂(1 − p̂)/n + z²/4n²).
    Source: Wilson, E. B. (1927), "Probable inference, the law of succession, and statistical inference",
    JASA 22(158); Newcombe (1998), method 3. Worked example: 81 of 263 at 95 % gives 0.2553 to 0.3662.
    """
    check_counts(successes, n)
    z = z_two_sided(confidence)
    p = successes / n
    denominator = 1.0 + z * z / n
    centre = (p + z * z / (2.0 * n)) / denominator
    half = z / denominator * math.sqrt(p * (1.0 - p) / n + z * z / (4.0 * n * n))
    low_raw, high_raw = centre - half, centre + half
    return Interval(low=max(0.0, low_raw), high=min(1.0, high_raw), low_raw=low_raw, high_raw=high_raw, point=p,
                    method="wilson")
