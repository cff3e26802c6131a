"""The decision a pilot's criterion registers: scale, iterate or stop, from the estimate and its interval.

A pure module (no Django). The rule is data on each criterion (``EffectivenessCriterion``): the expected
direction, the minimum effect worth scaling and the smaller effect worth another round. With the effect read
in the expected direction (a fall counts as positive when a fall is wanted):

- **scale** when the interval's worse end still reaches the minimum effect worth scaling: even the least
  favourable effect the data allow is worth it;
- **iterate** when the point estimate reaches the iterate threshold but the interval does not clear the
  minimum effect: promising, not proven;
- **stop** otherwise;
- **undecided** when there is no estimate (not enough evidence); never read as a stop.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Direction", "Rule", "Verdict", "decide"]


class Direction(StrEnum):
    INCREASE = "increase"
    DECREASE = "decrease"


class Verdict(StrEnum):
    SCALE = "scale"
    ITERATE = "iterate"
    STOP = "stop"
    UNDECIDED = "undecided"


@dataclass(frozen=True, slots=True)
class Rule:
    direction: Direction
    minimum_effect: float  # in the measure's units, in the expected direction (>= 0)
    iterate_threshold: float  # in the same units; at most minimum_effect

    def __post_init__(self) -> None:
        if self.minimum_effect < 0:
            raise ValueError("the minimum effect is given in the expected direction and cannot be negative")
        if self.iterate_threshold > self.minimum_effect:
            raise ValueError("the iterate threshold cannot exceed the minimum effect worth scaling")


def decide(rule: Rule, *, estimate: float | None, low: float | None, high: float | None) -> Verdict:
    if estimate is None or low is None or high is None or not math.isfinite(estimate):
        return Verdict.UNDECIDED
    if rule.direction is Direction.INCREASE:
        effect, worst = estimate, low
    else:
        effect, worst = -estimate, -high
    if worst >= rule.minimum_effect:
        return Verdict.SCALE
    if effect >= rule.iterate_threshold:
        return Verdict.ITERATE
    return Verdict.STOP
