"""The plain-language summary that opens a lab report: what happened and how sure we are, in words a person
without statistics understands ("11 of 12 participants completed the task; we are 95 % confident that the true
rate is at least 68 %"). The statistics follow it in the report.

- "At least" is a one-sided lower bound: the lower end of the two-sided adjusted-Wald interval at confidence
  1 − 2(1 − c) is a one-sided bound at confidence c (Sauro, J. & Lewis, J. R. (2016), *Quantifying the User
  Experience*, 2nd ed., ch. 4, one-sided tests and bounds). So "95 % confident of at least X" uses the 90 %
  interval's lower end; a person reads one number, not a range.
- The SUS average of 68 (Sauro & Lewis (2016), ch. 8) is the comparison people can place a score against.
- A finding is serious at severity 3 or 4 (Nielsen's scale: major or catastrophic usability problem).
"""

from __future__ import annotations

from dataclasses import dataclass

from govcx.common.stats import adjusted_wald
from govcx.lab.analysis import StudyAnalysis

__all__ = ["PlainSummary", "TaskInWords", "plain_summary"]

SUS_AVERAGE = 68.0
SERIOUS_SEVERITY = 3


@dataclass(frozen=True, slots=True)
class TaskInWords:
    title: str
    completed: int
    attempts: int
    confidence: float  # e.g. 0.95
    at_least: float  # one-sided lower bound of the completion rate at `confidence`
    goal: float | None  # the benchmark, when there is one to meet (between 0 and 1 exclusive)
    goal_met: bool | None  # None without a goal; False also when the data do not yet show it is met
    critical_path: bool


@dataclass(frozen=True, slots=True)
class PlainSummary:
    participants: int
    tasks: tuple[TaskInWords, ...]
    sus_mean: float | None
    sus_above_average: bool | None
    problems: int
    serious_problems: int
    most_pressing: str | None  # the title of the highest-priority finding


def one_sided_lower_bound(successes: int, attempts: int, confidence: float) -> float:
    """The completion rate we are `confidence` sure of at least (see the module doc)."""
    return adjusted_wald(successes, attempts, 1.0 - 2.0 * (1.0 - confidence)).low


def plain_summary(analysis: StudyAnalysis) -> PlainSummary:
    confidence = analysis.interval_confidence
    tasks = tuple(
        TaskInWords(
            title=t.title, completed=t.successes, attempts=t.attempts, confidence=confidence,
            at_least=one_sided_lower_bound(t.successes, t.attempts, confidence),
            goal=t.benchmark if 0.0 < t.benchmark < 1.0 else None,
            goal_met=t.benchmark_test.meets if t.benchmark_test is not None else None,
            critical_path=t.critical_path,
        )
        for t in analysis.tasks if t.attempts
    )
    sus = analysis.sus
    return PlainSummary(
        participants=len(analysis.participants), tasks=tasks,
        sus_mean=sus.mean if sus else None, sus_above_average=sus.mean > SUS_AVERAGE if sus else None,
        problems=len(analysis.findings),
        serious_problems=sum(1 for f in analysis.findings if f.severity >= SERIOUS_SEVERITY),
        most_pressing=analysis.findings[0].title if analysis.findings else None,
    )
