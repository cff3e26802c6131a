"""Warming a server process, so the first page is answered at once and no later visitor pays for an import.

`govcx serve` loads the application and the whole URL map (every view module) in the gunicorn arbiter before it
forks (`load_routes`), and nothing heavier: the first workers start answering within seconds. Each worker then
imports the heavy libraries the pages use and makes the engines' first calls (a DuckDB query, the chart
converter's JavaScript engine, loading the sentiment model) in a background thread (`warm_in_background`).

A request that arrives before the imports are done waits for them (`after_engine_imports`), unless its path is
one of `LIGHT_PATHS`, which never touch an engine: the sign-in page answers while the worker still imports.
Waiting is needed, not only polite: a module half-imported by one thread is already visible in sys.modules to
the others, and libraries that probe sys.modules instead of importing (narwhals inside Altair does, for pandas;
scikit-learn too) fail on it. That race gave the assessment page a 500 under load.

Workers forked later, to replace one, inherit the imports: the arbiter imports the engines itself before such a
fork (`import_engines_before_replacement`), never before the first ones, which it must not delay.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

logger = logging.getLogger(__name__)

#: Pages that import no engine: answered even while the worker's background imports run.
LIGHT_PATHS = ("/login/", "/logout/", "/i18n/", "/static/", "/favicon.ico")

_engines_lock = threading.Lock()
_engines_imported = False


def load_routes() -> None:
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    reverse("home")  # builds the reverse map once, before the fork


def import_engines() -> None:
    """Every heavy library the pages use (about 3 s on an idle machine), once per process; a thread that calls
    it while another thread imports waits until every import is complete."""
    global _engines_imported
    if _engines_imported:
        return
    with _engines_lock:
        if _engines_imported:
            return
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
        russian_analyser()  # the dictionaries
        _engines_imported = True


def engines_imported() -> bool:
    return _engines_imported


def after_engine_imports(application: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    """The WSGI application, holding every request but the light ones until the engines are imported."""

    def gate(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not _engines_imported and not environ.get("PATH_INFO", "").startswith(LIGHT_PATHS):
            import_engines()
        return application(environ, start_response)

    return gate


def warm_engines() -> None:
    """The engines' imports, then the first call of each on tiny data: DuckDB through Ibis (an aggregate over
    the empty answer store), govcx's charts to SVG, and loading the comment sentiment model (fitted and stored
    only when its training data or code changed)."""
    import tempfile
    from pathlib import Path

    import_engines()
    from govcx.analytics import engines
    from govcx.feedback.charts import Estimate, means_chart_svg, trend_chart_svg

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
    from govcx.feedback.text.analysis import sentiment_model_dir

    sentiment_model.model(sentiment_model_dir())  # loaded (or fitted once and stored) before a comments page needs it


def warm_in_background() -> threading.Thread:
    def run() -> None:
        try:
            warm_engines()
        except Exception:  # a worker that could not warm still serves; its requests import what they need
            logger.exception("warming the engines failed")

    thread = threading.Thread(target=run, name="govcx-warm-up", daemon=True)
    thread.start()
    return thread


class ReplacementImports:
    """gunicorn's pre_fork hook: the first `initial` forks go at once; before any later one (a worker replaced
    after a crash, `max_requests` or TTIN) the arbiter imports the engines, so the new worker starts with them.
    The arbiter is single-threaded, so importing there is safe before a fork."""

    def __init__(self, initial: int) -> None:
        self.initial = initial
        self.forks = 0

    def __call__(self, server: Any, worker: Any) -> None:
        self.forks += 1
        if self.forks > self.initial:
            import_engines()
