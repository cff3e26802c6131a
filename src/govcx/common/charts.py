"""Altair charts to static SVG with an accessible name: the same picture in pages and PDFs, no JS, no CDN.

Plain Python (no Django), so computation modules' charts can use it. Each app's chart module draws its own
charts with the colours of `govcx.common.palette` and renders them here.
"""

from __future__ import annotations

from html import escape

import altair as alt
import vl_convert as vlc


def render_svg(chart: alt.TopLevelMixin, title: str) -> str:
    """The chart as SVG markup, named for screen readers by `title` (the figures are in a table beside it)."""
    svg = vlc.vegalite_to_svg(chart.to_dict())
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
