"""The audit history chart: issues per run and impact, as static SVG."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from govcx import labels
from govcx.common.charts import render_svg
from govcx.common.palette import IMPACT_COLOURS


def stacked_counts_chart_svg(
    rows: list[dict[str, Any]], *, title: str, x_title: str, y_title: str
) -> SafeString:
    """Stacked bars of counts per run and impact (rows: {"run", "impact", "count"}), oldest run first."""
    if not rows:
        return mark_safe("")
    key = tuple((r["run"], str(labels.AUDIT_IMPACTS.get(r["impact"], r["impact"])), r["count"]) for r in rows)
    legend = tuple((str(labels.AUDIT_IMPACTS[impact]), colour) for impact, colour in IMPACT_COLOURS.items())
    return mark_safe(_stacked_svg(key, legend, str(title), str(x_title), str(y_title)))


@lru_cache(maxsize=256)
def _stacked_svg(rows: tuple[tuple[str, str, int], ...], legend: tuple[tuple[str, str], ...], title: str,
                 x_title: str, y_title: str) -> str:
    import altair as alt

    values = [{"run": run, "impact": impact, "count": count} for run, impact, count in rows]
    order = list(dict.fromkeys(run for run, _, _ in rows))
    chart = (
        alt.Chart(alt.Data(values=values), title=title)
        .mark_bar()
        .encode(
            x=alt.X("run:N", sort=order, title=x_title, axis=alt.Axis(labelAngle=-30)),
            y=alt.Y("count:Q", title=y_title, stack=True, axis=alt.Axis(tickMinStep=1, format="d")),  # counts
            color=alt.Color(
                "impact:N",
                scale=alt.Scale(domain=[name for name, _ in legend], range=[colour for _, colour in legend]),
                title=None,
            ),
            tooltip=["run:N", "impact:N", "count:Q"],
        )
        .properties(width=max(160, 60 * len(order)), height=200)
    )
    return render_svg(chart, title)
