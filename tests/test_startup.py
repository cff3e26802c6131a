"""Outside demo mode govcx refuses to serve with a default secret key, debug on, or active demo accounts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govcx.accounts.models import User
from govcx.startup import unsafe_start_reasons

STRONG_KEY = "k" * 20 + "-not-a-default-secret-key-42"

pytestmark = pytest.mark.django_db


def test_default_secret_key_is_refused(settings):
    settings.DEMO_MODE = False
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    assert any("GOVCX_SECRET_KEY" in r for r in unsafe_start_reasons())


def test_active_demo_accounts_are_refused(settings):
    settings.DEMO_MODE, settings.SECRET_KEY, settings.DEBUG = False, STRONG_KEY, False
    assert unsafe_start_reasons() == []
    User.objects.create_user(username="owner.demo", password="x" * 16, is_demo=True)
    reasons = unsafe_start_reasons()
    assert len(reasons) == 1 and "owner.demo" in reasons[0]
    User.objects.filter(username="owner.demo").update(is_active=False)
    assert unsafe_start_reasons() == []


def test_demo_mode_allows_the_demo(settings):
    settings.DEMO_MODE = True
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    User.objects.create_user(username="admin.demo", password="x" * 16, is_demo=True)
    assert unsafe_start_reasons() == []


def test_serve_command_refuses_before_binding(settings):
    settings.DEMO_MODE = False
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    with pytest.raises(CommandError, match="refusing to start"):
        call_command("serve", "--bind", "127.0.0.1:1")


def test_demo_command_requires_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="GOVCX_DEMO"):
        call_command("demo", "--no-serve")


#: Imported only by what needs them (printing, statistics, topic models, Spark, the DuckDB engine, Arrow tables of
#: event logs, registers and rosters, NumPy estimators): a page that does not use them must not pay for them on a
#: worker's first request, and the arbiter must not pay for them before it forks.
HEAVY_MODULES = ("weasyprint", "scipy", "pandas", "sklearn", "pyspark", "statsmodels", "duckdb", "pymorphy3",
                 "playwright", "holidays", "segno", "ibis", "sqlglot", "altair", "vl_convert", "narwhals",
                 "jsonschema", "pyarrow", "numpy")


def probe_output(probe: str, var_dir) -> Any:
    """Runs `probe` in a fresh interpreter on the embedded database in `var_dir`; its last line of output, as JSON."""
    env = {**os.environ, "GOVCX_VAR_DIR": str(var_dir)}
    env.pop("GOVCX_DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.one_database
def test_loading_the_url_map_leaves_heavy_libraries_unimported(tmp_path):
    probe = (
        "import os, sys, json\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'govcx.settings')\n"
        "import django\n"
        "django.setup()\n"
        "from govcx.warmup import load_routes\n"
        "load_routes()\n"
        f"print(json.dumps([m for m in {HEAVY_MODULES!r} if m in sys.modules]))\n"
    )
    assert probe_output(probe, tmp_path) == []


@pytest.mark.one_database
def test_warming_the_engines_runs_without_a_database():
    from govcx.warmup import warm_engines

    warm_engines()


@pytest.mark.one_database
def test_a_warmed_worker_keeps_its_long_lived_objects_out_of_full_collections(tmp_path):
    """After the warm-up, a full collection walks only what was made since: in a fresh interpreter that loaded
    the URL map and warmed the engines, gen-2 collection is several times faster once they are frozen."""
    probe = (
        "import gc, os, sys, json, time\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'govcx.settings')\n"
        "import django\n"
        "django.setup()\n"
        "from govcx.warmup import freeze_long_lived_objects, load_routes, warm_engines\n"
        "load_routes(); warm_engines()\n"
        "def full():\n"
        "    start = time.process_time(); gc.collect(); return time.process_time() - start\n"
        "before = min(full() for _ in range(3))\n"
        "freeze_long_lived_objects()\n"
        "after = min(full() for _ in range(3))\n"
        "print(json.dumps([before, after, gc.get_freeze_count()]))\n"
    )
    before, after, frozen = probe_output(probe, tmp_path)
    assert frozen > 100_000, frozen
    assert after * 5 < before, (before, after)


@pytest.mark.one_database
def test_only_requests_that_import_an_engine_wait_for_the_engine_imports(tmp_path):
    """While a worker's warm-up thread imports the engines, other threads run (a page without charts answers at
    once); a thread's first import of an engine library waits until every engine is imported, so it never sees a
    half-imported library (the race that gave a 500 under load). A slow first engine makes the window certain."""
    (tmp_path / "slow_engine.py").write_text("import time\ntime.sleep(1.5)\n")
    probe = (
        "import builtins, os, sys, json, threading, time\n"
        f"sys.path.insert(0, {str(tmp_path)!r})\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'govcx.settings')\n"
        "import django\n"
        "django.setup()\n"
        "from govcx import warmup\n"
        "warmup.ENGINE_PACKAGES = warmup.ENGINE_PACKAGES | {'slow_engine'}\n"
        "warmup.ENGINE_MODULES = ('slow_engine', *warmup.ENGINE_MODULES)\n"
        "warmup.gate_engine_imports()\n"
        "warming = threading.Thread(target=warmup.import_engines)\n"
        "warming.start()\n"
        "time.sleep(0.3)\n"
        "import email.mime.text\n"
        "light = [warmup.engines_imported(), 'pandas' in sys.modules]\n"
        "import altair\n"
        "heavy = [warmup.engines_imported(), all(hasattr(sys.modules[m], '__version__') for m in "
        "('numpy', 'pyarrow', 'pandas', 'altair'))]\n"
        "warming.join()\n"
        "print(json.dumps([light, heavy, builtins.__import__ is warmup._plain_import]))\n"
    )
    assert probe_output(probe, tmp_path) == [[False, False], [True, True], True]


def test_the_arbiter_imports_the_engines_only_before_replacement_forks(monkeypatch):
    from govcx import warmup

    calls = []
    monkeypatch.setattr(warmup, "prepare_engines", lambda: calls.append(1))
    hook = warmup.ReplacementImports(initial=2)
    hook(None, None)
    hook(None, None)
    assert calls == []
    hook(None, None)
    assert calls == [1]
