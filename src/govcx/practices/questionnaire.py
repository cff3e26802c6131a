"""The self-assessment questionnaire of management practices, read from YAML and validated, with every problem
reported by file, line and field (as standards packs and rule packs are); and the quarters assessments are for.

The shipped questionnaire follows the five functions of the CX capacity assessment of OMB Circular A-11,
Section 280 (docs/maturity-practices.md), each with five staged levels in plain words, English and Russian. Its
`contradictions` say, as data, which evidence from the other areas contradicts a high self-score.

Plain Python, no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from govcx.common.yamlfile import load
from govcx.errors import InvalidInput, Problem

QUESTIONNAIRES_DIR = Path(__file__).parent / "questionnaires"
LEVELS = (1, 2, 3, 4, 5)

#: The evidence a contradiction rule may name, and whether it is a count (services, responses, studies) or a share.
EVIDENCE_KINDS: dict[str, str] = {
    "feedback_responses": "count",  # citizens' survey responses about the authority's services
    "lab_studies": "count",  # lab studies of the authority's services with a session held
    "services_assessed": "count",  # the authority's services assessed against a standards pack
    "services_ready_at_launch": "count",  # of them, with a verdict that lets them launch
    "training_coverage": "share",  # share of the authority's staff on a training roster who are trained
}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Text(_Strict):
    """A text a person reads, in both languages of the site."""

    en: str = Field(min_length=1)
    ru: str = Field(min_length=1)

    def in_language(self, language: str) -> str:
        return self.ru if language.startswith("ru") else self.en


class Function(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z_]*$")
    name: Text
    question: Text
    levels: dict[int, Text]

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, levels: dict[int, Text]) -> dict[int, Text]:
        if sorted(levels) != list(LEVELS):
            raise ValueError(f"levels must be exactly 1, 2, 3, 4 and 5 (found {sorted(levels)})")
        return levels


class ContradictionRule(_Strict):
    """A self-score of at least `min_level` for `function` is contradicted when the evidence is below `below`,
    counted over the `window_quarters` quarters that end with the assessment's."""

    function: str
    min_level: int = Field(ge=1, le=5)
    evidence: str
    below: float = Field(ge=0)
    window_quarters: int = Field(default=1, ge=1, le=12)
    reason: Text

    @field_validator("evidence")
    @classmethod
    def _known_evidence(cls, evidence: str) -> str:
        if evidence not in EVIDENCE_KINDS:
            raise ValueError(f"unknown evidence {evidence!r}; known: {sorted(EVIDENCE_KINDS)}")
        return evidence

    @model_validator(mode="after")
    def _share_below_one(self) -> ContradictionRule:
        if EVIDENCE_KINDS[self.evidence] == "share" and self.below > 1:
            raise ValueError(f"{self.evidence} is a share: `below` must be between 0 and 1")
        return self


class Questionnaire(_Strict):
    code: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    version: int = Field(ge=1)
    title: Text
    source: str = Field(min_length=1)
    functions: list[Function] = Field(min_length=1)
    contradictions: list[ContradictionRule] = Field(default_factory=list)

    @property
    def key(self) -> str:
        """The questionnaire and version an assessment is filled against ("a11-cx-capacity@1")."""
        return f"{self.code}@{self.version}"

    def function(self, code: str) -> Function | None:
        return next((f for f in self.functions if f.code == code), None)

    @property
    def function_codes(self) -> tuple[str, ...]:
        return tuple(f.code for f in self.functions)


def _consistency(questionnaire: Questionnaire) -> list[tuple[tuple[str | int, ...], str]]:
    problems: list[tuple[tuple[str | int, ...], str]] = []
    seen: set[str] = set()
    for i, function in enumerate(questionnaire.functions):
        if function.code in seen:
            problems.append((("functions", i, "code"), f"function {function.code!r} is listed twice"))
        seen.add(function.code)
    for i, rule in enumerate(questionnaire.contradictions):
        if rule.function not in seen:
            problems.append((("contradictions", i, "function"),
                             f"unknown function {rule.function!r}; known: {sorted(seen)}"))
    return problems


def parse_questionnaire(text: str, file: str = "<questionnaire>") -> Questionnaire:
    """Validate a questionnaire's YAML text. Raises InvalidInput listing every problem found with its line."""
    data, lines = load(text, file)
    if not isinstance(data, dict):
        raise InvalidInput([Problem("the file must hold a mapping (key: value pairs)", file=file, line=1)])
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = tuple(str(p) if not isinstance(p, int) else p for p in error["loc"])
            problems.append(lines.problem(error["msg"].removeprefix("Value error, "), loc))
        raise InvalidInput(problems) from None
    found = [lines.problem(message, path) for path, message in _consistency(questionnaire)]
    if found:
        raise InvalidInput(found)
    return questionnaire


def read_questionnaire(path: Path) -> Questionnaire:
    return parse_questionnaire(path.read_text(encoding="utf-8"), path.name)


@cache
def shipped_questionnaires() -> dict[str, Questionnaire]:
    """Every questionnaire shipped with govcx, by key (code@version)."""
    found = [read_questionnaire(path) for path in sorted(QUESTIONNAIRES_DIR.glob("*.yaml"))]
    return {q.key: q for q in found}


def current_questionnaire() -> Questionnaire:
    """The newest version of the shipped questionnaire: new assessments are filled against it."""
    return max(shipped_questionnaires().values(), key=lambda q: (q.code, q.version))


def questionnaire_for(key: str) -> Questionnaire:
    """The questionnaire an assessment was filled against (an older version stays readable)."""
    try:
        return shipped_questionnaires()[key]
    except KeyError:
        raise InvalidInput([Problem(f"unknown questionnaire {key!r}", field="questionnaire")]) from None


# --- quarters ---------------------------------------------------------------------------------------------------

_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int

    def __str__(self) -> str:
        return f"{self.year}Q{self.number}"

    @property
    def starts_on(self) -> dt.date:
        return dt.date(self.year, 3 * self.number - 2, 1)

    @property
    def ends_on(self) -> dt.date:
        """The first day after the quarter (periods are half-open)."""
        return self.shifted(1).starts_on

    def shifted(self, quarters: int) -> Quarter:
        index = self.year * 4 + self.number - 1 + quarters
        return Quarter(index // 4, index % 4 + 1)

    def window(self, quarters: int) -> tuple[dt.date, dt.date]:
        """[start, end) of the `quarters` quarters ending with this one."""
        return self.shifted(1 - quarters).starts_on, self.ends_on


def parse_quarter(text: Any, field: str = "period") -> Quarter:
    """A period written as a quarter ("2026Q3"). Raises InvalidInput naming the field."""
    match = _QUARTER.match(str(text).strip()) if isinstance(text, str) else None
    if not match:
        raise InvalidInput([Problem(f"a period is a quarter written like 2026Q3, not {text!r}", field=field)])
    return Quarter(int(match.group(1)), int(match.group(2)))


def quarter_of(day: dt.date) -> Quarter:
    return Quarter(day.year, (day.month - 1) // 3 + 1)
