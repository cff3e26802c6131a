"""The registry of automated checks. Every area (registry, lab, audit, feedback, delivery) contributes
checks here through `register`; a pack names them with parameters; assessments run them.

Plain Python, no Django: a check receives plain facts and returns a `CheckResult`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from govcx.standards.scoring import OutcomeStatus


@dataclass(frozen=True)
class DocumentFact:
    name: str
    held_in_registry: bool
    registry_name: str = ""


@dataclass(frozen=True)
class StepFact:
    title: str
    requires_visit: bool


@dataclass(frozen=True)
class ServiceFacts:
    """A snapshot of one service passport, the input every check receives."""

    id: int
    code: str
    stage: str
    channels: tuple[str, ...]
    client_categories: tuple[str, ...]
    deadline_days: int | None
    deadline_kind: str
    fee: Decimal
    legal_basis: str
    page_urls: tuple[str, ...]
    feedback_url: str
    documents: tuple[DocumentFact, ...] = ()
    steps: tuple[StepFact, ...] = ()
    passport_url: str = ""


@dataclass(frozen=True)
class CheckResult:
    status: OutcomeStatus
    value: str | None = None  # the measured value, human-readable
    evidence_url: str = ""
    detail: str = ""


@dataclass(frozen=True)
class CheckContext:
    service: ServiceFacts
    params: Mapping[str, Any] = field(default_factory=dict)
    evidence: Mapping[str, Any] = field(default_factory=dict)  # extra evidence by kind, from other areas


CheckFunction = Callable[[CheckContext], CheckResult]


@dataclass(frozen=True)
class CheckDefinition:
    name: str
    title: str
    function: CheckFunction
    params: Mapping[str, type] = field(default_factory=dict)  # accepted parameters and their types


CHECKS: dict[str, CheckDefinition] = {}


def register(
    name: str, *, title: str, params: Mapping[str, type] | None = None
) -> Callable[[CheckFunction], CheckFunction]:
    """Decorator: add a check to the registry under `name` (unique)."""

    def decorate(function: CheckFunction) -> CheckFunction:
        if name in CHECKS and CHECKS[name].function is not function:
            raise ValueError(f"check {name!r} is registered twice")
        CHECKS[name] = CheckDefinition(name=name, title=title, function=function, params=dict(params or {}))
        return function

    return decorate


def param_errors(name: str, params: Mapping[str, Any]) -> list[str]:
    """Why a pack's use of a check is wrong (unknown check, unknown or mistyped parameter), or []."""
    definition = CHECKS.get(name)
    if definition is None:
        return [f"unknown check {name!r}; known: {sorted(CHECKS)}"]
    errors = []
    for key, value in params.items():
        expected = definition.params.get(key)
        if expected is None:
            errors.append(f"check {name!r} has no parameter {key!r}; accepted: {sorted(definition.params)}")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            errors.append(f"check {name!r} parameter {key!r} must be {expected.__name__}, got {value!r}")
    return errors


def run_check(name: str, context: CheckContext) -> CheckResult:
    """Run one check; a check that fails to run reports UNKNOWN with the reason rather than failing the whole
    assessment."""
    definition = CHECKS.get(name)
    if definition is None:
        return CheckResult(OutcomeStatus.UNKNOWN, detail=f"check {name!r} is not installed")
    try:
        return definition.function(context)
    except Exception as exc:  # noqa: BLE001 - one broken check must not stop the others
        return CheckResult(OutcomeStatus.UNKNOWN, detail=f"check {name!r} failed: {exc}")
