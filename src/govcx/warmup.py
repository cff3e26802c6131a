"""Warming a server process, so no visitor pays for an import or an engine's first call.

`govcx serve` loads the application and the whole URL map (every view module) in the gunicorn arbiter before it
forks, so each worker, including one started later to replace another, begins with them. The analytic engine,
charts, statistics and PDF printing are warmed in each worker by a background thread right after it starts:
together they take seconds, which would delay the first page if the arbiter waited for them, and a request
that needs one of them meanwhile simply waits for that import to finish.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


def load_routes() -> None:
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    reverse("home")  # builds the reverse map once, before the fork


def warm_engines() -> None:
    """The first call of each engine, on tiny data."""
    import altair as alt
    import ibis
    import scipy.stats  # noqa: F401

    from govcx.analytics import engines
    from govcx.common.charts import render_svg
    from govcx.common.pdf import local_static_fetcher

    backend = engines.connect("duckdb", threads=1)
    backend.execute(ibis.memtable({"value": [1, 2, 3]}).value.mean())
    render_svg(alt.Chart(alt.Data(values=[{"a": 1, "b": 2}])).mark_bar().encode(x="a:Q", y="b:Q"), "warm-up")
    local_static_fetcher()


def warm_in_background() -> threading.Thread:
    def run() -> None:
        try:
            warm_engines()
        except Exception:  # a worker that could not warm still serves; its first chart is just slower
            logger.exception("warming the engines failed")

    thread = threading.Thread(target=run, name="govcx-warm-up", daemon=True)
    thread.start()
    return thread
