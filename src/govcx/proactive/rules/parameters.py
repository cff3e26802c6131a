"""Dated parameters in OpenFisca's parameter format.

A leaf has `values:` by date (`2015-12-01: {value: 600}` or `2015-12-01: 600`); the value in force on a day is
the one of the latest date not after it; `null` ends the parameter; `expected` is a placeholder and ignored.
`metadata.reference` (on the parameter or on one dated value) cites the legal act. A scale has `brackets:`
(each a `threshold` and a `rate` or an `amount`, themselves dated): marginal rates by default, marginal amounts
when brackets carry amounts, a single amount when `metadata.type` is `single_amount` (OpenFisca's three
`calc` rules). A directory is a node, its files children, `index.yaml` the node's own description.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from govcx.common.yamlfile import Lines, YamlPath, load
from govcx.errors import Problem
from govcx.proactive.rules.periods import PeriodError, parse_instant

NODE_KEYS = {"description", "metadata", "documentation", "reference", "unit"}
BRACKET_FIELDS = ("threshold", "rate", "amount", "average_rate", "base")


class ParameterNotFound(LookupError):
    def __init__(self, name: str, instant: dt.date) -> None:
        super().__init__(f"parameter {name} has no value on {instant.isoformat()}")
        self.name = name
        self.instant = instant


@dataclass(frozen=True)
class DatedValue:
    start: dt.date
    value: float | int | bool | str | None  # None ends the parameter
    reference: str = ""


@dataclass
class Parameter:
    name: str
    values: list[DatedValue]  # newest first
    description: str = ""
    reference: str = ""
    unit: str = ""

    def at(self, instant: dt.date) -> DatedValue:
        for dated in self.values:
            if dated.start <= instant:
                if dated.value is None:
                    raise ParameterNotFound(self.name, instant)
                return dated
        raise ParameterNotFound(self.name, instant)

    def value_at(self, instant: dt.date) -> Any:
        return self.at(instant).value


@dataclass(frozen=True)
class ScaleAt:
    """A scale as in force on one day: thresholds ascending with their rates or amounts."""

    name: str
    kind: str  # marginal_rate | marginal_amount | single_amount
    thresholds: tuple[float, ...]
    values: tuple[float, ...]

    def calc(self, base: Any) -> Any:
        """OpenFisca's `calc` of the three scale kinds, vectorised over `base`."""
        import numpy as np  # here, not at the top: loading a pack (the URL map's catalogue) needs no NumPy

        base = np.asarray(base, dtype=np.float64)
        if not self.thresholds:
            return np.zeros_like(base)
        if self.kind == "single_amount":
            edges = np.array([-np.inf, *self.thresholds, np.inf])
            amounts = np.array([0.0, *self.values, 0.0])
            return amounts[np.digitize(base, edges) - 1]
        lows = np.array(self.thresholds)
        highs = np.array([*self.thresholds[1:], np.inf])
        spans = np.maximum(np.minimum(base[..., None], highs) - lows, 0)
        if self.kind == "marginal_amount":
            return (spans > 0).astype(np.float64) @ np.array(self.values)
        return spans @ np.array(self.values)


@dataclass
class Scale:
    name: str
    kind: str
    brackets: list[dict[str, Parameter]]
    description: str = ""
    reference: str = ""

    def at(self, instant: dt.date) -> ScaleAt:
        rows: list[tuple[float, float]] = []
        value_field = "amount" if self.kind != "marginal_rate" else "rate"
        for bracket in self.brackets:
            try:
                threshold = bracket["threshold"].value_at(instant)
            except (ParameterNotFound, KeyError):
                continue  # a bracket not yet (or no longer) in force
            try:
                value = bracket[value_field].value_at(instant) if value_field in bracket else 0
            except ParameterNotFound:
                value = 0
            rows.append((float(threshold), float(value)))
        rows.sort(key=lambda row: row[0])
        return ScaleAt(self.name, self.kind, tuple(r[0] for r in rows), tuple(r[1] for r in rows))


@dataclass
class Node:
    name: str
    children: dict[str, Node | Parameter | Scale] = field(default_factory=dict)
    description: str = ""

    def find(self, dotted: str) -> Node | Parameter | Scale | None:
        current: Node | Parameter | Scale = self
        for part in dotted.split(".") if dotted else []:
            if not isinstance(current, Node) or part not in current.children:
                return None
            current = current.children[part]
        return current

    def leaves(self) -> Iterator[Parameter | Scale]:
        for child in self.children.values():
            if isinstance(child, Node):
                yield from child.leaves()
            else:
                yield child

    def at(self, instant: dt.date) -> NodeAt:
        return NodeAt(self, instant)


class NodeAt(Mapping[str, Any]):
    """A node's children as in force on one day: numbers, scales, nested nodes (OpenFisca's `parameters(period)`)."""

    def __init__(self, node: Node, instant: dt.date) -> None:
        self.node = node
        self.instant = instant

    def __getitem__(self, key: str) -> Any:
        child = self.node.children[key]
        if isinstance(child, Node):
            return child.at(self.instant)
        if isinstance(child, Scale):
            return child.at(self.instant)
        return child.value_at(self.instant)

    def __iter__(self) -> Iterator[str]:
        return iter(self.node.children)

    def __len__(self) -> int:
        return len(self.node.children)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return str(value)


class ParameterReader:
    """Builds a parameter tree from OpenFisca-format YAML, collecting problems with file and line."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def read_directory(self, directory: Path, name: str = "") -> Node:
        node = Node(name)
        for path in sorted(directory.iterdir()):
            child_name = f"{name}.{path.stem}" if name else path.stem
            if path.is_dir():
                node.children[path.name] = self.read_directory(path, child_name)
            elif path.suffix in (".yaml", ".yml"):
                data, lines = load(path.read_text(encoding="utf-8"), str(path))
                if path.stem == "index":
                    node.description = _text((data or {}).get("description"))
                    continue
                node.children[path.stem] = self.read(data, lines, (), child_name)
        return node

    def read(self, data: Any, lines: Lines, path: YamlPath, name: str) -> Node | Parameter | Scale:
        if not isinstance(data, dict):
            self.problems.append(lines.problem(
                "a parameter needs values by date (values: {2020-01-01: {value: ...}})", path, item=name))
            return Parameter(name, [])
        metadata = data.get("metadata") or {}
        reference = _text(data.get("reference") or metadata.get("reference"))
        description = _text(data.get("description"))
        if "values" in data:
            return Parameter(name, self._dated(data["values"], lines, (*path, "values"), name), description,
                             reference, _text(metadata.get("unit")))
        if "brackets" in data:
            return self._scale(data, lines, path, name, metadata, description, reference)
        node = Node(name, description=description)
        for key, child in data.items():
            if key in NODE_KEYS:
                continue
            node.children[str(key)] = self.read(child, lines, (*path, str(key)), f"{name}.{key}" if name else str(key))
        return node

    def _dated(self, values: Any, lines: Lines, path: YamlPath, name: str) -> list[DatedValue]:
        if not isinstance(values, dict) or not values:
            self.problems.append(lines.problem("a parameter needs values by date", path, item=name))
            return []
        found: list[DatedValue] = []
        for key, entry in values.items():
            entry_path = (*path, str(key))
            try:
                start = parse_instant(key)
            except PeriodError:
                self.problems.append(lines.problem(
                    f"parameter value without a date: {key!r} is not a date (write 2020-01-01)", entry_path, item=name))
                continue
            reference = ""
            if isinstance(entry, dict):
                if "value" not in entry:
                    self.problems.append(lines.problem("a dated entry needs `value:`", entry_path, item=name))
                    continue
                reference = _text((entry.get("metadata") or {}).get("reference") or entry.get("reference"))
                entry = entry["value"]
            if entry == "expected":
                continue  # OpenFisca's placeholder for an expected change: no effect on calculations
            if entry is not None and not isinstance(entry, (int, float, bool, str)):
                self.problems.append(lines.problem(f"a parameter value must be a number, not {entry!r}",
                                                   entry_path, item=name))
                continue
            found.append(DatedValue(start, entry, reference))
        found.sort(key=lambda d: d.start, reverse=True)
        return found

    def _scale(self, data: dict[str, Any], lines: Lines, path: YamlPath, name: str, metadata: dict[str, Any],
               description: str, reference: str) -> Scale:
        raw = data["brackets"]
        brackets: list[dict[str, Parameter]] = []
        if not isinstance(raw, list):
            self.problems.append(lines.problem("brackets must be a list", (*path, "brackets"), item=name))
            raw = []
        has_amount = False
        for i, bracket in enumerate(raw):
            bpath = (*path, "brackets", i)
            if not isinstance(bracket, dict) or "threshold" not in bracket:
                self.problems.append(lines.problem("a bracket needs a threshold", bpath, item=name))
                continue
            parsed: dict[str, Parameter] = {}
            for key in BRACKET_FIELDS:
                if key in bracket:
                    parsed[key] = Parameter(f"{name}[{i}].{key}",
                                            self._dated(bracket[key], lines, (*bpath, key), f"{name}[{i}].{key}"))
            has_amount = has_amount or "amount" in parsed
            brackets.append(parsed)
        kind = metadata.get("type") or ("marginal_amount" if has_amount else "marginal_rate")
        if kind not in ("marginal_rate", "marginal_amount", "single_amount"):
            self.problems.append(lines.problem(f"unknown scale type {kind!r}", (*path, "metadata", "type"), item=name))
            kind = "marginal_rate"
        return Scale(name, str(kind), brackets, description, reference)
