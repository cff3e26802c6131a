"""The pilot report's chart (plain Python, no Django): the event study of one criterion — the effect by period
relative to the start with its interval, zero at the reference period, the start and the minimum effect marked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from govcx.common.charts import render_svg
from govcx.common.palette import BAND, GOOD, INK, NEUTRAL


def event_study_svg(events: Sequence[Mapping[str, object]], *, minimum_effect: float | None, title: str,
                    axis_period: str, axis_effect: str) -> str:
    """Points with interval bars for each period; a dashed line at the minimum effect worth scaling (signed in
    the expected direction), a rule at zero and at the start (relative period 0)."""
    import altair as alt

    values = [{"period": str(e["period"]), "relative": e["relative_period"], "estimate": e["estimate"],
               "low": e["low"] if e["low"] is not None else e["estimate"],
               "high": e["high"] if e["high"] is not None else e["estimate"]} for e in events]
    if not values:
        return ""
    order = [str(e["period"]) for e in sorted(events, key=lambda e: int(str(e["relative_period"])))]
    x = alt.X("period:N", sort=order, title=axis_period, axis=alt.Axis(labelAngle=-45))
    base = alt.Chart(alt.Data(values=values))
    layers = (
        base.mark_rule(color=BAND, strokeWidth=3).encode(x=x, y=alt.Y("low:Q", title=axis_effect), y2="high:Q")
        + base.mark_point(filled=True, color=INK, size=50).encode(x=x, y="estimate:Q")
        + alt.Chart(alt.Data(values=[{"zero": 0.0}])).mark_rule(color=NEUTRAL).encode(y="zero:Q")
    )
    start = next((v["period"] for v in values if v["relative"] == 0), None)
    if start is not None:
        layers += alt.Chart(alt.Data(values=[{"period": start}])).mark_rule(color=NEUTRAL, strokeDash=[2, 2]).encode(
            x=alt.X("period:N", sort=order))
    if minimum_effect is not None:
        layers += alt.Chart(alt.Data(values=[{"minimum": minimum_effect}])).mark_rule(
            color=GOOD, strokeDash=[6, 3]).encode(y="minimum:Q")
    return render_svg(layers.properties(title=title, width=420, height=200), title)
