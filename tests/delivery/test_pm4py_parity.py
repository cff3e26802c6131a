"""The delivery figures equal PM4Py 2.7's on the public logs of `shared/data/eventlogs` (the oracle is PM4Py
itself, run here on the same file; it is in the dev group only, never imported by src/)."""

from __future__ import annotations

import math

import ibis
import pyarrow.parquet as pq
import pytest

from govcx.delivery import eventlog, mining

pytestmark = pytest.mark.one_database

pm4py = pytest.importorskip("pm4py", reason="PM4Py (the parity oracle) is in the dev dependency group: uv sync")

LOGS = {
    "receipt": ("08_receipt.xes.gz", None),
    "bpic2015_municipality1": ("bpic2015_municipality1_building_permits.parquet",
                               eventlog.ColumnMapping("case_id", "activity", "timestamp")),
    "road_traffic_fines": ("road_traffic_fines_sample.parquet",
                           eventlog.ColumnMapping("case_id", "activity", "timestamp")),
}


def pm4py_frame(path, mapping):
    import pandas as pd

    if str(path).endswith((".xes", ".xes.gz")):
        frame = pm4py.read_xes(str(path), return_legacy_log_object=False)
        keys = {}
    else:
        frame = pd.read_parquet(path)
        keys = {"case_id": mapping.case, "activity_key": mapping.activity, "timestamp_key": mapping.timestamp}
    return pm4py.format_dataframe(frame, **keys)


@pytest.fixture(scope="module", params=sorted(LOGS))
def both(request, eventlogs):
    file_name, mapping = LOGS[request.param]
    path = eventlogs / file_name
    events = mining.prepare(ibis.memtable(eventlog.read_event_log(path, mapping).events))
    return events, pm4py_frame(path, mapping)


def close(a, b):
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


def test_variants(both):
    events, frame = both
    ours = {tuple(activities): cases for activities, cases in mining.variant_rows(events)}
    assert ours == {tuple(k): v for k, v in pm4py.get_variants(frame).items()}


def test_case_durations(both):
    events, frame = both
    ours = sorted(mining.case_durations(events).to_pyarrow().column("duration_seconds").to_pylist())
    theirs = pm4py.get_all_case_durations(frame)
    assert len(ours) == len(theirs)
    assert all(close(a, b) for a, b in zip(ours, theirs, strict=True))


def test_directly_follows_counts_and_mean_times(both):
    events, frame = both
    arcs = {(r["source"], r["target"]): r for r in mining.directly_follows(events).to_pyarrow().to_pylist()}
    counts, _, _ = pm4py.discover_dfg(frame)
    performance, _, _ = pm4py.discover_performance_dfg(frame)
    assert {arc: row["count"] for arc, row in arcs.items()} == dict(counts)
    assert arcs.keys() == performance.keys()
    for arc, row in arcs.items():
        assert close(row["mean_seconds"], performance[arc]["mean"]), arc
        assert close(row["median_seconds"], performance[arc]["median"]), arc


def test_rework_start_and_end_activities(both):
    events, frame = both
    summary = mining.summary(events)
    assert summary["rework_cases_per_activity"] == pm4py.get_rework_cases_per_activity(frame)
    assert summary["start_activities"] == pm4py.get_start_activities(frame)
    assert summary["end_activities"] == pm4py.get_end_activities(frame)
    assert summary["variants"] == len(pm4py.get_variants(frame))
    assert summary["cases"] == frame["case:concept:name"].nunique()
    assert summary["events"] == len(frame)


def test_spark_runs_the_same_expressions(spark, eventlogs, tmp_path):
    """The same Ibis expressions on PySpark (the session fixture) give the same figures as DuckDB."""
    log = eventlog.read_event_log(eventlogs / "roadtraffic100traces.xes")
    columns = log.events.select(["case", "activity", "ts_us", "event_index"])
    local = mining.summary(ibis.memtable(columns), top=1000)
    pq.write_table(columns, tmp_path / "events.parquet")
    remote = mining.summary(spark.read_parquet(str(tmp_path / "events.parquet")), top=1000)
    assert remote == local
