"""Altair charts to static SVG with an accessible name: the same picture in pages and PDFs, no JS, no CDN.

Plain Python (no Django), so computation modules' charts can use it. Each app's chart module draws its own
charts with the colours of `govcx.common.palette` and renders them here. Altair and the converter are imported
by the functions that draw (here and in every chart module), not with the module: loading the URL map imports
the chart modules, and a starting server must not wait seconds for Altair.
"""

from __future__ import annotations

import re
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import altair as alt

#: Vega's own accessibility attributes on marks and guides: English descriptions, and graphics roles that would
#: then lack a name; the whole figure is one image named in the reader's language instead.
_VEGA_ARIA = re.compile(r' (?:aria-label|aria-roledescription|role)="[^"]*"')


def render_svg(chart: alt.TopLevelMixin, title: str) -> str:
    """The chart as SVG markup, named for screen readers by `title` (the figures are in a table beside it).

    Vega's own descriptions of marks and axes ("X-axis titled ... for a linear scale") are English whatever the
    page's language, so they are left out: the accessible name and the table say it in the reader's language."""
    import vl_convert as vlc

    spec = chart.to_dict()
    spec.setdefault("config", {})["aria"] = False
    svg = _VEGA_ARIA.sub("", vlc.vegalite_to_svg(spec))  # the title's description stays without the config
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)
