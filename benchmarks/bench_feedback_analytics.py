"""Benchmark: feedback dashboard aggregates over a national-scale answer store (10 million answers by default).

Generates the fact rows with numpy (about 300 services, 30 authorities, 10 regions, 8 quarters, 7 rating
questions and NPS per response) into the Parquet store in a temporary folder, then times each dashboard
query through Ibis over DuckDB, from the Parquet files to a small pyarrow result (target: under 1 s each).
With --spark, the same queries on PySpark in local mode.

Run:  uv run python benchmarks/bench_feedback_analytics.py [--rows 10000000] [--repeat 3] [--spark [--spark-repeat 1]]
Prints generation time, store size, and per query the rows returned and the best and median time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

TARGET_SECONDS = 1.0


def generate(path: Path, rows: int) -> None:
    from govcx.analytics import store
    from govcx.analytics.synthetic import synthetic_answers

    started = time.perf_counter()
    for chunk in synthetic_answers(rows):
        store.append(path, chunk)
    elapsed = time.perf_counter() - started
    size = sum(part.stat().st_size for part in store.live_parts(path))
    print(f"generated {store.row_count(path):,} answers in {elapsed:.1f} s "
          f"({store.row_count(path) / elapsed:,.0f} rows/s), {len(store.live_parts(path))} parts, "
          f"{size / 2**20:.0f} MiB of Parquet (zstd)")


def dashboard_queries(table) -> list[tuple[str, Callable[[], object]]]:
    """(name, run) for each figure a dashboard asks for, each returning a small pyarrow result."""
    from govcx.feedback.dashboards import aggregates
    from govcx.feedback.dashboards.aggregates import AnswerFilter

    last_year = AnswerFilter(organisation_ids=[7], submitted_from=datetime(2024, 1, 1, tzinfo=UTC))
    overall = AnswerFilter(question_keys=["overall"])
    drivers = ["r1284_time", "r1284_queue", "r1284_courtesy", "r1284_comfort", "r1284_info", "a11_trust"]
    return [
        ("per service, every question", lambda: aggregates.rating_moments(table, by=["service_id"]).to_pyarrow()),
        ("per authority, every question",
         lambda: aggregates.rating_moments(table, by=["organisation_id"]).to_pyarrow()),
        ("per region x quarter, overall",
         lambda: aggregates.rating_moments(table, by=["region", "quarter"], where=overall).to_pyarrow()),
        ("NPS per service", lambda: aggregates.nps_counts(table, by=["service_id"]).to_pyarrow()),
        ("national ranking of services", lambda: aggregates.ranking(table, level="service_id").to_pyarrow()),
        ("national ranking of authorities",
         lambda: aggregates.ranking(table, level="organisation_id").to_pyarrow()),
        ("one authority: services x quarter",
         lambda: aggregates.rating_moments(table, by=["service_id", "quarter"], where=last_year).to_pyarrow()),
        ("driver sample, one authority (<= 50k)",
         lambda: aggregates.driver_sample(table, drivers=drivers, where=last_year, max_rows=50_000).rows),
    ]


def time_queries(label: str, table, repeat: int, *, judged: bool = True) -> None:
    print(f"\n{label}")
    print(f"{'query':40s} {'rows':>6s} {'first':>8s} {'best':>8s} {'median':>8s}")
    for name, run in dashboard_queries(table):
        timings = []
        result = None
        for _ in range(repeat):
            started = time.perf_counter()
            result = run()
            timings.append(time.perf_counter() - started)
        verdict = ""
        if judged:
            verdict = "ok" if statistics.median(timings) < TARGET_SECONDS else f"over {TARGET_SECONDS:.0f} s"
        print(f"{name:40s} {result.num_rows:6d} {timings[0]:7.3f}s {min(timings):7.3f}s "
              f"{statistics.median(timings):7.3f}s  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--spark", action="store_true", help="also time the queries on PySpark in local mode")
    parser.add_argument("--spark-repeat", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the generated store and print its path")
    args = parser.parse_args()

    from govcx.analytics import engines

    folder = Path(tempfile.mkdtemp(prefix="govcx-bench-analytics-"))
    path = folder / "feedback_answers"
    try:
        print(f"machine: {os.cpu_count()} cores; figures are wall-clock, shared machines make them noisy")
        generate(path, args.rows)
        backend = engines.connect()
        label = f"Ibis over DuckDB (in memory, reading the Parquet parts in place); target < {TARGET_SECONDS:.0f} s"
        time_queries(label, engines.answers_table(backend, path), args.repeat)
        if args.spark:
            started = time.perf_counter()
            session = engines.local_spark_session()
            session.sparkContext.setLogLevel("ERROR")
            spark = engines.connect("pyspark", spark_session=session)
            print(f"\nSpark session started in {time.perf_counter() - started:.1f} s")
            time_queries(f"Ibis over PySpark {session.version}, local[*]", engines.answers_table(spark, path),
                         args.spark_repeat, judged=False)
            session.stop()
    finally:
        if args.keep:
            print(f"\nstore kept at {path}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    main()
