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
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict

import ibis

if TYPE_CHECKING:
    import ibis.expr.types as ir

MICROSECONDS = 1_000_000


class DurationSummary(TypedDict):
    mean: float | None
    median: float | None
    min: float | None
    max: float | None


class VariantRow(TypedDict):
    activities: list[str]
    cases: int


def case_window(events: ir.Table) -> Any:
    """Events of one case in their order: timestamp, then place in the file."""
    return ibis.window(group_by=events.case, order_by=[events.ts_us, events.event_index])


def with_successor(events: ir.Table) -> ir.Table:
    """Each event with its position in the case (1, 2, ...) and the activity and time of the event after it
    (null for the last event of a case)."""
    window = case_window(events)
    return events.mutate(
        position=ibis.row_number().over(window) + 1,
        next_activity=events.activity.lead().over(window),
        next_ts_us=events.ts_us.lead().over(window),
    )


def case_traces(events: ir.Table) -> ir.Table:
    """One row per case: `trace` (its activities in order), first and last timestamp, event count."""
    ordered = with_successor(events)
    # Collected as (position, activity) pairs, sorted, then stripped to activities: an ordered aggregate
    # (collect with order_by) is not portable, Spark's collect_list keeps no order.
    steps = ibis.struct({"position": ordered.position, "activity": ordered.activity})
    return ordered.group_by("case").aggregate(
        trace=steps.collect().sort().map(lambda step: step["activity"]),
        first_ts_us=ordered.ts_us.min(),
        last_ts_us=ordered.ts_us.max(),
        event_count=ordered.count(),
    )


def variants(events: ir.Table) -> ir.Table:
    """One row per variant: `trace` and `cases`, most frequent first."""
    traces = case_traces(events)
    counted = traces.group_by("trace").aggregate(cases=traces.count())
    return counted.order_by([ibis.desc("cases")])


def case_durations(events: ir.Table) -> ir.Table:
    """One row per case: `case` and `duration_seconds` (last minus first timestamp)."""
    per_case = events.group_by("case").aggregate(first_ts_us=events.ts_us.min(), last_ts_us=events.ts_us.max())
    return per_case.select(
        "case", duration_seconds=(per_case.last_ts_us - per_case.first_ts_us).cast("float64") / MICROSECONDS
    )


def duration_summary_expr(events: ir.Table) -> ir.Table:
    per_case = events.group_by("case").aggregate(span_us=events.ts_us.max() - events.ts_us.min())
    span = per_case.span_us
    return per_case.aggregate(
        mean=span.mean() / MICROSECONDS,
        median=span.median().cast("float64") / MICROSECONDS,
        min=span.min().cast("float64") / MICROSECONDS,
        max=span.max().cast("float64") / MICROSECONDS,
    )


def directly_follows(events: ir.Table) -> ir.Table:
    """The directly-follows graph: one row per arc (`source`, `target`) with `count`, `mean_seconds`,
    `median_seconds` and `total_seconds` (the time the arc held cases)."""
    ordered = with_successor(events)
    arcs = ordered.filter(ordered.next_activity.notnull())
    # Means and sums of integer microseconds: exact on DuckDB (128-bit sums) and independent of the order in
    # which parallel workers add, so a figure does not change from one run to the next.
    arcs = arcs.mutate(wait_us=arcs.next_ts_us - arcs.ts_us)
    grouped = arcs.group_by(source=arcs.activity, target=arcs.next_activity).aggregate(
        count=arcs.count(),
        mean_us=arcs.wait_us.mean(),
        median_us=arcs.wait_us.median(),
        total_us=arcs.wait_us.sum(),
    )
    return grouped.select(
        "source", "target", "count",
        mean_seconds=grouped.mean_us / MICROSECONDS,
        median_seconds=grouped.median_us.cast("float64") / MICROSECONDS,
        total_seconds=grouped.total_us.cast("float64") / MICROSECONDS,
    )


def rework_cases(events: ir.Table) -> ir.Table:
    """Per activity, the number of cases where it occurs more than once (activities without rework absent)."""
    per_case = events.group_by(["activity", "case"]).aggregate(occurrences=events.count())
    repeated = per_case.filter(per_case.occurrences > 1)
    return repeated.group_by("activity").aggregate(cases=repeated.count())


def start_activities(events: ir.Table) -> ir.Table:
    ordered = with_successor(events)
    first = ordered.filter(ordered.position == 1)
    return first.group_by("activity").aggregate(cases=first.count())


def end_activities(events: ir.Table) -> ir.Table:
    ordered = with_successor(events)
    last = ordered.filter(ordered.next_ts_us.isnull())
    return last.group_by("activity").aggregate(cases=last.count())


def counts(events: ir.Table) -> ir.Table:
    return events.aggregate(
        events=events.count(), cases=events.case.nunique(), activities=events.activity.nunique()
    )


# ---- small results ------------------------------------------------------------------------------------------


def _named_counts(table: ir.Table) -> dict[str, int]:
    rows = [(str(row["activity"]), int(row["cases"])) for row in table.to_pyarrow().to_pylist()]
    return dict(sorted(rows, key=lambda row: (-row[1], row[0])))


def _float_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


def summary(events: ir.Table, *, top: int = 10) -> dict[str, Any]:
    """The figures of `govcx delivery analyse --json`, exactly these keys: cases, events, activities, variants,
    top_variants, case_duration_seconds, dfg, rework_cases_per_activity, start_activities, end_activities."""
    totals = counts(events).to_pyarrow().to_pylist()[0]
    variant_table = variants(events).to_pyarrow()
    pairs = sorted(
        ((int(row["cases"]), [str(a) for a in row["trace"]]) for row in variant_table.to_pylist()),
        key=lambda pair: (-pair[0], pair[1]),
    )
    variant_rows = [VariantRow(activities=activities, cases=cases) for cases, activities in pairs]
    durations = duration_summary_expr(events).to_pyarrow().to_pylist()[0]
    arcs = directly_follows(events).to_pyarrow().to_pylist()
    dfg = [
        {"from": str(arc["source"]), "to": str(arc["target"]), "count": int(arc["count"]),
         "mean_seconds": _float_or_none(arc["mean_seconds"])}
        for arc in sorted(arcs, key=lambda a: (-a["count"], a["source"], a["target"]))
    ]
    return {
        "cases": int(totals["cases"]),
        "events": int(totals["events"]),
        "activities": int(totals["activities"]),
        "variants": len(variant_rows),
        "top_variants": variant_rows[:top],
        "case_duration_seconds": {key: _float_or_none(durations[key]) for key in ("mean", "median", "min", "max")},
        "dfg": dfg,
        "rework_cases_per_activity": _named_counts(rework_cases(events)),
        "start_activities": _named_counts(start_activities(events)),
        "end_activities": _named_counts(end_activities(events)),
    }
