"""Process views of a service's log beyond the summary: deadline compliance by group, handovers, bottlenecks
and the process map as SVG.

Plain Python, no Django. The table functions take the canonical Ibis table of `delivery.eventlog` and return
Ibis expressions (DuckDB by default, Spark unchanged); the map is drawn from the small directly-follows result.

- **Compliance by group**: a case belongs to the month (UTC) of its first event and to the office, region and
  channel of its first event; it is on time as in `mining.deadline_compliance`.
- **Handovers**: for consecutive events of a case (ordered as in `mining`) done by different resources (or
  offices), the pair counted: the handover-of-work metric of van der Aalst, Reijers & Song, "Discovering social
  networks from event logs", CSCW 14 (2005), without its causality depth beyond 1.
- **Bottlenecks**: arcs of the directly-follows graph ranked by the total time they held cases (count × mean
  wait), the measure of Disco's and PM4Py's performance DFG aggregated by sum.
- **Kept paths** (the map's slider): the most frequent arcs whose counts add up to the share asked for of all
  arc occurrences (at least one), as Disco's "paths" slider keeps them.
"""

from __future__ import annotations

import math
from html import escape
from typing import TYPE_CHECKING, Any

from govcx.delivery.mining import DAY_US

if TYPE_CHECKING:
    import ibis.expr.types as ir

GROUPS = ("month", "office", "region", "channel")
PERIODS = ("before", "after")


def case_table(events: ir.Table) -> ir.Table:
    """One row per case: `case`, `first_ts_us`, `last_ts_us`, `start_day`, `month` (YYYY-MM of the first event),
    the `office`, `region` and `channel` of its first event, and `reworked` (some activity occurs twice)."""
    cases = events.group_by("case").aggregate(
        first_ts_us=events.ts_us.min(),
        reworked=events.count() > events.activity.nunique(),
        last_ts_us=events.ts_us.max(),
        office=events.office.argmin(events.ts_us),
        region=events.region.argmin(events.ts_us),
        channel=events.channel.argmin(events.ts_us),
        first_time=events.timestamp.min(),
    )
    return cases.mutate(start_day=cases.first_ts_us // DAY_US, month=cases.first_time.strftime("%Y-%m"))


def compliance_by(cases: ir.Table, due_by_day: ir.Table, group: str) -> ir.Table:
    """Cases and cases on time per value of `group` (one of GROUPS, or `period` of `with_period`), ordered by the
    value."""
    if group not in (*GROUPS, "period"):
        raise ValueError(f"unknown group {group!r}")
    joined = cases.join(due_by_day, "start_day")
    grouped = joined.group_by(value=joined[group]).aggregate(
        cases=joined.count(), on_time=(joined.last_ts_us <= joined.due_us).cast("int64").sum())
    return grouped.order_by("value")


def overview(cases: ir.Table, due_by_day: ir.Table | None) -> ir.Table:
    """One row: `cases`, `median_seconds` of throughput, `reworked` cases and, with a term, `on_time` cases."""
    import ibis

    span = (cases.last_ts_us - cases.first_ts_us).cast("float64") / 1_000_000
    if due_by_day is None:
        return cases.aggregate(cases=cases.count(), median_seconds=span.median(),
                               reworked=cases.reworked.cast("int64").sum(), on_time=ibis.null("int64"))
    joined = cases.join(due_by_day, "start_day")
    span = (joined.last_ts_us - joined.first_ts_us).cast("float64") / 1_000_000
    return joined.aggregate(cases=joined.count(), median_seconds=span.median(),
                            reworked=joined.reworked.cast("int64").sum(),
                            on_time=(joined.last_ts_us <= joined.due_us).cast("int64").sum())


def with_period(cases: ir.Table, split_us: int) -> ir.Table:
    """The cases with `period`: "before" when their first event is before `split_us`, else "after"."""
    import ibis

    return cases.mutate(period=ibis.ifelse(cases.first_ts_us < split_us, "before", "after"))


def period_medians(cases: ir.Table) -> ir.Table:
    """Per `period`: cases and the median throughput time in seconds."""
    span = (cases.last_ts_us - cases.first_ts_us).cast("float64") / 1_000_000
    return cases.group_by("period").aggregate(cases=cases.count(), median_seconds=span.median())


def arc_waits_by_period(events: ir.Table, cases: ir.Table) -> ir.Table:
    """Per `period` (of the case, see `with_period`) and arc (`source`, `target`): `count` and `mean_seconds`."""
    import ibis

    joined = events.join(cases.select("case", "period"), "case")
    window = ibis.window(group_by=joined.case, order_by=[joined.ts_us, joined.event_index])
    paired = joined.select("period", source=joined.activity, target=joined.activity.lead().over(window),
                           wait_us=joined.ts_us.lead().over(window) - joined.ts_us)
    paired = paired.filter(paired.target.notnull())
    return paired.group_by("period", "source", "target").aggregate(
        count=paired.count(), mean_seconds=paired.wait_us.mean() / 1_000_000)


def compare_arcs(rows: list[dict[str, Any]], *, min_count: int = 5) -> list[dict[str, Any]]:
    """Arcs seen at least `min_count` times in both periods, with `before`, `after` (mean seconds) and `change`
    (after minus before), the most slowed first; the last ones are those that got faster."""
    periods: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        if row["count"] >= min_count and row["mean_seconds"] is not None:
            periods.setdefault((row["source"], row["target"]), {})[row["period"]] = float(row["mean_seconds"])
    compared = [{"source": source, "target": target, "before": means["before"], "after": means["after"],
                 "change": means["after"] - means["before"]}
                for (source, target), means in periods.items() if len(means) == 2]
    return sorted(compared, key=lambda arc: (-arc["change"], arc["source"], arc["target"]))


def handovers(events: ir.Table, by: str = "resource") -> ir.Table:
    """Pairs (`source`, `target`) of different, known `by` values on consecutive events of a case, with their
    `count`, most frequent first."""
    import ibis

    window = ibis.window(group_by=events.case, order_by=[events.ts_us, events.event_index])
    paired = events.select(source=events[by], target=events[by].lead().over(window))
    moved = paired.filter(paired.source.notnull() & paired.target.notnull() & (paired.source != paired.target))
    counted = moved.group_by("source", "target").aggregate(count=moved.count())
    return counted.order_by([ibis.desc("count"), "source", "target"])


def bottlenecks(arcs: list[dict[str, Any]], *, top: int = 10) -> list[dict[str, Any]]:
    """The arcs (`source`, `target`, `count`, `mean_seconds`, `total_seconds`) holding cases longest in all."""
    timed = [arc for arc in arcs if arc.get("total_seconds") is not None]
    return sorted(timed, key=lambda arc: (-arc["total_seconds"], arc["source"], arc["target"]))[:top]


def kept_paths(arcs: list[dict[str, Any]], share: float) -> list[dict[str, Any]]:
    """The most frequent arcs covering `share` (0..1) of all arc occurrences; at least one."""
    ranked = sorted(arcs, key=lambda arc: (-arc["count"], arc["source"], arc["target"]))
    total = sum(arc["count"] for arc in ranked)
    kept: list[dict[str, Any]] = []
    covered = 0
    for arc in ranked:
        if kept and covered >= share * total:
            break
        kept.append(arc)
        covered += arc["count"]
    return kept


def node_order(arcs: list[dict[str, Any]], starts: dict[str, int]) -> list[str]:
    """Activities top to bottom: from the most frequent start activity, each next the not yet placed activity
    most often reached from those placed (a greedy layering that puts the main path in order)."""
    names = sorted({arc["source"] for arc in arcs} | {arc["target"] for arc in arcs})
    if not names:
        return []
    placed = [max(names, key=lambda name: (starts.get(name, 0), -names.index(name)))]
    while len(placed) < len(names):
        flow: dict[str, int] = {}
        for arc in arcs:
            if arc["source"] in placed and arc["target"] not in placed:
                flow[arc["target"]] = flow.get(arc["target"], 0) + arc["count"]
        rest = [name for name in names if name not in placed]
        placed.append(max(rest, key=lambda name: (flow.get(name, 0), -rest.index(name))))
    return placed


def _duration(seconds: float | None, units: tuple[str, str]) -> str:
    """Hours below a day, else days, through the page's formats for them (`%(value)s h`, `%(value)s d`)."""
    if seconds is None:
        return "–"
    if seconds >= 86400:
        return units[1] % {"value": f"{seconds / 86400:.1f}"}
    return units[0] % {"value": f"{seconds / 3600:.1f}"}


def process_map_svg(arcs: list[dict[str, Any]], starts: dict[str, int], *, performance: bool, title: str,
                    description: str, units: tuple[str, str] = ("%(value)s h", "%(value)s d")) -> str:
    """The directly-follows graph as an arc diagram: activities stacked top to bottom, arcs going down drawn on
    the right, arcs going back (rework) on the left, widths by count; each arc labelled by its count or, with
    `performance`, its mean wait, and named for screen readers by a <title>. Narrow enough for a phone."""
    order = node_order(arcs, starts)
    if not order:
        return ""
    row = 56
    node_w, left = 180, 110
    width = left + node_w + 150
    height = row * len(order) + 20
    y = {name: 20 + row * i + 18 for i, name in enumerate(order)}
    top = max(arc["count"] for arc in arcs)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="process-map" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="pm-title pm-desc" font-family="sans-serif">'
             f'<title id="pm-title">{escape(title)}</title>'
             f'<desc id="pm-desc">{escape(description)}</desc>']
    for arc in sorted(arcs, key=lambda a: a["count"]):
        source, target = y[arc["source"]], y[arc["target"]]
        stroke = 1.5 + 7 * math.sqrt(arc["count"] / top)
        label = _duration(arc.get("mean_seconds"), units) if performance else str(arc["count"])
        lx: float
        ly: float
        name = f'{arc["source"]} → {arc["target"]}: {arc["count"]}, {_duration(arc.get("mean_seconds"), units)}'
        if source == target:
            x = left + node_w
            path = f"M{x},{source - 8} C{x + 40},{source - 30} {x + 40},{source + 30} {x},{source + 8}"
            lx, ly = x + 34, source + 4
        elif target > source:
            x = left + node_w
            bend = x + min(140, 20 + 0.45 * (target - source))
            path = f"M{x},{source} C{bend},{source} {bend},{target} {x + 6},{target}"
            lx, ly = (x + bend) / 2 + 2, (source + target) / 2 + 4
        else:
            x = left
            bend = x - min(100, 20 + 0.45 * (source - target))
            path = f"M{x},{source} C{bend},{source} {bend},{target} {x - 6},{target}"
            lx, ly = (x + bend) / 2 - 2, (source + target) / 2 + 4
        parts.append(f'<g><title>{escape(name)}</title><path d="{path}" fill="none" stroke="#505a5f" '
                     f'stroke-opacity="0.75" stroke-width="{stroke:.1f}" marker-end="url(#pm-arrow)"/>'
                     f'<text x="{lx:.0f}" y="{ly:.0f}" font-size="11" fill="#0b0c0c" '
                     f'text-anchor="{"end" if target < source else "start"}">{escape(label)}</text></g>')
    parts.insert(1, '<defs><marker id="pm-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
                    'markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
                    '<path d="M0,0L10,5L0,10z" fill="#0b0c0c"/></marker></defs>')
    for name in order:
        top_y = y[name] - 16
        shown = name if len(name) <= 26 else name[:25] + "…"
        parts.append(f'<g><rect x="{left}" y="{top_y}" width="{node_w}" height="32" rx="4" fill="#ffffff" '
                     f'stroke="#0b0c0c"/><text x="{left + node_w / 2}" y="{y[name] + 4}" font-size="12" '
                     f'text-anchor="middle" fill="#0b0c0c">{escape(shown)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)
