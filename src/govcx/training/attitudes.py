"""Change of attitude between two waves of the same questionnaire, for the same people (plain Python).

For each person answering both waves the change is d_i = after_i − before_i. Reported per item and per scale (a
person's scale score is the mean of their answers to the scale's items, reverse-keyed items flipped first):

* the mean change d̄ and its standard deviation s_d (n − 1 denominator);
* Cohen's d_z = d̄ / s_d = t / √n, the standardised mean of paired differences — Lakens, D. (2013). Calculating
  and reporting effect sizes to facilitate cumulative science: a practical primer for t-tests and ANOVAs.
  *Frontiers in Psychology*, 4, 863, equations 5–6 (worked example: t(9) = 4.74, d_z = 1.50);
* its confidence interval by inverting the noncentral t distribution: the noncentrality λ for which the observed
  t = d̄/(s_d/√n) is at the upper and lower α/2 quantiles, divided by √n — Steiger, J. H. & Fouladi, R. T. (1997).
  Noncentrality interval estimation and the evaluation of statistical models; Cumming, G. & Finch, S. (2001).
  A primer on the understanding, use, and calculation of confidence intervals that are based on central and
  noncentral distributions. *Educational and Psychological Measurement*, 61(4), 532–574;
* the share of people whose answer improved (d_i > 0);
* and, to compare with staff not yet trained, the difference between the trained people's mean after training and
  the untrained people's mean, with Welch's t interval.

No figure is returned for fewer than `groups.MIN_GROUP_SIZE` pairs (see `groups`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import fmean, stdev, variance

from govcx.common.stats import t_quantile
from govcx.training.groups import may_show


@dataclass(frozen=True, slots=True)
class PairedChange:
    n: int
    mean_before: float
    mean_after: float
    mean_change: float
    sd_change: float
    d_z: float | None  # None when every change is the same (s_d = 0): the standardised size is undefined
    d_z_low: float | None
    d_z_high: float | None
    share_improved: float


@dataclass(frozen=True, slots=True)
class GroupDifference:
    n_trained: int
    n_untrained: int
    difference: float  # trained after − untrained
    low: float
    high: float


def d_z_interval(d_z: float, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """The noncentral-t confidence interval of d_z for n pairs (Steiger & Fouladi 1997; Cumming & Finch 2001)."""
    from scipy.special import nctdtrinc  # on first use: importing SciPy takes a second

    if n < 2:
        raise ValueError("a d_z interval needs at least two pairs")
    t = d_z * math.sqrt(n)
    alpha = 1.0 - confidence
    low = float(nctdtrinc(n - 1, 1.0 - alpha / 2.0, t))
    high = float(nctdtrinc(n - 1, alpha / 2.0, t))
    return low / math.sqrt(n), high / math.sqrt(n)


def paired_change(before: Sequence[float], after: Sequence[float], confidence: float = 0.95) -> PairedChange | None:
    """The change between paired answers (position i of both sequences is one person); None for a group too small
    to show."""
    if len(before) != len(after):
        raise ValueError("before and after must pair the same people")
    n = len(before)
    if not may_show(n):
        return None
    changes = [b - a for a, b in zip(before, after, strict=True)]
    mean_change = fmean(changes)
    sd = stdev(changes)
    d_z = low = high = None
    if sd > 0:
        d_z = mean_change / sd
        low, high = d_z_interval(d_z, n, confidence)
    improved = sum(1 for c in changes if c > 0) / n
    return PairedChange(n, fmean(before), fmean(after), mean_change, sd, d_z, low, high, improved)


def group_difference(
    trained: Sequence[float], untrained: Sequence[float], confidence: float = 0.95
) -> GroupDifference | None:
    """Trained people's mean after training minus untrained people's mean, with Welch's t interval (Welch, B. L.
    (1947). The generalization of Student's problem when several different population variances are involved.
    *Biometrika*, 34, 28–35). None when either group is too small to show."""
    n1, n2 = len(trained), len(untrained)
    if not (may_show(n1) and may_show(n2)):
        return None
    v1, v2 = variance(trained) / n1, variance(untrained) / n2
    difference = fmean(trained) - fmean(untrained)
    se = math.sqrt(v1 + v2)
    if se == 0:
        return GroupDifference(n1, n2, difference, difference, difference)
    df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1))
    margin = t_quantile(1.0 - (1.0 - confidence) / 2.0, df) * se
    return GroupDifference(n1, n2, difference, difference - margin, difference + margin)


def scale_scores(
    answers: Mapping[str, Mapping[str, float]], items: Sequence[str], reverse: frozenset[str], scale_max: int
) -> dict[str, float]:
    """Each person's score on a scale: the mean of their answers to its items (answers 1..scale_max; a reverse-keyed
    item counts as scale_max + 1 − answer). A person who skipped an item of the scale has no score."""
    scores = {}
    for person, by_item in answers.items():
        values = []
        for item in items:
            if item not in by_item:
                break
            value = by_item[item]
            values.append(scale_max + 1 - value if item in reverse else value)
        else:
            if values:
                scores[person] = fmean(values)
    return scores


def paired(
    before: Mapping[str, float], after: Mapping[str, float]
) -> tuple[list[float], list[float]]:
    """The answers of the people present in both waves, in the same order."""
    people = sorted(before.keys() & after.keys())
    return [before[p] for p in people], [after[p] for p in people]
