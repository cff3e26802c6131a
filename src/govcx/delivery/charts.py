"""Charts of the delivery page (plain Python, no Django): the distribution of throughput times."""

from __future__ import annotations

from typing import Any

import numpy as np

from govcx.common.charts import render_svg
from govcx.common.palette import INK, NEUTRAL


def duration_histogram(days: list[float], *, bins: int = 40) -> dict[str, list[Any]]:
    """Throughput times in days binned for the chart (`counts` per bin, `edges` one more): what is kept of a
    log's durations, rather than one number per case."""
    if not days:
        return {"counts": [], "edges": []}
    counts, edges = np.histogram(np.asarray(days, dtype=float), bins=bins)
    return {"counts": [int(count) for count in counts], "edges": [float(edge) for edge in edges]}


def throughput_chart_svg(histogram: dict[str, list[Any]], *, title: str, axis_title: str, count_title: str,
                         deadline_days: float | None = None) -> str:
    """A histogram of case throughput times in days (`duration_histogram`: a log has too many cases to hand
    to the chart), with the term in calendar days as a dashed rule."""
    import altair as alt

    counts, edges = histogram["counts"], histogram["edges"]
    if not counts:
        return ""
    data = alt.Data(values=[{"start": round(float(edges[i]), 2), "end": round(float(edges[i + 1]), 2),
                             "cases": int(counts[i])} for i in range(len(counts))])
    layers = alt.Chart(data).mark_bar(color=NEUTRAL).encode(
        x=alt.X("start:Q", title=axis_title), x2="end:Q", y=alt.Y("cases:Q", title=count_title))
    if deadline_days:
        layers += alt.Chart(alt.Data(values=[{"term": deadline_days}])).mark_rule(
            strokeDash=[4, 3], color=INK).encode(x="term:Q")
    return render_svg(layers.properties(title=title, width=480, height=200), title)
