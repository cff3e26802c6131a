"""Process-mining figures of an event log as Ibis expressions: the same code runs on DuckDB and on Spark.

Plain Python, no Django. Input: an Ibis table in the canonical layout of `delivery.eventlog` (`case`,
`activity`, `ts_us`, `event_index`, ...). Definitions are PM4Py 2.7's for a dataframe that went through
`pm4py.format_dataframe` (van der Aalst, *Process Mining: Data Science in Action*, 2nd ed., 2016, ch. 6-7):

- a case's events are ordered by timestamp, ties kept in file order (PM4Py sorts by case, timestamp, index);
- **variant**: the sequence of activities of a case; a log's variants are counted by how many cases follow each
  (`pm4py.get_variants`);
- **case duration**: last timestamp minus first timestamp of a case, in seconds (`pm4py.get_all_case_durations`);
- **directly-follows graph**: for each pair of consecutive events (a, b) of a case, how often it occurs and the
  mean of b's timestamp minus a's, in seconds (`pm4py.discover_dfg`, `pm4py.discover_performance_dfg`);
- **rework**: per activity, the number of cases in which it occurs more than once
  (`pm4py.get_rework_cases_per_activity`);
- **start/end activities**: the first and last activity of each case, counted (`pm4py.get_start_activities`,
  `pm4py.get_end_activities`).

Timestamps are compared as integer microseconds (`ts_us`), so every engine orders and subtracts them alike.

`prepare` does the expensive part once: on DuckDB it numbers the activities (sorts and list aggregates over
integers are several times faster than over text), then collects each case's events in order into one row
(`traces`), each step a temporary table. Every figure is an aggregate over the traces: the directly-follows pairs
are read from each trace's list by position (one pass, no window over the events), and rework, start and end
activities come from the variants, a few thousand rows even for millions of events. Other engines (Spark) keep the
names as their own codes and plan the same steps lazily.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir

MICROSECONDS = 1_000_000


@dataclass(frozen=True)
class Prepared:
    """A log ready for the figures: `events` (the canonical table), `activities` (`activity`, `activity_no`),
    `coded` (`case`, `activity_no`, `ts_us`, `event_index`) and `traces` (one row per `case`: `steps`, its
    events in order as (`ts_us`, `event_index`, `activity_no`), `trace`, the activity codes in order,
    `first_ts_us`, `last_ts_us`, `event_count`) and `variants` (`trace`, `cases`)."""

    events: ir.Table
    activities: ir.Table
    coded: ir.Table
    traces: ir.Table
    variants: ir.Table


def prepare(events: ir.Table, *, name: str | None = None) -> Prepared:
    """Number, order and collect the events of a log once (see the module docstring); on DuckDB the steps are
    temporary tables whose names start with `name`."""
    import ibis

    backend = ibis.get_backend(events)
    on_duckdb = backend.name == "duckdb"
    prefix = name or ibis.util.gen_name("delivery")

    def materialise(expr: ir.Table, step: str) -> ir.Table:
        return backend.create_table(f"{prefix}_{step}", expr, temp=True) if on_duckdb else expr

    names = events.select("activity").distinct()
    if on_duckdb:
        activities = materialise(names.mutate(activity_no=ibis.row_number().cast("int32")), "activities")
        coded = events.join(activities, "activity").select("case", "activity_no", "ts_us", "event_index")
    else:
        activities = names.mutate(activity_no=names.activity)
        coded = events.select("case", activity_no=events.activity, ts_us=events.ts_us,
                              event_index=events.event_index)
    # Collected as (time, place in file, activity) triples, then sorted: an ordered aggregate (collect with
    # order_by) is not portable, Spark's collect_list keeps no order. Grouping by the case's own text costs less
    # than numbering the cases first (a distinct and a join over every event).
    step = ibis.struct({"ts_us": coded.ts_us, "event_index": coded.event_index, "activity_no": coded.activity_no})
    collected = materialise(coded.group_by("case").aggregate(
        steps=step.collect().sort(),
        first_ts_us=coded.ts_us.min(),
        last_ts_us=coded.ts_us.max(),
        event_count=coded.count(),
    ), "steps")
    traces = materialise(collected.mutate(trace=collected.steps.map(lambda step: step["activity_no"])), "traces")
    counted = materialise(traces.group_by("trace").aggregate(cases=traces.count()), "variants")
    return Prepared(events=events, activities=activities, coded=coded, traces=traces, variants=counted)


def _prepared(log: ir.Table | Prepared) -> Prepared:
    return log if isinstance(log, Prepared) else prepare(log)


def _named(table: ir.Table, activities: ir.Table, code: str, as_name: str) -> ir.Table:
    """`table` with the activity code in column `code` replaced by its name in column `as_name`."""
    lookup = activities.select(**{code: activities.activity_no, as_name: activities.activity})
    return table.join(lookup, code).drop(code)


def activity_names(log: Prepared) -> dict[Any, str]:
    """Activity code → name (a small table: one row per activity)."""
    return {row["activity_no"]: str(row["activity"]) for row in log.activities.to_pyarrow().to_pylist()}


def variants(log: ir.Table | Prepared) -> ir.Table:
    """One row per variant: `trace` (activity codes, see `variant_rows`) and `cases`, most frequent first."""
    import ibis

    return _prepared(log).variants.order_by([ibis.desc("cases")])


def variant_rows(log: ir.Table | Prepared) -> list[tuple[list[str], int]]:
    """Every variant as (activity names in order, cases), most frequent first, ties by the names."""
    prepared = _prepared(log)
    names = activity_names(prepared)
    rows = [([names[code] for code in row["trace"]], int(row["cases"]))
            for row in variants(prepared).to_pyarrow().to_pylist()]
    return sorted(rows, key=lambda row: (-row[1], row[0]))


def case_durations(log: ir.Table | Prepared) -> ir.Table:
    """One row per case: `case` and `duration_seconds` (last minus first timestamp)."""
    traces = _prepared(log).traces
    return traces.select(
        "case", duration_seconds=(traces.last_ts_us - traces.first_ts_us).cast("float64") / MICROSECONDS
    )


def duration_summary_expr(log: ir.Table | Prepared) -> ir.Table:
    traces = _prepared(log).traces
    span = traces.last_ts_us - traces.first_ts_us
    return traces.aggregate(
        mean=span.mean() / MICROSECONDS,
        median=span.median().cast("float64") / MICROSECONDS,
        min=span.min().cast("float64") / MICROSECONDS,
        max=span.max().cast("float64") / MICROSECONDS,
    )


def duration_quantile(log: ir.Table | Prepared, share: float) -> float | None:
    """The case duration below which `share` of the cases end, in seconds (linear interpolation on DuckDB)."""
    traces = _prepared(log).traces
    span = (traces.last_ts_us - traces.first_ts_us).cast("float64") / MICROSECONDS
    value = traces.aggregate(q=span.quantile(share)).to_pyarrow().column("q")[0].as_py()
    return None if value is None else float(value)


def directly_follows(log: ir.Table | Prepared) -> ir.Table:
    """The directly-follows graph: one row per arc (`source`, `target`) with `count`, `mean_seconds`,
    `median_seconds` and `total_seconds` (the time the arc held cases)."""
    import ibis

    prepared = _prepared(log)
    traces = prepared.traces
    steps = traces.steps
    pairs = ibis.range(1, steps.length()).map(lambda at: ibis.struct({
        "source_no": steps[at - 1]["activity_no"],
        "target_no": steps[at]["activity_no"],
        "wait_us": steps[at]["ts_us"] - steps[at - 1]["ts_us"],
    }))
    exploded = traces.filter(traces.event_count > 1).select(pair=pairs.unnest())
    arcs = exploded.select(source_no=exploded.pair["source_no"], target_no=exploded.pair["target_no"],
                           wait_us=exploded.pair["wait_us"])
    # Means and sums of integer microseconds: exact on DuckDB (128-bit sums) and independent of the order in
    # which parallel workers add, so a figure does not change from one run to the next.
    grouped = arcs.group_by("source_no", "target_no").aggregate(
        count=arcs.count(),
        mean_us=arcs.wait_us.mean(),
        median_us=arcs.wait_us.median(),
        total_us=arcs.wait_us.sum(),
    )
    grouped = grouped.select(
        "source_no", "target_no", "count",
        mean_seconds=grouped.mean_us / MICROSECONDS,
        median_seconds=grouped.median_us.cast("float64") / MICROSECONDS,
        total_seconds=grouped.total_us.cast("float64") / MICROSECONDS,
    )
    named = _named(_named(grouped, prepared.activities, "source_no", "source"), prepared.activities,
                   "target_no", "target")
    return named.select("source", "target", "count", "mean_seconds", "median_seconds", "total_seconds")


def rework_cases(log: ir.Table | Prepared) -> ir.Table:
    """Per activity, the number of cases where it occurs more than once (activities without rework absent):
    counted on the variants, each weighed by its cases."""
    prepared = _prepared(log)
    counted = prepared.variants
    occurrences = counted.select("trace", "cases", activity_no=counted.trace.unnest())
    per_variant = occurrences.group_by(["trace", "cases", "activity_no"]).aggregate(times=occurrences.count())
    repeated = per_variant.filter(per_variant.times > 1)
    total = repeated.group_by("activity_no").aggregate(cases=repeated.cases.sum())
    return _named(total, prepared.activities, "activity_no", "activity")


def _edge_activities(log: ir.Table | Prepared, *, last: bool) -> ir.Table:
    prepared = _prepared(log)
    counted = prepared.variants
    edge = counted.trace[counted.trace.length() - 1] if last else counted.trace[0]
    edges = counted.select("cases", activity_no=edge)
    total = edges.group_by("activity_no").aggregate(cases=edges.cases.sum())
    return _named(total, prepared.activities, "activity_no", "activity")


def start_activities(log: ir.Table | Prepared) -> ir.Table:
    """Per activity, the number of cases that begin with it."""
    return _edge_activities(log, last=False)


def end_activities(log: ir.Table | Prepared) -> ir.Table:
    """Per activity, the number of cases that end with it."""
    return _edge_activities(log, last=True)


DAY_US = 86_400 * MICROSECONDS


def start_days(log: ir.Table | Prepared) -> ir.Table:
    """The distinct days (whole days since 1970-01-01, UTC) on which cases began: a small table, for the
    caller to compute each day's deadline in its calendar."""
    traces = _prepared(log).traces
    return traces.select(start_day=traces.first_ts_us // DAY_US).distinct()


def deadline_compliance(log: ir.Table | Prepared, due_by_day: ir.Table) -> ir.Table:
    """Cases and cases on time: a case is on time when its last event is no later than `due_us`, the end of the
    term for cases begun on its start day (`due_by_day`: `start_day`, `due_us`, from `start_days`)."""
    traces = _prepared(log).traces
    dated = traces.mutate(start_day=traces.first_ts_us // DAY_US)
    joined = dated.join(due_by_day, "start_day")
    return joined.aggregate(cases=joined.count(), on_time=(joined.last_ts_us <= joined.due_us).cast("int64").sum())


def rework_share(log: ir.Table | Prepared) -> ir.Table:
    """Cases, and cases in which some activity occurs more than once."""
    counted = _prepared(log).variants
    repeats = counted.trace.unique().length() < counted.trace.length()
    return counted.aggregate(cases=counted.cases.sum(), reworked=repeats.ifelse(counted.cases, 0).sum())


def counts(log: ir.Table | Prepared) -> ir.Table:
    prepared = _prepared(log)
    traces = prepared.traces
    return traces.aggregate(events=traces.event_count.sum(), cases=traces.count())


# ---- small results ------------------------------------------------------------------------------------------


def _named_counts(table: ir.Table) -> dict[str, int]:
    rows = [(str(row["activity"]), int(row["cases"])) for row in table.to_pyarrow().to_pylist()]
    return dict(sorted(rows, key=lambda row: (-row[1], row[0])))


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def summary(log: ir.Table | Prepared, *, top: int = 10) -> dict[str, Any]:
    """The figures of `govcx delivery analyse --json`, exactly these keys: cases, events, activities, variants,
    top_variants, case_duration_seconds, dfg, rework_cases_per_activity, start_activities, end_activities."""
    prepared = _prepared(log)
    totals = counts(prepared).to_pyarrow().to_pylist()[0]
    all_variants = variant_rows(prepared)
    durations = duration_summary_expr(prepared).to_pyarrow().to_pylist()[0]
    arcs = directly_follows(prepared).to_pyarrow().to_pylist()
    dfg = [
        {"from": str(arc["source"]), "to": str(arc["target"]), "count": int(arc["count"]),
         "mean_seconds": _float_or_none(arc["mean_seconds"])}
        for arc in sorted(arcs, key=lambda a: (-a["count"], a["source"], a["target"]))
    ]
    return {
        "cases": int(totals["cases"]),
        "events": int(totals["events"]),
        "activities": int(prepared.activities.count().to_pyarrow().as_py()),
        "variants": len(all_variants),
        "top_variants": [{"activities": activities, "cases": cases} for activities, cases in all_variants[:top]],
        "case_duration_seconds": {key: _float_or_none(durations[key]) for key in ("mean", "median", "min", "max")},
        "dfg": dfg,
        "rework_cases_per_activity": _named_counts(rework_cases(prepared)),
        "start_activities": _named_counts(start_activities(prepared)),
        "end_activities": _named_counts(end_activities(prepared)),
    }
