"""The registered decision rule: scale only when the interval clears the minimum effect."""

from __future__ import annotations

import pytest

from govcx.pilots.decision import Direction, Rule, Verdict, decide

pytestmark = pytest.mark.one_database

UP = Rule(direction=Direction.INCREASE, minimum_effect=0.05, iterate_threshold=0.02)
DOWN = Rule(direction=Direction.DECREASE, minimum_effect=0.05, iterate_threshold=0.02)


@pytest.mark.parametrize(
    ("rule", "estimate", "low", "high", "verdict"),
    [
        (UP, 0.10, 0.06, 0.14, Verdict.SCALE),
        (UP, 0.10, 0.01, 0.19, Verdict.ITERATE),  # the point passes, the interval does not
        (UP, 0.01, -0.03, 0.05, Verdict.STOP),
        (UP, -0.10, -0.14, -0.06, Verdict.STOP),
        (DOWN, -0.10, -0.14, -0.06, Verdict.SCALE),
        (DOWN, -0.03, -0.08, 0.02, Verdict.ITERATE),
        (DOWN, 0.10, 0.06, 0.14, Verdict.STOP),
        (UP, None, None, None, Verdict.UNDECIDED),
        (UP, 0.05, 0.05, 0.07, Verdict.SCALE),  # the threshold itself counts
    ],
)
def test_decision(rule: Rule, estimate: float | None, low: float | None, high: float | None, verdict: Verdict) -> None:
    assert decide(rule, estimate=estimate, low=low, high=high) is verdict


def test_a_rule_that_contradicts_itself_is_refused() -> None:
    with pytest.raises(ValueError, match="iterate threshold"):
        Rule(direction=Direction.INCREASE, minimum_effect=0.02, iterate_threshold=0.05)
    with pytest.raises(ValueError, match="negative"):
        Rule(direction=Direction.INCREASE, minimum_effect=-0.1, iterate_threshold=-0.2)
