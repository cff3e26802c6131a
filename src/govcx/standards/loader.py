"""Read and validate standards packs and grade scales from YAML, reporting errors by file, line and field.

Plain Python, no Django.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from govcx.common.yamlfile import Lines, YamlPath, load
from govcx.errors import InvalidInput, Problem
from govcx.standards.checks import param_errors
from govcx.standards.schema import (
    CONSISTENCY_DEFERRED,
    GradeScale,
    GradeScaleFile,
    Pack,
    consistency_problems,
)

PACKS_DIR = Path(__file__).parent / "packs"
GRADE_SCALES_FILE = Path(__file__).parent / "grade_scales.yaml"

@dataclass(frozen=True)
class LoadedPack:
    pack: Pack
    content: dict[str, Any]
    sha256: str
    file: str


def _field_name(loc: YamlPath) -> str:
    parts: list[str] = []
    for part in loc:
        if isinstance(part, int):
            parts[-1:] = [f"{parts[-1]}[{part}]"] if parts else [f"[{part}]"]
        else:
            parts.append(str(part))
    return ".".join(parts)


def _parse_yaml(text: str, file: str) -> tuple[dict[str, Any], Lines]:
    data, lines = load(text, file)
    if not isinstance(data, dict):
        raise InvalidInput([Problem("the file must hold a mapping (key: value pairs)", file=file, line=1)])
    return data, lines


def _pydantic_problems(exc: ValidationError, file: str, lines: Lines) -> list[Problem]:
    problems = []
    for error in exc.errors():
        loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        message = error["msg"].removeprefix("Value error, ")
        problems.append(Problem(message, file=file, line=lines.of(loc), field=_field_name(loc)))
    return problems


def _check_problems(data: dict[str, Any], file: str, lines: Lines) -> list[Problem]:
    """Every check a requirement names must be installed and given valid parameters."""
    problems = []

    def walk(groups: list[dict[str, Any]], path: YamlPath) -> None:
        for gi, group in enumerate(groups):
            gpath = (*path, gi)
            walk(group.get("groups", []), (*gpath, "groups"))
            for ri, requirement in enumerate(group.get("requirements", [])):
                for ci, spec in enumerate(requirement.get("checks", [])):
                    cpath = (*gpath, "requirements", ri, "checks", ci)
                    name, params = spec.get("check", ""), spec.get("params") or {}
                    unknown = param_errors(name, {})
                    # An unknown check is reported at its name; otherwise each bad parameter at its own line.
                    located = [((*cpath, "check"), m) for m in unknown] or [
                        ((*cpath, "params", key), m) for key, value in params.items()
                        for m in param_errors(name, {key: value})
                    ]
                    for path, message in located:
                        problems.append(
                            Problem(message, file=file, line=lines.of(path), field=_field_name(path))
                        )

    walk(data.get("groups", []), ("groups",))
    return problems


def parse_pack(text: str, file: str = "<pack>") -> LoadedPack:
    """Validate a pack's YAML text. Raises InvalidInput listing every problem found."""
    data, lines = _parse_yaml(text, file)
    try:
        pack = Pack.model_validate(data, context={CONSISTENCY_DEFERRED: True})
    except ValidationError as exc:
        raise InvalidInput(_pydantic_problems(exc, file, lines)) from None
    problems = [
        Problem(message, file=file, line=lines.of(loc), field=_field_name(loc))
        for loc, message in consistency_problems(pack)
    ]
    problems += _check_problems(data, file, lines)
    if pack.grade_scale not in grade_scales():
        problems.append(
            Problem(f"unknown grade scale {pack.grade_scale!r}; known: {sorted(grade_scales())}", file=file,
                    line=lines.of(("grade_scale",)), field="grade_scale")
        )
    if problems:
        raise InvalidInput(problems)
    content = pack.model_dump(mode="json")
    return LoadedPack(pack, content, hashlib.sha256(text.encode()).hexdigest(), file)


def read_pack(path: Path) -> LoadedPack:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput([Problem(f"cannot read the file: {exc}", file=str(path))]) from None
    return parse_pack(text, path.name)


def shipped_pack_files() -> list[Path]:
    return sorted(PACKS_DIR.glob("*.yaml"))


@cache
def grade_scales() -> dict[str, GradeScale]:
    text = GRADE_SCALES_FILE.read_text(encoding="utf-8")
    data, lines = _parse_yaml(text, GRADE_SCALES_FILE.name)
    try:
        parsed = GradeScaleFile.model_validate(data)
    except ValidationError as exc:
        raise InvalidInput(_pydantic_problems(exc, GRADE_SCALES_FILE.name, lines)) from None
    return {scale.id: scale for scale in parsed.scales}
