"""Warming a server process, so no visitor pays for an import or an engine's first call.

`govcx serve` loads, in the gunicorn arbiter before it forks: the application, the whole URL map (every view
module) and the heavy libraries the pages use (`load_routes`, `import_engines`). Every worker, including one
started later to replace another, begins with them. The engines' first calls (a DuckDB connection and query,
the chart converter's JavaScript engine, the morphology dictionaries) are made in each worker by a background
thread right after it starts (`warm_in_background`): they are not safe to make before a fork.

Imports are never left to that background thread: a module half-imported by one thread is already visible in
sys.modules to the others, and libraries that probe sys.modules (narwhals inside Altair does, for pandas)
then fail on it.
"""

from __future__ import annotations

import logging
import threading

logger = logging.getLogger(__name__)


def load_routes() -> None:
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    reverse("home")  # builds the reverse map once, before the fork


def import_engines() -> None:
    """Every heavy library the pages use, imported once in the arbiter (about 3 s)."""
    import altair  # noqa: F401
    import duckdb  # noqa: F401
    import ibis.backends.duckdb  # noqa: F401
    import pandas  # type: ignore[import-untyped]  # noqa: F401
    import pyarrow  # noqa: F401
    import pymorphy3  # noqa: F401
    import scipy.stats  # noqa: F401
    import vl_convert  # noqa: F401

    import govcx.feedback.text.topics  # noqa: F401  (scikit-learn)
    from govcx.common.pdf import local_static_fetcher
    from govcx.feedback.text.tokenise import russian_analyser

    local_static_fetcher()  # WeasyPrint
    russian_analyser()  # the dictionaries, shared by the workers' memory after the fork


def warm_engines() -> None:
    """The first call of each engine, on tiny data: DuckDB through Ibis (an aggregate over the empty answer
    store), govcx's charts to SVG, and the comment sentiment model's fit."""
    import tempfile
    from pathlib import Path

    from govcx.analytics import engines
    from govcx.feedback.charts import Estimate, means_chart_svg, trend_chart_svg

    import_engines()  # a no-op where the arbiter did it; elsewhere (a test, a shell) the imports come first
    backend = engines.connect("duckdb", threads=1)
    with tempfile.TemporaryDirectory() as empty:
        table = engines.answers_table(backend, Path(empty) / "answers")
        first = table.columns[0]
        table.group_by(first).aggregate(n=table.count()).order_by(first).execute()
    # Titles and Cyrillic labels: the chart converter loads its fonts on the first text it lays out
    rows = [Estimate("Услуга · service", 4.1, 3.9, 4.3, "above"), Estimate("Другая · other", 3.2, 3.0, 3.4)]
    means_chart_svg(rows, title="Оценка · rating", axis_title="1–5", scale=(1.0, 5.0), reference=3.5)
    trend_chart_svg(rows, title="Динамика · trend", axis_title="1–5", scale=(1.0, 5.0))
    from govcx.feedback.text import sentiment_model

    sentiment_model.model()  # fitted from the labelled comments (about 1.5 s), before a comments page needs it


def warm_in_background() -> threading.Thread:
    def run() -> None:
        try:
            warm_engines()
        except Exception:  # a worker that could not warm still serves; its first chart is just slower
            logger.exception("warming the engines failed")

    thread = threading.Thread(target=run, name="govcx-warm-up", daemon=True)
    thread.start()
    return thread
