"""The lab's rooms keep their rules: selectors never import services (services may import selectors), and the
API modules read through selectors, never the ORM."""

from __future__ import annotations

import ast
from pathlib import Path

LAB = Path(__file__).resolve().parents[2] / "src" / "govcx" / "lab"


def imports_of(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_selectors_do_not_import_services():
    assert not [name for name in imports_of(LAB / "selectors.py") if name.startswith("govcx.lab.services")]


def test_api_operations_do_not_query_the_orm():
    offenders = [f"{path.name}:{number}" for path in sorted((LAB / "api").glob("*.py"))
                 for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                 if ".objects." in line]
    assert not offenders

