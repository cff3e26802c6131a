"""Open an analytic engine and read the answer store from it as an Ibis table.

DuckDB, in memory, is the default: it scans the Parquet parts in place with every core. Spark runs the same
Ibis expressions when national volumes outgrow one machine; locally it starts a small SparkSession, and a
caller with a cluster passes its own session.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import ibis
import ibis.expr.datatypes as dt
from ibis.backends import BaseBackend

from govcx.analytics.schema import ANSWER_SCHEMA
from govcx.analytics.store import live_parts

if TYPE_CHECKING:
    import ibis.expr.types as ir
    from pyspark.sql import SparkSession

EngineKind = Literal["duckdb", "pyspark"]
# Both engines present submitted_at as a timestamp without zone holding UTC wall-clock time: Spark's own
# timestamps carry no zone, and DuckDB truncates a zoned timestamp to a month or quarter through ICU's
# calendar, several times slower than a plain one (1.2 s against 0.3 s on 3 million rows).
QUERY_SCHEMA = ibis.Schema(
    {
        name: dt.Timestamp(scale=6, nullable=False) if name == "submitted_at" else type_
        for name, type_ in ibis.Schema.from_pyarrow(ANSWER_SCHEMA).items()
    }
)
LOCAL_SPARK_CONFIG = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",
    "spark.sql.session.timeZone": "UTC",
    "spark.driver.host": "127.0.0.1",
    "spark.driver.bindAddress": "127.0.0.1",
}


def local_spark_session(
    *, master: str = "local[*]", shuffle_partitions: int = 8, config: Mapping[str, str] | None = None
) -> SparkSession:
    """A SparkSession on this machine, sized for a workstation rather than a cluster: Spark's default of
    200 shuffle partitions spends most of a small query scheduling empty tasks. No web UI, no stray port.
    `config` adds or overrides Spark settings (JVM options among them: the JVM starts with the session)."""
    from pyspark.sql import SparkSession

    partitions = str(shuffle_partitions)
    settings = {
        **LOCAL_SPARK_CONFIG,
        "spark.sql.shuffle.partitions": partitions,
        "spark.default.parallelism": partitions,
        **(config or {}),
    }
    builder = SparkSession.builder.master(master).appName("govcx-analytics")
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def connect(
    kind: EngineKind = "duckdb",
    *,
    spark_session: SparkSession | None = None,
    spark_master: str = "local[*]",
    shuffle_partitions: int = 8,
    **duckdb_config: Any,
) -> BaseBackend:
    """An Ibis backend: DuckDB in memory (`duckdb_config` goes to DuckDB, e.g. threads=2), or PySpark on the
    given session, else on a local one."""
    if kind == "duckdb":
        return ibis.duckdb.connect(**duckdb_config)
    if kind == "pyspark":
        session = spark_session or local_spark_session(master=spark_master, shuffle_partitions=shuffle_partitions)
        return ibis.pyspark.connect(session)
    raise ValueError(f"unknown analytic engine {kind!r}: use 'duckdb' or 'pyspark'")


def answers_table(backend: BaseBackend, path: str | os.PathLike[str]) -> ir.Table:
    """The answer store at `path` as an Ibis table on `backend`, reading the live parts in place.

    The parts are listed once, here: rows appended later appear in the next call. An empty or missing store
    gives an empty table with the fact-table schema, so dashboards over a new installation show zeros.
    """
    parts = [str(part) for part in live_parts(path)]
    if backend.name == "pyspark":
        return spark_answers_table(backend, parts)
    if backend.name == "duckdb":
        return duckdb_answers_table(backend, parts)
    raise ValueError(f"no reader of the answer store for the {backend.name} engine")


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def duckdb_answers_table(backend: BaseBackend, parts: list[str]) -> ir.Table:
    # A query, not a view or a table: a dashboard opens the table on every request, and views would pile up
    # in a long-lived connection.
    if not parts:
        type_name = backend.compiler.type_mapper.to_string
        columns = ", ".join(f'CAST(NULL AS {type_name(type_)}) AS "{name}"' for name, type_ in QUERY_SCHEMA.items())
        return backend.sql(f"SELECT {columns} WHERE FALSE", schema=QUERY_SCHEMA)
    files = ", ".join(sql_string(part) for part in parts)
    # The stored UTC instant becomes a plain timestamp from its microseconds since the epoch, a bit-for-bit
    # copy (a cast would go through the time-zone calendar row by row).
    return backend.sql(
        "SELECT * REPLACE (make_timestamp(epoch_us(submitted_at)) AS submitted_at) "
        f"FROM read_parquet([{files}])",
        schema=QUERY_SCHEMA,
    )


def spark_answers_table(backend: BaseBackend, parts: list[str]) -> ir.Table:
    """Ibis's PySpark `read_parquet` takes one path; a directory or glob would also pick up parts that a
    compaction is about to delete and count their rows twice, so the exact list goes to Spark's reader."""
    session = backend._session
    if parts:
        frame = session.read.parquet(*parts)
    else:
        frame = session.createDataFrame(ANSWER_SCHEMA.empty_table())
    name = ibis.util.gen_name("answers")
    frame.createOrReplaceTempView(name)
    return backend.table(name)
