"""The computation modules stay free of Django (ARCHITECTURE.md: "Computation free of the framework").

Read with `ast`, never imported, so the test holds whatever Django setup the test run has. Checked for each
module's own imports and for everything it pulls in from govcx, transitively (package __init__ files too).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

PURE_MODULES = [
    "govcx.common.stats",
    "govcx.errors",
    "govcx.common.tabular",
    "govcx.common.charts",
    "govcx.common.palette",
    "govcx.common.tokens",
    "govcx.standards.schema",
    "govcx.standards.scoring",
    "govcx.standards.checks",
    "govcx.standards.loader",
    "govcx.registry.vocabulary",
    "govcx.registry.passport_text",
    "govcx.standards.passport_checks",
    "govcx.registry.schemas",
    "govcx.registry.passport_rows",
    "govcx.audit.engine",
    "govcx.audit.language",
    "govcx.audit.summary",
    "govcx.lab.metrics",
    "govcx.lab.analysis",
    "govcx.lab.verdict",
    "govcx.lab.charts",
    "govcx.lab.tabular",
    "govcx.accounts.roles",
    "govcx.analytics.schema",
    "govcx.analytics.store",
    "govcx.analytics.engines",
    "govcx.analytics.synthetic",
    "govcx.feedback.dashboards.aggregates",
    "govcx.feedback.charts",
    "govcx.feedback.survey_schema",
    "govcx.feedback.survey_templates",
    "govcx.feedback.pii",
    "govcx.feedback.spam",
    "govcx.complaints.deadlines",
    "govcx.feedback.stats",
    "govcx.feedback.text.tokenise",
    "govcx.feedback.text.taxonomy",
    "govcx.feedback.text.topics",
    "govcx.feedback.text.sentiment",
]

FORBIDDEN = ("django", "ninja", "django_htmx")


def module_path(module: str, src: Path = SRC) -> Path:
    base = src.joinpath(*module.split("."))
    package = base / "__init__.py"
    return package if package.exists() else base.with_suffix(".py")


def is_package(module: str, src: Path = SRC) -> bool:
    return module_path(module, src).name == "__init__.py"


def imported_modules(module: str, src: Path = SRC) -> list[tuple[str, int]]:
    """(imported module name, line) for every import statement in the module, at any depth, including
    imports under `if TYPE_CHECKING:` (they are imports a reader sees and a type checker runs)."""
    path = module_path(module, src)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if is_package(module, src) else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append((target, node.lineno))
            # `from govcx.x import y` may import the submodule govcx.x.y.
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                if candidate.startswith("govcx") and module_path(candidate, src).exists():
                    found.append((candidate, node.lineno))
    return found


def is_forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def parents(module: str) -> list[str]:
    parts = module.split(".")
    return [".".join(parts[:i]) for i in range(1, len(parts))]


def django_imports(root: str, src: Path = SRC) -> list[str]:
    """Every forbidden import reachable from `root` through govcx modules, as 'module:line imports name'."""
    problems: list[str] = []
    seen: set[str] = set()
    todo = [root, *parents(root)]
    while todo:
        module = todo.pop()
        if module in seen or not module_path(module, src).exists():
            continue
        seen.add(module)
        for name, line in imported_modules(module, src):
            if is_forbidden(name):
                problems.append(f"{module}:{line} imports {name}")
            elif name == "govcx" or name.startswith("govcx."):
                todo.extend([name, *parents(name)])
    return problems


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_exists(module):
    assert module_path(module).exists(), f"{module} moved: update PURE_MODULES"


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_does_not_import_django_itself(module):
    direct = [(name, line) for name, line in imported_modules(module) if is_forbidden(name)]
    assert direct == [], f"{module} imports {direct}"


@pytest.mark.parametrize("module", PURE_MODULES)
def test_pure_module_does_not_reach_django_through_govcx(module):
    assert django_imports(module) == []


def test_the_checker_sees_django_imports(tmp_path):
    """Guard against a checker that passes everything: it must flag both import forms, nested too."""
    package = tmp_path / "govcx" / "fake"
    package.mkdir(parents=True)
    (tmp_path / "govcx" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "direct.py").write_text("import django.db\n")
    (package / "indirect.py").write_text("from . import helper\n")
    helper = "def f():\n    from django.conf import settings\n    return settings\n"
    (package / "helper.py").write_text(helper)
    (package / "clean.py").write_text("import math\nfrom govcx.fake import other\n")
    (package / "other.py").write_text("import json\n")
    assert django_imports("govcx.fake.direct", tmp_path) == ["govcx.fake.direct:1 imports django.db"]
    assert django_imports("govcx.fake.indirect", tmp_path) == ["govcx.fake.helper:2 imports django.conf"]
    assert django_imports("govcx.fake.clean", tmp_path) == []
