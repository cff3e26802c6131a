"""Warming a server process, so the first page is answered at once and no later visitor pays for an import.

`govcx serve` loads the application and the whole URL map (every view module) in the gunicorn arbiter before it
forks (`load_routes`), and nothing heavier (no NumPy, PyArrow, pandas, ...; tests/test_startup.py): the first
workers start answering within seconds. Each worker then imports the heavy libraries the pages use and makes the
engines' first calls (a DuckDB query, the chart converter's JavaScript engine, loading the sentiment model) in a
background thread (`warm_in_background`).

Requests are not held while that thread works, unless they need an engine: the first import of any of
`ENGINE_PACKAGES` by another thread waits until every engine is imported (`gate_engine_imports`, a wrapper of
`builtins.__import__` that `wsgi.py` installs and that removes itself once the engines are in). So the sign-in
page, the home page, the registry or the complaints answer while the worker still imports, and a chart or a
comment analysis waits for the complete libraries. Waiting is needed, not only polite: a module half-imported by
one thread is already visible in sys.modules to the others, and libraries that probe sys.modules instead of
importing (narwhals inside Altair does, for pandas, PyArrow and Ibis; scikit-learn too) fail on it. That race
gave the assessment page a 500 under load. For the same reason `import_engines` imports the probed libraries
before the probing ones. The wait happens before Python takes the module's import lock, so a waiting request
never holds a lock the importing thread needs.

Workers forked later, to replace one, inherit the imports and the sentiment model: the arbiter imports the
engines and loads (or fits once) the model itself before such a fork (`ReplacementImports`), never before the
first ones, which it must not delay.
"""

from __future__ import annotations

import builtins
import gc
import importlib
import logging
import threading
from typing import Any

logger = logging.getLogger(__name__)

#: The libraries `import_engines` loads (and what they bring: sqlglot with Ibis, narwhals and jsonschema with
#: Altair). Another thread's first import of any of them waits until all are imported.
ENGINE_PACKAGES = frozenset({
    "numpy", "pyarrow", "pandas", "scipy", "duckdb", "ibis", "sqlglot", "pymorphy3", "sklearn", "weasyprint",
    "altair", "narwhals", "jsonschema", "vl_convert",
})

#: What `import_engines` imports, in this order: the libraries that others probe in sys.modules first, the
#: probing ones (scikit-learn through the topic models, Altair through narwhals) after them.
#: Only libraries, never govcx modules: a request thread waiting for them may hold the import lock of a govcx
#: module it is loading, which this list must therefore not need.
ENGINE_MODULES = ("numpy", "pyarrow", "pandas", "scipy.stats", "scipy.sparse", "duckdb", "ibis.backends.duckdb",
                  "pymorphy3", "weasyprint", "sklearn.decomposition", "sklearn.feature_extraction.text",
                  "sklearn.linear_model", "altair", "vl_convert")

_engines_lock = threading.Lock()
_engines_imported = False
_importing_thread: int | None = None
_plain_import = builtins.__import__


def load_routes() -> None:
    from django.urls import get_resolver, reverse

    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    reverse("home")  # builds the reverse map once, before the fork


def import_engines() -> None:
    """Every heavy library the pages use (about 3 s on an idle machine), once per process; a thread that calls
    it while another thread imports waits until every import is complete. The libraries that others probe in
    sys.modules (NumPy, PyArrow, pandas, Ibis) come before the ones that probe (scikit-learn, Altair)."""
    global _engines_imported, _importing_thread
    if _engines_imported:
        return
    with _engines_lock:
        if _engines_imported:
            return
        _importing_thread = threading.get_ident()
        try:
            for module in ENGINE_MODULES:
                importlib.import_module(module)
        finally:
            _importing_thread = None
        _engines_imported = True
        if builtins.__import__ is _gated_import:
            builtins.__import__ = _plain_import


def engines_imported() -> bool:
    return _engines_imported


def _gated_import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    if (not _engines_imported and level == 0 and name.partition(".")[0] in ENGINE_PACKAGES
            and _importing_thread != threading.get_ident()):
        import_engines()
    return _plain_import(name, globals, locals, fromlist, level)


def gate_engine_imports() -> None:
    """From now until the engines are imported, a thread's first import of an engine library imports (or waits
    for) all of them first, whole (see the module's docstring)."""
    if not _engines_imported and builtins.__import__ is _plain_import:
        builtins.__import__ = _gated_import


def prepare_engines() -> None:
    """The engines' imports, WeasyPrint's fetcher, the Russian dictionaries and the comment sentiment model (loaded
    from the var dir, or fitted once and stored there: seconds): what a single-threaded process may do before it
    forks."""
    import_engines()
    from govcx.common.pdf import local_static_fetcher
    from govcx.feedback.text import sentiment_model
    from govcx.feedback.text.analysis import sentiment_model_dir
    from govcx.feedback.text.tokenise import russian_analyser

    local_static_fetcher()
    russian_analyser()
    sentiment_model.model(sentiment_model_dir())


def warm_engines() -> None:
    """`prepare_engines`, then the first call of the engines that start threads of their own or must not be started
    before a fork, on tiny data: DuckDB through Ibis (an aggregate over the empty answer store), govcx's charts to SVG
    (the chart converter) and the comments' sentence embedding (its C engine and OpenMP runtime)."""
    import tempfile
    from pathlib import Path

    prepare_engines()
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
    from govcx.feedback.text.embedding import embed

    embed(["Спасибо, всё понятно · thank you, all clear"], from_engine=True)


def freeze_long_lived_objects() -> None:
    """Move every object alive now (modules, the URL map, the engines, the sentiment model: millions of objects)
    out of the garbage collector's reach. They live as long as the process, yet each full collection walked them
    all, pausing every request thread of the worker for tens of milliseconds: the tail of the ingestion latency.
    Objects made later are collected as before."""
    gc.collect()
    gc.freeze()


def warm_in_background() -> threading.Thread:
    def run() -> None:
        try:
            warm_engines()
        except Exception:  # a worker that could not warm still serves; its requests import what they need
            logger.exception("warming the engines failed")
        freeze_long_lived_objects()

    thread = threading.Thread(target=run, name="govcx-warm-up", daemon=True)
    thread.start()
    return thread


class ReplacementImports:
    """gunicorn's pre_fork hook: the first `initial` forks go at once; before any later one (a worker replaced
    after a crash, `max_requests` or TTIN) the arbiter imports the engines and loads the sentiment model (fitting
    it only when none is stored), so the new worker starts with them. The arbiter is single-threaded, so
    importing there is safe before a fork; the chart converter and DuckDB, which start threads of their own, are
    first called in the workers only."""

    def __init__(self, initial: int) -> None:
        self.initial = initial
        self.forks = 0

    def __call__(self, server: Any, worker: Any) -> None:
        self.forks += 1
        if self.forks > self.initial:
            prepare_engines()  # once: every later worker inherits the imports and the fitted model
