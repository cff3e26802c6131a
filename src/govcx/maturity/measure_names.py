"""The catalogue of measures that the areas provide to the maturity index and to pilots: one name per measure,
the label key it is shown with (`govcx.labels.MEASURES`), whether a higher value is better, and whether it is
computed per service (and rolled up to the authority) or for the authority as a whole.

Every value is a share on 0–1 (satisfaction: the mean as a share of its scale's range, "percent of maximum
possible", so that scales of 1–5 and 0–10 compare). A pure module: no Django.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["MEASURES", "Measure", "PRACTICE_SCORES", "is_known", "measure"]


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    label_key: str
    higher_is_better: bool
    per_service: bool  # False: computed for the organisation (training coverage, proactive offers)
    area: str  # the area the evidence comes from (for drill-down links)


#: The management-practices dimension: its scores come from the `practices` app's reviewed self-assessment
#: (1–5), from `govcx.practices.selectors.practice_scores` (reviewed assessments only).
PRACTICE_SCORES = "management_practices"

MEASURES: tuple[Measure, ...] = (
    Measure("standards_met", "standards_met", True, True, "standards"),
    Measure("tested_with_users", "tested_with_users", True, True, "lab"),
    Measure("ready_at_launch", "ready_at_launch", True, True, "lab"),
    Measure("accessible", "accessible", True, True, "audit"),
    Measure("satisfaction_mean", "satisfaction_mean", True, True, "feedback"),
    Measure("complaints_on_time", "complaints_on_time", True, True, "complaints"),
    Measure("deadlines_met", "deadlines_met", True, True, "delivery"),
    Measure("proactive_share", "proactive_share", True, False, "proactive"),
    Measure("staff_trained", "staff_trained", True, False, "training"),
    Measure(PRACTICE_SCORES, PRACTICE_SCORES, True, False, "practices"),
)
_BY_NAME = {m.name: m for m in MEASURES}


def is_known(name: str) -> bool:
    return name in _BY_NAME


def measure(name: str) -> Measure:
    """The measure called `name` (KeyError for a name no area provides)."""
    return _BY_NAME[name]
