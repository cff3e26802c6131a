"""The assessment's chart: each requirement group's score, as static SVG for the page and the PDF."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from govcx.common.charts import render_svg
from govcx.common.palette import INK, SCORE_BANDS


def _band(score: float) -> str:
    return "good" if score >= 80 else "mid" if score >= 50 else "bad"


def group_score_chart_svg(
    scores: list[dict[str, Any]], *, title: str = "Score by requirement group", axis_title: str = "Score (0–100)"
) -> SafeString:
    """Horizontal bars of each group's 0–100 score; groups without a score are left out."""
    bars = tuple((s["title"], round(s["score"], 1)) for s in scores if s["score"] is not None)
    return mark_safe(_bar_chart_svg(bars, str(title), str(axis_title))) if bars else mark_safe("")


@lru_cache(maxsize=1024)
def _bar_chart_svg(bars: tuple[tuple[str, float], ...], title: str, axis_title: str) -> str:
    """Rendering costs tens of milliseconds; the same figures always give the same picture, so keep it."""
    import altair as alt

    rows = [{"group": group, "score": score, "band": _band(score)} for group, score in bars]
    chart = (
        alt.Chart(alt.Data(values=rows), title=title)
        .mark_bar()
        .encode(
            y=alt.Y("group:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X("score:Q", scale=alt.Scale(domain=[0, 100]), title=axis_title),
            color=alt.Color(
                "band:N",
                scale=alt.Scale(domain=list(SCORE_BANDS), range=list(SCORE_BANDS.values())),
                legend=None,
            ),
            tooltip=["group:N", "score:Q"],
        )
        .properties(width=420, height=alt.Step(22))
    )
    labels = chart.mark_text(align="left", dx=4, color=INK).encode(text="score:Q", color=alt.value(INK))
    return render_svg(chart + labels, title)
