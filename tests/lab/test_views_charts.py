"""The report's charts (lab/charts.py, no Django): SVG with an accessible name, the benchmark test's colour,
nothing drawn without figures."""

from __future__ import annotations

from govcx.common.palette import BAD, GOOD, NEUTRAL
from govcx.lab import charts

TITLES = {"title": "Completion", "axis_title": "%", "point_label": "Estimate", "benchmark_label": "Benchmark"}


def test_nothing_to_draw_gives_an_empty_string():
    assert charts.completion_chart_svg([], **TITLES) == ""
    assert charts.task_time_chart_svg([charts.TaskTimes("Find", ())], title="Times", axis_title="s") == ""
    assert charts.sus_scale_chart_svg(mean=None, low=None, high=None, title="SUS", axis_title="SUS") == ""
    assert charts.severity_chart_svg({0: 0, 3: 0}, labels=list("abcde"), title="F", axis_title="n") == ""


def test_completion_chart_is_named_and_coloured_by_the_benchmark_test():
    passing = charts.CompletionBar("Find the form", point=0.95, low=0.80, high=1.0, benchmark=0.78, meets=True)
    failing = charts.CompletionBar("Pay <the> fee", point=0.6, low=0.3, high=0.85, benchmark=0.78, meets=False)
    svg = charts.completion_chart_svg([passing], **{**TITLES, "title": 'Completion "by task"'})
    assert svg.startswith('<svg role="img" aria-label="Completion &quot;by task&quot;"')
    assert GOOD in svg and BAD not in svg
    assert BAD in charts.completion_chart_svg([failing], **TITLES)
    assert NEUTRAL in charts.completion_chart_svg(
        [charts.CompletionBar("No benchmark", 0.5, 0.2, 0.8)], **TITLES)


def test_grade_bands_cover_the_whole_scale_without_gaps():
    bands = charts.grade_bands()
    assert [b["grade"] for b in bands][:2] == ["A+", "A"] and bands[-1] == {"grade": "F", "from": 0.0, "to": 51.7,
                                                                           "family": "F"}
    assert bands[0]["to"] == 100.0
    assert all(upper["from"] == lower["to"] for upper, lower in zip(bands, bands[1:], strict=False))


def test_time_sus_and_severity_charts_render():
    times = charts.task_time_chart_svg(
        [charts.TaskTimes("Find", (30.0, 45.0, 60.0), estimate=43.0, low=25.0, high=70.0, target=50)],
        title="Time on task", axis_title="Seconds")
    assert times.startswith('<svg role="img" aria-label="Time on task"')
    sus = charts.sus_scale_chart_svg(mean=72.5, low=65.0, high=80.0, title="SUS", axis_title="SUS score")
    assert "72.5" in sus
    severity = charts.severity_chart_svg({1: 2, 4: 1}, labels=["none", "cosmetic", "minor", "major", "worst"],
                                         title="Findings by severity", axis_title="Findings")
    assert "4 worst" in severity and "1 cosmetic" in severity
