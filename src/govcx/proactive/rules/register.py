"""A register (one row per person, one per household) as the numpy simulation's input, under the same snapshot
reading as the Ibis engine: each input column holds for every month of the period's year.

Used for the single-case path over register rows and to check the two engines against each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from govcx.proactive.rules.pack import Pack
from govcx.proactive.rules.periods import ETERNITY, Period
from govcx.proactive.rules.simulation import Simulation, Situation

Columns = Mapping[str, Sequence[Any] | np.ndarray]


def simulation_for_register(pack: Pack, persons: Columns, groups: Mapping[str, Columns], period: Period) -> Simulation:
    person_ids = [str(v) for v in persons["person_id"]]
    group_ids: dict[str, list[str]] = {}
    membership: dict[str, np.ndarray] = {}
    roles: dict[str, np.ndarray] = {}
    for group in pack.groups:
        table = groups.get(group.key) or {}
        ids = [str(v) for v in table.get(f"{group.key}_id", sorted({str(v) for v in persons[f"{group.key}_id"]}))]
        position = {gid: i for i, gid in enumerate(ids)}
        group_ids[group.key] = ids
        membership[group.key] = np.array([position[str(v)] for v in persons[f"{group.key}_id"]], dtype=np.int64)
        roles[group.key] = np.asarray(persons[f"{group.key}_role"], dtype=object)
    simulation = Simulation(pack, Situation(person_ids, group_ids, membership, roles))
    months = period.this_year.months if period.unit != "eternity" else []
    for table, entity_key in [(persons, pack.person.key), *((groups.get(g.key) or {}, g.key) for g in pack.groups)]:
        for name, values in table.items():
            variable = pack.variables.get(name)
            if variable is None or variable.entity != entity_key:
                continue
            array = list(values)
            if variable.period == "eternity":
                simulation.set_input(name, ETERNITY, array)
            elif variable.period == "year":
                simulation.set_input(name, period.this_year, array)
            else:
                for month in {*months, period} if period.unit == "month" else months:
                    simulation.set_input(name, month, array)
    return simulation


def evaluate_benefits(pack: Pack, persons: Any, households: Any, period: Period, *, language: str = "en",
                      backend: Any = None) -> list[dict[str, Any]]:
    """Every beneficiary's result for each of the pack's benefits at `period`, with the named conditions behind
    it: one Ibis expression per benefit over the register (DuckDB unless a backend is given)."""
    import ibis

    from govcx.proactive.rules.ibis_engine import compile_register

    backend = backend if backend is not None else ibis.duckdb.connect()
    results: list[dict[str, Any]] = []
    for benefit in pack.benefits:
        variable = pack.variables[benefit]
        conditions = pack.conditions_of(benefit, period.start)
        names = [benefit, *conditions]
        group = pack.entities[variable.entity]
        compiled = compile_register(pack, ibis.memtable(persons), {"household": ibis.memtable(households)}, names,
                                    period)
        if group.is_person:
            table = compiled.person_results(names)
            key = "person_id"
        else:
            table = compiled.group_results(group.key, names)
            key = f"{group.key}_id"
        for row in backend.to_pyarrow(table).to_pylist():
            amount = float(row[benefit] or 0)
            entitled = amount > 0
            checked = [{"condition": c, "value": bool(row[c]), "label": pack.variables[c].label_in(language),
                        "label_ru": pack.variables[c].label_in("ru"), "reference": pack.variables[c].reference}
                       for c in conditions]
            reasons = [c for c in checked if c["value"] == entitled] or checked
            results.append({"benefit": benefit, "beneficiary_id": str(row[key]), "entity": group.key,
                            "amount": round(amount, 2), "entitled": entitled, "reasons": reasons,
                            "reference": variable.reference})
    return results
