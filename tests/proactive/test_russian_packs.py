"""The shipped Russian packs: worked examples from the laws' amounts, and reasons for yes and for no."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
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


# Oracle: the social pension amounts as published (klerk.ru's table of 26.12.2025, before and after 1 April 2026;
# the 2026 amounts also in dzer.ru), and the Government's indexation coefficients of each 1 April.
PUBLISHED_PENSION = {2025: {1: "17648.24", 2: "8824.08", 3: "7500.53"},
                     2026: {1: "18848.32", 2: "9424.12", 3: "8010.57"}}
INDEXATION = {2023: "1.033", 2024: "1.075", 2025: "1.1475", 2026: "1.068"}


def _pension(pack, group: int, year: int) -> Decimal:
    parameter = pack.parameters.find(f"disability_pension.group_{group}")
    return Decimal(str(parameter.value_at(dt.date(year, 4, 1))))


def _indexed(amount: Decimal, coefficient: str) -> Decimal:
    return (amount * Decimal(coefficient)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@pytest.mark.parametrize("group", [1, 2, 3])
def test_disability_pension_amounts_are_the_published_ones_and_follow_the_indexations(group):
    pack = load_pack(PACKS_DIR / "disability_pension.yaml")
    for year, amounts in PUBLISHED_PENSION.items():
        assert _pension(pack, group, year) == Decimal(amounts[group]), (group, year)
    # each year's amount is the previous one indexed by that April's coefficient, rounded to the kopeck
    for year in (2024, 2025, 2026):
        assert _indexed(_pension(pack, group, year - 1), INDEXATION[year]) == _pension(pack, group, year), (group, year)
    # in force from 1 April, not before
    parameter = pack.parameters.find(f"disability_pension.group_{group}")
    assert Decimal(str(parameter.value_at(dt.date(2026, 3, 31)))) == Decimal(PUBLISHED_PENSION[2025][group])
    # the group II amount of 2021 (5 796.76) carried through April 2022 (x 1.086), June 2022 (x 1.10) and April
    # 2023 (x 1.033) gives the 2023 amount the pack derives backwards from the published 2025 one
    if group == 2:
        assert _indexed(_indexed(_indexed(Decimal("5796.76"), "1.086"), "1.10"), "1.033") == _pension(pack, 2, 2023)


def test_disability_pension_keeps_the_art_18_ratios_to_a_few_kopecks():
    """Group I is 200 % and group III 85 % of group II (166-FZ art. 18); each amount is indexed and rounded on its
    own, so the published amounts drift from the exact ratios by kopecks (17 648.24 against 2 x 8 824.08)."""
    pack = load_pack(PACKS_DIR / "disability_pension.yaml")
    for year in (2023, 2024, 2025, 2026):
        base = _pension(pack, 2, year)
        assert abs(_pension(pack, 1, year) - 2 * base) <= Decimal("0.10"), year
        assert abs(_pension(pack, 3, year) - Decimal("0.85") * base) <= Decimal("0.10"), year
