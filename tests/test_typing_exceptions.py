"""mypy's configuration in pyproject.toml keeps its promises (docs/architecture.md, "Types").

The exception list (the overrides block with `ignore_errors = true`) only shrinks, and names only modules that
exist, so a moved module cannot stay excused under its old name. The strict block covers every pure module of
tests/test_layering.py. mypy itself runs in CI (`uv run mypy`), not here: it takes too long for the test run.
"""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

# The number of modules excused from type checking today. Lower it when you fix a module and delete its line
# from the exception list; never raise it.
MAX_EXCEPTIONS = 26


def overrides() -> list[dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return config["tool"]["mypy"]["overrides"]


def modules_of(block: dict[str, Any]) -> list[str]:
    module = block["module"]
    return [module] if isinstance(module, str) else list(module)


def blocks_with(option: str) -> list[dict[str, Any]]:
    return [block for block in overrides() if block.get(option) is True]


def exceptions() -> list[str]:
    blocks = blocks_with("ignore_errors")
    assert len(blocks) == 1, "keep ONE exception list (the overrides block with ignore_errors = true)"
    return modules_of(blocks[0])


def strict_modules() -> list[str]:
    blocks = blocks_with("disallow_untyped_defs")
    assert len(blocks) == 1, "keep ONE strict block (the overrides block with the flags of --strict)"
    return modules_of(blocks[0])


def exists(module: str) -> bool:
    """A module (file or package) under src/; `a.b.*` names the package a.b."""
    base = SRC.joinpath(*module.removesuffix(".*").split("."))
    if module.endswith(".*"):
        return (base / "__init__.py").exists()
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def covers(patterns: list[str], module: str) -> bool:
    """As mypy matches overrides: `a.b.*` covers a.b and everything under it."""
    for pattern in patterns:
        package = pattern.removesuffix(".*")
        if module == pattern or (pattern != package and (module == package or module.startswith(package + "."))):
            return True
    return False


def pure_modules() -> list[str]:
    """PURE_MODULES of tests/test_layering.py, read with `ast` like the layering test reads the code."""
    tree = ast.parse((ROOT / "tests" / "test_layering.py").read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == "PURE_MODULES" for target in node.targets
        ):
            return list(ast.literal_eval(node.value))
    raise AssertionError("tests/test_layering.py has no PURE_MODULES list")


def test_the_exception_list_only_shrinks():
    listed = exceptions()
    assert len(listed) <= MAX_EXCEPTIONS, (
        f"{len(listed)} modules excused from type checking, at most {MAX_EXCEPTIONS}: fix the new one instead"
    )


def test_the_exception_list_names_modules_one_by_one():
    listed = exceptions()
    assert [m for m in listed if "*" in m] == [], "excuse modules one by one, not whole packages"
    assert len(set(listed)) == len(listed), "a module is listed twice"


def test_every_excused_module_exists():
    missing = [module for module in exceptions() if not exists(module)]
    assert missing == [], f"{missing} no longer exist: delete them from the exception list in pyproject.toml"


def test_every_strict_module_exists():
    missing = [module for module in strict_modules() if not exists(module)]
    assert missing == [], f"{missing} no longer exist: update the strict block in pyproject.toml"


def test_every_pure_module_is_strict():
    loose = [module for module in pure_modules() if not covers(strict_modules(), module)]
    assert loose == [], f"{loose} are pure (tests/test_layering.py) but not in mypy's strict block"


def test_no_pure_module_is_excused():
    excused = [module for module in exceptions() if covers(strict_modules(), module)]
    assert excused == [], f"{excused} must pass mypy's strict checks, not be excused"


def test_the_checks_see_what_they_guard():
    assert covers(["govcx.common.*"], "govcx.common.stats") and covers(["govcx.common.*"], "govcx.common")
    assert not covers(["govcx.common.*"], "govcx.commons")
    assert not covers(["govcx.lab"], "govcx.lab.metrics")
    assert exists("govcx.lab.metrics") and exists("govcx.feedback.text") and exists("govcx.audit.engine.*")
    assert not exists("govcx.lab.no_such_module") and not exists("govcx.lab.metrics.*")
