"""YAML read with the line of every key, so the problems of a standards pack, a grade scale, a rule pack, an index
model or a questionnaire point at file and line."""

from __future__ import annotations

from typing import Any

import yaml

from govcx.errors import InvalidInput, Problem

YamlPath = tuple[str | int, ...]


class Lines:
    """The 1-based line of each path (keys and list positions from the root) of one YAML document."""

    def __init__(self, file: str, index: dict[YamlPath, int]) -> None:
        self.file = file
        self.index = index

    def of(self, path: YamlPath) -> int | None:
        for end in range(len(path), -1, -1):
            if path[:end] in self.index:
                return self.index[path[:end]]
        return None

    def problem(self, message: str, path: YamlPath, item: str | None = None) -> Problem:
        field = ".".join(str(p) for p in path)
        return Problem(message, file=self.file, line=self.of(path), item=item, field=field)


def _index(node: yaml.Node, path: YamlPath, index: dict[YamlPath, int]) -> None:
    index[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = _key(key_node)
            _index(value_node, (*path, key), index)
            index[(*path, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _index(item, (*path, i), index)


def _key(node: yaml.Node) -> str | int:
    # Keys are indexed as the loader presents them: dates and numbers as their text.
    return str(node.value)


def load(text: str, file: str) -> tuple[Any, Lines]:
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InvalidInput([Problem(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=file,
                                    line=mark.line + 1 if mark else None)]) from None
    index: dict[YamlPath, int] = {}
    if node is not None:
        _index(node, (), index)
    return data, Lines(file, index)
