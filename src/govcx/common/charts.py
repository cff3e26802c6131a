"""Altair charts to static SVG with an accessible name: the same picture in pages and PDFs, no JS, no CDN.

Plain Python (no Django), so computation modules' charts can use it. Each app's chart module draws its own
charts with the colours of `govcx.common.palette` and renders them here. Altair and the converter are imported
by the functions that draw (here and in every chart module), not with the module: loading the URL map imports
the chart modules, and a starting server must not wait seconds for Altair.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import json
import os
import re
import threading
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING

from govcx.common.kept import MISSING, Kept

if TYPE_CHECKING:
    import altair as alt

#: Vega's own accessibility attributes on marks and guides: English descriptions, and graphics roles that would
#: then lack a name; the whole figure is one image named in the reader's language instead.
_VEGA_ARIA = re.compile(r' (?:aria-label|aria-roledescription|role)="[^"]*"')


#: Drawings kept by their specification: vega takes seconds for a chart of ~75 services, and the same figures are
#: drawn again by every worker and after every restart. In memory (bounded) and, once `keep_drawings_in` named a
#: folder (the server's var dir), on disk, shared by the workers.
_DRAWN_IN_MEMORY = 256
_drawn = Kept(_DRAWN_IN_MEMORY)
_DRAWN_ON_DISK = 2000  # the newest; checked every _PRUNE_EVERY drawings written
_PRUNE_EVERY = 100
_drawings_dir: Path | None = None
_written = 0


def keep_drawings_in(folder: Path | None) -> None:
    global _drawings_dir
    _drawings_dir = folder


def render_svg(chart: alt.TopLevelMixin, title: str) -> str:
    """The chart as SVG markup, named for screen readers by `title` (the figures are in a table beside it).

    Vega's own descriptions of marks and axes ("X-axis titled ... for a linear scale") are English whatever the
    page's language, so they are left out: the accessible name and the table say it in the reader's language."""
    import vl_convert as vlc

    spec = chart.to_dict()
    spec.setdefault("config", {})["aria"] = False
    key = hashlib.sha256(json.dumps([_converter_version(), spec], sort_keys=True, default=str).encode()).hexdigest()
    svg = _kept_drawing(key)
    if svg is None:
        svg = _VEGA_ARIA.sub("", vlc.vegalite_to_svg(spec))  # the title's description stays without the config
        _keep_drawing(key, svg)
    return svg.replace("<svg ", f'<svg role="img" aria-label="{escape(title)}" ', 1)


@functools.cache
def _converter_version() -> str:
    return importlib.metadata.version("vl-convert-python")


def _kept_drawing(key: str) -> str | None:
    kept: str = _drawn.get(key)
    if kept is not MISSING:
        return kept
    folder = _drawings_dir
    if folder is None:
        return None
    try:
        svg = (folder / f"{key}.svg").read_text(encoding="utf-8")
    except OSError:
        return None
    if not svg.startswith("<svg"):  # emptied or damaged on disk: drawn again
        return None
    _drawn.put(key, svg)
    return svg


def _keep_drawing(key: str, svg: str) -> None:
    _drawn.put(key, svg)
    folder = _drawings_dir
    if folder is None:
        return
    try:  # written whole under another name, then renamed: a reader never sees half a drawing
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f"{key}.{os.getpid()}.{threading.get_ident()}.part"
        partial.write_text(svg, encoding="utf-8")
        partial.replace(folder / f"{key}.svg")
        global _written
        _written += 1
        if _written % _PRUNE_EVERY == 0:
            _prune(folder)
    except OSError:
        pass  # a full or read-only disk costs a redraw next time, nothing else


def _prune(folder: Path) -> None:
    drawings = sorted(folder.glob("*.svg"), key=lambda path: path.stat().st_mtime, reverse=True)
    for old in drawings[_DRAWN_ON_DISK:]:
        old.unlink(missing_ok=True)

