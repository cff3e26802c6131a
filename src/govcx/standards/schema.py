"""The schema of a standards pack: what a YAML file under ``standards/packs/`` must contain.

Plain pydantic, no Django: packs are validated by the CLI, the loader and the tests alike.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

IDENTIFIER = r"^[a-z0-9][a-z0-9_.\-]*$"
STAGES = ("design", "alpha", "beta", "live")


class ScoringScheme(StrEnum):
    """How one requirement is rated; every rating maps onto 0–100 for roll-ups."""

    MET_NOT_MET = "met_not_met"  # met | not_met
    RED_AMBER_GREEN = "red_amber_green"  # red | amber | green
    ZERO_FIFTY_HUNDRED = "zero_fifty_hundred"  # 0 | 50 | 100
    ONE_TO_FIVE = "one_to_five"  # 1..5
    WEIGHTED_PERCENTAGE = "weighted_percentage"  # 0..100, weighted by requirement weight


class Rollup(StrEnum):
    """How a group's score is made from its children's."""

    HIERARCHICAL_MEAN = "hierarchical_mean"  # weighted mean of children, level by level
    FLAT_WEIGHTED_MEAN = "flat_weighted_mean"  # weighted mean of all leaf requirements
    MINIMUM = "minimum"  # a group is as good as its weakest child


class EvidenceKind(StrEnum):
    DOCUMENT = "document"
    LINK = "link"
    OBSERVATION = "observation"
    INTERVIEW = "interview"
    LAB_STUDY = "lab_study"
    AUDIT = "audit"
    FEEDBACK = "feedback"
    DELIVERY_LOG = "delivery_log"
    PASSPORT = "passport"
    STATISTICS = "statistics"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Strict):
    """Text in English (required, the official wording where a source exists) and Russian."""

    en: str = Field(min_length=1)
    ru: str | None = None


class Source(Strict):
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    url: str | None = None
    published: dt.date | None = None
    licence: str | None = None
    note: str | None = None


class CheckSpec(Strict):
    """An automated check from the check registry, with its parameters."""

    check: Annotated[str, Field(pattern=IDENTIFIER)]
    params: dict[str, Any] = Field(default_factory=dict)


class Requirement(Strict):
    id: Annotated[str, Field(pattern=IDENTIFIER)]
    title: LocalizedText
    text: LocalizedText
    client_categories: list[str] | None = None  # None: the pack's categories
    stages: list[str] = Field(default_factory=lambda: list(STAGES))
    gate: bool = False
    weight: float = Field(default=1.0, gt=0)
    evidence: list[EvidenceKind] = Field(default_factory=list)
    checks: list[CheckSpec] = Field(default_factory=list)
    guidance: LocalizedText | None = None

    @field_validator("stages")
    @classmethod
    def _known_stages(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(STAGES))
        if unknown:
            raise ValueError(f"unknown stage(s) {unknown}; allowed: {list(STAGES)}")
        if not value:
            raise ValueError("a requirement applies to at least one stage")
        return value


class Group(Strict):
    id: Annotated[str, Field(pattern=IDENTIFIER)]
    title: LocalizedText
    description: LocalizedText | None = None
    client_categories: list[str] | None = None
    weight: float = Field(default=1.0, gt=0)
    groups: list[Group] = Field(default_factory=list)
    requirements: list[Requirement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _not_empty(self) -> Group:
        if not self.groups and not self.requirements:
            raise ValueError(f"group {self.id!r} has neither groups nor requirements")
        return self


class GradeBand(Strict):
    label: str = Field(min_length=1)
    min_score: float = Field(ge=0, le=100)


class GradeScale(Strict):
    id: Annotated[str, Field(pattern=IDENTIFIER)]
    title: LocalizedText
    bands: list[GradeBand] = Field(min_length=2)

    @field_validator("bands")
    @classmethod
    def _descending_from_best(cls, bands: list[GradeBand]) -> list[GradeBand]:
        scores = [b.min_score for b in bands]
        if scores != sorted(scores, reverse=True) or len(set(scores)) != len(scores):
            raise ValueError("bands must be listed best first with strictly decreasing min_score")
        if scores[-1] != 0:
            raise ValueError("the last band must start at 0 so that every score has a grade")
        return bands


class Pack(Strict):
    id: Annotated[str, Field(pattern=IDENTIFIER)]
    title: LocalizedText
    version: Annotated[str, Field(pattern=r"^\d+(\.\d+){0,2}$")]
    effective_from: dt.date
    effective_to: dt.date | None = None
    source: Source
    is_model: bool = False  # a model standard that an authority adapts, not an official one
    client_categories: list[str] = Field(min_length=1)
    scoring: ScoringScheme
    rollup: Rollup = Rollup.HIERARCHICAL_MEAN
    pass_threshold: float | None = Field(default=None, ge=0, le=100)
    grade_scale: Annotated[str, Field(pattern=IDENTIFIER)]
    description: LocalizedText | None = None
    groups: list[Group] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Pack:
        # The loader asks to check these itself, so that each problem names its own field and line.
        if info.context and info.context.get(CONSISTENCY_DEFERRED):
            return self
        problems = consistency_problems(self)
        if problems:
            raise ValueError("; ".join(message for _, message in problems))
        return self

    def requirements(self) -> list[Requirement]:
        return [n for n in iter_nodes(self.groups) if isinstance(n, Requirement)]


#: Validation context key: skip `Pack`'s cross-field checks (the caller runs `consistency_problems`).
CONSISTENCY_DEFERRED = "consistency_deferred"


def consistency_problems(pack: Pack) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-field problems of a pack, each with the path of the field at fault."""
    found: list[tuple[tuple[str | int, ...], str]] = []
    if pack.effective_to and pack.effective_to < pack.effective_from:
        found.append((("effective_to",), "effective_to is before effective_from"))
    seen: set[str] = set()
    for path, item in iter_node_paths(pack.groups):
        if item.id in seen:
            found.append(((*path, "id"), f"id {item.id!r} is used twice in the pack"))
        seen.add(item.id)
        stray = sorted(set(item.client_categories or []) - set(pack.client_categories))
        if stray:
            found.append(
                ((*path, "client_categories"),
                 f"{item.id!r} names client categories {stray} that the pack does not declare")
            )
    return found


def iter_node_paths(
    groups: list[Group], path: tuple[str | int, ...] = ("groups",)
) -> Iterator[tuple[tuple[str | int, ...], Group | Requirement]]:
    """Like `iter_nodes`, with each node's path in the document, e.g. ("groups", 0, "requirements", 1)."""
    for gi, group in enumerate(groups):
        gpath = (*path, gi)
        yield gpath, group
        yield from iter_node_paths(group.groups, (*gpath, "groups"))
        for ri, requirement in enumerate(group.requirements):
            yield (*gpath, "requirements", ri), requirement


def iter_nodes(groups: list[Group]) -> Iterator[Group | Requirement]:
    """Depth-first over groups and requirements, in document order."""
    for group in groups:
        yield group
        yield from iter_nodes(group.groups)
        yield from group.requirements


class GradeScaleFile(Strict):
    scales: list[GradeScale] = Field(min_length=1)


def slug_ok(value: str) -> bool:
    return re.match(IDENTIFIER, value) is not None
