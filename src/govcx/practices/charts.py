"""The chart of a self-assessment: the level of each function, the authority's own beside the central office's
(plain Python, no Django; the names come translated from the page)."""

from __future__ import annotations

from govcx.common.charts import render_svg
from govcx.common.palette import GOOD, NEUTRAL


def levels_chart_svg(rows: list[tuple[str, int | None, int | None]], *, title: str, self_title: str,
                     reviewer_title: str, level_title: str) -> str:
    """Bars of (function name, self level, reviewer's accepted level) on the 1–5 scale; a missing level draws no
    bar. The reviewer's series appears only when some reviewer level is given."""
    import altair as alt

    values = [{"function": name, "series": self_title, "level": level} for name, level, _ in rows if level]
    values += [{"function": name, "series": reviewer_title, "level": level} for name, _, level in rows if level]
    if not values:
        return ""
    series = [self_title] + ([reviewer_title] if any(r for _, _, r in rows) else [])
    chart = alt.Chart(alt.Data(values=values)).mark_bar().encode(
        y=alt.Y("function:N", title=None, sort=[name for name, _, _ in rows], axis=alt.Axis(labelLimit=220)),
        yOffset=alt.YOffset("series:N", sort=series),
        x=alt.X("level:Q", title=level_title, scale=alt.Scale(domain=[0, 5]), axis=alt.Axis(values=[1, 2, 3, 4, 5])),
        color=alt.Color("series:N", title=None, sort=series,
                        scale=alt.Scale(domain=series, range=[NEUTRAL, GOOD][: len(series)]),
                        legend=alt.Legend(orient="bottom")),
    )
    return render_svg(chart.properties(title=title, width=300, height=alt.Step(14)), title)
