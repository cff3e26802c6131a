"""Open-case risk: the probability that an open case finishes within its term, given its current activity and
the time it has already spent there, from the service's own history. Plain Python, no Django.

Method: a Kaplan-Meier estimate (Kaplan & Meier, "Nonparametric estimation from incomplete observations",
JASA 53, 1958; SciPy's `stats.ecdf` on censored data) of the **remaining time to the end of the case**, one per
activity, in the spirit of the annotated transition systems of van der Aalst, Schonenberg & Song, "Time
prediction based on process mining", Information Systems 36 (2011). Every event of a closed case that is not its
last gives one observed remaining time (end of the case minus the event's time); every open case gives one
right-censored time for its current activity (now minus the time it entered it). For an open case that entered
activity `a` `w` seconds ago with `b` seconds left before its term, the probability is the conditional one
`1 - S_a(w + b) / S_a(w)`.

A case is **closed** when its last activity is a closing one: an activity never followed by another in the log.

Calibration: the closed cases are split by a hash of their number (one in five held out); the model is fitted
on the rest, and for each held-out case the prediction made at its middle event (`w = 0`) is scored against
whether it did finish on time: the Brier score (Brier, "Verification of forecasts expressed in terms of
probability", Monthly Weather Review 78, 1950), beside the score of always predicting the training share on
time, which a useful model must beat.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

HELD_OUT_EVERY = 5
MIN_OBSERVED = 5  # fewer observed remaining times for an activity: use every activity's pooled estimate


@dataclass(frozen=True)
class Curve:
    """A survival function of remaining seconds: S(t) at the step `times` (right-continuous)."""

    times: np.ndarray
    survival: np.ndarray

    def at(self, seconds: np.ndarray) -> np.ndarray:
        index = np.searchsorted(self.times, seconds, side="right") - 1
        return np.where(index < 0, 1.0, self.survival[np.clip(index, 0, None)])


def fit_curve(remaining: np.ndarray, observed: np.ndarray) -> Curve:
    """Kaplan-Meier survival of the remaining times (`observed` False: right-censored)."""
    from scipy import stats  # SciPy costs start-up time: only a page that estimates risk loads it

    data = stats.CensoredData(uncensored=remaining[observed], right=remaining[~observed])
    result = stats.ecdf(data)
    return Curve(np.asarray(result.sf.quantiles, dtype=float), np.asarray(result.sf.probabilities, dtype=float))


@dataclass(frozen=True)
class Model:
    by_activity: dict[int, Curve]
    pooled: Curve

    def finish_probability(self, activity: np.ndarray, waited: np.ndarray, budget: np.ndarray) -> np.ndarray:
        """P(the case ends within `budget` more seconds | it has been at `activity` for `waited` seconds)."""
        result = np.empty(len(activity))
        for code in np.unique(activity):
            mask = activity == code
            curve = self.by_activity.get(int(code), self.pooled)
            now = curve.at(waited[mask])
            later = curve.at(waited[mask] + np.maximum(budget[mask], 0))
            with np.errstate(divide="ignore", invalid="ignore"):
                ratio = np.where(now > 0, later / now, 0.0)
            result[mask] = np.where(budget[mask] < 0, 0.0, 1.0 - ratio)
        return np.clip(result, 0.0, 1.0)


def fit(activity: np.ndarray, remaining: np.ndarray, observed: np.ndarray) -> Model:
    """One curve per activity with at least MIN_OBSERVED observed times, and a pooled one for the others."""
    curves = {}
    for code in np.unique(activity):
        mask = activity == code
        if int(observed[mask].sum()) >= MIN_OBSERVED:
            curves[int(code)] = fit_curve(remaining[mask], observed[mask])
    return Model(curves, fit_curve(remaining, observed))


@dataclass(frozen=True)
class Events:
    """A log's events as arrays, one entry per event, ordered by case then time: `case` (int), `activity` (int),
    `ts` (seconds), and per event its case's `end` (seconds), `due` (seconds, the term's end) and `closed`."""

    case: np.ndarray
    activity: np.ndarray
    ts: np.ndarray
    end: np.ndarray
    due: np.ndarray
    closed: np.ndarray


@dataclass(frozen=True)
class Assessment:
    open_case: np.ndarray  # case of each open case
    probability: np.ndarray  # its probability of finishing within its term
    brier: float | None  # on held-out closed cases
    brier_reference: float | None  # always predicting the training share on time
    held_out: int


def assess(events: Events, now: float) -> Assessment:
    """Fit on the training closed cases and the open cases (censored), score on the held-out closed cases,
    and give every open case its probability of finishing within its term."""
    last = np.r_[events.case[1:] != events.case[:-1], True]
    held_out = (events.case % HELD_OUT_EVERY) == 0
    train = events.closed & ~held_out & ~last
    open_last = ~events.closed & last
    activity = np.r_[events.activity[train], events.activity[open_last]]
    remaining = np.r_[(events.end - events.ts)[train], (now - events.ts)[open_last]]
    observed = np.r_[np.ones(int(train.sum()), bool), np.zeros(int(open_last.sum()), bool)]
    if not observed.any():
        return Assessment(events.case[open_last], np.full(int(open_last.sum()), np.nan), None, None, 0)
    model = fit(activity, remaining.astype(float), observed)
    probability = model.finish_probability(events.activity[open_last], (now - events.ts)[open_last],
                                           (events.due - now)[open_last])

    brier = reference = None
    scored = events.closed & held_out & ~last
    count = 0
    if scored.any():
        cases, first_index, sizes = np.unique(events.case[scored], return_index=True, return_counts=True)
        middle = np.flatnonzero(scored)[first_index + sizes // 2]
        predicted = model.finish_probability(events.activity[middle], np.zeros(len(middle)),
                                             events.due[middle] - events.ts[middle])
        outcome = (events.end[middle] <= events.due[middle]).astype(float)
        training_cases = events.closed & ~held_out & last
        base = float((events.end[training_cases] <= events.due[training_cases]).mean()) if training_cases.any() \
            else 0.5
        brier = float(np.mean((predicted - outcome) ** 2))
        reference = float(np.mean((base - outcome) ** 2))
        count = len(cases)
    return Assessment(events.case[open_last], probability, brier, reference, count)
