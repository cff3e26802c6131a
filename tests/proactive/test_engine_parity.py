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


@pytest.mark.parametrize("batch", [7, 64, 10_000])
def test_reading_by_parquet_batches_of_whole_households_equals_the_whole(case, batch, tmp_path):
    """Households cut by a batch boundary are carried over whole; sums by `reduceat` equal the scatter's."""
    import pyarrow.parquet as pq

    from govcx.proactive.rules.register import household_slices

    pack, persons, households = case
    period = parse_period("2016-06")
    pq.write_table(persons, tmp_path / "persons.parquet", row_group_size=50)
    pq.write_table(households, tmp_path / "households.parquet", row_group_size=30)
    want = expected(pack, persons, households, period)
    got: dict[str, list] = {n: [] for n in NAMES}
    slices = list(household_slices(pq.ParquetFile(tmp_path / "persons.parquet", read_dictionary=["household_role"]),
                                   pq.ParquetFile(tmp_path / "households.parquet"),
                                   person_columns=persons.column_names, household_columns=households.column_names,
                                   persons_per_slice=batch))
    assert sum(part.num_rows for part, *_ in slices) == persons.num_rows
    for part, groups, members, starts in slices:
        assert part["household_id"].to_pylist()[-1] == groups["household_id"].to_pylist()[-1]
        simulation = simulation_from_tables(pack, part, {"household": groups}, period, float_type=np.float32,
                                            membership={"household": members}, group_starts={"household": starts})
        for name in NAMES:
            got[name].extend(simulation.calculate(name, period).astype(float))
    for name in NAMES:
        np.testing.assert_allclose(got[name], want[name], atol=1e-6, err_msg=name)


def test_a_register_not_stored_by_household_is_refused(case, tmp_path):
    import pyarrow.parquet as pq

    from govcx.proactive.rules.register import household_slices
    from govcx.proactive.rules.simulation import EvaluationError

    _, persons, households = case
    pq.write_table(persons.take(np.random.default_rng(1).permutation(persons.num_rows)), tmp_path / "p.parquet")
    pq.write_table(households, tmp_path / "h.parquet")
    with pytest.raises(EvaluationError, match="not stored by household"):
        list(household_slices(pq.ParquetFile(tmp_path / "p.parquet"), pq.ParquetFile(tmp_path / "h.parquet"),
                              person_columns=["person_id", "household_id", "household_role"],
                              household_columns=["household_id"], persons_per_slice=100))
