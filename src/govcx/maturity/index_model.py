"""Index models as data: read and validate a YAML index model, reporting every problem by file, line and field.

An index model names its dimensions (each a measure of `measure_names`, a weight, a scale given either as
`min`/`max` — the value mapped linearly onto 0–100 — or as a `target` — the share of the target reached, capped
at 100 — and, optionally, a direction that overrides the measure's own), its grade bands (best first, each with
the lowest score on 0–100 that earns it and its title in English and Russian), the minimum coverage (the share
of the weights whose dimensions must have evidence for the index to be computed) and its version.

Plain Python, no Django. YAML lines come from the same reader the proactive rule packs use.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from govcx.common.yamlfile import Lines, load
from govcx.errors import InvalidInput, Problem
from govcx.maturity.measure_names import is_known, measure

__all__ = ["Dimension", "GradeBand", "IndexModel", "MODELS_DIR", "model_from_text", "read_model", "shipped_models"]

MODELS_DIR = Path(__file__).parent / "models"
WEIGHT_TOLERANCE = 1e-6
_TOP_KEYS = {"id", "version", "title_en", "title_ru", "description_en", "description_ru", "source_note_en",
             "source_note_ru", "minimum_coverage", "dimensions", "grades"}
_DIMENSION_KEYS = {"measure", "weight", "scale", "direction"}
_SCALE_KEYS = {"min", "max", "target"}
_GRADE_KEYS = {"grade", "min_score", "title_en", "title_ru"}


@dataclass(frozen=True, slots=True)
class Dimension:
    measure: str
    weight: float
    higher_is_better: bool
    scale_min: float | None = None
    scale_max: float | None = None
    target: float | None = None


@dataclass(frozen=True, slots=True)
class GradeBand:
    grade: str
    min_score: float
    title_en: str
    title_ru: str


@dataclass(frozen=True, slots=True)
class IndexModel:
    id: str
    version: str
    title_en: str
    title_ru: str
    minimum_coverage: float
    dimensions: tuple[Dimension, ...]
    grades: tuple[GradeBand, ...]
    description_en: str = ""
    description_ru: str = ""
    source_note_en: str = ""
    source_note_ru: str = ""
    sha256: str = ""

    @property
    def measures(self) -> list[str]:
        return [d.measure for d in self.dimensions]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _text(data: dict[str, Any], key: str, lines: Lines, problems: list[Problem], path: tuple[str | int, ...] = (),
          required: bool = True) -> str:
    value = data.get(key)
    if value is None or value == "":
        if required:
            problems.append(lines.problem(f"{key} is required", (*path, key) if key in data else path or (key,)))
        return ""
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        problems.append(lines.problem(f"{key} must be text", (*path, key)))
        return ""
    return str(value)


def _unknown_keys(data: dict[str, Any], allowed: set[str], lines: Lines, path: tuple[str | int, ...],
                  problems: list[Problem]) -> None:
    for key in data:
        if key not in allowed:
            problems.append(lines.problem(f"unknown field {key!r} (known: {', '.join(sorted(allowed))})",
                                          (*path, str(key))))


def _dimension(raw: Any, i: int, lines: Lines, problems: list[Problem]) -> Dimension | None:
    path: tuple[str | int, ...] = ("dimensions", i)
    if not isinstance(raw, dict):
        problems.append(lines.problem("a dimension is a mapping with measure, weight and scale", path))
        return None
    _unknown_keys(raw, _DIMENSION_KEYS, lines, path, problems)
    start = len(problems)
    name = _text(raw, "measure", lines, problems, path)
    if name and not is_known(name):
        problems.append(lines.problem(f"no area provides a measure called {name!r}", (*path, "measure")))
    weight = _number(raw.get("weight"))
    if weight is None or weight <= 0 or weight > 1:
        problems.append(lines.problem("weight must be a number above 0 and at most 1", (*path, "weight")))
    direction = raw.get("direction")
    if direction not in (None, "higher_is_better", "lower_is_better"):
        problems.append(lines.problem("direction is higher_is_better or lower_is_better", (*path, "direction")))
    scale = raw.get("scale")
    low = high = target = None
    if not isinstance(scale, dict):
        problems.append(lines.problem("scale is a mapping: min and max, or target", (*path, "scale")))
    else:
        _unknown_keys(scale, _SCALE_KEYS, lines, (*path, "scale"), problems)
        low, high, target = _number(scale.get("min")), _number(scale.get("max")), _number(scale.get("target"))
        if "target" in scale:
            if "min" in scale or "max" in scale:
                problems.append(lines.problem("give either min and max or a target, not both", (*path, "scale")))
            elif target is None or target <= 0:
                problems.append(lines.problem("target must be a number above 0", (*path, "scale", "target")))
        elif low is None or high is None:
            problems.append(lines.problem("scale needs numbers min and max (or a target)", (*path, "scale")))
        elif low >= high:
            problems.append(lines.problem(f"scale min ({low:g}) must be below max ({high:g})", (*path, "scale", "min")))
    if len(problems) > start or weight is None:
        return None
    higher = measure(name).higher_is_better if direction is None else direction == "higher_is_better"
    return Dimension(name, weight, higher, low if target is None else None, high if target is None else None, target)


def _grades(raw: Any, lines: Lines, problems: list[Problem]) -> list[GradeBand]:
    if not isinstance(raw, list) or not raw:
        problems.append(lines.problem("grades is a list of bands, best first", ("grades",)))
        return []
    bands: list[GradeBand] = []
    seen: set[str] = set()
    for i, band in enumerate(raw):
        path: tuple[str | int, ...] = ("grades", i)
        if not isinstance(band, dict):
            problems.append(lines.problem("a grade band is a mapping: grade, min_score, title_en, title_ru", path))
            continue
        _unknown_keys(band, _GRADE_KEYS, lines, path, problems)
        grade = _text(band, "grade", lines, problems, path)
        titles = [_text(band, key, lines, problems, path) for key in ("title_en", "title_ru")]
        score = _number(band.get("min_score"))
        if score is None or not 0 <= score <= 100:
            problems.append(lines.problem("min_score must be a number from 0 to 100", (*path, "min_score")))
            continue
        if grade in seen:
            problems.append(lines.problem(f"grade {grade!r} appears twice", (*path, "grade")))
        seen.add(grade)
        if bands and score >= bands[-1].min_score:
            problems.append(lines.problem(f"bands go best first: min_score {score:g} must be below the band above's "
                                          f"{bands[-1].min_score:g}", (*path, "min_score")))
        bands.append(GradeBand(grade, score, *titles))
    if bands and bands[-1].min_score != 0:
        problems.append(lines.problem("the last band must start at min_score 0, so every score has a grade",
                                      ("grades", len(raw) - 1, "min_score")))
    return bands


def model_from_text(text: str, file: str) -> IndexModel:
    """The validated index model in `text`; InvalidInput listing every problem (file, line, field) otherwise."""
    data, lines = load(text, file)
    if not isinstance(data, dict):
        raise InvalidInput([Problem("the file must hold a mapping (key: value pairs)", file=file, line=1)])
    problems: list[Problem] = []
    _unknown_keys(data, _TOP_KEYS, lines, (), problems)
    identity = _text(data, "id", lines, problems)
    version = _text(data, "version", lines, problems)
    titles = [_text(data, key, lines, problems) for key in ("title_en", "title_ru")]
    notes = [_text(data, key, lines, problems, required=False)
             for key in ("description_en", "description_ru", "source_note_en", "source_note_ru")]
    coverage = _number(data.get("minimum_coverage"))
    if coverage is None or not 0 < coverage <= 1:
        problems.append(lines.problem("minimum_coverage must be a share above 0 and at most 1",
                                      ("minimum_coverage",)))
    raw_dimensions = data.get("dimensions")
    dimensions: list[Dimension] = []
    if not isinstance(raw_dimensions, list) or not raw_dimensions:
        problems.append(lines.problem("dimensions is a list of at least one dimension", ("dimensions",)))
    else:
        seen: set[str] = set()
        for i, raw in enumerate(raw_dimensions):
            found = _dimension(raw, i, lines, problems)
            if found is None:
                continue
            if found.measure in seen:
                problems.append(lines.problem(f"measure {found.measure!r} appears twice",
                                              ("dimensions", i, "measure")))
            seen.add(found.measure)
            dimensions.append(found)
        if len(dimensions) == len(raw_dimensions):
            total = sum(d.weight for d in dimensions)
            if abs(total - 1) > WEIGHT_TOLERANCE:
                problems.append(lines.problem(f"the weights add up to {total:g}, not 1", ("dimensions",)))
    grades = _grades(data.get("grades"), lines, problems)
    if problems:
        raise InvalidInput(problems)
    assert coverage is not None
    return IndexModel(identity, version, titles[0], titles[1], coverage, tuple(dimensions), tuple(grades),
                      description_en=notes[0], description_ru=notes[1], source_note_en=notes[2],
                      source_note_ru=notes[3], sha256=hashlib.sha256(text.encode()).hexdigest())


def read_model(path: Path) -> IndexModel:
    return model_from_text(path.read_text(encoding="utf-8"), path.name)


def shipped_models() -> list[IndexModel]:
    """The index models shipped with govcx (`maturity/models/*.yaml`), by id."""
    return sorted((read_model(p) for p in MODELS_DIR.glob("*.yaml")), key=lambda m: m.id)
