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
    """The first call of each engine, on tiny data: DuckDB through Ibis (an aggregate over the empty answer
    store), a chart to SVG, SciPy, the Russian morphology dictionaries, the topic model's library, PDF."""
    import tempfile
    from pathlib import Path

    import scipy.stats  # noqa: F401

    import govcx.feedback.text.topics  # noqa: F401  (scikit-learn)
    from govcx.analytics import engines
    from govcx.common.pdf import local_static_fetcher
    from govcx.feedback.charts import Estimate, means_chart_svg, trend_chart_svg
    from govcx.feedback.text.tokenise import russian_analyser

    backend = engines.connect("duckdb", threads=1)
    with tempfile.TemporaryDirectory() as empty:
        table = engines.answers_table(backend, Path(empty) / "answers")
        first = table.columns[0]
        table.group_by(first).aggregate(n=table.count()).order_by(first).execute()
    # Titles and Cyrillic labels: the chart converter loads its fonts on the first text it lays out
    rows = [Estimate("Услуга · service", 4.1, 3.9, 4.3, "above"), Estimate("Другая · other", 3.2, 3.0, 3.4)]
    means_chart_svg(rows, title="Оценка · rating", axis_title="1–5", scale=(1.0, 5.0), reference=3.5)
    trend_chart_svg(rows, title="Динамика · trend", axis_title="1–5", scale=(1.0, 5.0))
    russian_analyser()
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
