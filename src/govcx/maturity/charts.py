"""Charts of the index pages (plain Python, no Django): the ranking with each authority's interval, and an
authority's index over the quarters."""

from __future__ import annotations

from typing import Any

from govcx.common.charts import render_svg
from govcx.common.palette import BAND, INK, NEUTRAL


def ranking_chart_svg(rows: list[dict[str, Any]], *, title: str, axis_title: str) -> str:
    """One line per authority (best first): its interval as a bar, its index as a dot. `rows`: name, value, low,
    high (authorities without an index are left out)."""
    import altair as alt

    data = [r for r in rows if r.get("value") is not None]
    if not data:
        return ""
    names = [r["name"] for r in data]
    base = alt.Chart(alt.Data(values=data))
    y = alt.Y("name:N", sort=names, title=None, axis=alt.Axis(labelLimit=220))
    bars = base.mark_rule(color=BAND, strokeWidth=6).encode(
        x=alt.X("low:Q", title=axis_title, scale=alt.Scale(domain=[0, 100])), x2="high:Q", y=y)
    dots = base.mark_point(filled=True, color=INK, size=50).encode(x="value:Q", y=y)
    return render_svg((bars + dots).properties(title=title, width=320, height=max(60, 18 * len(data))), title)


def trend_chart_svg(points: list[dict[str, Any]], *, title: str, axis_title: str, period_title: str) -> str:
    """The index per quarter with its interval as a band. `points`: period, value, low, high."""
    import altair as alt

    data = [p for p in points if p.get("value") is not None]
    if not data:
        return ""
    base = alt.Chart(alt.Data(values=data))
    x = alt.X("period:O", title=period_title)
    band = base.mark_area(color=BAND, opacity=0.6).encode(
        x=x, y=alt.Y("low:Q", title=axis_title, scale=alt.Scale(domain=[0, 100])), y2="high:Q")
    line = base.mark_line(color=NEUTRAL, point=alt.OverlayMarkDef(color=INK, filled=True)).encode(x=x, y="value:Q")
    return render_svg((band + line).properties(title=title, width=360, height=200), title)
