"""`calculate` and `trace` in the style of OpenFisca's web API: a situation whose variables to compute are given
as null (`"basic_income": {"2025-03": null}`) comes back with their values; `trace` adds, for each computed
value of each entity, the named conditions behind it (the reasons for yes and for no) and the legal references.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from govcx.proactive.rules.pack import Pack
from govcx.proactive.rules.periods import parse_period
from govcx.proactive.rules.simulation import Simulation
from govcx.proactive.rules.yaml_tests import TestFileError, _Builder


def _requested(pack: Pack, situation: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str, str, str]]]:
    """The situation without the nulls, and the (entity plural, id, variable, period) asked for."""
    given: dict[str, Any] = {}
    asked: list[tuple[str, str, str, str]] = []
    for plural, instances in situation.items():
        entity = pack.entity_by_name(plural)
        if entity is None or plural != entity.plural or not isinstance(instances, dict):
            known = ", ".join(e.plural for e in pack.entities.values())
            raise TestFileError(f"unknown entity {plural!r}; the situation lists {known}")
        given[plural] = {}
        for iid, values in instances.items():
            kept: dict[str, Any] = {}
            for name, value in (values or {}).items():
                if entity.role(name) is not None:
                    kept[name] = value
                    continue
                if name not in pack.variables:
                    raise TestFileError(f"unknown variable {name!r}")
                if not isinstance(value, dict):
                    raise TestFileError(f"{iid}.{name}: give values by period ({{\"2025-03\": …}})")
                dated = {}
                for period, item in value.items():
                    if item is None:
                        asked.append((plural, str(iid), name, str(period)))
                    else:
                        dated[period] = item
                if dated:
                    kept[name] = dated
            given[plural][str(iid)] = kept
    return given, asked


def _value(simulation: Simulation, plural: str, iid: str, name: str, period: str) -> tuple[Any, int]:
    entity = simulation.pack.entity_by_name(plural)
    assert entity is not None
    ids = simulation.situation.person_ids if entity.is_person else simulation.situation.group_ids[entity.key]
    index = ids.index(iid)
    value = simulation.calculate(name, parse_period(period))[index]
    if isinstance(value, np.generic):
        value = str(value) if isinstance(value, np.datetime64) else value.item()
    if isinstance(value, float):
        value = round(value, 6)
    return value, index


def calculate(pack: Pack, situation: dict[str, Any]) -> dict[str, Any]:
    given, asked = _requested(pack, situation)
    simulation = _Builder(pack, None).build(given)
    result: dict[str, Any] = {p: {i: dict(v or {}) for i, v in inst.items()} for p, inst in situation.items()}
    for plural, iid, name, period in asked:
        value, _ = _value(simulation, plural, iid, name, period)
        result[plural][iid][name] = {**result[plural][iid][name], period: value}
    return result


def trace(pack: Pack, situation: dict[str, Any], language: str = "en") -> dict[str, Any]:
    given, asked = _requested(pack, situation)
    simulation = _Builder(pack, None).build(given)
    computed: dict[str, Any] = {}
    for plural, iid, name, period in asked:
        value, index = _value(simulation, plural, iid, name, period)
        explanation = simulation.explain(name, parse_period(period), index, language)
        computed[f"{name}<{period}>[{iid}]"] = {"value": value, "entitled": explanation["entitled"],
                                               "reasons": explanation["reasons"],
                                               "conditions": explanation["conditions"],
                                               "reference": explanation["reference"]}
    return {"requestedCalculations": [f"{n}<{p}>" for _, _, n, p in asked], "trace": computed,
            "pack": {"name": pack.name, "version": pack.version}}
