"""The shipped Russian packs: worked examples from the laws' amounts, and reasons for yes and for no."""

from __future__ import annotations

from pathlib import Path

import pytest

from govcx.proactive.rules import yaml_tests
from govcx.proactive.rules.catalogue import PACKS_DIR, load_pack, shipped_packs
from govcx.proactive.rules.periods import parse_period

HERE = Path(__file__).parent / "packs"


def test_every_shipped_pack_loads_and_names_its_benefits():
    packs = shipped_packs()
    assert set(packs) == {"maternity_capital", "unified_allowance", "disability_pension"}
    for pack in packs.values():
        assert pack.benefits and all(pack.variables[b].reference for b in pack.benefits)
        assert all(pack.variables[c].reference for b in pack.benefits for c in pack.conditions_of(b))


@pytest.mark.parametrize("name", ["maternity_capital", "unified_allowance", "disability_pension"])
def test_worked_examples(name):
    pack = load_pack(PACKS_DIR / f"{name}.yaml")
    results = yaml_tests.run_file(pack, HERE / f"{name}.yaml")
    assert [r.failures for r in results if not r.passed] == []


def test_a_no_names_the_condition_that_failed_with_its_law():
    pack = load_pack(PACKS_DIR / "unified_allowance.yaml")
    period = parse_period("2025-03")
    simulation = yaml_tests._Builder(pack, period).build({
        "household": {"adults": ["a"], "children": ["c"], "region": "RU-MOW"},
        "persons": {"a": {"salary": 90000}, "c": {"birth": "2020-01-01"}},
    })
    explanation = simulation.explain("unified_allowance", period, 0, language="ru")
    assert explanation["entitled"] is False
    [reason] = explanation["reasons"]
    assert reason["condition"] == "income_below_subsistence_minimum" and reason["value"] is False
    assert "81-FZ" in reason["reference"] and reason["label"].startswith("Среднедушевой")
