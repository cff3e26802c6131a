"""The layering: computation modules stay free of Django (ARCHITECTURE.md: "Computation free of the framework"),
and the apps import each other one way only (the app graph in docs/architecture.md, checked here).

Read with `ast`, never imported, so the test holds whatever Django setup the test run has. Checked for each
module's own imports and for everything it pulls in from govcx, transitively (package __init__ files too).
"""

from __future__ import annotations

import ast
import functools
import os
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

PURE_MODULES = [
    "govcx.proactive.rules.periods",
    "govcx.proactive.rules.parameters",
    "govcx.proactive.rules.expressions",
    "govcx.proactive.rules.pack",
    "govcx.proactive.rules.simulation",
    "govcx.proactive.rules.yaml_tests",
    "govcx.proactive.rules.ibis_engine",
    "govcx.proactive.rules.catalogue",
    "govcx.proactive.rules.register",
    "govcx.proactive.rules.webapi",
    "govcx.proactive.rules.whatif",
    "govcx.proactive.events",
    "govcx.proactive.extracts",
    "govcx.proactive.synthetic",
    "govcx.common.stats",
    "govcx.errors",
    "govcx.common.tabular",
    "govcx.common.charts",
    "govcx.common.kept",
    "govcx.common.palette",
    "govcx.common.tokens",
    "govcx.common.weburls",
    "govcx.common.text",
    "govcx.common.bounds",
    "govcx.common.request_memo",
    "govcx.common.yamlfile",
    "govcx.standards.schema",
    "govcx.standards.scoring",
    "govcx.standards.checks",
    "govcx.standards.loader",
    "govcx.registry.vocabulary",
    "govcx.registry.passport_text",
    "govcx.standards.passport_checks",
    "govcx.registry.schemas",
    "govcx.registry.passport_rows",
    "govcx.registry.regions",
    "govcx.audit.engine",
    "govcx.audit.language",
    "govcx.audit.summary",
    "govcx.feedback.survey_life",
    "govcx.lab.metrics",
    "govcx.lab.analysis",
    "govcx.lab.verdict",
    "govcx.lab.summary",
    "govcx.lab.charts",
    "govcx.lab.tabular",
    "govcx.lab.recording_types",
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
    "govcx.feedback.text.sentiment_model",
    "govcx.feedback.text.embedding",
    "govcx.feedback.text.vector_store",
    "govcx.feedback.text.evaluation",
    "govcx.jobs.registry",
    "govcx.jobs.schedule",
    "govcx.feedback.survey_wording",
    "govcx.complaints.numbers",
    # delivery
    "govcx.delivery.eventlog",
    "govcx.delivery.mining",
    "govcx.delivery.store",
    "govcx.delivery.xes_chunks",
    # training
    "govcx.training.forecast",
    "govcx.training.attitudes",
    "govcx.training.groups",
    "govcx.training.xapi",
    "govcx.training.xapi_lookups",
    "govcx.training.roster",
    "govcx.training.instrument",
    "govcx.delivery.process",
    "govcx.delivery.charts",
    "govcx.delivery.risk",
    # maturity
    "govcx.maturity.measure_names",
    "govcx.maturity.periods",
    "govcx.maturity.index_model",
    "govcx.maturity.index_engine",
    "govcx.maturity.charts",
    # pilots
    "govcx.pilots.did",
    "govcx.pilots.decision",
    "govcx.pilots.charts",
    # practices
    "govcx.practices.questionnaire",
    "govcx.practices.contradictions",
    "govcx.practices.charts",
]

FORBIDDEN = ("django", "ninja", "django_htmx")


def module_path(module: str, src: Path = SRC) -> Path:
    base = src.joinpath(*module.split("."))
    package = base / "__init__.py"
    return package if package.exists() else base.with_suffix(".py")


def is_package(module: str, src: Path = SRC) -> bool:
    return module_path(module, src).name == "__init__.py"


@functools.cache  # each file parsed once per run: the reachability walks below visit modules many times over
def imported_modules(module: str, src: Path = SRC) -> tuple[tuple[str, int], ...]:
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
    return tuple(found)


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


# ---- The app graph: one-way, at app level and at file level -----------------------------------------------

ARCHITECTURE_DOC = SRC.parent / "docs" / "architecture.md"
GRAPH_BEGIN = "<!-- app-graph:begin (generated by tests/test_layering.py; GOVCX_UPDATE_SNAPSHOTS=1 rewrites it) -->"
GRAPH_END = "<!-- app-graph:end -->"
ROOMS_BEGIN = "<!-- app-rooms:begin (generated by tests/test_layering.py; GOVCX_UPDATE_SNAPSHOTS=1 rewrites it) -->"
ROOMS_END = "<!-- app-rooms:end -->"


def all_modules(src: Path = SRC) -> list[str]:
    """Every govcx module except migrations (their imports are frozen history, not design)."""
    modules = []
    for path in sorted((src / "govcx").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if len(parts) > 1:  # govcx/__init__.py itself belongs to no app
            modules.append(".".join(parts))
    return modules


def unit_of(module: str, src: Path = SRC) -> str:
    """The app (or library package) a module belongs to; a top-level module is its own unit."""
    parts = module.split(".")
    if len(parts) == 1:
        return "govcx"
    return parts[1]


def govcx_edges(module: str, src: Path = SRC) -> set[str]:
    """The govcx modules `module` imports. Its own parent packages are left out: Python imports them before any
    module inside them, so `from . import sibling` is a dependency on the sibling, not on the package."""
    own_parents = set(parents(module))
    return {name for name, _ in imported_modules(module, src)
            if (name == "govcx" or name.startswith("govcx.")) and name not in own_parents
            and module_path(name, src).exists()}


def app_graph(src: Path = SRC) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module in all_modules(src):
        unit = unit_of(module, src)
        graph.setdefault(unit, set())
        for target in govcx_edges(module, src):
            other = unit_of(target, src)
            if other != unit and other != "govcx":
                graph[unit].add(other)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one node (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def layers(graph: dict[str, set[str]]) -> list[list[str]]:
    """Apps by level: level 0 imports no other app; level n imports only apps below n."""
    level: dict[str, int] = {}

    def depth(node: str) -> int:
        if node not in level:
            level[node] = 1 + max((depth(n) for n in graph.get(node, ())), default=-1)
        return level[node]

    for node in graph:
        depth(node)
    return [sorted(n for n in graph if level[n] == k) for k in range(max(level.values(), default=-1) + 1)]


def unit_name(unit: str, src: Path = SRC) -> str:
    return f"{unit}/" if (src / "govcx" / unit).is_dir() else f"{unit}.py"


def render_graph(graph: dict[str, set[str]], src: Path = SRC) -> str:
    lines = ["| level | app, library or module | imports (only from lower levels) |", "|---|---|---|"]
    for k, members in enumerate(layers(graph)):
        for app in members:
            deps = ", ".join(f"`{unit_name(d, src)}`" for d in sorted(graph[app])) or "—"
            lines.append(f"| {k} | `{unit_name(app, src)}` | {deps} |")
    return "\n".join(lines)


ROOMS = ("models", "selectors", "services", "schemas", "api", "views", "forms", "urls", "checks", "admin",
         "management", "templates")


def django_apps(src: Path = SRC) -> list[str]:
    return sorted(p.parent.name for p in (src / "govcx").glob("*/apps.py"))


def render_rooms(src: Path = SRC) -> str:
    """Which rooms each Django app has: `<room>.py` or a `<room>/` package (split by aggregate)."""
    lines = ["| app | " + " | ".join(ROOMS) + " |", "|---|" + "---|" * len(ROOMS)]
    for app in django_apps(src):
        folder = src / "govcx" / app
        marks = []
        for room in ROOMS:
            if (folder / f"{room}.py").exists():
                marks.append("✓")
            elif (folder / room).is_dir():
                marks.append("✓/")
            else:
                marks.append("")
        lines.append(f"| `{app}/` | " + " | ".join(marks) + " |")
    return "\n".join(lines)


def test_the_app_graph_is_one_way():
    assert cycles(app_graph()) == [], "apps import each other both ways (imports inside functions count too)"


def test_no_module_import_cycle():
    graph = {module: {t for t in govcx_edges(module) if t != module} for module in all_modules()}
    assert cycles(graph) == []


def replace_between(text: str, begin: str, end: str, body: str) -> str:
    assert begin in text and end in text, f"{ARCHITECTURE_DOC.name} lacks the markers {begin!r}"
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    return f"{head}{begin}\n{body}\n{end}{tail}"


def test_the_architecture_doc_shows_the_app_graph_and_rooms_as_built():
    text = ARCHITECTURE_DOC.read_text(encoding="utf-8")
    current = replace_between(text, GRAPH_BEGIN, GRAPH_END, render_graph(app_graph()))
    current = replace_between(current, ROOMS_BEGIN, ROOMS_END, render_rooms())
    if os.environ.get("GOVCX_UPDATE_SNAPSHOTS") == "1":
        ARCHITECTURE_DOC.write_text(current, encoding="utf-8")
    assert text == current, "the app graph or rooms changed: regenerate docs/architecture.md (see GRAPH_BEGIN)"


def test_the_cycle_finder_sees_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    assert layers({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == [["b"], ["a"], ["c"]]


def test_every_module_free_of_django_is_guarded():
    """A module that imports no Django is computation: list it in PURE_MODULES so it stays that way."""
    def guarded(module: str) -> bool:
        return any(module == p or module.startswith(p + ".") for p in PURE_MODULES)

    unguarded = [m for m in all_modules() if not is_package(m) and not guarded(m) and not django_imports(m)]
    assert unguarded == [], f"add to PURE_MODULES: {unguarded}"
