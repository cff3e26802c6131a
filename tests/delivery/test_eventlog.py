"""Reading event logs: formats, timestamps, bad input named by row/line and column, and a worked example."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from govcx.delivery import eventlog, mining
from govcx.errors import InvalidInput

pytestmark = pytest.mark.one_database

MAPPING = eventlog.ColumnMapping("case", "activity", "time")


def write_csv(tmp_path, text, name="log.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def summary_of(path, mapping=MAPPING):
    return mining.summary(ibis.memtable(eventlog.read_event_log(path, mapping).events), top=100)


# A worked example, figures counted by hand: case 1 = a, b, c (b and c at the same instant: file order);
# case 2 = a, c, b, b; case 3 = a, b, c.
WORKED = """case,activity,time
1,a,2024-01-01 10:00:00
2,a,2024-01-01 09:00:00
1,b,2024-01-01 12:00:00
1,c,2024-01-01 12:00:00
2,c,2024-01-02 09:00:00
2,b,2024-01-02 10:00:00
2,b,2024-01-02 11:00:00
3,a,2024-01-03 08:00:00
3,b,2024-01-03 08:30:00
3,c,2024-01-03 09:00:00
"""


def test_worked_example(tmp_path):
    figures = summary_of(write_csv(tmp_path, WORKED))
    assert figures["cases"] == 3 and figures["events"] == 10 and figures["activities"] == 3
    assert figures["variants"] == 2
    assert figures["top_variants"] == [{"activities": ["a", "b", "c"], "cases": 2},
                                       {"activities": ["a", "c", "b", "b"], "cases": 1}]
    # durations: 2 h, 26 h, 1 h
    assert figures["case_duration_seconds"] == {"mean": 29 * 3600 / 3, "median": 7200.0, "min": 3600.0,
                                                "max": 93600.0}
    arcs = {(arc["from"], arc["to"]): (arc["count"], arc["mean_seconds"]) for arc in figures["dfg"]}
    assert arcs == {("a", "b"): (2, (7200 + 1800) / 2), ("b", "c"): (2, (0 + 1800) / 2), ("a", "c"): (1, 86400.0),
                    ("c", "b"): (1, 3600.0), ("b", "b"): (1, 3600.0)}
    assert figures["rework_cases_per_activity"] == {"b": 1}
    assert figures["start_activities"] == {"a": 3}
    assert figures["end_activities"] == {"c": 2, "b": 1}


def test_offsets_become_utc_and_daylight_saving_offsets_mix(tmp_path):
    path = write_csv(tmp_path, "case,activity,time\n1,a,2024-03-30T23:00:00+01:00\n1,b,2024-03-31T23:00:00+02:00\n")
    events = eventlog.read_event_log(path, MAPPING).events
    assert [t.isoformat() for t in events["timestamp"].to_pylist()] == ["2024-03-30T22:00:00+00:00",
                                                                         "2024-03-31T21:00:00+00:00"]
    assert summary_of(path)["case_duration_seconds"]["max"] == 23 * 3600


def test_an_offset_mixed_with_no_offset_is_refused_with_row_and_column(tmp_path):
    path = write_csv(tmp_path, "case,activity,time\n1,a,2024-01-01 10:00:00+03:00\n1,b,2024-01-01 11:00:00\n")
    with pytest.raises(InvalidInput) as refused:
        eventlog.read_event_log(path, MAPPING)
    problem = refused.value.problems[0]
    assert (problem.row, problem.field, problem.file) == (3, "time", "log.csv")


def test_an_unparseable_timestamp_is_refused_with_row_and_column(tmp_path):
    path = write_csv(tmp_path, "case,activity,time\n1,a,2024-01-01 10:00:00\n1,b,yesterday\n")
    with pytest.raises(InvalidInput) as refused:
        eventlog.read_event_log(path, MAPPING)
    problem = refused.value.problems[0]
    assert (problem.row, problem.field) == (3, "time") and "yesterday" in problem.message


def test_an_unknown_column_is_named(tmp_path):
    path = write_csv(tmp_path, "case,activity,when\n1,a,2024-01-01\n")
    with pytest.raises(InvalidInput) as refused:
        eventlog.read_event_log(path, MAPPING)
    assert refused.value.problems[0].field == "time" and "when" in refused.value.message


def test_an_empty_log_is_refused(tmp_path):
    for text in ("", "case,activity,time\n", "case,activity,time\n,a,2024-01-01\n"):
        with pytest.raises(InvalidInput):
            eventlog.read_event_log(write_csv(tmp_path, text), MAPPING)


def test_events_without_case_activity_or_time_are_left_out_as_pm4py_does(tmp_path):
    log = eventlog.read_event_log(write_csv(tmp_path, WORKED + "4,,2024-01-05 00:00:00\n5,a,\n"), MAPPING)
    assert (log.event_count, log.dropped) == (10, 2)


def test_semicolon_gzip_and_parquet_read_alike(tmp_path):
    expected = summary_of(write_csv(tmp_path, WORKED))
    with gzip.open(tmp_path / "log.csv.gz", "wt", encoding="utf-8") as handle:
        handle.write(WORKED.replace(",", ";"))
    assert summary_of(tmp_path / "log.csv.gz") == expected
    table = eventlog.read_csv(tmp_path / "log.csv")
    pq.write_table(table.set_column(2, "time", eventlog.parse_timestamps(table["time"], column="time",
                                                                         file_name="x")), tmp_path / "log.parquet")
    assert summary_of(tmp_path / "log.parquet") == expected


XES = """<?xml version="1.0" encoding="UTF-8"?>
<log xes.version="1.0">
  <trace><string key="concept:name" value="1"/>
    <event><string key="concept:name" value="a"/><date key="time:timestamp" value="2024-01-01T10:00:00+01:00"/></event>
    <event><string key="concept:name" value="b"/><date key="time:timestamp" value="2024-01-01T12:00:00+01:00"/></event>
  </trace>
  <trace><string key="concept:name" value="2"/>
    <event><string key="concept:name" value="a"/>
      <date key="time:timestamp" value="2024-01-02T10:00:00.5+01:00"/></event>
  </trace>
</log>
"""


def test_xes_through_rustxes_and_lxml_alike(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(XES)
    by_rustxes = eventlog.read_xes(path)
    by_lxml = eventlog.read_xes_iterparse(path)
    mapping = eventlog.ColumnMapping()
    one = eventlog.canonical(by_rustxes, mapping, file_name="log.xes", file_format="xes").events
    two = eventlog.canonical(by_lxml, mapping, file_name="log.xes", file_format="xes").events
    columns = ["case", "activity", "timestamp", "ts_us", "event_index"]
    assert one.select(columns).to_pylist() == two.select(columns).to_pylist()
    assert one["timestamp"][2].as_py().isoformat() == "2024-01-02T09:00:00.500000+00:00"


def test_malformed_xes_is_refused_with_its_line(tmp_path):
    path = tmp_path / "broken.xes"
    path.write_text(XES.replace("</trace>\n  <trace>", "</trace>\n  <trace", 1))
    with pytest.raises(InvalidInput) as refused:
        eventlog.read_event_log(path)
    assert refused.value.problems[0].line == 7


def test_shared_logs_in_three_formats_agree(eventlogs):
    """receipt.xes.gz, receipt.csv and receipt.parquet are the same log. The Parquet copy holds local wall-clock
    times without their offsets (read as UTC), so its durations across a daylight-saving change are an hour off:
    only the order-based figures are compared with it."""
    figures = [summary_of(eventlogs / name, eventlog.ColumnMapping())
               for name in ("08_receipt.xes.gz", "receipt.csv", "receipt.parquet")]
    assert figures[0] == figures[1]
    for key in ("cases", "events", "variants", "top_variants", "rework_cases_per_activity", "start_activities"):
        assert figures[2][key] == figures[0][key], key
    assert (figures[0]["cases"], figures[0]["events"], figures[0]["variants"]) == (1434, 8577, 116)


def test_cli_analyse_prints_exactly_the_documented_keys_without_a_database(tmp_path):
    path = write_csv(tmp_path, WORKED)
    env = {"GOVCX_DATABASE_URL": "postgres://nobody@127.0.0.1:9/absent", "GOVCX_VAR_DIR": str(tmp_path / "var"),
           "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-m", "govcx.cli", "delivery", "analyse", str(path), "--case", "case", "--activity",
         "activity", "--timestamp", "time", "--json"],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert list(figures) == ["cases", "events", "activities", "variants", "top_variants", "case_duration_seconds",
                             "dfg", "rework_cases_per_activity", "start_activities", "end_activities"]
    assert figures == summary_of(path)
    assert not (tmp_path / "var").exists() or not any((tmp_path / "var").iterdir())


def test_cli_refuses_bad_input_with_the_place(tmp_path):
    path = write_csv(tmp_path, "case,activity,time\n1,a,never\n")
    done = subprocess.run([sys.executable, "-m", "govcx.cli", "delivery", "analyse", str(path), "--case", "case",
                           "--activity", "activity", "--timestamp", "time", "--json"],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0 and "log.csv:2: time:" in done.stderr


def test_timestamp_types_from_arrow():
    naive = pa.array([0], pa.timestamp("ms"))
    assert eventlog.parse_timestamps(naive, column="t", file_name="f").type == eventlog.TIMESTAMP_TYPE

