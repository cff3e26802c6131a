"""The lab report's charts as static SVG (Vega-Altair rendered by vl-convert), for the page and the PDF alike.

Pure: no Django. Each function takes plain figures (the numbers of `govcx.lab.analysis`) and translated titles,
and returns an SVG string the caller marks safe; an empty string when there is nothing to draw. The figures are
also in a table next to each chart, so the picture gets a short accessible name, not a description.
Same figures, same picture: rendering costs tens of milliseconds, so results are cached by value.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from govcx.common.charts import render_svg
from govcx.common.palette import BAD, GOOD, INK, NEUTRAL, SEVERITY_SCALE
from govcx.lab.metrics import SUS_GRADES

#: Colours of the grade families on the SUS scale, lightest for the best so the mean's mark stands out.
GRADE_FAMILY_COLOURS = {"A": "#cce2d8", "B": "#dbe9c6", "C": "#fff1c2", "D": "#fbd9c3", "F": "#f4c7c3"}


@dataclass(frozen=True, slots=True)
class CompletionBar:
    """One task's completion rate: point estimate, interval bounds (0–1), its benchmark (0–1) and whether the
    benchmark test passed (None: decide by the interval's lower bound)."""

    task: str
    point: float
    low: float
    high: float
    benchmark: float | None = None
    meets: bool | None = None


@dataclass(frozen=True, slots=True)
class TaskTimes:
    """One task's times on task in seconds, the summary estimate with its interval, and the target time."""

    task: str
    seconds: tuple[float, ...]
    estimate: float | None = None
    low: float | None = None
    high: float | None = None
    target: float | None = None


def completion_chart_svg(
    bars: Iterable[CompletionBar], *, title: str, axis_title: str, point_label: str, benchmark_label: str
) -> str:
    """Completion rate per task: the interval as a line, the point estimate as a dot and the benchmark as a
    tick. Green when the task passes its benchmark test, red when not, grey without a benchmark."""
    key = tuple(bars)
    return _completion_svg(key, title, axis_title, point_label, benchmark_label) if key else ""


def _meets(bar: CompletionBar) -> str:
    if bar.benchmark is None:
        return "unknown"
    passed = bar.meets if bar.meets is not None else bar.low >= bar.benchmark
    return "meets" if passed else "below"


@lru_cache(maxsize=256)
def _completion_svg(
    bars: tuple[CompletionBar, ...], title: str, axis_title: str, point_label: str, benchmark_label: str
) -> str:
    import altair as alt

    rows = [
        {
            "task": b.task,
            "point": round(100 * b.point, 1),
            "low": round(100 * b.low, 1),
            "high": round(100 * b.high, 1),
            "benchmark": None if b.benchmark is None else round(100 * b.benchmark, 1),
            "meets": _meets(b),
        }
        for b in bars
    ]
    order = [b.task for b in bars]
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("task:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    )
    colour = alt.Color(
        "meets:N", scale=alt.Scale(domain=["meets", "below", "unknown"], range=[GOOD, BAD, NEUTRAL]), legend=None
    )
    x = alt.X("low:Q", scale=alt.Scale(domain=[0, 100]), title=axis_title)
    interval = base.mark_rule(strokeWidth=4).encode(x=x, x2="high:Q", color=colour)
    point = base.mark_point(filled=True, size=90, shape="circle", color=INK).encode(
        x="point:Q", tooltip=[alt.Tooltip("point:Q", title=point_label)]
    )
    benchmark = (
        base.transform_filter("datum.benchmark != null")
        .mark_tick(thickness=3, size=22, color=INK)
        .encode(x="benchmark:Q", tooltip=[alt.Tooltip("benchmark:Q", title=benchmark_label)])
    )
    chart = (interval + point + benchmark).properties(title=title, width=420, height=alt.Step(30))
    return render_svg(chart, title)


def task_time_chart_svg(tasks: Iterable[TaskTimes], *, title: str, axis_title: str) -> str:
    """Times on task: each attempt as a tick, the summary estimate (geometric mean or median) as a dot with its
    interval, the target time as a dashed mark."""
    key = tuple(t for t in tasks if t.seconds)
    return _time_svg(key, title, axis_title) if key else ""


@lru_cache(maxsize=256)
def _time_svg(tasks: tuple[TaskTimes, ...], title: str, axis_title: str) -> str:
    import altair as alt

    order = [t.task for t in tasks]
    attempts = [{"task": t.task, "seconds": round(s, 1)} for t in tasks for s in t.seconds]
    summaries = [
        {"task": t.task, "estimate": round(t.estimate, 1), "low": round(t.low, 1), "high": round(t.high, 1)}
        for t in tasks
        if t.estimate is not None and t.low is not None and t.high is not None
    ]
    targets = [{"task": t.task, "target": t.target} for t in tasks if t.target]
    y = alt.Y("task:N", sort=order, title=None, axis=alt.Axis(labelLimit=280))
    ticks = (
        alt.Chart(alt.Data(values=attempts))
        .mark_tick(thickness=2, size=16, color=NEUTRAL, opacity=0.7)
        .encode(y=y, x=alt.X("seconds:Q", title=axis_title, scale=alt.Scale(zero=True)))
    )
    layers: list[alt.Chart] = [ticks]
    if summaries:
        summary = alt.Chart(alt.Data(values=summaries)).encode(y=y)
        layers.append(summary.mark_rule(strokeWidth=3, color=INK).encode(x="low:Q", x2="high:Q"))
        layers.append(summary.mark_point(filled=True, size=80, color=INK).encode(x="estimate:Q"))
    if targets:
        layers.append(
            alt.Chart(alt.Data(values=targets))
            .mark_tick(thickness=2, size=26, color=BAD, strokeDash=[3, 2])
            .encode(y=y, x="target:Q")
        )
    chart = alt.layer(*layers).properties(title=title, width=420, height=alt.Step(30))
    return render_svg(chart, title)


def sus_scale_chart_svg(
    *, mean: float | None, low: float | None, high: float | None, title: str, axis_title: str
) -> str:
    """The study's mean SUS score with its interval over the Sauro–Lewis curved grade scale (A+ … F)."""
    if mean is None:
        return ""
    return _sus_svg(round(mean, 1), round(low if low is not None else mean, 1),
                    round(high if high is not None else mean, 1), title, axis_title)


def grade_bands() -> list[dict[str, float | str]]:
    """Each grade of the curved scale with the SUS range it covers, best first (from `metrics.SUS_GRADES`)."""
    bands: list[dict[str, float | str]] = []
    upper = 100.0
    for grade, lowest in SUS_GRADES:
        bands.append({"grade": grade, "from": lowest, "to": upper, "family": grade[0]})
        upper = lowest
    return bands


@lru_cache(maxsize=256)
def _sus_svg(mean: float, low: float, high: float, title: str, axis_title: str) -> str:
    import altair as alt

    x_scale = alt.Scale(domain=[0, 100])
    bands = alt.Chart(alt.Data(values=grade_bands())).encode(
        x=alt.X("from:Q", scale=x_scale, title=axis_title), x2="to:Q"
    )
    rects = bands.mark_rect(stroke="#ffffff", strokeWidth=1).encode(
        color=alt.Color(
            "family:N",
            scale=alt.Scale(domain=list(GRADE_FAMILY_COLOURS), range=list(GRADE_FAMILY_COLOURS.values())),
            legend=None,
        )
    )
    # Narrow grades (A-, B+ …) are under two points wide: label only the wide ones to keep the text legible.
    labels = (
        alt.Chart(alt.Data(values=[b for b in grade_bands() if float(b["to"]) - float(b["from"]) >= 3]))
        .transform_calculate(middle="(datum.from + datum.to) / 2")
        .mark_text(baseline="top", color=INK, fontSize=11)
        .encode(x=alt.X("middle:Q", scale=x_scale), y=alt.value(4), text="grade:N")
    )
    figure = alt.Chart(alt.Data(values=[{"mean": mean, "low": low, "high": high}]))
    interval = figure.mark_rule(strokeWidth=4, color=INK).encode(x=alt.X("low:Q", scale=x_scale), x2="high:Q")
    dot = figure.mark_point(filled=True, size=120, color=INK).encode(x=alt.X("mean:Q", scale=x_scale))
    value = figure.mark_text(baseline="bottom", color=INK, fontWeight="bold").encode(
        x=alt.X("mean:Q", scale=x_scale), y=alt.value(56), text="mean:Q"
    )
    chart = alt.layer(rects, labels, interval, dot, value).properties(title=title, width=460, height=60)
    return render_svg(chart, title)


def severity_chart_svg(
    counts: dict[int, int], *, labels: Sequence[str], title: str, axis_title: str
) -> str:
    """Number of findings at each severity 0–4 (bars, one colour per severity, worst darkest)."""
    if not any(counts.values()):
        return ""
    key = tuple((severity, f"{severity} {labels[severity]}", counts.get(severity, 0)) for severity in range(5))
    return _severity_svg(key, title, axis_title)


@lru_cache(maxsize=256)
def _severity_svg(rows: tuple[tuple[int, str, int], ...], title: str, axis_title: str) -> str:
    import altair as alt

    values = [{"severity": label, "count": count} for _, label, count in rows]
    order = [label for _, label, _ in rows]
    bars = alt.Chart(alt.Data(values=values)).encode(
        y=alt.Y("severity:N", sort=order, title=None, axis=alt.Axis(labelLimit=240)),
        x=alt.X("count:Q", title=axis_title, axis=alt.Axis(tickMinStep=1, format="d")),
    )
    chart = bars.mark_bar().encode(
        color=alt.Color("severity:N", scale=alt.Scale(domain=order, range=list(SEVERITY_SCALE)), legend=None)
    ) + bars.mark_text(align="left", dx=4, color=INK).encode(text="count:Q")
    return render_svg(chart.properties(title=title, width=360, height=alt.Step(24)), title)
