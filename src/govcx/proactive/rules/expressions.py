"""The formula language: a small, safe expression language for rules, parsed to its own tree.

The text is read by Python's own parser (`ast.parse`, which only parses) and every node is translated into the
few node kinds below; anything else (attribute access outside `parameters.` and `period.`, lambdas, comprehensions,
imports, calls to unknown functions) is refused. Nothing is ever evaluated by Python: the engines walk the tree.

    age >= parameters.general.age_of_majority               variables by name, parameters at the period
    (age >= 18) * parameters.benefits.basic_income          booleans count as 0/1 in arithmetic (OpenFisca's way)
    100 if salary == 0 else 0         where(cond, a, b)     conditionals
    status == "tenant"     status in ("owner", "tenant")    enums by member name
    sum(salary)  sum(salary, role="adult")  any(age < 8)  count(role="adult")  max(age)   over a household's members
    parameters.taxes.social_security_contribution.calc(salary)    scales (marginal rates, amounts)
    parameters.minimum[region]                               a parameter chosen by a value (region code)
    at(accommodation_size, "first_month")   add(salary, "this_year")   divide(housing_tax)   other periods
    years_between(birth, period.start)  add_months(d, 3)  date("2020-01-01")  year(d)   dates
"""

from __future__ import annotations

import ast
import datetime as dt
import re
from dataclasses import dataclass

PERIOD_SPECS = re.compile(r"^(period|this_month|first_month|this_year|last_month|last_year|last_(\d+)_months)$")
PERIOD_ATTRS = {"start", "stop", "year", "month"}
ELEMENTWISE = {"where": 3, "abs": 1, "round": (1, 2), "floor": 1, "ceil": 1, "date": 1, "year": 1, "month": 1,
               "day": 1, "years_between": 2, "months_between": 2, "days_between": 2, "add_days": 2,
               "add_months": 2, "add_years": 2, "min": 2, "max": 2}
AGGREGATES = {"sum", "any", "all", "count", "max", "min"}
BIN_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
           ast.Pow: "**", ast.BitAnd: "and", ast.BitOr: "or"}
CMP_OPS = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}


class SyntaxProblem(ValueError):
    """The formula text is not in the language; `column` is 1-based within the formula when known."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True)
class Const:
    value: float | int | bool | str | dt.date


@dataclass(frozen=True)
class Var:
    """A variable at the formula's period, or shifted (`spec`), summed over months (`add`) or divided (`divide`)."""

    name: str
    spec: str = "period"
    mode: str = "value"  # value | add | divide


@dataclass(frozen=True)
class Role:
    """The person's role in their household (`role == "child"`)."""


@dataclass(frozen=True)
class Param:
    path: tuple[str, ...]
    key: Node | None = None  # parameters.minimum[region]


@dataclass(frozen=True)
class ScaleCalc:
    path: tuple[str, ...]
    base: Node


@dataclass(frozen=True)
class PeriodAttr:
    name: str


@dataclass(frozen=True)
class Unary:
    op: str  # - | not
    operand: Node


@dataclass(frozen=True)
class Binary:
    op: str  # + - * / // % ** and or == != < <= > >=
    left: Node
    right: Node


@dataclass(frozen=True)
class InSet:
    operand: Node
    values: tuple[str | float | int, ...]
    negate: bool = False


@dataclass(frozen=True)
class IfElse:
    condition: Node
    then: Node
    otherwise: Node


@dataclass(frozen=True)
class Call:
    function: str
    args: tuple[Node, ...]


@dataclass(frozen=True)
class Aggregate:
    function: str  # sum any all count max min
    operand: Node | None
    role: str | None = None


Node = Const | Var | Role | Param | ScaleCalc | PeriodAttr | Unary | Binary | InSet | IfElse | Call | Aggregate


def parse(text: str) -> Node:
    """Parse one formula. Raises SyntaxProblem naming what is not allowed."""
    if not isinstance(text, str):
        text = str(text)
    source = " ".join(line.strip() for line in text.strip().splitlines())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise SyntaxProblem(f"not a valid formula: {exc.msg}", exc.offset) from None
    return _Translator().node(tree.body)


def _attribute_path(node: ast.expr) -> list[str] | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


class _Translator:
    def fail(self, message: str, node: ast.AST) -> SyntaxProblem:
        return SyntaxProblem(message, getattr(node, "col_offset", -1) + 1)

    def node(self, node: ast.expr) -> Node:  # noqa: C901 - one branch per syntax form is the clearest
        if isinstance(node, ast.Constant):
            if isinstance(node.value, (bool, int, float, str)):
                return Const(node.value)
            raise self.fail(f"constant {node.value!r} is not allowed", node)
        if isinstance(node, ast.Name):
            if node.id in ("True", "False", "true", "false"):
                return Const(node.id.lower() == "true")
            if node.id == "role":
                return Role()
            if node.id in ("parameters", "period"):
                raise self.fail(f"`{node.id}` needs a field (`{node.id}.…`)", node)
            return Var(node.id)
        if isinstance(node, ast.Attribute):
            path = _attribute_path(node)
            if path and path[0] == "parameters" and len(path) > 1:
                return Param(tuple(path[1:]))
            if path and path[0] == "period" and len(path) == 2 and path[1] in PERIOD_ATTRS:
                return PeriodAttr(path[1])
            if path and path[0] in ("household", "person") and len(path) == 2:
                return Var(path[1])
            raise self.fail("only `parameters.…` and `period.start|stop|year|month` have fields", node)
        if isinstance(node, ast.Subscript):
            path = _attribute_path(node.value)
            if not path or path[0] != "parameters" or len(path) < 2:
                raise self.fail("only a parameter can be indexed (`parameters.minimum[region]`)", node)
            return Param(tuple(path[1:]), self.node(node.slice))
        if isinstance(node, ast.UnaryOp):
            operand = self.node(node.operand)
            if isinstance(node.op, ast.USub):
                if isinstance(operand, Const) and isinstance(operand.value, (int, float)):
                    return Const(-operand.value)
                return Unary("-", operand)
            if isinstance(node.op, ast.UAdd):
                return operand
            if isinstance(node.op, (ast.Not, ast.Invert)):
                return Unary("not", operand)
        if isinstance(node, ast.BinOp) and type(node.op) in BIN_OPS:
            return Binary(BIN_OPS[type(node.op)], self.node(node.left), self.node(node.right))
        if isinstance(node, ast.BoolOp):
            op = "and" if isinstance(node.op, ast.And) else "or"
            result = self.node(node.values[0])
            for value in node.values[1:]:
                result = Binary(op, result, self.node(value))
            return result
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            return IfElse(self.node(node.test), self.node(node.body), self.node(node.orelse))
        if isinstance(node, ast.Call):
            return self.call(node)
        raise self.fail(f"{type(node).__name__} is not allowed in a formula", node)

    def compare(self, node: ast.Compare) -> Node:
        result: Node | None = None
        left = self.node(node.left)
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.In, ast.NotIn)):
                if not isinstance(comparator, (ast.Tuple, ast.List, ast.Set)):
                    raise self.fail("`in` takes a list of literal values: x in (\"a\", \"b\")", comparator)
                values = []
                for element in comparator.elts:
                    if not isinstance(element, ast.Constant) or not isinstance(element.value, (str, int, float)):
                        raise self.fail("`in` takes literal values only", element)
                    values.append(element.value)
                part: Node = InSet(left, tuple(values), isinstance(op, ast.NotIn))
                right = left
            elif type(op) in CMP_OPS:
                right = self.node(comparator)
                part = Binary(CMP_OPS[type(op)], left, right)
            else:
                raise self.fail(f"comparison {type(op).__name__} is not allowed", node)
            result = part if result is None else Binary("and", result, part)
            left = right
        assert result is not None
        return result

    def call(self, node: ast.Call) -> Node:
        if isinstance(node.func, ast.Attribute) and node.func.attr == "calc":
            path = _attribute_path(node.func.value)
            if not path or path[0] != "parameters" or len(node.args) != 1:
                raise self.fail("`.calc(base)` applies to a scale: parameters.….calc(income)", node)
            return ScaleCalc(tuple(path[1:]), self.node(node.args[0]))
        if not isinstance(node.func, ast.Name):
            raise self.fail("only the language's functions can be called", node)
        name = node.func.id
        keywords = {k.arg: k.value for k in node.keywords}
        if name in ("at", "add", "divide"):
            return self.period_call(node, name)
        is_aggregate = name in ("sum", "any", "all", "count") or (name in ("max", "min") and len(node.args) == 1)
        if is_aggregate:
            if set(keywords) - {"role"} or len(node.args) > 1:
                raise self.fail(f"{name}(values, role=\"…\") takes one expression and an optional role", node)
            role = keywords.get("role")
            if role is not None and not (isinstance(role, ast.Constant) and isinstance(role.value, str)):
                raise self.fail("role= takes a role name in quotes", node)
            operand = self.node(node.args[0]) if node.args else None
            if operand is None and name != "count":
                raise self.fail(f"{name}() needs the members' values to combine", node)
            return Aggregate(name, operand, str(role.value) if role is not None else None)
        if name not in ELEMENTWISE:
            raise self.fail(f"unknown function {name}()", node)
        if keywords:
            raise self.fail(f"{name}() takes no named arguments", node)
        arity = ELEMENTWISE[name]
        allowed = arity if isinstance(arity, tuple) else (arity,)
        if len(node.args) not in allowed:
            raise self.fail(f"{name}() takes {' or '.join(map(str, allowed))} arguments", node)
        args = tuple(self.node(a) for a in node.args)
        if name == "date":
            value = args[0]
            if not isinstance(value, Const) or not isinstance(value.value, str):
                raise self.fail("date() takes a date in quotes: date(\"2020-01-01\")", node)
            try:
                return Const(dt.date.fromisoformat(value.value))
            except ValueError:
                raise self.fail(f"not a date: {value.value!r}", node) from None
        return Call(name, args)

    def period_call(self, node: ast.Call, name: str) -> Node:
        if not node.args or not isinstance(node.args[0], ast.Name) or len(node.args) > 2 or node.keywords:
            raise self.fail(f"{name}(variable, \"period\") takes a variable name and a period", node)
        default = {"at": None, "add": "this_year", "divide": "this_year"}[name]
        if len(node.args) == 2:
            spec_node = node.args[1]
            if not isinstance(spec_node, ast.Constant) or not isinstance(spec_node.value, str):
                raise self.fail("the period is a word in quotes, e.g. \"last_month\"", spec_node)
            spec = spec_node.value
        elif default is None:
            raise self.fail("at(variable, \"first_month\") needs the period", node)
        else:
            spec = default
        if not PERIOD_SPECS.match(spec):
            raise self.fail(f"unknown period {spec!r}: period, first_month, this_year, last_month, last_year, "
                            "last_N_months", node)
        mode = {"at": "value", "add": "add", "divide": "divide"}[name]
        return Var(node.args[0].id, spec, mode)


def walk(node: Node) -> list[Node]:
    """Every node of the tree, parents before children."""
    found: list[Node] = [node]
    children: list[Node | None] = []
    if isinstance(node, Param):
        children = [node.key]
    elif isinstance(node, ScaleCalc):
        children = [node.base]
    elif isinstance(node, Unary):
        children = [node.operand]
    elif isinstance(node, Binary):
        children = [node.left, node.right]
    elif isinstance(node, InSet):
        children = [node.operand]
    elif isinstance(node, IfElse):
        children = [node.condition, node.then, node.otherwise]
    elif isinstance(node, Call):
        children = list(node.args)
    elif isinstance(node, Aggregate):
        children = [node.operand]
    for child in children:
        if child is not None:
            found.extend(walk(child))
    return found


def variables_used(node: Node) -> list[Var]:
    return [n for n in walk(node) if isinstance(n, Var)]


def shifts_period(spec: str) -> bool:
    """A reference to an earlier period cannot close a cycle (last month's value is already known)."""
    return spec.startswith("last_")
