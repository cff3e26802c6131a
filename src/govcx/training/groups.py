"""The smallest group whose answers may be shown (plain Python).

Attitude answers are personal opinions linked by a pseudonymous id; in a small group an aggregate can point at one
person. No figure computed from answers is shown for a group of fewer than MIN_GROUP_SIZE people: the group stays
in the table with its size replaced by "fewer than 10" and every figure hidden. The rule follows the common
statistical-disclosure threshold of official statistics (a cell of fewer than 10 respondents is suppressed).
"""

from __future__ import annotations

from typing import TypeVar

MIN_GROUP_SIZE = 10

T = TypeVar("T")


def may_show(people: int) -> bool:
    return people >= MIN_GROUP_SIZE


def shown(value: T, people: int) -> T | None:
    """The value when its group is large enough to show, else None."""
    return value if may_show(people) else None
