"""The same dashboard queries on PySpark in local mode give the same numbers as on DuckDB, so national volumes
can move to a Spark cluster without rewriting the analytics (ARCHITECTURE.md: "the same code runs on Spark").

Needs Java and pyspark (a dev dependency); skipped with the reason when either is missing. One small local
session (the `spark` fixture of tests/conftest.py) serves the whole run.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from govcx.analytics import engines, store
from govcx.analytics.synthetic import Shape, synthetic_answers
from govcx.feedback.dashboards import aggregates
from govcx.feedback.dashboards.aggregates import AnswerFilter

pytestmark = pytest.mark.one_database  # CI runs it on SQLite only: it does not depend on the database

SHAPE = Shape(services=15, organisations=5, regions=4, quarters=4, seed=11)
SCOPE = AnswerFilter(organisation_ids=[1, 2, 4], submitted_from=datetime(2023, 4, 1, tzinfo=UTC))


@pytest.fixture(scope="module")
def answer_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("answers")
    for chunk in synthetic_answers(8000, shape=SHAPE, chunk_rows=4000):
        store.append(path, chunk)
    return path


@pytest.fixture(scope="module")
def tables(answer_store, spark):
    return {
        "duckdb": engines.answers_table(engines.connect(), answer_store),
        "pyspark": engines.answers_table(spark, answer_store),
    }


def on_both(tables, query) -> tuple[list[dict], list[dict]]:
    def run(table):
        return sorted(query(table).to_pyarrow().to_pylist(), key=lambda row: tuple(map(str, row.values())))

    return run(tables["duckdb"]), run(tables["pyspark"])


def test_spark_reads_the_store_with_the_same_columns(tables):
    assert tables["pyspark"].schema().names == tables["duckdb"].schema().names
    duckdb_rows, spark_rows = on_both(tables, lambda t: t.aggregate(n=t.count(), total=t.value.sum()))
    assert duckdb_rows == spark_rows and duckdb_rows[0]["n"] == 8000


def test_scoped_moments_per_service_and_quarter_are_the_same(tables):
    duckdb_rows, spark_rows = on_both(
        tables, lambda t: aggregates.rating_moments(t, by=["service_id", "quarter"], where=SCOPE)
    )
    assert duckdb_rows == spark_rows
    assert {row["quarter"].month for row in duckdb_rows} == {4, 7, 10}


def test_nps_per_region_and_month_is_the_same(tables):
    duckdb_rows, spark_rows = on_both(tables, lambda t: aggregates.nps_counts(t, by=["region", "month"]))
    assert duckdb_rows == spark_rows and len(duckdb_rows) > 10


def test_the_national_ranking_is_the_same(tables):
    duckdb_rows, spark_rows = on_both(
        tables, lambda t: aggregates.ranking(t, level="organisation_id", min_responses=20)
    )
    assert [row["organisation_id"] for row in duckdb_rows] == [row["organisation_id"] for row in spark_rows]
    assert duckdb_rows == spark_rows


def test_the_driver_sample_is_the_same(tables):
    samples = {
        kind: aggregates.driver_sample(table, drivers=["r1284_time", "r1284_queue"], where=SCOPE, max_rows=200)
        for kind, table in tables.items()
    }
    assert samples["duckdb"].responses == samples["pyspark"].responses > 200
    assert samples["duckdb"].rows.to_pylist() == samples["pyspark"].rows.to_pylist()
