"""Opening engines and reading the answer store as an Ibis table (DuckDB here; Spark in test_spark_parity)."""

from __future__ import annotations

import pyarrow.compute as pc
import pytest

from govcx.analytics import engines, store
from govcx.analytics.synthetic import Shape, synthetic_answers

SMALL = Shape(services=6, organisations=3, regions=2, quarters=4)


@pytest.fixture
def backend():
    return engines.connect()


def test_duckdb_is_the_default_engine(backend):
    assert backend.name == "duckdb"


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="duckdb"):
        engines.connect("oracle")


def column_types(table) -> dict[str, object]:
    return {name: type_.copy(nullable=True) for name, type_ in table.schema().items()}


def test_an_empty_store_reads_as_an_empty_table_with_the_fact_schema(backend, tmp_path):
    table = engines.answers_table(backend, tmp_path / "never-written")
    assert table.schema() == engines.QUERY_SCHEMA
    assert table.count().to_pyarrow().as_py() == 0
    assert table.value.sum().to_pyarrow().as_py() is None


def test_the_table_holds_every_stored_row(backend, tmp_path):
    chunks = list(synthetic_answers(3000, shape=SMALL, chunk_rows=1000))
    for chunk in chunks:
        store.append(tmp_path, chunk)
    table = engines.answers_table(backend, tmp_path)
    assert table.count().to_pyarrow().as_py() == 3000
    expected = sum(pc.sum(chunk["value"]).as_py() for chunk in chunks)
    assert table.value.sum().to_pyarrow().as_py() == pytest.approx(expected)
    assert column_types(table) == column_types(engines.answers_table(backend, tmp_path / "empty"))


def test_submitted_at_reads_as_utc_wall_clock_time(backend, tmp_path):
    rows = next(synthetic_answers(100, shape=SMALL))
    store.append(tmp_path, rows)
    table = engines.answers_table(backend, tmp_path)
    assert table.submitted_at.type().timezone is None
    stored = rows["submitted_at"].to_pylist()
    read = table.order_by("answer_id").submitted_at.to_pyarrow().to_pylist()
    assert read == [moment.replace(tzinfo=None) for moment in stored]
    assert stored[0].tzinfo is not None and stored[0].utcoffset().total_seconds() == 0


def test_rows_appended_later_appear_in_the_next_table(backend, tmp_path):
    first, second = synthetic_answers(2000, shape=SMALL, chunk_rows=1000)
    store.append(tmp_path, first)
    before = engines.answers_table(backend, tmp_path)
    store.append(tmp_path, second)
    after = engines.answers_table(backend, tmp_path)
    assert before.count().to_pyarrow().as_py() == first.num_rows
    assert after.count().to_pyarrow().as_py() == first.num_rows + second.num_rows


def test_a_compacted_store_reads_the_same(backend, tmp_path):
    for chunk in synthetic_answers(3000, shape=SMALL, chunk_rows=1000):
        store.append(tmp_path, chunk)

    def per_service():
        table = engines.answers_table(backend, tmp_path)
        return table.group_by("service_id").agg(n=table.count(), total=table.value.sum()).order_by("service_id")

    before = per_service().to_pyarrow()
    store.compact(tmp_path)
    assert per_service().to_pyarrow().equals(before)


def test_opening_the_table_again_and_again_leaves_nothing_behind_in_the_connection(backend, tmp_path):
    """A dashboard opens the table on every request in a long-lived connection."""
    for _ in range(3):
        assert engines.answers_table(backend, tmp_path).count().to_pyarrow().as_py() == 0
    store.append(tmp_path, next(synthetic_answers(100, shape=SMALL)))
    for _ in range(3):
        assert engines.answers_table(backend, tmp_path).count().to_pyarrow().as_py() == 100
    ((views,),) = backend.con.sql("SELECT count(*) FROM duckdb_views() WHERE NOT internal").fetchall()
    ((tables,),) = backend.con.sql("SELECT count(*) FROM duckdb_tables()").fetchall()
    assert (views, tables) == (0, 0)
