"""Evaluate a pack over arrays of entities (numpy), with OpenFisca's semantics: one array per variable and period,
inputs by period, formulas by start date, defaults where neither applies, float variables in float32 (OpenFisca's
storage; a register's run asks for float64, so that amounts of money keep their cents).

This is the single-case path (the API's calculate and trace, the YAML tests); whole registers go through
`ibis_engine`, which compiles the same formula trees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from govcx.proactive.rules import expressions as ex
from govcx.proactive.rules.pack import Entity, Pack, Variable
from govcx.proactive.rules.parameters import NodeAt, ParameterNotFound, ScaleAt
from govcx.proactive.rules.periods import ETERNITY, Period, add_months

DTYPES: dict[str, Any] = {"float": np.float32, "int": np.int32, "bool": np.bool_, "date": "datetime64[D]",
                          "str": object, "enum": object}


class EvaluationError(ValueError):
    pass


@dataclass
class Situation:
    """Who is in the case: persons, their groups (households) and roles, and the input values by period."""

    person_ids: list[str]
    group_ids: dict[str, list[str]]  # group entity -> ids
    membership: dict[str, np.ndarray]  # group entity -> group index of each person
    roles: dict[str, np.ndarray]  # group entity -> role key of each person
    # group entity -> index of each group's first member, where the members of every group are contiguous and in the
    # groups' order and no group is empty (a register read by households): sums over members are then one
    # `reduceat` pass instead of a scatter
    group_starts: dict[str, np.ndarray] = field(default_factory=dict)
    role_masks: dict[tuple[str, str], np.ndarray] = field(default_factory=dict)  # (group, role) -> its members

    def count(self, entity: Entity) -> int:
        return len(self.person_ids) if entity.is_person else len(self.group_ids[entity.key])

    def role_mask(self, group: str, role: str) -> np.ndarray:
        """Which persons hold `role` in their `group`, compared once per simulation, not once per formula."""
        mask = self.role_masks.get((group, role))
        if mask is None:
            mask = self.role_masks[(group, role)] = np.asarray(self.roles[group] == role, dtype=bool)
        return mask


def spec_period(period: Period, spec: str) -> Period:
    """The period a reference names, seen from the formula's period (OpenFisca's period.first_month and so on)."""
    if spec == "period":
        return period
    if spec == "this_month":
        return period.first_month
    if spec == "first_month":
        return period.first_month
    if spec == "this_year":
        return period.this_year
    if spec == "last_month":
        return period.last_month
    if spec == "last_year":
        return period.last_year
    count = int(spec.split("_")[1])
    return period.last_months(count)


def to_array(variable: Variable, value: Any, count: int) -> np.ndarray:
    """An input value (scalar or list) as the variable's array, broadcast to the entity count."""
    array = np.asarray(value, dtype=object)
    if array.ndim == 0:
        array = np.full(count, array.item(), dtype=object)
    if len(array) != count:
        raise EvaluationError(f"{variable.name}: {len(array)} values given for {count} entities")
    if variable.type == "enum":
        unknown = {str(v) for v in array} - set(variable.enum_values)
        if unknown:
            raise EvaluationError(f"{variable.name}: {sorted(unknown)} not among {list(variable.enum_values)}")
        return array.astype(str).astype(object)
    if variable.type == "date":
        return np.array([np.datetime64(str(v)) for v in array], dtype="datetime64[D]")
    if variable.type == "str":
        return array.astype(str).astype(object)
    try:
        return np.array([float(v) if not isinstance(v, bool) else v for v in array]).astype(DTYPES[variable.type])
    except (TypeError, ValueError):
        raise EvaluationError(f"{variable.name}: {list(value) if array.ndim else value!r} is not a number") from None


class Simulation:
    def __init__(self, pack: Pack, situation: Situation, *, float_type: Any = np.float32) -> None:
        self.float_type = float_type
        self.pack = pack
        self.situation = situation
        self.values: dict[tuple[str, Period], np.ndarray] = {}
        self.inputs: set[tuple[str, Period]] = set()
        self.computing: list[tuple[str, Period]] = []
        self._key_codes: dict[int, tuple[Any, list[str], np.ndarray]] = {}  # id -> (the column, its codes)

    def key_codes(self, keys: Any) -> tuple[list[str], np.ndarray]:
        """The distinct keys of a column (a region for each household) and each row's position among them: found
        once per column, however many parameters it looks up (a column is one array for all its months)."""
        found = self._key_codes.get(id(keys))
        if found is None or found[0] is not keys:
            unique, codes = np.unique(np.asarray(keys, dtype=object).astype(str), return_inverse=True)
            found = self._key_codes[id(keys)] = (keys, [str(k) for k in unique], codes.reshape(-1))
        return found[1], found[2]

    # inputs
    def variable(self, name: str) -> Variable:
        variable = self.pack.variables.get(name)
        if variable is None:
            raise EvaluationError(f"unknown variable {name!r}")
        return variable

    def entity_of(self, variable: Variable) -> Entity:
        return self.pack.entities[variable.entity]

    def set_input(self, name: str, period: Period, value: Any) -> None:
        variable = self.variable(name)
        count = self.situation.count(self.entity_of(variable))
        array = to_array(variable, value, count)
        if variable.period == "eternity":
            self._store(name, ETERNITY, array)
            return
        if variable.period == period.unit and period.size == 1:
            self._store(name, period, array)
            return
        if variable.period == "month" and (period.unit == "year" or period.size > 1):
            months = period.months
            if variable.set_input == "divide":
                self._divide(variable, months, array)
                return
            if variable.set_input == "dispatch":
                for m in months:  # OpenFisca's dispatch: a month already known is carried on to the next ones
                    existing = self.values.get((name, m))
                    if existing is None:
                        self._store(name, m, array)
                    else:
                        array = existing
                return
        raise EvaluationError(f"{name} is defined per {variable.period}; a value for {period} cannot be set "
                              "(declare set_input: divide or dispatch to spread a year over its months)")

    def _divide(self, variable: Variable, months: list[Period], array: np.ndarray) -> None:
        """OpenFisca's set_input_divide_by_period: months already known keep their values, the rest share what
        remains of the total equally."""
        if variable.type not in ("float", "int"):
            raise EvaluationError(f"{variable.name}: only numbers can be divided over months")
        remaining = array.copy()
        unknown = []
        for m in months:
            existing = self.values.get((variable.name, m))
            if existing is None:
                unknown.append(m)
            else:
                remaining = remaining - existing
        if not unknown:
            if not (remaining == 0).all():
                raise EvaluationError(f"{variable.name}: the months given do not add up to the year's value")
            return
        part = (remaining / len(unknown)).astype(self.dtype(variable.type))
        for m in unknown:
            self._store(variable.name, m, part)

    def dtype(self, kind: str) -> Any:
        return self.float_type if kind == "float" else DTYPES[kind]

    def set_array(self, name: str, period: Period, array: np.ndarray) -> None:
        """An input already in the variable's dtype and entity count (a register's column): no conversion."""
        self._store(name, period, array)

    def _store(self, name: str, period: Period, array: np.ndarray) -> None:
        self.values[(name, period)] = array
        self.inputs.add((name, period))

    # calculation
    def calculate(self, name: str, period: Period) -> np.ndarray:
        variable = self.variable(name)
        if variable.period == "eternity":
            period = ETERNITY
        elif variable.period == "year" and period.unit == "month":
            period = period.this_year
        elif variable.period != period.unit or period.size != 1:
            if variable.period == "month" and variable.type in ("float", "int"):
                return self.calculate_add(name, period)
            raise EvaluationError(f"{name} is defined per {variable.period}; it cannot be computed for {period}")
        key = (name, period)
        if key in self.values:
            return self.values[key]
        if key in self.computing:
            chain = " -> ".join(f"{n}@{p}" for n, p in self.computing[self.computing.index(key):])
            raise EvaluationError(f"cycle: {chain} -> {name}@{period}")
        entity = self.entity_of(variable)
        count = self.situation.count(entity)
        day = period.start if period.unit != "eternity" else dt.date.max
        formula = variable.formula_at(day)
        if formula is None:
            result = self.default(variable, count)
        else:
            self.computing.append(key)
            try:
                raw = _Evaluator(self, period, entity).eval(formula.tree)
            except ParameterNotFound as exc:
                raise EvaluationError(f"{name}@{period}: {exc}") from None
            finally:
                self.computing.pop()
            result = self.cast(variable, raw, count)
        self.values[key] = result
        return result

    def calculate_add(self, name: str, period: Period) -> np.ndarray:
        months = period.months
        total = self.calculate(name, months[0]).astype(self.float_type)
        for m in months[1:]:
            total = total + self.calculate(name, m)
        return total

    def calculate_divide(self, name: str, period: Period) -> np.ndarray:
        variable = self.variable(name)
        if variable.period == "year":
            year_value = self.calculate(name, period.this_year)
            return np.asarray(year_value / self.float_type(12 if period.unit == "month" else 1))
        return self.calculate(name, period)

    def default(self, variable: Variable, count: int) -> np.ndarray:
        if variable.type == "date":
            return np.full(count, np.datetime64(variable.default.isoformat()), dtype="datetime64[D]")
        if variable.type in ("str", "enum"):
            return np.full(count, str(variable.default), dtype=object)
        return np.full(count, variable.default, dtype=self.dtype(variable.type))

    def cast(self, variable: Variable, raw: Any, count: int) -> np.ndarray:
        array = np.asarray(raw)
        if array.ndim == 0:
            array = np.full(count, array.item(), dtype=array.dtype if array.dtype != object else object)
        if variable.type in ("str", "enum"):
            return array.astype(object)
        if variable.type == "date":
            return array.astype("datetime64[D]")
        if variable.type == "int" and array.dtype.kind == "f":
            array = np.trunc(array)
        return array.astype(self.dtype(variable.type))

    # reasons
    def explain(self, name: str, period: Period, index: int, language: str = "en") -> dict[str, Any]:
        """The value of one entity with the named conditions behind it: reasons for yes and for no."""
        variable = self.variable(name)
        value = self.calculate(name, period)[index]
        conditions = []
        own = self.entity_of(variable)
        for cname in self.pack.conditions_of(name, period.start if period.unit != "eternity" else None):
            condition = self.pack.variables[cname]
            centity = self.entity_of(condition)
            cvalues = self.calculate(cname, period)
            if centity.key == own.key:
                cvalue = bool(cvalues[index])
            elif own.is_person and not centity.is_person:
                cvalue = bool(cvalues[self.situation.membership[centity.key][index]])
            else:
                members = np.flatnonzero(self.situation.membership[own.key] == index)
                cvalue = bool(cvalues[members].any()) if len(members) else False
            conditions.append({"condition": cname, "value": cvalue, "label": condition.label_in(language),
                               "reference": condition.reference})
        positive = bool(value) if variable.type != "enum" else True
        return {"variable": name, "period": str(period), "value": _plain(value), "entitled": positive,
                "reasons": [c for c in conditions if c["value"] == positive] or conditions, "conditions": conditions,
                "reference": variable.reference}


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        if isinstance(value, np.datetime64):
            return str(value)
        value = value.item()
    if isinstance(value, float):
        return round(value, 6)
    return value


class _Evaluator:
    """Walks one formula tree at one period for one entity level."""

    def __init__(self, sim: Simulation, period: Period, entity: Entity) -> None:
        self.sim = sim
        self.period = period
        self.entity = entity
        self.parameters: NodeAt = sim.pack.parameters.at(period.start if period.unit != "eternity" else dt.date.max)

    def at_level(self, entity: Entity) -> _Evaluator:
        other = _Evaluator.__new__(_Evaluator)
        other.sim, other.period, other.entity, other.parameters = self.sim, self.period, entity, self.parameters
        return other

    def eval(self, node: ex.Node) -> Any:  # noqa: C901 - one case per node kind
        if isinstance(node, ex.Const):
            if isinstance(node.value, dt.date):
                return np.datetime64(node.value.isoformat(), "D")
            return node.value
        if isinstance(node, ex.Var):
            return self.variable(node)
        if isinstance(node, ex.Role):
            group = self.sim.pack.groups[0]
            return self.sim.situation.roles[group.key]
        if isinstance(node, ex.Param):
            return self.parameter(node)
        if isinstance(node, ex.ScaleCalc):
            scale = self.lookup(node.path)
            if not isinstance(scale, ScaleAt):
                raise EvaluationError(f"parameters.{'.'.join(node.path)} is not a scale")
            return scale.calc(self.eval(node.base))
        if isinstance(node, ex.PeriodAttr):
            return self.period_attr(node.name)
        if isinstance(node, ex.Unary):
            operand = self.eval(node.operand)
            if node.op == "-":
                return -operand
            return np.logical_not(operand)
        if isinstance(node, ex.Binary):
            return self.binary(node.op, self.eval(node.left), self.eval(node.right))
        if isinstance(node, ex.InSet):
            operand = np.asarray(self.eval(node.operand))
            values = np.array(node.values)
            if operand.dtype.kind not in "biuf" or values.dtype.kind not in "biuf":  # numbers stay numbers
                operand, values = operand.astype(object), np.array(node.values, dtype=object)
            found = np.isin(operand, values)
            return ~found if node.negate else found
        if isinstance(node, ex.IfElse):
            return np.where(self.eval(node.condition), self.eval(node.then), self.eval(node.otherwise))
        if isinstance(node, ex.Call):
            return self.call(node.function, [self.eval(a) for a in node.args])
        if isinstance(node, ex.Aggregate):
            return self.aggregate(node)
        raise EvaluationError(f"cannot evaluate {node!r}")

    def variable(self, node: ex.Var) -> Any:
        variable = self.sim.variable(node.name)
        target = spec_period(self.period, node.spec) if self.period.unit != "eternity" else self.period
        if node.mode == "add":
            values = self.sim.calculate_add(node.name, target)
        elif node.mode == "divide":
            values = self.sim.calculate_divide(node.name, self.period if node.spec == "this_year" else target)
        else:
            values = self.sim.calculate(node.name, target)
        source = self.sim.entity_of(variable)
        if source.key == self.entity.key:
            return values
        if self.entity.is_person and not source.is_person:
            return values[self.sim.situation.membership[source.key]]
        raise EvaluationError(f"{node.name} is per {source.key}; it cannot be read per {self.entity.key}")

    def lookup(self, path: Sequence[str]) -> Any:
        current: Any = self.parameters
        for part in path:
            try:
                current = current[part]
            except (KeyError, TypeError):
                raise EvaluationError(f"unknown parameter parameters.{'.'.join(path)}") from None
        return current

    def parameter(self, node: ex.Param) -> Any:
        found = self.lookup(node.path)
        if node.key is None:
            return found
        raw = self.eval(node.key)
        keys = np.asarray(raw, dtype=object)
        if keys.ndim == 0:
            return found[str(keys.item())]
        words, codes = self.sim.key_codes(raw)
        table = np.empty(len(words), dtype=np.float64)
        for i, key in enumerate(words):
            try:
                table[i] = found[key]
            except KeyError:
                raise EvaluationError(f"parameters.{'.'.join(node.path)} has no entry {key!r}") from None
        return table[codes]

    def period_attr(self, name: str) -> Any:
        if name == "start":
            return np.datetime64(self.period.start.isoformat(), "D")
        if name == "stop":
            return np.datetime64(self.period.stop.isoformat(), "D")
        if name == "year":
            return self.period.start.year
        return self.period.start.month

    @staticmethod
    def binary(op: str, left: Any, right: Any) -> Any:
        if op == "+":
            return left + right
        if op == "-":
            return left - right
        if op == "*":
            return left * right
        if op == "/":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.true_divide(left, right)
        if op == "//":
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.floor_divide(left, right)
        if op == "%":
            return np.mod(left, right)
        if op == "**":
            return np.power(left, right)
        if op == "and":
            return np.logical_and(left, right)
        if op == "or":
            return np.logical_or(left, right)
        if op == "==":
            return np.asarray(left == right)
        if op == "!=":
            return np.asarray(left != right)
        if op == "<":
            return left < right
        if op == "<=":
            return left <= right
        if op == ">":
            return left > right
        return left >= right

    def call(self, name: str, args: list[Any]) -> Any:  # noqa: C901 - one case per function
        if name == "where":
            return np.where(*args)
        if name == "abs":
            return np.abs(args[0])
        if name == "round":
            return np.round(args[0], int(args[1]) if len(args) > 1 else 0)
        if name == "floor":
            return np.floor(args[0])
        if name == "ceil":
            return np.ceil(args[0])
        if name == "max":
            return np.maximum(args[0], args[1])
        if name == "min":
            return np.minimum(args[0], args[1])
        if name in ("year", "month", "day"):
            y, m, d = _ymd(args[0])
            return {"year": y, "month": m, "day": d}[name]
        if name == "years_between":
            (ya, ma, da), (yb, mb, db) = _ymd(args[0]), _ymd(args[1])
            not_yet = (ma > mb) | ((ma == mb) & (da > db))
            return yb - ya - not_yet.astype(np.int32)
        if name == "months_between":
            (ya, ma, da), (yb, mb, db) = _ymd(args[0]), _ymd(args[1])
            return (yb - ya) * 12 + (mb - ma) - (da > db).astype(np.int32)
        if name == "days_between":
            return (np.asarray(args[1], dtype="datetime64[D]") - np.asarray(args[0], dtype="datetime64[D]")).astype(
                np.int64)
        if name == "add_days":
            return np.asarray(args[0], dtype="datetime64[D]") + np.asarray(args[1]).astype("timedelta64[D]")
        if name in ("add_months", "add_years"):
            count = np.asarray(args[1]).astype(np.int64) * (12 if name == "add_years" else 1)
            return _add_months(np.asarray(args[0], dtype="datetime64[D]"), count)
        raise EvaluationError(f"unknown function {name}()")

    def aggregate(self, node: ex.Aggregate) -> Any:
        situation = self.sim.situation
        group = self.entity
        membership = situation.membership[group.key]
        groups = len(situation.group_ids[group.key])
        mask: np.ndarray | None = None
        if node.role is not None:
            role = group.role(node.role)
            mask = situation.role_mask(group.key, role.key if role else node.role)
        person = self.at_level(self.sim.pack.person)
        if node.operand is None:
            values = mask if mask is not None else np.ones(len(membership), dtype=bool)
        else:
            values = np.asarray(person.eval(node.operand))
            if values.ndim == 0:
                values = np.full(len(membership), values.item())
        starts = situation.group_starts.get(group.key)
        if starts is not None and node.function in ("sum", "count", "any", "all"):
            return _reduce_sorted(node.function, values, mask, starts)
        if mask is None:
            mask = np.ones(len(membership), dtype=bool)
        index = membership[mask]
        chosen = values[mask]
        if node.function in ("sum", "count"):
            weights = chosen.astype(np.float64) if node.function == "sum" else (chosen != 0).astype(np.float64)
            total = np.bincount(index, weights=weights, minlength=groups)
            return total if node.function == "sum" else total.astype(np.int32)
        if node.function == "any":
            return np.bincount(index, weights=(chosen != 0).astype(np.float64), minlength=groups) > 0
        if node.function == "all":
            return np.bincount(index, weights=(chosen == 0).astype(np.float64), minlength=groups) == 0
        fill = -np.inf if node.function == "max" else np.inf
        result = np.full(groups, fill)
        (np.maximum if node.function == "max" else np.minimum).at(result, index, chosen.astype(np.float64))
        return np.where(np.isinf(result), 0, result)


def _reduce_sorted(function: str, values: np.ndarray, mask: np.ndarray | None, starts: np.ndarray) -> np.ndarray:
    """sum, count, any or all over each group's members, the members of a group being contiguous (one pass)."""
    if function == "sum":
        weights = values.astype(np.float64, copy=False)
        return np.add.reduceat(weights if mask is None else np.where(mask, weights, 0.0), starts)
    flags = values != 0 if values.dtype != np.bool_ else values
    if function == "all":
        return np.logical_and.reduceat(flags if mask is None else flags | ~mask, starts)
    chosen = flags if mask is None else flags & mask
    if function == "any":
        return np.logical_or.reduceat(chosen, starts)
    counted: np.ndarray = np.add.reduceat(chosen.astype(np.int32), starts, dtype=np.int32)
    return counted


def _ymd(values: Any) -> tuple[Any, Any, Any]:
    """Year, month and day of dates in integer arithmetic (Hinnant's civil_from_days): several times faster over
    a register than numpy's conversions to datetime64[Y] and [M]; in 32 bits, which hold any day of years 0–5
    million and divide faster than 64."""
    shifted_days = np.asarray(values, dtype="datetime64[D]").astype(np.int64).astype(np.int32) + np.int32(719468)
    era = shifted_days // 146097
    day_of_era = shifted_days - era * 146097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    month_from_march = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * month_from_march + 2) // 5 + 1
    month = np.where(month_from_march < 10, month_from_march + 3, month_from_march - 9)
    return year_of_era + era * 400 + (month <= 2), month, day


def _add_months(days: Any, count: Any) -> Any:
    y, m, d = _ymd(days)
    index = y * 12 + (m - 1) + count
    first = (index - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    next_first = (index + 1 - 1970 * 12).astype("datetime64[M]").astype("datetime64[D]")
    length = (next_first - first).astype(np.int64)
    return first + (np.minimum(d, length) - 1).astype("timedelta64[D]")


def shifted(period: Period, months: int) -> Period:
    return Period(period.unit, add_months(period.start, months), period.size)
