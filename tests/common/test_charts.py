"""Drawings are kept by their specification: the same chart is drawn by vega once per process, and once for all
workers when a folder is named; a different chart, title aside, is drawn anew."""

from __future__ import annotations

import altair as alt
import pytest
import vl_convert

from govcx.common import charts
from govcx.common.kept import Kept


def bars(values: list[int]) -> alt.Chart:
    data = alt.Data(values=[{"name": f"s{i}", "value": v} for i, v in enumerate(values)])
    return alt.Chart(data).mark_bar().encode(x="value:Q", y="name:N")


@pytest.fixture
def drawn(monkeypatch):
    """Counts vega's drawings; starts with nothing kept in memory and no folder."""
    calls = []
    real = vl_convert.vegalite_to_svg

    def counting(spec, *args, **kwargs):
        calls.append(spec)
        return real(spec, *args, **kwargs)

    monkeypatch.setattr(vl_convert, "vegalite_to_svg", counting)
    monkeypatch.setattr(charts, "_drawn", Kept(charts._DRAWN_IN_MEMORY))
    monkeypatch.setattr(charts, "_drawings_dir", None)
    return calls


def test_the_same_chart_is_drawn_once_and_named_by_each_title(drawn):
    first = charts.render_svg(bars([1, 2, 3]), "Ratings")
    again = charts.render_svg(bars([1, 2, 3]), "Оценки")
    assert len(drawn) == 1
    assert 'aria-label="Ratings"' in first and 'aria-label="Оценки"' in again
    assert first.replace("Ratings", "Оценки") == again
    charts.render_svg(bars([1, 2, 4]), "Ratings")
    assert len(drawn) == 2


def test_a_named_folder_shares_drawings_between_processes(drawn, tmp_path, monkeypatch):
    charts.keep_drawings_in(tmp_path)
    first = charts.render_svg(bars([5, 6]), "Ratings")
    assert len(drawn) == 1 and len(list(tmp_path.glob("*.svg"))) == 1
    monkeypatch.setattr(charts, "_drawn", Kept(charts._DRAWN_IN_MEMORY))  # another process: nothing in memory
    assert charts.render_svg(bars([5, 6]), "Ratings") == first
    assert len(drawn) == 1
    (next(tmp_path.glob("*.svg"))).write_text("")  # a drawing lost on disk is drawn again, not shown empty
    monkeypatch.setattr(charts, "_drawn", Kept(charts._DRAWN_IN_MEMORY))
    assert charts.render_svg(bars([5, 6]), "Ratings") == first
    assert len(drawn) == 2


def test_the_folder_keeps_the_newest_drawings(drawn, tmp_path, monkeypatch):
    monkeypatch.setattr(charts, "_DRAWN_ON_DISK", 3)
    monkeypatch.setattr(charts, "_PRUNE_EVERY", 1)
    charts.keep_drawings_in(tmp_path)
    for n in range(6):
        charts.render_svg(bars([n]), "Ratings")
    assert len(list(tmp_path.glob("*.svg"))) == 3
    assert not list(tmp_path.glob("*.part"))
