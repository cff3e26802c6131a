"""A draft rule pack's effect on a whole register: per benefit, how many beneficiaries become entitled or stop
being entitled, how many get more or less, and the cost before and after; per family (household), how many gain
or lose in total across the pack's benefits (a member's person-level amounts count for their family).

Computed slice by slice of whole households (a snapshot's `register.register_slices`, read a Parquet batch at a
time, or `register.household_chunks` of a register in memory), both packs on the same slice, so a register of any
size takes the memory of one slice; `progress(done, total)` is told the households done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa

from govcx.proactive.rules.pack import Pack
from govcx.proactive.rules.periods import Period
from govcx.proactive.rules.register import simulation_from_tables

CENT = 0.005  # amounts that differ by less than half a kopeck are equal
PERSON, GROUP = "person", "household"  # a benefit is a person's or a family's (the register's one group)


@dataclass
class BenefitChange:
    benefit: str
    entity: str
    beneficiaries: int = 0
    entitled_before: int = 0
    entitled_after: int = 0
    newly_entitled: int = 0
    no_longer_entitled: int = 0
    more: int = 0
    less: int = 0
    cost_before: float = 0.0
    cost_after: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"benefit": self.benefit, "entity": self.entity, "beneficiaries": self.beneficiaries,
                "entitled_before": self.entitled_before, "entitled_after": self.entitled_after,
                "entitled_change": self.entitled_after - self.entitled_before,
                "newly_entitled": self.newly_entitled, "no_longer_entitled": self.no_longer_entitled,
                "more": self.more, "less": self.less, "cost_before": round(self.cost_before, 2),
                "cost_after": round(self.cost_after, 2), "cost_change": round(self.cost_after - self.cost_before, 2)}


@dataclass
class DraftEffect:
    households: int = 0
    families_gaining: int = 0
    families_losing: int = 0
    benefits: dict[str, BenefitChange] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        rows = [change.as_dict() for change in self.benefits.values()]
        before = round(sum(r["cost_before"] for r in rows), 2)
        after = round(sum(r["cost_after"] for r in rows), 2)
        return {"households": self.households, "families_gaining": self.families_gaining,
                "families_losing": self.families_losing, "cost_before": before, "cost_after": after,
                "cost_change": round(after - before, 2), "benefits": rows}


def _amounts(pack: Pack | None, persons: pa.Table, households: pa.Table, members: np.ndarray, period: Period
             ) -> dict[str, tuple[str, np.ndarray]]:
    if pack is None:
        return {}
    simulation = simulation_from_tables(pack, persons, {"household": households}, period,
                                        membership={"household": members})
    return {benefit: (PERSON if pack.entities[pack.variables[benefit].entity].is_person else GROUP,
                      np.asarray(simulation.calculate(benefit, period), dtype=np.float64))
            for benefit in pack.benefits}


def _family_totals(amounts: dict[str, tuple[str, np.ndarray]], members: np.ndarray, households: int
                   ) -> np.ndarray:
    total = np.zeros(households, dtype=np.float64)
    for entity, values in amounts.values():
        total += np.bincount(members, weights=values, minlength=households) if entity == PERSON else values
    return total


def draft_effect(current: Pack | None, draft: Pack, slices: Iterable[tuple[pa.Table, pa.Table, np.ndarray]],
                 period: Period, *, total: int, progress: Callable[[int, int], None] | None = None) -> DraftEffect:
    """The draft against the pack in force (`current`; None when the draft's pack is new) over one register given
    as slices of whole households, each with its members' household positions; `total` households in all."""
    effect = DraftEffect()
    done = 0
    for persons_part, households_part, members in slices:
        before = _amounts(current, persons_part, households_part, members, period)
        after = _amounts(draft, persons_part, households_part, members, period)
        count = households_part.num_rows
        for benefit in dict.fromkeys([*before, *after]):
            entity = (after.get(benefit) or before[benefit])[0]
            size = persons_part.num_rows if entity == PERSON else count
            old = before[benefit][1] if benefit in before else np.zeros(size)
            new = after[benefit][1] if benefit in after else np.zeros(size)
            change = effect.benefits.setdefault(benefit, BenefitChange(benefit, entity))
            was, now = old > CENT, new > CENT
            change.beneficiaries += size
            change.entitled_before += int(was.sum())
            change.entitled_after += int(now.sum())
            change.newly_entitled += int((now & ~was).sum())
            change.no_longer_entitled += int((was & ~now).sum())
            change.more += int((new > old + CENT).sum())
            change.less += int((new < old - CENT).sum())
            change.cost_before += float(old.sum())
            change.cost_after += float(new.sum())
        family_before = _family_totals(before, members, count)
        family_after = _family_totals(after, members, count)
        effect.families_gaining += int((family_after > family_before + CENT).sum())
        effect.families_losing += int((family_after < family_before - CENT).sum())
        effect.households += count
        done += count
        if progress is not None:
            progress(done, total)
    return effect
