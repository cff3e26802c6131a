"""Every audit-trail action is named `entity.verb` (study.create, survey.update, complaint.take), so the trail reads
the same in every app and a search by action finds one thing. Scans src/ for `audit_record(` calls and for the
calls of the small wrappers that pass their `action` parameter on to it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src" / "govcx"
ACTION = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _trees() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in SRC.rglob("*.py")
            if "migrations" not in path.parts}


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


def _action_argument(call: ast.Call, position: int | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == "action":
            return keyword.value
    if position is not None and position < len(call.args):
        return call.args[position]
    return None


def _string_values(node: ast.expr, function: ast.FunctionDef | None) -> list[str] | None:
    """The literal action names an argument can take: a literal, a conditional of literals, or a local name
    assigned only such values. None when it is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _string_values(node.body, function), _string_values(node.orelse, function)
        return None if body is None or orelse is None else body + orelse
    if isinstance(node, ast.Name) and function is not None:
        found: list[str] = []
        for statement in ast.walk(function):
            if isinstance(statement, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == node.id for t in statement.targets
            ):
                values = _string_values(statement.value, function)
                if values is None:
                    return None
                found += values
        return found or None
    return None


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]


def _module(path: Path) -> str:
    return ".".join(("govcx", *path.relative_to(SRC).with_suffix("").parts))


def _wrappers(trees: dict[Path, ast.Module]) -> dict[tuple[str, str], int | None]:
    """Functions with an `action` parameter that they hand to audit_record (the lab's `audit`, complaints'
    `_save`): (module, name) -> the parameter's position (None: keyword-only)."""
    found: dict[tuple[str, str], int | None] = {}
    for path, tree in trees.items():
        for function in _functions(tree):
            names = [a.arg for a in function.args.posonlyargs + function.args.args]
            if "action" not in names + [a.arg for a in function.args.kwonlyargs]:
                continue
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and _called(call) == "audit_record":
                    argument = _action_argument(call, None)
                    if isinstance(argument, ast.Name) and argument.id == "action":
                        found[(_module(path), function.name)] = names.index("action") if "action" in names else None
    return found


def _visible(path: Path, tree: ast.Module, wrappers: dict[tuple[str, str], int | None]) -> dict[str, int | None]:
    """The wrappers a module can call: its own and those it imports by name."""
    module = _module(path)
    visible = {name: position for (where, name), position in wrappers.items() if where == module}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                if (node.module, alias.name) in wrappers:
                    visible[alias.asname or alias.name] = wrappers[(node.module, alias.name)]
    return visible


def test_every_audit_action_is_entity_dot_verb():
    trees = _trees()
    wrappers = _wrappers(trees)
    checked, wrong = 0, []
    for path, tree in trees.items():
        visible = _visible(path, tree, wrappers)
        enclosing: dict[ast.AST, ast.FunctionDef] = {}
        for function in _functions(tree):  # outer functions first, so inner ones overwrite: the innermost wins
            for node in ast.walk(function):
                enclosing[node] = function
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = _called(call)
            if name != "audit_record" and name not in visible:
                continue
            argument = _action_argument(call, visible.get(name))
            if argument is None:
                continue
            function = enclosing.get(call)
            if isinstance(argument, ast.Name) and argument.id == "action" and function is not None \
                    and (_module(path), function.name) in wrappers:
                continue  # a wrapper passing its parameter on; its callers are checked
            values = _string_values(argument, function)
            where = f"{path.relative_to(SRC)}:{call.lineno}"
            if values is None:
                wrong.append(f"{where}: the action is not a literal name")
                continue
            checked += 1
            wrong += [f"{where}: {v!r} is not entity.verb" for v in values if not ACTION.match(v)]
    assert not wrong, "\n".join(wrong)
    assert checked > 40  # the scan found the calls (lab, registry, standards, feedback, complaints, audit, ...)
