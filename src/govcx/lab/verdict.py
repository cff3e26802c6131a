"""The launch verdict of a usability study: ready, launch with adjustments, or not ready.

A pure module (no Django). The rule (issue 3, "Verdict rule"; thresholds configurable by a standard pack):

* **not ready** if any open finding of severity ≥ `blocking_severity` (default 4, Nielsen's "catastrophe")
  concerns a critical-path task, or if a critical-path task's completion-rate lower bound — the lower bound of
  the two-sided adjusted-Wald interval at `confidence` (default 90 %, i.e. a one-sided 95 % test) — is below
  its benchmark (Sauro & Lewis 2016, ch. 4, "Comparing a completion rate to a benchmark"); a critical-path task
  with no attempt at all also blocks, since nothing shows it can be completed;
* **launch with adjustments** if any open finding of severity ≥ `adjustment_severity` (default 3, "major");
* otherwise **ready**.
Every condition that fired is listed as a reason, so the report can say why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from govcx.common.stats import adjusted_wald

__all__ = ["FindingEvidence", "Reason", "TaskEvidence", "Verdict", "VerdictResult", "VerdictRule", "decide"]


class Verdict(StrEnum):
    READY = "ready"
    LAUNCH_WITH_ADJUSTMENTS = "launch_with_adjustments"
    NOT_READY = "not_ready"


@dataclass(frozen=True, slots=True)
class VerdictRule:
    """Thresholds of the verdict. `benchmark_override`, when set, replaces every task's own benchmark."""

    blocking_severity: int = 4
    adjustment_severity: int = 3
    confidence: float = 0.90
    benchmark_override: float | None = None

    def __post_init__(self) -> None:
        for name in ("blocking_severity", "adjustment_severity"):
            if not 0 <= getattr(self, name) <= 4:
                raise ValueError(f"{name} must be 0–4, got {getattr(self, name)!r}")
        if not 0.0 < self.confidence < 1.0:
            raise ValueError(f"confidence must be strictly between 0 and 1, got {self.confidence!r}")
        if self.benchmark_override is not None and not 0.0 <= self.benchmark_override <= 1.0:
            raise ValueError(f"benchmark_override must be within 0–1, got {self.benchmark_override!r}")


@dataclass(frozen=True, slots=True)
class TaskEvidence:
    key: str
    title: str
    critical_path: bool
    benchmark: float
    successes: int
    attempts: int


@dataclass(frozen=True, slots=True)
class FindingEvidence:
    title: str
    severity: int
    is_open: bool
    task_key: str | None


@dataclass(frozen=True, slots=True)
class Reason:
    """One condition that decided the verdict. `code` is stable (for translation and tests); `subject` names
    the task key or finding title; `lower_bound`/`benchmark` are set for completion reasons."""

    code: str
    verdict: Verdict
    subject: str
    lower_bound: float | None = None
    benchmark: float | None = None

    @property
    def message(self) -> str:
        if self.code == "critical_task_below_benchmark":
            return (
                f"critical task {self.subject!r}: completion lower bound {self.lower_bound:.3f} "
                f"is below the benchmark {self.benchmark:.3f}"
            )
        if self.code == "critical_task_untested":
            return f"critical task {self.subject!r} has no recorded attempt"
        if self.code == "blocking_finding_on_critical_task":
            return f"open finding {self.subject!r} is severe and on a critical task"
        if self.code == "open_major_finding":
            return f"open finding {self.subject!r} needs an adjustment"
        return self.subject


@dataclass(frozen=True, slots=True)
class VerdictResult:
    verdict: Verdict
    reasons: tuple[Reason, ...] = field(default_factory=tuple)
    rule: VerdictRule = field(default_factory=VerdictRule)


def decide(
    tasks: Sequence[TaskEvidence], findings: Sequence[FindingEvidence], rule: VerdictRule | None = None
) -> VerdictResult:
    """Apply the verdict rule (see the module docstring) and list the reasons that fired, worst first."""
    rule = rule or VerdictRule()
    critical = {task.key for task in tasks if task.critical_path}
    blocking: list[Reason] = []
    adjusting: list[Reason] = []
    for task in tasks:
        if not task.critical_path:
            continue
        benchmark = task.benchmark if rule.benchmark_override is None else rule.benchmark_override
        if task.attempts == 0:
            blocking.append(Reason("critical_task_untested", Verdict.NOT_READY, task.key, benchmark=benchmark))
            continue
        lower = adjusted_wald(task.successes, task.attempts, rule.confidence).low
        if lower < benchmark:
            blocking.append(
                Reason("critical_task_below_benchmark", Verdict.NOT_READY, task.key, lower_bound=lower,
                       benchmark=benchmark)
            )
    for finding in findings:
        if not finding.is_open:
            continue
        if finding.severity >= rule.blocking_severity and finding.task_key in critical:
            blocking.append(Reason("blocking_finding_on_critical_task", Verdict.NOT_READY, finding.title))
        elif finding.severity >= rule.adjustment_severity:
            adjusting.append(Reason("open_major_finding", Verdict.LAUNCH_WITH_ADJUSTMENTS, finding.title))
    if blocking:
        return VerdictResult(Verdict.NOT_READY, tuple(blocking + adjusting), rule)
    if adjusting:
        return VerdictResult(Verdict.LAUNCH_WITH_ADJUSTMENTS, tuple(adjusting), rule)
    return VerdictResult(Verdict.READY, (), rule)
