"""Life events as the differences between two register snapshots. Plain Python over pyarrow; no Django.

birth_registered  a person in the new snapshot, absent from the old, born on or after the old snapshot's day
death             a person of the old snapshot absent from the new one
disability_granted  `disabled` false (or absent) before, true now
age_reached       18 years reached between the two days
income_change     monthly `salary` changed
Each event's id is made of its kind, person and day, so finding the same difference twice gives the same id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

ADULT_AGE = 18


@dataclass(frozen=True)
class FoundEvent:
    kind: str
    person_id: str
    household_id: str
    occurred_on: dt.date
    payload: dict[str, Any] = field(default_factory=dict)

    @property
    def event_id(self) -> str:
        return f"{self.kind}:{self.person_id}:{self.occurred_on.isoformat()}"


def _rows(table: pa.Table) -> dict[str, dict[str, Any]]:
    return {str(row["person_id"]): row for row in table.to_pylist()}


def _age(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def differences(old: pa.Table, new: pa.Table, *, old_day: dt.date, new_day: dt.date) -> list[FoundEvent]:
    before, after = _rows(old), _rows(new)
    found: list[FoundEvent] = []
    for pid, row in after.items():
        household = str(row["household_id"])
        previous = before.get(pid)
        if previous is None:
            if row["birth"] >= old_day:
                found.append(FoundEvent("birth_registered", pid, household, row["birth"]))
            continue
        if row.get("disabled") and not previous.get("disabled"):
            found.append(FoundEvent("disability_granted", pid, household, new_day,
                                    {"group": row.get("disability_group")}))
        if _age(row["birth"], old_day) < ADULT_AGE <= _age(row["birth"], new_day):
            reached = row["birth"].replace(year=row["birth"].year + ADULT_AGE) if not (
                row["birth"].month == 2 and row["birth"].day == 29) else dt.date(row["birth"].year + ADULT_AGE, 3, 1)
            found.append(FoundEvent("age_reached", pid, household, reached, {"age": ADULT_AGE}))
        if "salary" in row and previous.get("salary") != row.get("salary"):
            found.append(FoundEvent("income_change", pid, household, new_day,
                                    {"before": previous.get("salary"), "after": row.get("salary")}))
    for pid, row in before.items():
        if pid not in after:
            found.append(FoundEvent("death", pid, str(row["household_id"]), new_day))
    return found
