"""Statistics of a usability lab: completion rates, task times, SUS, UMUX-Lite, SEQ, problem discovery.

A pure module (no Django). The distributions, the t interval and the adjusted-Wald interval it builds on are
SciPy's, through `govcx.common.stats`; the order-statistic ranks of the median interval are exact integer sums.

Main source throughout: Sauro, J. & Lewis, J. R. (2016). *Quantifying the User Experience: Practical Statistics
for User Research* (2nd ed.). Morgan Kaufmann. Chapter references below are to that edition.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from statistics import NormalDist, fmean
from typing import Literal

from govcx.common.stats import (
    Interval,
    adjusted_wald,
    binomial_upper_tails,
    check_confidence,
    check_counts,
    t_interval,
    z_two_sided,
)

__all__ = [
    "SUS_ADJECTIVES",
    "SUS_GRADES",
    "SUS_PERCENTILE_TABLE",
    "BenchmarkResult",
    "SeqSummary",
    "SusSummary",
    "TimeSummary",
    "compare_with_benchmark",
    "completion_point_estimate",
    "discovery_probability",
    "median_rank_interval",
    "priority",
    "sample_size_for_completion_margin",
    "sample_size_for_discovery",
    "seq_summary",
    "sus_acceptability",
    "sus_adjective",
    "sus_grade",
    "sus_percentile_normal",
    "sus_percentile_rank",
    "sus_score",
    "sus_summary",
    "task_time_summary",
    "umux_lite",
    "umux_lite_to_sus",
]


# --------------------------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BenchmarkResult:
    lower_bound: float
    meets: bool
    exact_p: float
    mid_p: float


@dataclass(frozen=True, slots=True)
class TimeSummary:
    n: int
    method: Literal["geometric_mean", "median"]
    estimate: float
    low: float
    high: float
    arithmetic_mean: float
    confidence: float
    excluded_failed: int


@dataclass(frozen=True, slots=True)
class SusSummary:
    n: int
    scores: tuple[float, ...]
    mean: float
    interval: Interval
    percentile_rank: float
    percentile_normal_approx: float
    grade: str
    acceptability: str
    adjective: str
    identical_answer_respondents: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class SeqSummary:
    n: int
    mean: float
    interval: Interval
    benchmark: float
    position: Literal["above", "below", "straddles"]


# --------------------------------------------------------------------------------------------------------------
# Completion rates
# --------------------------------------------------------------------------------------------------------------


def completion_point_estimate(successes: int, n: int) -> tuple[float, str]:
    """Best point estimate of a completion rate, by the rule of Lewis & Sauro (2006).

    With p = x/n:
      * p ≤ 0.5        → Wilson point estimate (x + z²/2)/(n + z²), z at 95 % (full precision, ≈ 1.96);
      * 0.5 < p < 0.9  → maximum likelihood estimate x/n;
      * p ≥ 0.9        → Laplace (x + 1)/(n + 2).
    Boundary handling: exactly 0.5 goes to Wilson, exactly 0.9 to Laplace (compared in exact rational
    arithmetic, so 9/10 and 27/30 both count as 0.9). The published rule offers Jeffreys as an alternative for
    0.9 ≤ p < 1; this function always uses Laplace, which the rule prescribes for p = 1.

    Sources: Lewis, J. R. & Sauro, J. (2006). When 100% really isn't 100%: Improving the accuracy of
    small-sample estimates of completion rates. *Journal of Usability Studies*, 1(3), 136–150.
    Sauro & Lewis (2016), ch. 3, "Best point estimates for a completion rate".
    """
    check_counts(successes, n)
    p = Fraction(successes, n)
    if p <= Fraction(1, 2):
        z = z_two_sided(0.95)
        return (successes + z * z / 2.0) / (n + z * z), "wilson"
    if p < Fraction(9, 10):
        return successes / n, "mle"
    return (successes + 1) / (n + 2), "laplace"


def compare_with_benchmark(successes: int, n: int, benchmark: float, confidence: float = 0.90) -> BenchmarkResult:
    """Test whether a completion rate exceeds a benchmark.

    `lower_bound` is the lower bound of the two-sided adjusted-Wald interval at `confidence` (90 % by default,
    i.e. a one-sided 95 % test); `meets` is True when that lower bound is strictly above the benchmark.
    `exact_p` is the one-sided exact binomial p-value P(X ≥ x | n, benchmark); `mid_p` is the mid-probability
    P(X > x) + ½·P(X = x), which Sauro & Lewis recommend for small samples as less conservative.

    Source: Sauro & Lewis (2016), ch. 4, "Comparing a completion rate to a benchmark" (small-sample test:
    exact and mid-probability binomial; large-sample: adjusted-Wald lower bound).
    """
    check_counts(successes, n)
    if not 0.0 < benchmark < 1.0:
        raise ValueError(f"benchmark must be strictly between 0 and 1, got {benchmark!r}")
    lower = adjusted_wald(successes, n, confidence).low
    at_least, above = binomial_upper_tails(successes, n, benchmark)
    mid = (at_least + above) / 2.0
    return BenchmarkResult(lower_bound=lower, meets=lower > benchmark, exact_p=at_least, mid_p=mid)


# --------------------------------------------------------------------------------------------------------------
# Task times
# --------------------------------------------------------------------------------------------------------------


def _median(sorted_values: Sequence[float]) -> float:
    n = len(sorted_values)
    mid = n // 2
    return float(sorted_values[mid]) if n % 2 else (sorted_values[mid - 1] + sorted_values[mid]) / 2.0


def median_rank_interval(n: int, confidence: float = 0.95) -> tuple[int, int]:
    """1-based ranks (j, k) of the order statistics bounding a distribution-free CI for the median.

    j is the largest rank with P(B ≤ j − 1) ≤ α/2 for B ~ Binomial(n, ½), k = n − j + 1, so the coverage
    1 − 2·P(B ≤ j − 1) is at least `confidence`. Computed exactly with integers. For n = 25 at 95 % this gives
    ranks 8 and 18, the same as the normal approximation n·p ± z·√(n·p(1 − p)) of Sauro & Lewis (2016), ch. 3,
    "Confidence interval around a median".
    """
    check_confidence(confidence)
    if n < 1:
        raise ValueError("n must be at least 1")
    half_alpha = Fraction(1.0 - confidence) / 2  # exact value of the float that was passed
    total = 2**n
    cumulative = 0  # Σ_{i < j} C(n, i)
    j = 0
    while j < n and Fraction(cumulative + math.comb(n, j), total) <= half_alpha:
        cumulative += math.comb(n, j)
        j += 1
    j = max(1, j)  # rank 1 (the minimum) when no rank achieves the coverage
    return j, n - j + 1


def task_time_summary(
    times: Sequence[float],
    *,
    include_failed: bool = False,
    successes: Sequence[bool] | None = None,
    confidence: float = 0.95,
) -> TimeSummary:
    """Central tendency and confidence interval of task times.

    * n < 25: geometric mean, with a t interval computed on the log times and transformed back (exp);
    * n ≥ 25: median, with a distribution-free order-statistic (exact binomial) interval
      (see `median_rank_interval`).
    When `successes` flags are given, failed attempts are excluded unless `include_failed` is True
    (`excluded_failed` reports how many were dropped). n is counted after exclusion.

    Source: Sauro & Lewis (2016), ch. 3, "Confidence interval for task-time data" and "Best point estimate for
    task times: geometric mean for n < 25, median otherwise" (Cordes 1993; Sauro & Lewis 2010).
    """
    check_confidence(confidence)
    values = [float(t) for t in times]
    excluded = 0
    if successes is not None:
        if len(successes) != len(values):
            raise ValueError("successes must have one flag per time")
        if not include_failed:
            kept = [t for t, ok in zip(values, successes, strict=True) if ok]
            excluded = len(values) - len(kept)
            values = kept
    if any(not (t > 0 and math.isfinite(t)) for t in values):
        raise ValueError("task times must be positive finite numbers")
    n = len(values)
    if n < 2:
        raise ValueError("at least two task times are needed")
    arithmetic = fmean(values)
    if n < 25:
        logs = [math.log(t) for t in values]
        interval = t_interval(logs, confidence)
        return TimeSummary(
            n=n,
            method="geometric_mean",
            estimate=math.exp(interval.point),
            low=math.exp(interval.low),
            high=math.exp(interval.high),
            arithmetic_mean=arithmetic,
            confidence=confidence,
            excluded_failed=excluded,
        )
    ordered = sorted(values)
    j, k = median_rank_interval(n, confidence)
    return TimeSummary(
        n=n,
        method="median",
        estimate=_median(ordered),
        low=ordered[j - 1],
        high=ordered[k - 1],
        arithmetic_mean=arithmetic,
        confidence=confidence,
        excluded_failed=excluded,
    )


# --------------------------------------------------------------------------------------------------------------
# SUS
# --------------------------------------------------------------------------------------------------------------

#: Curved grading scale, Sauro & Lewis (2016), Table 8.6: (grade, lowest SUS score of the grade).
SUS_GRADES: tuple[tuple[str, float], ...] = (
    ("A+", 84.1),
    ("A", 80.8),
    ("A-", 78.9),
    ("B+", 77.2),
    ("B", 74.1),
    ("B-", 72.6),
    ("C+", 71.1),
    ("C", 65.0),
    ("C-", 62.7),
    ("D", 51.7),
    ("F", 0.0),
)

#: SUS score → percentile rank: both ends of every SUS range and percentile range of Sauro & Lewis (2016),
#: Table 8.6 (curved grading scale), plus the normative mean 68 → 50th percentile (Sauro & Lewis 2016, ch. 8).
SUS_PERCENTILE_TABLE: tuple[tuple[float, float], ...] = (
    (0.0, 0.0),
    (51.6, 14.0),
    (51.7, 15.0),
    (62.6, 34.0),
    (62.7, 35.0),
    (64.9, 40.0),
    (65.0, 41.0),
    (68.0, 50.0),
    (71.0, 59.0),
    (71.1, 60.0),
    (72.5, 64.0),
    (72.6, 65.0),
    (74.0, 69.0),
    (74.1, 70.0),
    (77.1, 79.0),
    (77.2, 80.0),
    (78.8, 84.0),
    (78.9, 85.0),
    (80.7, 89.0),
    (80.8, 90.0),
    (84.0, 95.0),
    (84.1, 96.0),
    (100.0, 100.0),
)

#: Adjective ratings with their mean SUS scores, Bangor, Kortum & Miller (2009), Table 3.
SUS_ADJECTIVES: tuple[tuple[str, float], ...] = (
    ("best imaginable", 90.9),
    ("excellent", 85.5),
    ("good", 71.4),
    ("OK", 50.9),
    ("poor", 35.7),
    ("awful", 20.3),
    ("worst imaginable", 12.5),
)


def sus_score(answers: Sequence[int]) -> float:
    """SUS score of one respondent: odd items contribute r − 1, even items 5 − r; the sum × 2.5 (0–100).

    Source: Brooke, J. (1996). SUS: A "quick and dirty" usability scale. In P. W. Jordan et al. (Eds.),
    *Usability Evaluation in Industry* (pp. 189–194). Taylor & Francis. Sauro & Lewis (2016), ch. 8.
    """
    if len(answers) != 10:
        raise ValueError(f"SUS needs exactly 10 answers, got {len(answers)}")
    total = 0
    for index, r in enumerate(answers, start=1):
        if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= 5:
            raise ValueError(f"SUS item {index} must be an integer 1–5, got {r!r}")
        total += (r - 1) if index % 2 else (5 - r)
    return total * 2.5


def sus_percentile_rank(score: float) -> float:
    """Percentile rank of a SUS score by linear interpolation in `SUS_PERCENTILE_TABLE`.

    Source: Sauro & Lewis (2016), Table 8.6 (curved grading scale with percentile ranges) and ch. 8 (68 is
    the 50th percentile of their normative data).
    """
    if not 0.0 <= score <= 100.0:
        raise ValueError(f"SUS score must be within 0–100, got {score!r}")
    for (x0, y0), (x1, y1) in zip(SUS_PERCENTILE_TABLE, SUS_PERCENTILE_TABLE[1:], strict=False):
        if x0 <= score <= x1:
            return y0 + (y1 - y0) * (score - x0) / (x1 - x0)
    raise AssertionError("unreachable: table spans 0–100")  # pragma: no cover


def sus_percentile_normal(score: float, mean: float = 68.0, sd: float = 12.5) -> float:
    """Percentile rank under the NORMAL APPROXIMATION of SUS scores (mean 68, SD 12.5): 100 · Φ((x − 68)/12.5).

    An approximation, not the published lookup table. Source: Sauro & Lewis (2016), ch. 8 (normative mean
    68, standard deviation 12.5).
    """
    return 100.0 * NormalDist(mean, sd).cdf(score)


def sus_grade(score: float) -> str:
    """Letter grade on the Sauro–Lewis curved grading scale (Sauro & Lewis 2016, Table 8.6).

    Each grade starts at its published lower bound (A+ ≥ 84.1, A ≥ 80.8, ..., D ≥ 51.7, else F); a mean that
    falls in a 0.1-wide gap between published ranges (e.g. 71.05) receives the lower grade.
    """
    for grade, lowest in SUS_GRADES:
        if score >= lowest:
            return grade
    return "F"


def sus_acceptability(score: float) -> str:
    """Acceptability range: "not acceptable" below 50, "marginal" 50–70 inclusive, "acceptable" above 70.

    Source: Bangor, A., Kortum, P. T. & Miller, J. T. (2008). An empirical evaluation of the System Usability
    Scale. *International Journal of Human–Computer Interaction*, 24(6), 574–594.
    """
    if score < 50.0:
        return "not acceptable"
    if score <= 70.0:
        return "marginal"
    return "acceptable"


def sus_adjective(score: float) -> str:
    """Adjective rating: the adjective whose mean SUS score is the nearest at or below `score`.

    Scores below 12.5 (the lowest mean) are "worst imaginable". Source: Bangor, A., Kortum, P. & Miller, J.
    (2009). Determining what individual SUS scores mean: Adding an adjective rating scale. *Journal of
    Usability Studies*, 4(3), 114–123 (means: 12.5, 20.3, 35.7, 50.9, 71.4, 85.5, 90.9).
    """
    for adjective, mean in SUS_ADJECTIVES:
        if score >= mean:
            return adjective
    return SUS_ADJECTIVES[-1][0]


def sus_summary(responses: Sequence[Sequence[int]], confidence: float = 0.95) -> SusSummary:
    """Summary of a SUS study: mean, t interval (clipped to 0–100), percentile rank (lookup table and normal
    approximation), curved grade, acceptability, adjective, and the 0-based indexes of respondents whose ten
    answers are all identical (straight-lining: with alternating item tone, such answers are not credible).

    Sources: Brooke (1996); Sauro & Lewis (2016), ch. 3 (t interval) and ch. 8 (norms, Table 8.6); Bangor,
    Kortum & Miller (2008, 2009).
    """
    if len(responses) < 2:
        raise ValueError("a SUS summary needs at least two respondents")
    scores = tuple(sus_score(answers) for answers in responses)
    interval = t_interval(scores, confidence, bounds=(0.0, 100.0), method="t")
    mean = interval.point
    flagged = tuple(i for i, answers in enumerate(responses) if len(set(answers)) == 1)
    return SusSummary(
        n=len(scores),
        scores=scores,
        mean=mean,
        interval=interval,
        percentile_rank=sus_percentile_rank(mean),
        percentile_normal_approx=sus_percentile_normal(mean),
        grade=sus_grade(mean),
        acceptability=sus_acceptability(mean),
        adjective=sus_adjective(mean),
        identical_answer_respondents=flagged,
    )


# --------------------------------------------------------------------------------------------------------------
# UMUX-Lite and SEQ
# --------------------------------------------------------------------------------------------------------------


def umux_lite(item1: int, item2: int) -> float:
    """UMUX-Lite score (0–100) from its two 7-point items: ((i1 − 1) + (i2 − 1)) / 12 × 100.

    Source: Lewis, J. R., Utesch, B. S. & Maher, D. E. (2013). UMUX-LITE: When there's no time for the SUS.
    *Proceedings of CHI 2013*, 2099–2102.
    """
    for name, value in (("item1", item1), ("item2", item2)):
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 7:
            raise ValueError(f"{name} must be an integer 1–7, got {value!r}")
    return ((item1 - 1) + (item2 - 1)) / 12.0 * 100.0


def umux_lite_to_sus(score: float) -> float:
    """SUS-equivalent of a UMUX-Lite score by the published regression: 0.65 × UMUX-Lite + 22.9.

    Source: Lewis, Utesch & Maher (2013); Sauro & Lewis (2016), ch. 8.
    """
    return 0.65 * score + 22.9


def seq_summary(ratings: Sequence[int], confidence: float = 0.95, benchmark: float = 5.5) -> SeqSummary:
    """Single Ease Question (7-point) summary: mean, t interval (clipped to 1–7), and whether the interval lies
    entirely above the benchmark, entirely below it, or straddles it (5.5 ≈ historical average).

    Source: Sauro & Lewis (2016), ch. 3 (t interval) and ch. 8 (SEQ; average around 5.5).
    """
    for r in ratings:
        if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= 7:
            raise ValueError(f"SEQ ratings must be integers 1–7, got {r!r}")
    interval = t_interval([float(r) for r in ratings], confidence, bounds=(1.0, 7.0), method="t")
    position: Literal["above", "below", "straddles"]
    if interval.low > benchmark:
        position = "above"
    elif interval.high < benchmark:
        position = "below"
    else:
        position = "straddles"
    return SeqSummary(n=len(ratings), mean=interval.point, interval=interval, benchmark=benchmark, position=position)


# --------------------------------------------------------------------------------------------------------------
# Problem discovery, sample sizes, priority
# --------------------------------------------------------------------------------------------------------------


def _check_probability(p: float, name: str = "p") -> None:
    if not 0.0 < p < 1.0:
        raise ValueError(f"{name} must be strictly between 0 and 1, got {p!r}")


def discovery_probability(p: float, n: int) -> float:
    """Probability that a problem with per-participant occurrence p is seen at least once in n sessions:
    1 − (1 − p)^n.

    Source: Nielsen, J. & Landauer, T. K. (1993). A mathematical model of the finding of usability problems.
    *Proceedings of INTERCHI '93*, 206–213. Sauro & Lewis (2016), ch. 7.
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"p must be within 0–1, got {p!r}")
    if n < 0:
        raise ValueError(f"n must be non-negative, got {n!r}")
    return 1.0 - (1.0 - p) ** n


def sample_size_for_discovery(p: float, goal: float) -> int:
    """Smallest n with 1 − (1 − p)^n ≥ goal.

    Uses n = ⌈ln(1 − goal)/ln(1 − p)⌉ and then corrects by direct evaluation, so floating-point rounding of
    the logarithms cannot make it off by one. Source: Nielsen & Landauer (1993); Sauro & Lewis (2016), ch. 7
    (Table 7.1, sample sizes for problem discovery).
    """
    _check_probability(p)
    _check_probability(goal, "goal")
    n = max(1, math.ceil(math.log1p(-goal) / math.log1p(-p)))
    while n > 1 and discovery_probability(p, n - 1) >= goal:
        n -= 1
    while discovery_probability(p, n) < goal:
        n += 1
    return n


def sample_size_for_completion_margin(margin: float, confidence: float = 0.95, p: float = 0.5) -> int:
    """Sample size for a completion-rate interval of half-width `margin`, adjusted-Wald approach:
    n = z²·p(1 − p)/margin² − z², rounded up (at least 1). p = 0.5 is the conservative planning value.

    Source: Sauro & Lewis (2016), ch. 7, "Sample size for estimation of a binomial proportion (adjusted-Wald)".
    """
    _check_probability(margin, "margin")
    _check_probability(p)
    z = z_two_sided(confidence)
    n = z * z * p * (1.0 - p) / (margin * margin) - z * z
    return max(1, math.ceil(n - 1e-9))


def priority(severity: int, affected: int, participants: int) -> float:
    """Priority of a usability problem: severity (0–4) × proportion of participants affected.

    Source: Sauro & Lewis (2016), ch. 2, prioritising problems by severity and frequency (frequency × impact);
    severity scale 0–4 as in Nielsen's severity ratings.
    """
    if isinstance(severity, bool) or not 0 <= severity <= 4:
        raise ValueError(f"severity must be 0–4, got {severity!r}")
    if participants < 1:
        raise ValueError(f"participants must be at least 1, got {participants!r}")
    if not 0 <= affected <= participants:
        raise ValueError(f"affected must be between 0 and participants={participants}, got {affected!r}")
    return severity * affected / participants
