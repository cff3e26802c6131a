"""Charts of the delivery page (plain Python, no Django): the distribution of throughput times."""

from __future__ import annotations

import altair as alt
import numpy as np

from govcx.common.charts import render_svg
from govcx.common.palette import INK, NEUTRAL


def throughput_chart_svg(days: list[float], *, title: str, axis_title: str, count_title: str,
                         deadline_days: float | None = None) -> str:
    """A histogram of case throughput times in days (binned here: a log has too many cases to hand to the
    chart), with the term in calendar days as a dashed rule."""
    if not days:
        return ""
    counts, edges = np.histogram(np.asarray(days, dtype=float), bins=40)
    data = alt.Data(values=[{"start": round(float(edges[i]), 2), "end": round(float(edges[i + 1]), 2),
                             "cases": int(counts[i])} for i in range(len(counts))])
    layers = alt.Chart(data).mark_bar(color=NEUTRAL).encode(
        x=alt.X("start:Q", title=axis_title), x2="end:Q", y=alt.Y("cases:Q", title=count_title))
    if deadline_days:
        layers += alt.Chart(alt.Data(values=[{"term": deadline_days}])).mark_rule(
            strokeDash=[4, 3], color=INK).encode(x="term:Q")
    return render_svg(layers.properties(title=title, width=480, height=200), title)
