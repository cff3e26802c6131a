"""The register engines give the single-case engine's results: the Arrow path runs use (whole, and in slices of
households whose members are scattered), and the Ibis compilation on DuckDB and on Spark in local mode."""

from __future__ import annotations

from pathlib import Path

import ibis
import numpy as np
import pytest

from govcx.proactive.rules.catalogue import load_pack
from govcx.proactive.rules.ibis_engine import compile_register
from govcx.proactive.rules.periods import parse_period
from govcx.proactive.rules.register import household_chunks, simulation_for_register, simulation_from_tables
from govcx.proactive.synthetic import register

TEMPLATE = Path(__file__).parent / "country_template"
NAMES = ["basic_income", "pension", "income_tax", "social_security_contribution", "age", "adult",
         "household_income", "parenting_allowance", "housing_allowance", "disposable_income", "total_taxes",
         "meal_price", "swimming_pool_access"]


@pytest.fixture(scope="module")
def case():
    pack = load_pack(TEMPLATE)
    persons, households = register(150, seed=3, as_of="2016-06-01")
    return pack, persons, households


def expected(pack, persons, households, period):
    simulation = simulation_for_register(pack, persons.to_pydict(), {"household": households.to_pydict()}, period)
    return {name: simulation.calculate(name, period).astype(float) for name in NAMES}


def results(pack, backend, persons, households, period):
    compiled = compile_register(pack, ibis.memtable(persons.to_pandas()), {"household": ibis.memtable(
        households.to_pandas())}, NAMES, period)
    person_names = [n for n in NAMES if pack.variables[n].entity == "person"]
    group_names = [n for n in NAMES if pack.variables[n].entity == "household"]
    people = backend.to_pandas(compiled.person_results(person_names)).sort_values("person_id")
    groups = backend.to_pandas(compiled.group_results("household", group_names)).sort_values("household_id")
    found = {n: people[n].to_numpy(dtype=float) for n in person_names}
    found.update({n: groups[n].to_numpy(dtype=float) for n in group_names})
    return found


@pytest.mark.parametrize("month", ["2016-06", "2017-01", "2024-03"])
def test_duckdb_equals_the_single_case_engine(case, month):
    pack, persons, households = case
    period = parse_period(month)
    want = expected(pack, persons, households, period)
    got = results(pack, ibis.duckdb.connect(), persons, households, period)
    for name in NAMES:
        np.testing.assert_allclose(got[name], want[name], atol=0.01, err_msg=name)


@pytest.mark.one_database
def test_spark_equals_duckdb(case, spark):
    pack, persons, households = case
    period = parse_period("2016-06")
    got = results(pack, spark, persons, households, period)
    want = results(pack, ibis.duckdb.connect(), persons, households, period)
    for name in NAMES:
        np.testing.assert_allclose(got[name], want[name], atol=1e-6, err_msg=name)


@pytest.mark.parametrize("month", ["2016-06", "2024-03"])
def test_the_arrow_path_equals_the_single_case_engine_whole_and_in_slices(case, month):
    pack, persons, households = case
    period = parse_period(month)
    want = expected(pack, persons, households, period)
    whole = simulation_from_tables(pack, persons, {"household": households}, period, float_type=np.float32)
    for name in NAMES:
        np.testing.assert_allclose(whole.calculate(name, period).astype(float), want[name], atol=1e-6, err_msg=name)
    shuffled = persons.take(np.random.default_rng(5).permutation(persons.num_rows))
    person_names = [n for n in NAMES if pack.variables[n].entity == "person"]
    got: dict[str, dict] = {n: {} for n in NAMES}
    for part, groups, members in household_chunks(shuffled, households, households_per_chunk=40):
        simulation = simulation_from_tables(pack, part, {"household": groups}, period, float_type=np.float32,
                                            membership={"household": members})
        for name in NAMES:
            ids = part["person_id"] if name in person_names else groups["household_id"]
            got[name].update(zip(ids.to_pylist(), simulation.calculate(name, period).astype(float), strict=True))
    for name in NAMES:
        ids = persons["person_id"] if name in person_names else households["household_id"]
        np.testing.assert_allclose([got[name][i] for i in ids.to_pylist()], want[name], atol=1e-6, err_msg=name)
