"""Run test files in OpenFisca's YAML test format against a pack.

Each test has a `period`, an `input` (variables directly, one entity per value, or entities with their members
and roles: `household: {adults: [Ann], …}`, `persons: {Ann: {salary: 2000}}`), and an `output` (variables, per
entity singular or per entity id, values by period when a mapping), with `absolute_error_margin` or
`relative_error_margin`. Values are compared as OpenFisca compares them: as float32, enums by name, dates
exactly; an expected value written as arithmetic (`600 - 200 / 12`) is computed by the formula language, never
by Python. Reforms and extensions are Python code in OpenFisca and are refused here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from govcx.proactive.rules import expressions as ex
from govcx.proactive.rules.pack import Entity, Pack
from govcx.proactive.rules.periods import Period, PeriodError, parse_period
from govcx.proactive.rules.simulation import EvaluationError, Simulation, Situation

TEST_KEYS = {"absolute_error_margin", "description", "extensions", "ignore_variables", "input", "keywords", "name",
             "only_variables", "output", "period", "reforms", "relative_error_margin", "max_spiral_loops"}


@dataclass
class TestResult:
    file: str
    name: str
    failures: list[str] = field(default_factory=list)
    checked: int = 0

    @property
    def passed(self) -> bool:
        return not self.failures


class TestFileError(ValueError):
    pass


def read_tests(path: Path) -> list[dict[str, Any]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise TestFileError(f"{path}: not a readable YAML test file: {exc}") from None
    tests = data if isinstance(data, list) else [data]
    return [t for t in tests if t]


def names_in(tests: Iterable[dict[str, Any]]) -> set[str]:
    """Every key a test file uses as a variable, or as an entity or person id (a pack must know the variables)."""
    found: set[str] = set()

    def collect(value: Any, depth: int) -> None:
        if isinstance(value, dict) and depth < 4:
            for key, inner in value.items():
                found.add(str(key))
                collect(inner, depth + 1)

    for test in tests:
        collect(test.get("input") or {}, 0)
        collect(test.get("output") or {}, 0)
    return found


def evaluate_expected(value: Any) -> Any:
    """An expected value written as arithmetic (`600 * 2 - 200 / 12`), computed without Python's eval."""
    if not isinstance(value, str):
        return value
    try:
        tree = ex.parse(value)
    except ex.SyntaxProblem:
        return value
    return _arithmetic(tree) if _is_arithmetic(tree) else value


def _is_arithmetic(node: ex.Node) -> bool:
    return all(isinstance(n, (ex.Const, ex.Binary, ex.Unary)) for n in ex.walk(node)) and not (
        isinstance(node, ex.Const) and isinstance(node.value, str))


def _arithmetic(node: ex.Node) -> float:
    if isinstance(node, ex.Const):
        return float(node.value)  # type: ignore[arg-type]
    if isinstance(node, ex.Unary):
        return -_arithmetic(node.operand)
    assert isinstance(node, ex.Binary)
    left, right = _arithmetic(node.left), _arithmetic(node.right)
    if node.op == "+":
        return left + right
    if node.op == "-":
        return left - right
    if node.op == "*":
        return left * right
    if node.op == "/":
        return left / right
    if node.op == "//":
        return left // right
    if node.op == "%":
        return left % right
    return float(left**right)


class _Builder:
    """OpenFisca's SimulationBuilder.build_from_dict, for one pack."""

    def __init__(self, pack: Pack, default_period: Period | None) -> None:
        self.pack = pack
        self.default_period = default_period

    def build(self, data: dict[str, Any]) -> Simulation:
        data = dict(data or {})
        entity_keys = [k for k in data if self.pack.entity_by_name(str(k)) is not None]
        if entity_keys and len(entity_keys) != len(data):
            stray = sorted(str(k) for k in data if k not in entity_keys)
            raise TestFileError(f"input mixes entities with variables {stray}: put them under an entity")
        if not entity_keys:
            return self.from_variables(data)
        return self.from_entities(data)

    def from_variables(self, data: dict[str, Any]) -> Simulation:
        count = 1
        for value in data.values():
            if isinstance(value, dict) and value:
                value = next(iter(value.values()))
            if isinstance(value, (list, tuple)):
                count = max(count, len(value))
        ids = [str(i) for i in range(count)]
        situation = Situation(ids, {g.key: list(ids) for g in self.pack.groups},
                              {g.key: np.arange(count) for g in self.pack.groups},
                              {g.key: np.full(count, g.roles[0].key, dtype=object) for g in self.pack.groups})
        simulation = Simulation(self.pack, situation)
        for name, value in data.items():
            self.set(simulation, str(name), value)
        return simulation

    def from_entities(self, data: dict[str, Any]) -> Simulation:
        plural: dict[str, dict[str, Any]] = {}
        for key, value in data.items():
            entity = self.pack.entity_by_name(str(key))
            assert entity is not None
            if str(key) == entity.key:  # a singular entity: one instance named after the entity
                plural[entity.plural] = {entity.key: value or {}}
            else:
                if not isinstance(value, dict):
                    raise TestFileError(f"{key}: expected a mapping of ids to their values")
                plural[entity.plural] = {str(i): v or {} for i, v in value.items()}
        persons = plural.get(self.pack.person.plural, {})
        person_ids = list(persons)
        group_ids: dict[str, list[str]] = {}
        membership: dict[str, np.ndarray] = {}
        roles: dict[str, np.ndarray] = {}
        group_values: dict[str, dict[str, Any]] = {}
        for group in self.pack.groups:
            instances = plural.get(group.plural)
            ids: list[str] = []
            member_of = np.full(len(person_ids), -1)
            role_of = np.full(len(person_ids), group.roles[0].key, dtype=object)
            for gid, spec in (instances or {}).items():
                ids.append(gid)
                values: dict[str, Any] = {}
                for key, value in spec.items():
                    role = group.role(str(key))
                    if role is None:
                        values[str(key)] = value
                        continue
                    members = value if isinstance(value, list) else [value]
                    for member in members:
                        member = str(member)
                        if member not in person_ids:
                            raise TestFileError(f"{group.key} {gid}: {member!r} is not among the persons")
                        index = person_ids.index(member)
                        if member_of[index] != -1:
                            raise TestFileError(f"{member!r} is in two {group.plural}")
                        member_of[index] = len(ids) - 1
                        role_of[index] = role.key
                group_values[gid] = values
            for index, person in enumerate(person_ids):  # persons not placed get a group of their own
                if member_of[index] == -1:
                    ids.append(person)
                    member_of[index] = len(ids) - 1
            group_ids[group.key] = ids
            membership[group.key] = member_of.astype(np.int64)
            roles[group.key] = role_of
            plural.setdefault(group.plural, {})
            plural[group.plural] = {**{g: group_values.get(g, {}) for g in ids}}
        situation = Situation(person_ids, group_ids, membership, roles)
        simulation = Simulation(self.pack, situation)
        for entity in (self.pack.person, *self.pack.groups):
            instances = plural.get(entity.plural, {})
            ids = person_ids if entity.is_person else group_ids[entity.key]
            for name in sorted({str(k) for spec in instances.values() for k in (spec or {})}):
                if entity.is_person is False and entity.role(name) is not None:
                    continue
                variable = self.pack.variables.get(name)
                if variable is None:
                    raise TestFileError(f"unknown variable {name!r} in the input")
                if variable.entity != entity.key:
                    raise TestFileError(f"{name} is per {variable.entity}, given per {entity.key}")
                self.set_by_instance(simulation, entity, ids, instances, name)
        return simulation

    def set_by_instance(self, simulation: Simulation, entity: Entity, ids: list[str],
                        instances: dict[str, Any], name: str) -> None:
        by_period: dict[Period, dict[int, Any]] = {}
        for index, iid in enumerate(ids):
            value = (instances.get(iid) or {}).get(name)
            if value is None:
                continue
            for period, dated in self.dated(name, value):
                by_period.setdefault(period, {})[index] = dated
        variable = self.pack.variables[name]
        # Shorter periods first, as OpenFisca's builder does, so a year's value fills only the months not given.
        for period in sorted(by_period, key=_period_size):
            if variable.end is not None and period.unit != "eternity" and period.start > variable.end:
                continue
            array = np.array(simulation.default(variable, len(ids)), dtype=object)
            for index, value in by_period[period].items():
                array[index] = value
            simulation.set_input(name, period, list(array))

    def dated(self, name: str, value: Any) -> list[tuple[Period, Any]]:
        if isinstance(value, dict):
            found = []
            for key, dated in value.items():
                try:
                    found.append((parse_period(key), dated))
                except PeriodError as exc:
                    raise TestFileError(f"{name}: {exc}") from None
            return found
        if self.default_period is None:
            raise TestFileError(f"{name}: a value without a period needs the test's `period`")
        return [(self.default_period, value)]

    def set(self, simulation: Simulation, name: str, value: Any) -> None:
        if name not in self.pack.variables:
            raise TestFileError(f"unknown variable {name!r} in the input")
        for period, dated in sorted(self.dated(name, value), key=lambda pair: _period_size(pair[0])):
            simulation.set_input(name, period, dated)


def _period_size(period: Period) -> tuple[int, int]:
    return ({"month": 1, "year": 2, "eternity": 3}[period.unit], period.size)


def _margin(margin: Any, name: str) -> float | None:
    if isinstance(margin, dict):
        value = margin.get(name, margin.get("default"))
        return None if value is None else float(value)
    return None if margin is None else float(margin)


def _compare(simulation: Simulation, name: str, period: Period, expected: Any, test: dict[str, Any],
             index: int | None, where: str) -> str | None:
    variable = simulation.variable(name)
    values = simulation.calculate(name, period)
    actual = values if index is None else values[index:index + 1]
    expected_list = expected if isinstance(expected, list) else [expected]
    if variable.type in ("enum", "str"):
        target = np.array([str(e) for e in expected_list], dtype=object)
        if len(target) == 1:
            target = np.repeat(target, len(actual))
        if len(target) != len(actual) or not (actual.astype(str) == target.astype(str)).all():
            return f"{where}{name}@{period}: {list(actual)} differs from {list(target)}"
        return None
    if variable.type == "date":
        target = np.array([np.datetime64(str(e)) for e in expected_list], dtype="datetime64[D]")
        if not (actual == target).all():
            return f"{where}{name}@{period}: {[str(a) for a in actual]} differs from {[str(t) for t in target]}"
        return None
    numbers = []
    for item in expected_list:
        item = evaluate_expected(item)
        if isinstance(item, str):
            return f"{where}{name}@{period}: expected value {item!r} is not a number"
        numbers.append(float(item))
    target = np.array(numbers, dtype=np.float32)
    got = actual.astype(np.float32)
    absolute = _margin(test.get("absolute_error_margin"), name)
    relative = _margin(test.get("relative_error_margin"), name)
    if absolute is None and relative is None:
        absolute = 0.0
    diff = np.abs(target - got)
    if absolute is not None and not (diff <= absolute).all():
        return (f"{where}{name}@{period}: {_show(got)} differs from {_show(target)} with an absolute margin "
                f"{_show(diff)} > {absolute:g}")
    if relative is not None and not (diff <= np.abs(relative * target)).all():
        return (f"{where}{name}@{period}: {_show(got)} differs from {_show(target)} with a relative margin "
                f"{_show(diff)} > {_show(np.abs(relative * target))}")
    return None


def _show(array: np.ndarray) -> str:
    items = [f"{float(v):g}" if abs(float(v)) < 1e15 else str(v) for v in array]
    return items[0] if len(items) == 1 else "[" + ", ".join(items) + "]"


def run_test(pack: Pack, test: dict[str, Any], file: str = "") -> TestResult:
    name = str(test.get("name", ""))
    result = TestResult(file, name)
    unexpected = set(test) - TEST_KEYS
    if unexpected:
        result.failures.append(f"unexpected keys {sorted(unexpected)}")
        return result
    if test.get("reforms") or test.get("extensions"):
        result.failures.append("reforms and extensions are Python code in OpenFisca; not supported here")
        return result
    if not test.get("output"):
        result.failures.append("missing key 'output'")
        return result
    try:
        period = parse_period(test["period"]) if test.get("period") is not None else None
        simulation = _Builder(pack, period).build(test.get("input") or {})
        only = test.get("only_variables")
        ignored = set(test.get("ignore_variables") or [])
        for variable, expected, index, where in _checks(pack, simulation, test["output"]):
            if variable in ignored or (only is not None and variable not in only):
                continue
            for at, value in _by_period(expected, period):
                result.checked += 1
                failure = _compare(simulation, variable, at, value, test, index, where)
                if failure:
                    result.failures.append(failure)
    except (TestFileError, EvaluationError, PeriodError, ValueError) as exc:
        result.failures.append(str(exc))
    return result


def _by_period(expected: Any, period: Period | None) -> list[tuple[Period, Any]]:
    if isinstance(expected, dict):
        return [(parse_period(k), v) for k, v in expected.items()]
    if period is None:
        raise TestFileError("an expected value without a period needs the test's `period`")
    return [(period, expected)]


def _checks(pack: Pack, simulation: Simulation, output: dict[str, Any]) -> list[tuple[str, Any, int | None, str]]:
    found: list[tuple[str, Any, int | None, str]] = []
    for key, expected in output.items():
        key = str(key)
        if key in pack.variables:
            found.append((key, expected, None, ""))
            continue
        entity = pack.entity_by_name(key)
        if entity is None:
            raise TestFileError(f"unknown variable or entity {key!r} in the output")
        if key == entity.key:
            for name, value in (expected or {}).items():
                _known(pack, str(name))
                found.append((str(name), value, None, f"{key}: "))
            continue
        ids = simulation.situation.person_ids if entity.is_person else simulation.situation.group_ids[entity.key]
        for iid, values in (expected or {}).items():
            if str(iid) not in ids:
                raise TestFileError(f"{key}: no {entity.key} {iid!r} in the input")
            for name, value in (values or {}).items():
                _known(pack, str(name))
                found.append((str(name), value, ids.index(str(iid)), f"{iid}: "))
    return found


def _known(pack: Pack, name: str) -> None:
    if name not in pack.variables:
        raise TestFileError(f"unknown variable {name!r} in the output")


def run_file(pack: Pack, path: Path) -> list[TestResult]:
    results = []
    for test in read_tests(path):
        if not isinstance(test, dict):
            results.append(TestResult(str(path), "", [f"a test must be a mapping, not {test!r}"]))
            continue
        results.append(run_test(pack, test, str(path)))
    return results


def test_files(paths: Iterable[Path]) -> list[Path]:
    """The YAML files named, and those under the directories named (as openfisca test walks them)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*.y*ml") if p.suffix in (".yaml", ".yml")))
        else:
            found.append(path)
    return found


def pack_knows(pack: Pack, tests: list[dict[str, Any]]) -> bool:
    """Whether a pack defines every variable the tests use (ids and roles aside)."""
    names = set()
    for test in tests:
        for part in ("input", "output"):
            section = test.get(part) or {}
            for key, value in section.items():
                entity = pack.entity_by_name(str(key))
                if entity is None:
                    names.add(str(key))
                    continue
                instances = {entity.key: value} if str(key) == entity.key else (value or {})
                for spec in instances.values():
                    for inner in (spec or {}):
                        if entity.role(str(inner)) is None:
                            names.add(str(inner))
    return names <= set(pack.variables)


def today_period() -> Period:
    day = dt.date.today()
    return Period("month", dt.date(day.year, day.month, 1))
