"""Load and validate a rule pack: entities, dated parameters, variables with dated formulas, named conditions.

A pack is a YAML file (`pack.yaml`), with its parameters inline or in a directory of OpenFisca parameter files
beside it. Every problem is reported with file, line and variable, all at once: an unknown variable or parameter,
a cycle between variables, a type error, a parameter value without a date, a formula that is not in the language.

    entities:
      person: {plural: persons}
      household: {plural: households, roles: [{key: adult, plural: adults}, {key: child, plural: children}]}
    parameters: parameters          # a directory beside the pack, or a mapping in OpenFisca's format
    conditions:                     # named conditions: booleans whose values are the reasons of a decision
      adult: {entity: person, formula: age >= parameters.general.age_of_majority, reference: "Law 1, art. 2"}
    variables:
      salary: {entity: person, period: month, type: float, set_input: divide}
      basic_income:
        entity: person
        period: month
        type: float
        formulas: {2016-12-01: adult * parameters.benefits.basic_income}
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govcx.common.yamlfile import Lines, YamlPath, load
from govcx.errors import InvalidInput, Problem
from govcx.proactive.rules import expressions as ex
from govcx.proactive.rules.parameters import Node as ParamNode
from govcx.proactive.rules.parameters import Parameter, ParameterReader, Scale
from govcx.proactive.rules.periods import UNITS, PeriodError, parse_instant

TYPES = ("float", "int", "bool", "date", "str", "enum")
DEFAULTS: dict[str, Any] = {"float": 0.0, "int": 0, "bool": False, "date": dt.date(1970, 1, 1), "str": ""}
VARIABLE_KEYS = {"entity", "period", "type", "values", "default", "formula", "formulas", "end", "set_input",
                 "label", "reference", "documentation", "unit", "condition", "amount", "description"}
PACK_KEYS = {"pack", "title", "version", "description", "license", "entities", "parameters", "variables",
             "conditions", "benefits", "notes"}  # notes: how the figures were checked against their acts
NUMERIC = ("int", "float", "bool")


@dataclass(frozen=True)
class Role:
    key: str
    plural: str
    max: int | None = None


@dataclass(frozen=True)
class Entity:
    key: str
    plural: str
    roles: tuple[Role, ...] = ()

    @property
    def is_person(self) -> bool:
        return not self.roles

    def role(self, name: str) -> Role | None:
        return next((r for r in self.roles if name in (r.key, r.plural)), None)


@dataclass
class Formula:
    start: dt.date
    tree: ex.Node
    text: str
    line: int | None


@dataclass
class Variable:
    name: str
    entity: str
    period: str
    type: str
    default: Any
    formulas: list[Formula] = field(default_factory=list)  # newest first
    enum_values: tuple[str, ...] = ()
    end: dt.date | None = None
    set_input: str | None = None  # divide | dispatch
    label: dict[str, str] = field(default_factory=dict)
    reference: str = ""
    is_condition: bool = False
    line: int | None = None

    def formula_at(self, day: dt.date) -> Formula | None:
        if self.end is not None and day > self.end:
            return None
        return next((f for f in self.formulas if f.start <= day), None)

    def label_in(self, language: str) -> str:
        return self.label.get(language) or self.label.get("en") or next(iter(self.label.values()), self.name)


@dataclass
class Pack:
    name: str
    title: dict[str, str]
    version: str
    file: str
    sha256: str
    person: Entity
    groups: tuple[Entity, ...]
    parameters: ParamNode
    variables: dict[str, Variable]
    benefits: tuple[str, ...] = ()

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title.get("en") or self.name

    @property
    def entities(self) -> dict[str, Entity]:
        return {e.key: e for e in (self.person, *self.groups)}

    def entity_by_name(self, name: str) -> Entity | None:
        return next((e for e in (self.person, *self.groups) if name in (e.key, e.plural)), None)

    def conditions_of(self, name: str, day: dt.date | None = None) -> list[str]:
        """The named conditions a variable's formulas (those in force on `day` when given) depend on, through any
        non-condition variables, in order."""
        found: list[str] = []
        seen: set[str] = set()

        def visit(current: str) -> None:
            variable = self.variables[current]
            in_force = variable.formula_at(day) if day is not None else None
            formulas = [in_force] if in_force is not None else ([] if day is not None else variable.formulas)
            for formula in formulas:
                for ref in ex.variables_used(formula.tree):
                    if ref.name in seen or ref.name not in self.variables:
                        continue
                    seen.add(ref.name)
                    if self.variables[ref.name].is_condition:
                        found.append(ref.name)
                    else:
                        visit(ref.name)

        visit(name)
        return found


def _label(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    return {"en": str(value)} if value else {}


class _Builder:
    def __init__(self, data: dict[str, Any], lines: Lines, base: Path | None) -> None:
        self.data = data
        self.lines = lines
        self.base = base
        self.problems: list[Problem] = []

    def problem(self, message: str, path: YamlPath, item: str | None = None) -> None:
        self.problems.append(self.lines.problem(message, path, item))

    def entities(self) -> tuple[Entity, tuple[Entity, ...]]:
        raw = self.data.get("entities") or {"person": {"plural": "persons"}}
        person: Entity | None = None
        groups: list[Entity] = []
        if not isinstance(raw, dict):
            self.problem("entities must be a mapping", ("entities",))
            raw = {}
        for key, spec in raw.items():
            spec = spec or {}
            path: YamlPath = ("entities", str(key))
            roles = []
            for i, role in enumerate(spec.get("roles") or []):
                if not isinstance(role, dict) or "key" not in role:
                    self.problem("a role needs a key", (*path, "roles", i))
                    continue
                roles.append(Role(str(role["key"]), str(role.get("plural") or role["key"]), role.get("max")))
            entity = Entity(str(key), str(spec.get("plural") or f"{key}s"), tuple(roles))
            if entity.is_person:
                if person is not None:
                    self.problem("only one entity can be the person (the others need roles)", path)
                person = entity
            else:
                groups.append(entity)
        if person is None:
            self.problem("a pack needs a person entity (one without roles)", ("entities",))
            person = Entity("person", "persons")
        return person, tuple(groups)

    def parameters(self) -> ParamNode:
        raw = self.data.get("parameters")
        reader = ParameterReader()
        if raw is None:
            node = ParamNode("")
        elif isinstance(raw, str):
            directory = (self.base or Path(".")) / raw
            if not directory.is_dir():
                self.problem(f"parameter directory {raw!r} not found beside the pack", ("parameters",))
                node = ParamNode("")
            else:
                node = reader.read_directory(directory)
        else:
            result = reader.read(raw, self.lines, ("parameters",), "")
            node = result if isinstance(result, ParamNode) else ParamNode("", {"": result})
        self.problems.extend(reader.problems)
        return node

    def variables(self, entity_keys: set[str]) -> dict[str, Variable]:
        found: dict[str, Variable] = {}
        for section, is_condition in (("variables", False), ("conditions", True)):
            raw = self.data.get(section) or {}
            if not isinstance(raw, dict):
                self.problem(f"{section} must be a mapping of names to definitions", (section,))
                continue
            for name, spec in raw.items():
                name = str(name)
                path: YamlPath = (section, name)
                if name in found:
                    self.problem(f"{name!r} is defined twice", path, name)
                    continue
                if not isinstance(spec, dict):
                    self.problem("a definition must be a mapping (entity, period, type, formula…)", path, name)
                    continue
                variable = self.variable(name, spec, path, entity_keys, is_condition or bool(spec.get("condition")))
                if variable is not None:
                    found[name] = variable
        return found

    def variable(self, name: str, spec: dict[str, Any], path: YamlPath, entity_keys: set[str],
                 is_condition: bool) -> Variable | None:
        for key in spec:
            if key not in VARIABLE_KEYS:
                self.problem(f"unknown field {key!r}", (*path, str(key)), name)
        entity = str(spec.get("entity", ""))
        if entity not in entity_keys:
            self.problem(f"unknown entity {entity!r}; known: {sorted(entity_keys)}", (*path, "entity"), name)
        period = str(spec.get("period", "month"))
        if period not in UNITS:
            self.problem(f"unknown period {period!r}; one of {list(UNITS)}", (*path, "period"), name)
        type_ = str(spec.get("type", "bool" if is_condition else "float"))
        if type_ not in TYPES:
            self.problem(f"unknown type {type_!r}; one of {list(TYPES)}", (*path, "type"), name)
            type_ = "float"
        enum_values: tuple[str, ...] = ()
        if type_ == "enum":
            enum_values = tuple(str(v) for v in spec.get("values") or [])
            if not enum_values:
                self.problem("an enum lists its values", (*path, "values"), name)
        default = spec.get("default", enum_values[0] if enum_values else DEFAULTS.get(type_))
        if type_ == "date" and not isinstance(default, dt.date):
            try:
                default = parse_instant(default)
            except PeriodError as exc:
                self.problem(str(exc), (*path, "default"), name)
        if type_ == "enum" and enum_values and str(default) not in enum_values:
            self.problem(f"default {default!r} is not one of the values", (*path, "default"), name)
        end = None
        if spec.get("end") is not None:
            try:
                end = parse_instant(spec["end"])
            except PeriodError as exc:
                self.problem(str(exc), (*path, "end"), name)
        set_input = spec.get("set_input")
        if set_input not in (None, "divide", "dispatch"):
            self.problem("set_input is divide or dispatch", (*path, "set_input"), name)
        variable = Variable(name, entity, period, type_, default, [], enum_values, end, set_input,
                            _label(spec.get("label")), str(spec.get("reference") or ""), is_condition,
                            self.lines.of(path))
        variable.formulas = self.formulas(name, spec, path)
        return variable

    def formulas(self, name: str, spec: dict[str, Any], path: YamlPath) -> list[Formula]:
        entries: list[tuple[Any, Any, YamlPath]] = []
        if "formula" in spec:
            entries.append((dt.date.min, spec["formula"], (*path, "formula")))
        raw = spec.get("formulas")
        if raw is not None:
            if not isinstance(raw, dict):
                self.problem("formulas map a start date to a formula", (*path, "formulas"), name)
            else:
                for start, text in raw.items():
                    entries.append((start, text, (*path, "formulas", str(start))))
        found = []
        for start, text, fpath in entries:
            try:
                day = start if start is dt.date.min else parse_instant(start)
            except PeriodError:
                self.problem(f"a formula without a date: {start!r} is not a date (write 2020-01-01)", fpath, name)
                continue
            try:
                tree = ex.parse(text)
            except ex.SyntaxProblem as exc:
                self.problem(f"{exc} in `{text}`" + (f" at column {exc.column}" if exc.column else ""), fpath, name)
                continue
            found.append(Formula(day, tree, str(text), self.lines.of(fpath)))
        found.sort(key=lambda f: f.start, reverse=True)
        return found


def build_pack(data: Any, lines: Lines, *, base: Path | None = None, sha256: str = "") -> Pack:
    """Validate a parsed pack document. Raises InvalidInput with every problem found."""
    if not isinstance(data, dict):
        raise InvalidInput([Problem("a pack must be a mapping (entities, parameters, variables…)", file=lines.file,
                                    line=1)])
    builder = _Builder(data, lines, base)
    for key in data:
        if key not in PACK_KEYS:
            builder.problem(f"unknown section {key!r}", (str(key),))
    person, groups = builder.entities()
    parameters = builder.parameters()
    variables = builder.variables({person.key, *(g.key for g in groups)})
    benefits = tuple(str(b) for b in data.get("benefits") or [])
    pack = Pack(str(data.get("pack") or (base.name if base else "pack")), _label(data.get("title")),
                str(data.get("version") or ""), lines.file, sha256, person, groups, parameters, variables, benefits)
    for name in benefits:
        if name not in variables:
            builder.problem(f"unknown variable {name!r} listed as a benefit", ("benefits",), name)
    checker = TypeChecker(pack)
    for variable in variables.values():
        for formula in variable.formulas:
            for message in checker.check(variable, formula):
                builder.problems.append(Problem(message, file=lines.file, line=formula.line, item=variable.name,
                                                field="formula"))
    builder.problems.extend(_cycle_problems(pack, lines.file))
    if builder.problems:
        raise InvalidInput(builder.problems)
    return pack


def parse_pack(text: str, file: str = "<pack>", base: Path | None = None) -> Pack:
    data, lines = load(text, file)
    return build_pack(data, lines, base=base, sha256=hashlib.sha256(text.encode()).hexdigest())


def read_pack(path: Path) -> Pack:
    """A pack from its YAML file (or a directory holding `pack.yaml`)."""
    if path.is_dir():
        path = path / "pack.yaml"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput([Problem(f"cannot read the pack: {exc}", file=str(path))]) from None
    return parse_pack(text, str(path), path.parent)


def _cycle_problems(pack: Pack, file: str) -> list[Problem]:
    graph: dict[str, set[str]] = {}
    for variable in pack.variables.values():
        graph[variable.name] = {ref.name for f in variable.formulas for ref in ex.variables_used(f.tree)
                                if not ex.shifts_period(ref.spec) and ref.name in pack.variables}
    problems: list[Problem] = []
    state: dict[str, int] = {}
    reported: set[frozenset[str]] = set()

    def visit(name: str, stack: list[str]) -> None:
        state[name] = 1
        stack.append(name)
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep):] + [dep]
                if frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    problems.append(Problem(f"cycle between variables: {' -> '.join(cycle)}", file=file,
                                            line=pack.variables[dep].line, item=dep, field="formula"))
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    return problems


@dataclass(frozen=True)
class Typed:
    kind: str  # int float bool date str enum:<variable> param-node scale
    level: str  # person | group | scalar


class TypeCheckError(Exception):
    pass


class TypeChecker:
    """Infers each formula's type and entity level and reports what does not fit, in the rule writer's words."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack

    def check(self, variable: Variable, formula: Formula) -> list[str]:
        self.variable = variable
        self.errors: list[str] = []
        try:
            result = self.infer(formula.tree)
        except TypeCheckError as exc:
            return [*self.errors, str(exc)]
        level = "person" if self.entity(variable).is_person else "group"
        if result.level not in ("scalar", level):
            self.errors.append(f"the formula gives one value per member; {variable.name} is per {variable.entity}: "
                               "combine the members with sum(), any(), count()…")
        if not self.fits(result.kind, variable):
            self.errors.append(f"type error: the formula gives {self.describe(result.kind)}, but {variable.name} "
                               f"is {variable.type}")
        return self.errors

    def entity(self, variable: Variable) -> Entity:
        return self.pack.entities.get(variable.entity) or self.pack.person

    def fits(self, kind: str, variable: Variable) -> bool:
        if variable.type in ("float", "int"):
            return kind in NUMERIC
        if variable.type == "bool":
            return kind in NUMERIC
        if variable.type == "enum":
            return kind == f"enum:{variable.name}" or kind.startswith("enum:") and self.same_enum(kind, variable)
        return kind == variable.type

    def same_enum(self, kind: str, variable: Variable) -> bool:
        other = self.pack.variables.get(kind.removeprefix("enum:"))
        return other is not None and other.enum_values == variable.enum_values

    @staticmethod
    def describe(kind: str) -> str:
        return f"a value of {kind.removeprefix('enum:')}" if kind.startswith("enum:") else f"a {kind}"

    def level_of(self, entity_key: str) -> str:
        entity = self.pack.entities.get(entity_key)
        return "person" if entity is None or entity.is_person else "group"

    def combine(self, *levels: str) -> str:
        own = "person" if self.entity(self.variable).is_person else "group"
        distinct = {lv for lv in levels if lv != "scalar"}
        if not distinct:
            return "scalar"
        if distinct == {"group"} and own == "person":
            return "person"  # a household's value, seen from each member
        if len(distinct) > 1 and own == "group":
            raise TypeCheckError(f"in {self.variable.name} (per {self.variable.entity}) a member's value is used "
                                 "without combining the members: use sum(), any(), count(), max() or min()")
        return "person" if "person" in distinct else "group"

    def infer(self, node: ex.Node) -> Typed:  # noqa: C901 - one case per node kind
        if isinstance(node, ex.Const):
            value = node.value
            if isinstance(value, bool):
                return Typed("bool", "scalar")
            if isinstance(value, int):
                return Typed("int", "scalar")
            if isinstance(value, float):
                return Typed("float", "scalar")
            if isinstance(value, dt.date):
                return Typed("date", "scalar")
            return Typed("str", "scalar")
        if isinstance(node, ex.Var):
            ref = self.pack.variables.get(node.name)
            if ref is None:
                raise TypeCheckError(f"unknown variable {node.name!r}")
            if node.mode in ("add", "divide") and ref.type not in NUMERIC:
                raise TypeCheckError(f"type error: {node.mode}() adds numbers, {node.name} is {ref.type}")
            if node.mode == "add" and ref.period != "month":
                raise TypeCheckError(f"add() sums a monthly variable over months; {node.name} is per {ref.period}")
            if node.mode == "divide" and ref.period != "year":
                raise TypeCheckError(f"divide() splits a yearly variable into months; {node.name} is per {ref.period}")
            kind = f"enum:{ref.name}" if ref.type == "enum" else ref.type
            if node.mode == "divide":
                kind = "float"
            level = self.level_of(ref.entity)
            own = "person" if self.entity(self.variable).is_person else "group"
            if own == "group" and level == "group" and ref.entity != self.variable.entity:
                raise TypeCheckError(f"{node.name} is per {ref.entity}, {self.variable.name} per "
                                     f"{self.variable.entity}: no link between them")
            return Typed(kind, level)
        if isinstance(node, ex.Role):
            if not self.entity(self.variable).is_person:
                raise TypeCheckError("`role` is a member's role: use it inside sum(), any(), count()…")
            return Typed("str", "person")
        if isinstance(node, ex.Param):
            target = self.pack.parameters.find(".".join(node.path))
            if target is None:
                raise TypeCheckError(f"unknown parameter parameters.{'.'.join(node.path)}")
            if node.key is not None:
                if not isinstance(target, ParamNode):
                    raise TypeCheckError(f"parameters.{'.'.join(node.path)} has no entries to choose from")
                key = self.infer(node.key)
                if key.kind not in ("str",) and not key.kind.startswith("enum:"):
                    raise TypeCheckError(f"type error: parameters.{'.'.join(node.path)}[…] is chosen by a code, "
                                         f"not {self.describe(key.kind)}")
                return Typed("float", key.level)
            if isinstance(target, Scale):
                raise TypeCheckError(f"parameters.{'.'.join(node.path)} is a scale: use .calc(base)")
            if isinstance(target, ParamNode):
                raise TypeCheckError(f"parameters.{'.'.join(node.path)} is a group of parameters, not a value")
            return Typed(self.parameter_kind(target), "scalar")
        if isinstance(node, ex.ScaleCalc):
            target = self.pack.parameters.find(".".join(node.path))
            if not isinstance(target, Scale):
                raise TypeCheckError(f"parameters.{'.'.join(node.path)} is not a scale (brackets)")
            base = self.infer(node.base)
            self.need_numeric(base, "a scale's base")
            return Typed("float", base.level)
        if isinstance(node, ex.PeriodAttr):
            return Typed("date" if node.name in ("start", "stop") else "int", "scalar")
        if isinstance(node, ex.Unary):
            operand = self.infer(node.operand)
            self.need_numeric(operand, f"`{node.op}`")
            return Typed("bool" if node.op == "not" else ("int" if operand.kind == "bool" else operand.kind),
                         operand.level)
        if isinstance(node, ex.Binary):
            return self.binary(node)
        if isinstance(node, ex.InSet):
            operand = self.infer(node.operand)
            for value in node.values:
                self.comparable(operand, Typed("str" if isinstance(value, str) else "float", "scalar"), value)
            return Typed("bool", operand.level)
        if isinstance(node, ex.IfElse):
            condition, then, otherwise = (self.infer(n) for n in (node.condition, node.then, node.otherwise))
            self.need_numeric(condition, "a condition")
            return Typed(self.join(then.kind, otherwise.kind), self.combine(condition.level, then.level,
                                                                              otherwise.level))
        if isinstance(node, ex.Call):
            return self.call(node)
        if isinstance(node, ex.Aggregate):
            return self.aggregate(node)
        raise TypeCheckError(f"unsupported node {node!r}")

    def parameter_kind(self, parameter: Parameter) -> str:
        values = [d.value for d in parameter.values if d.value is not None]
        if values and all(isinstance(v, bool) for v in values):
            return "bool"
        if values and all(isinstance(v, str) for v in values):
            return "str"
        return "float"

    def need_numeric(self, typed: Typed, where: str) -> None:
        if typed.kind not in NUMERIC:
            raise TypeCheckError(f"type error: {where} needs a number or a condition, not {self.describe(typed.kind)}")

    def join(self, a: str, b: str) -> str:
        if a == b:
            return a
        if a in NUMERIC and b in NUMERIC:
            return "float" if "float" in (a, b) else "int"
        if a.startswith("enum:") and b == "str" or b.startswith("enum:") and a == "str":
            return a if a.startswith("enum:") else b
        raise TypeCheckError(f"type error: both branches must give the same kind of value, not "
                             f"{self.describe(a)} and {self.describe(b)}")

    def comparable(self, left: Typed, right: Typed, literal: object = None) -> None:
        a, b = left.kind, right.kind
        if a in NUMERIC and b in NUMERIC or a == b:
            return
        for enum_kind, other in ((a, b), (b, a)):
            if enum_kind.startswith("enum:") and other == "str":
                values = self.pack.variables[enum_kind.removeprefix("enum:")].enum_values
                if isinstance(literal, str) and literal not in values:
                    raise TypeCheckError(f"type error: {literal!r} is not a value of {enum_kind[5:]} "
                                         f"({', '.join(values)})")
                return
        raise TypeCheckError(f"type error: cannot compare {self.describe(a)} with {self.describe(b)}")

    def binary(self, node: ex.Binary) -> Typed:
        left, right = self.infer(node.left), self.infer(node.right)
        level = self.combine(left.level, right.level)
        if node.op in ("==", "!=", "<", "<=", ">", ">="):
            literal = next((n.value for n in (node.left, node.right)
                            if isinstance(n, ex.Const) and isinstance(n.value, str)), None)
            self.comparable(left, right, literal)
            if node.op not in ("==", "!=") and (left.kind.startswith("enum:") or right.kind.startswith("enum:")):
                raise TypeCheckError("type error: enum values are compared with == or != only")
            return Typed("bool", level)
        if left.kind == "date" or right.kind == "date":
            raise TypeCheckError(f"type error: `{node.op}` on a date; use add_days(), add_months(), days_between(), "
                                 "years_between()")
        self.need_numeric(left, f"`{node.op}`")
        self.need_numeric(right, f"`{node.op}`")
        if node.op in ("and", "or"):
            return Typed("bool", level)
        if node.op == "/":
            return Typed("float", level)
        kind = "float" if "float" in (left.kind, right.kind) else "int"
        return Typed(kind, level)

    def call(self, node: ex.Call) -> Typed:
        args = [self.infer(a) for a in node.args]
        level = self.combine(*(a.level for a in args))
        name = node.function
        if name == "where":
            self.need_numeric(args[0], "where()'s condition")
            return Typed(self.join(args[1].kind, args[2].kind), level)
        if name in ("year", "month", "day"):
            self.need_kind(args[0], "date", f"{name}()")
            return Typed("int", level)
        if name in ("years_between", "months_between", "days_between"):
            self.need_kind(args[0], "date", f"{name}()")
            self.need_kind(args[1], "date", f"{name}()")
            return Typed("int", level)
        if name in ("add_days", "add_months", "add_years"):
            self.need_kind(args[0], "date", f"{name}()")
            self.need_numeric(args[1], f"{name}()'s count")
            return Typed("date", level)
        for arg in args:
            self.need_numeric(arg, f"{name}()")
        if name in ("floor", "ceil"):
            return Typed("int", level)
        if name == "round":
            return Typed("float", level)
        if name in ("min", "max"):
            return Typed(self.join(args[0].kind, args[1].kind), level)
        return Typed(args[0].kind if args[0].kind != "bool" else "int", level)

    def need_kind(self, typed: Typed, kind: str, where: str) -> None:
        if typed.kind != kind:
            raise TypeCheckError(f"type error: {where} takes a {kind}, not {self.describe(typed.kind)}")

    def aggregate(self, node: ex.Aggregate) -> Typed:
        own = self.entity(self.variable)
        if own.is_person:
            raise TypeCheckError(f"{node.function}() combines a household's members; {self.variable.name} is per "
                                 "person")
        if node.role is not None and own.role(node.role) is None:
            raise TypeCheckError(f"unknown role {node.role!r} of {own.key}; roles: "
                                 f"{', '.join(r.key for r in own.roles)}")
        if node.operand is None:
            return Typed("int", "group")
        saved = self.variable
        # Inside the aggregate the expression is evaluated per member.
        self.variable = Variable(f"{saved.name} (members)", self.pack.person.key, saved.period, "float", 0.0)
        try:
            operand = self.infer(node.operand)
        finally:
            self.variable = saved
        self.need_numeric(operand, f"{node.function}()")
        if node.function in ("any", "all"):
            return Typed("bool", "group")
        if node.function == "count":
            return Typed("int", "group")
        return Typed("float" if node.function == "sum" and operand.kind == "float" else
                     ("int" if operand.kind == "bool" else operand.kind), "group")


def iter_conditions(pack: Pack, names: Iterable[str]) -> list[Variable]:
    return [pack.variables[n] for n in names if n in pack.variables and pack.variables[n].is_condition]
