"""Compile a pack's formulas to one Ibis expression over a whole register, for DuckDB by default and Spark alike.

The register is one row per person: `person_id`, for each group entity `<group>_id` and `<group>_role`, and the
input variables as columns; each group entity's own inputs come in a table keyed by `<group>_id`. Every
(variable, period) the requested results need is added as a column, in dependency order; a group's value sits on
each of its members' rows, so sums and counts over members are window aggregates partitioned by `<group>_id`.

Register values are a snapshot: an input column is taken to hold for every period a formula asks for (so
`add(salary, "this_year")` is twelve times the month's salary), which is what a run over a monthly extract
means. Arithmetic is in double precision (OpenFisca stores float32: results agree within a cent).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import ibis
import ibis.expr.types as ir

from govcx.proactive.rules import expressions as ex
from govcx.proactive.rules.pack import Entity, Pack, Variable
from govcx.proactive.rules.parameters import NodeAt, ScaleAt
from govcx.proactive.rules.periods import ETERNITY, Period
from govcx.proactive.rules.simulation import spec_period

IBIS_TYPES = {"float": "float64", "int": "int64", "bool": "boolean", "date": "date", "str": "string",
              "enum": "string"}


class CompileError(ValueError):
    pass


def column_name(name: str, period: Period) -> str:
    return f"{name}__{str(period).replace('-', '_').replace(':', '_')}"


@dataclass
class Compiled:
    """The register with every computed column, and which column holds each requested (variable, period)."""

    table: ir.Table
    columns: dict[str, str] = field(default_factory=dict)  # requested variable -> column
    pack: Pack | None = None

    def person_results(self, names: list[str]) -> ir.Table:
        return self.table.select("person_id", *[self.table[self.columns[n]].name(n) for n in names])

    def group_results(self, group: str, names: list[str]) -> ir.Table:
        key = f"{group}_id"
        # every member carries the household's value: any one of them will do
        return self.table.group_by(key).aggregate(**{n: self.table[self.columns[n]].arbitrary() for n in names})


class RegisterCompiler:
    def __init__(self, pack: Pack, persons: ir.Table, groups: dict[str, ir.Table] | None = None) -> None:
        self.pack = pack
        table = persons
        for key, group_table in (groups or {}).items():
            extra = [c for c in group_table.columns if c != f"{key}_id" and c not in table.columns]
            if extra:
                table = table.left_join(group_table.select(f"{key}_id", *extra), f"{key}_id")
                table = table.select(*[c for c in table.columns if not c.endswith("_right")])
        self.table = table
        self.inputs = set(table.columns)
        self.done: dict[tuple[str, Period], str] = {}
        self.aggregated: dict[tuple[ex.Aggregate, Period], str] = {}
        self.pending: list[tuple[str, ir.Value]] = []

    def compile(self, names: list[str], period: Period) -> Compiled:
        result = Compiled(self.table, pack=self.pack)
        for name in names:
            result.columns[name] = self.column(name, period)
            self.flush()
        result.table = self.table
        return result

    def flush(self) -> None:
        if self.pending:
            self.table = self.table.mutate(**dict(self.pending))
            self.pending = []

    def variable(self, name: str) -> Variable:
        variable = self.pack.variables.get(name)
        if variable is None:
            raise CompileError(f"unknown variable {name!r}")
        return variable

    def column(self, name: str, period: Period) -> str:
        """The column holding `name` at `period`, adding it (and what it needs) to the table first."""
        variable = self.variable(name)
        if variable.period == "eternity":
            period = ETERNITY
        elif variable.period == "year" and period.unit == "month":
            period = period.this_year
        key = (name, period)
        if key in self.done:
            return self.done[key]
        if name in self.inputs:
            self.done[key] = name
            return name
        day = period.start if period.unit != "eternity" else dt.date.max
        formula = variable.formula_at(day)
        entity = self.pack.entities[variable.entity]
        if formula is None:
            value: ir.Value = self.default(variable)
        else:
            # Every column the formula reads is added first, so the whole formula refers to one table: Ibis
            # refuses a window over columns of two versions of the table.
            for dep_name, dep_period in self.dependencies(formula.tree, period):
                self.column(dep_name, dep_period)
            if not entity.is_person:
                self.aggregate_columns(formula.tree, period, entity)
            value = _Compiler(self, period, entity).eval(formula.tree)
            value = self.cast(variable, value)
        target = column_name(name, period)
        self.flush()  # what the formula referred to must exist before this column is added
        self.pending.append((target, value))
        self.flush()
        self.done[key] = target
        return target

    def aggregate_columns(self, tree: ex.Node, period: Period, group: Entity) -> None:
        """Each sum/any/count over members as a column, by a grouped aggregate joined back on the household:
        a hash aggregate and a join are much cheaper than a window per aggregate."""
        key = f"{group.key}_id"
        for node in ex.walk(tree):
            if not isinstance(node, ex.Aggregate) or (node, period) in self.aggregated:
                continue
            name = f"__agg{len(self.aggregated)}"
            reduced = _Compiler(self, period, group).reduction(node)
            grouped = self.table.group_by(key).aggregate(**{name: reduced})
            joined = self.table.left_join(grouped, key)
            self.table = joined.select(*[c for c in joined.columns if c != f"{key}_right"])
            self.aggregated[(node, period)] = name

    def dependencies(self, tree: ex.Node, period: Period) -> list[tuple[str, Period]]:
        found: list[tuple[str, Period]] = []
        for ref in ex.variables_used(tree):
            variable = self.variable(ref.name)
            target = spec_period(period, ref.spec) if period.unit != "eternity" else period
            if ref.mode == "add" and ref.name not in self.inputs:
                found.extend((ref.name, month) for month in target.months)
            elif ref.mode == "divide" and variable.period == "year":
                found.append((ref.name, target.this_year))
            elif ref.mode != "add":
                found.append((ref.name, target))
        return found

    def default(self, variable: Variable) -> ir.Value:
        return ibis.literal(variable.default, type=IBIS_TYPES[variable.type])

    def cast(self, variable: Variable, value: Any) -> ir.Value:
        if not isinstance(value, ir.Value):
            value = ibis.literal(value)
        wanted = IBIS_TYPES[variable.type]
        if variable.type == "int" and value.type().is_floating():
            value = value.truncate() if hasattr(value, "truncate") else value
        if variable.type == "float" and value.type().is_boolean():
            value = value.cast("int8")
        if variable.type == "bool" and not value.type().is_boolean():
            return value != 0
        return value.cast(wanted)


def _num(value: Any) -> Any:
    if isinstance(value, ir.Value) and value.type().is_boolean():
        return value.cast("int8")
    if isinstance(value, bool):
        return int(value)
    return value


def _bool(value: Any) -> Any:
    if isinstance(value, ir.Value):
        return value if value.type().is_boolean() else value != 0
    return bool(value)


class _Compiler:
    def __init__(self, owner: RegisterCompiler, period: Period, entity: Entity) -> None:
        self.owner = owner
        self.period = period
        self.entity = entity
        day = period.start if period.unit != "eternity" else dt.date.max
        self.parameters: NodeAt = owner.pack.parameters.at(day)

    def ref(self, name: str) -> ir.Value:
        return self.owner.table[name]

    def eval(self, node: ex.Node) -> Any:  # noqa: C901 - one case per node kind
        if isinstance(node, ex.Const):
            return node.value
        if isinstance(node, ex.Var):
            return self.variable(node)
        if isinstance(node, ex.Role):
            return self.ref(f"{self.owner.pack.groups[0].key}_role")
        if isinstance(node, ex.Param):
            return self.parameter(node)
        if isinstance(node, ex.ScaleCalc):
            scale = self.lookup(node.path)
            if not isinstance(scale, ScaleAt):
                raise CompileError(f"parameters.{'.'.join(node.path)} is not a scale")
            return self.scale(scale, _num(self.eval(node.base)))
        if isinstance(node, ex.PeriodAttr):
            if node.name in ("start", "stop"):
                return ibis.literal(self.period.start if node.name == "start" else self.period.stop, type="date")
            return self.period.start.year if node.name == "year" else self.period.start.month
        if isinstance(node, ex.Unary):
            operand = self.eval(node.operand)
            return -_num(operand) if node.op == "-" else ~_bool(operand) if isinstance(operand, ir.Value) \
                else not operand
        if isinstance(node, ex.Binary):
            return self.binary(node.op, self.eval(node.left), self.eval(node.right))
        if isinstance(node, ex.InSet):
            operand = self.eval(node.operand)
            found = operand.isin(list(node.values))
            return ~found if node.negate else found
        if isinstance(node, ex.IfElse):
            return ibis.ifelse(_bool(_lit(self.eval(node.condition))), self.eval(node.then), self.eval(node.otherwise))
        if isinstance(node, ex.Call):
            return self.call(node.function, [self.eval(a) for a in node.args])
        if isinstance(node, ex.Aggregate):
            return self.aggregate(node)
        raise CompileError(f"cannot compile {node!r}")

    def variable(self, node: ex.Var) -> Any:
        variable = self.owner.variable(node.name)
        target = spec_period(self.period, node.spec) if self.period.unit != "eternity" else self.period
        if node.mode == "add":
            months = target.months
            if node.name in self.owner.inputs:
                return _num(self.ref(node.name)) * len(months)
            total: Any = 0
            for month in months:
                total = total + _num(self.ref(self.owner.column(node.name, month)))
            return total
        if node.mode == "divide" and variable.period == "year":
            return _num(self.ref(self.owner.column(node.name, target.this_year))) / 12
        return self.ref(self.owner.column(node.name, target))

    def lookup(self, path: tuple[str, ...]) -> Any:
        current: Any = self.parameters
        for part in path:
            current = current[part]
        return current

    def parameter(self, node: ex.Param) -> Any:
        found = self.lookup(node.path)
        if node.key is None:
            return found
        key = self.eval(node.key)
        if not isinstance(key, ir.Value):
            return found[str(key)]
        cases = [(key == name, ibis.literal(float(found[name]))) for name in found]
        return ibis.cases(*cases, else_=ibis.null("float64"))

    @staticmethod
    def scale(scale: ScaleAt, base: Any) -> Any:
        if not scale.thresholds:
            return ibis.literal(0.0)
        if scale.kind == "single_amount":
            result: Any = ibis.literal(0.0)
            for threshold, amount in zip(scale.thresholds, scale.values, strict=True):
                result = ibis.ifelse(base >= threshold, ibis.literal(float(amount)), result)
            return result
        total: Any = ibis.literal(0.0)
        highs = [*scale.thresholds[1:], None]
        for low, high, value in zip(scale.thresholds, highs, scale.values, strict=True):
            if scale.kind == "marginal_amount":
                total = total + ibis.ifelse(base > low, float(value), 0.0)
                continue
            upper = base if high is None else ibis.least(base, high)
            total = total + ibis.greatest(upper - low, 0) * value
        return total

    @staticmethod
    def binary(op: str, left: Any, right: Any) -> Any:
        if op in ("and", "or"):
            a, b = _bool(_lit(left)), _bool(_lit(right))
            return a & b if op == "and" else a | b
        if op in ("==", "!=", "<", "<=", ">", ">="):
            a, b = _lit(left), right
            if isinstance(a, ir.Value) and a.type().is_boolean() and not isinstance(b, bool):
                a = _num(a)
            return {"==": lambda: a == b, "!=": lambda: a != b, "<": lambda: a < b, "<=": lambda: a <= b,
                    ">": lambda: a > b, ">=": lambda: a >= b}[op]()
        a, b = _num(_lit(left)), _num(right)
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            return a / b
        if op == "//":
            return (a / b).floor()
        if op == "%":
            return a % b
        return a ** b

    def call(self, name: str, args: list[Any]) -> Any:  # noqa: C901 - one case per function
        if name == "where":
            return ibis.ifelse(_bool(_lit(args[0])), args[1], args[2])
        if name == "abs":
            return _num(_lit(args[0])).abs()
        if name == "round":
            return _num(_lit(args[0])).round(int(args[1]) if len(args) > 1 else 0)
        if name == "floor":
            return _num(_lit(args[0])).floor()
        if name == "ceil":
            return _num(_lit(args[0])).ceil()
        if name == "max":
            return ibis.greatest(_num(_lit(args[0])), _num(args[1]))
        if name == "min":
            return ibis.least(_num(_lit(args[0])), _num(args[1]))
        if name in ("year", "month", "day"):
            return getattr(_lit(args[0]), name)()
        if name == "years_between":
            a, b = _lit(args[0]), _lit(args[1])
            not_yet = (a.month() > b.month()) | ((a.month() == b.month()) & (a.day() > b.day()))
            return b.year() - a.year() - not_yet.cast("int32")
        if name == "months_between":
            a, b = _lit(args[0]), _lit(args[1])
            return (b.year() - a.year()) * 12 + (b.month() - a.month()) - (a.day() > b.day()).cast("int32")
        if name == "days_between":
            a, b = _lit(args[0]), _lit(args[1])
            return b.delta(a, unit="day")
        if name in ("add_days", "add_months", "add_years"):
            unit = {"add_days": "D", "add_months": "M", "add_years": "Y"}[name]
            count = args[1]
            interval = ibis.interval(**{{"D": "days", "M": "months", "Y": "years"}[unit]: int(count)}) \
                if not isinstance(count, ir.Value) else count.cast("int32").as_interval(unit)
            return _lit(args[0]) + interval
        raise CompileError(f"unknown function {name}()")

    def reduction(self, node: ex.Aggregate) -> Any:
        """The aggregate's reduction over the members (for a group_by on the household)."""
        group = self.entity
        person = _Compiler(self.owner, self.period, self.owner.pack.person)
        mask: Any = True
        if node.role is not None:
            role = group.role(node.role)
            mask = self.ref(f"{group.key}_role") == (role.key if role else node.role)
        if node.operand is None and mask is True:
            return self.ref(f"{group.key}_id").count()
        values = _lit(person.eval(node.operand) if node.operand is not None else ibis.literal(1))
        if node.function in ("sum", "count"):
            if node.function == "count":
                values = _bool(values).cast("int64") if node.operand is not None else values
            chosen = ibis.ifelse(mask, _num(values), 0) if mask is not True else _num(values)
            return chosen.sum()
        if node.function in ("any", "all"):
            flag = _bool(values) if node.function == "any" else ~_bool(values)
            hits = ibis.ifelse(mask & flag, 1, 0) if mask is not True else flag.cast("int64")
            return hits.sum()
        chosen = ibis.ifelse(mask, _num(values), ibis.null()) if mask is not True else _num(values)
        return chosen.max() if node.function == "max" else chosen.min()

    def aggregate(self, node: ex.Aggregate) -> Any:
        column = self.owner.aggregated.get((node, self.period))
        if column is not None:
            value = self.ref(column)
            if node.function == "any":
                return value > 0
            if node.function == "all":
                return value == 0
            return value.fill_null(0) if node.function in ("max", "min") else value
        group = self.entity
        window = ibis.window(group_by=self.ref(f"{group.key}_id"))
        person = _Compiler(self.owner, self.period, self.owner.pack.person)
        mask: Any = True
        if node.role is not None:
            role = group.role(node.role)
            mask = self.ref(f"{group.key}_role") == (role.key if role else node.role)
        if node.operand is None and mask is True:
            return self.ref(f"{group.key}_id").count().over(window)
        values = person.eval(node.operand) if node.operand is not None else ibis.literal(1)
        values = _lit(values)
        if node.function in ("sum", "count"):
            if node.function == "count":
                values = _bool(values).cast("int64") if node.operand is not None else values
            chosen = ibis.ifelse(mask, _num(values), 0) if mask is not True else _num(values)
            return chosen.sum().over(window)
        if node.function in ("any", "all"):
            flag = _bool(values) if node.function == "any" else ~_bool(values)
            hits = ibis.ifelse(mask & flag, 1, 0) if mask is not True else flag.cast("int64")
            total = hits.sum().over(window)
            return total > 0 if node.function == "any" else total == 0
        chosen = ibis.ifelse(mask, _num(values), ibis.null()) if mask is not True else _num(values)
        reduced = chosen.max() if node.function == "max" else chosen.min()
        return reduced.over(window).fill_null(0)


def _lit(value: Any) -> Any:
    if isinstance(value, ir.Value):
        return value
    if isinstance(value, dt.date):
        return ibis.literal(value, type="date")
    return ibis.literal(value)


def compile_register(pack: Pack, persons: ir.Table, groups: dict[str, ir.Table] | None, names: list[str],
                     period: Period) -> Compiled:
    """Columns for `names` at `period` over the whole register (one Ibis expression, nothing executed)."""
    return RegisterCompiler(pack, persons, groups).compile(names, period)
