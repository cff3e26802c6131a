"""Satisfaction charts: means with their intervals by group, and a trend over periods with its band.

Plain Python; rendered to SVG once per set of figures (same figures, same picture).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from govcx.common.charts import render_svg
from govcx.common.palette import BAD, BAND, GOOD, INK, NEUTRAL


@dataclass(frozen=True, slots=True)
class Estimate:
    """A figure with its interval; `signal` says how it compares with the reference: above, below or same."""

    label: str
    value: float
    low: float
    high: float
    signal: str = "same"


def means_chart_svg(rows: Iterable[Estimate], *, title: str, axis_title: str, scale: tuple[float, float],
                    reference: float | None = None) -> str:
    """One line per group from the interval's low to high bound, a dot at the estimate; green or red only where
    the difference from the reference is statistically significant."""
    key = tuple(rows)
    return _means_svg(key, title, axis_title, scale, reference) if key else ""


@lru_cache(maxsize=256)
def _means_svg(rows: tuple[Estimate, ...], title: str, axis_title: str, scale: tuple[float, float],
               reference: float | None) -> str:
    import altair as alt

    data = [{"label": r.label, "value": round(r.value, 3), "low": round(r.low, 3), "high": round(r.high, 3),
             "signal": r.signal} for r in rows]
    order = [r.label for r in rows]
    base = alt.Chart(alt.Data(values=data)).encode(y=alt.Y("label:N", sort=order, title=None,
                                                             axis=alt.Axis(labelLimit=300)))
    colour = alt.Color("signal:N", scale=alt.Scale(domain=["above", "below", "same"], range=[GOOD, BAD, NEUTRAL]),
                       legend=None)
    x = alt.X("low:Q", scale=alt.Scale(domain=list(scale), zero=False), title=axis_title)
    layers = base.mark_rule(strokeWidth=4).encode(x=x, x2="high:Q", color=colour) + base.mark_point(
        filled=True, size=80, color=INK).encode(x="value:Q")
    if reference is not None:
        layers += alt.Chart(alt.Data(values=[{"reference": reference}])).mark_rule(
            strokeDash=[4, 3], color=INK).encode(x="reference:Q")
    return render_svg(layers.properties(title=title, width=420, height=alt.Step(24)), title)


def trend_chart_svg(rows: Iterable[Estimate], *, title: str, axis_title: str, scale: tuple[float, float]) -> str:
    """The estimate per period as a line with its interval as a band; periods in the given order."""
    key = tuple(rows)
    return _trend_svg(key, title, axis_title, scale) if key else ""


@lru_cache(maxsize=256)
def _trend_svg(rows: tuple[Estimate, ...], title: str, axis_title: str, scale: tuple[float, float]) -> str:
    import altair as alt

    data = [{"period": r.label, "value": round(r.value, 3), "low": round(r.low, 3), "high": round(r.high, 3)}
            for r in rows]
    order = [r.label for r in rows]
    base = alt.Chart(alt.Data(values=data)).encode(x=alt.X("period:O", sort=order, title=None))
    y = alt.Y("low:Q", scale=alt.Scale(domain=list(scale), zero=False), title=axis_title)
    chart = (base.mark_area(color=BAND, opacity=0.6).encode(y=y, y2="high:Q")
             + base.mark_line(color=INK, point=True).encode(y="value:Q"))
    return render_svg(chart.properties(title=title, width=480, height=220), title)
