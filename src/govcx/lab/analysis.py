"""The analysis of one usability study, and the comparison of a re-test with the original study.

A pure module (no Django): it takes plain dataclasses (tasks, attempts, questionnaire answers, findings) and
returns a `StudyAnalysis`. Every figure is computed by `govcx.lab.metrics` and `govcx.common.stats` (the methods
and their sources are cited there) and the verdict by `govcx.lab.verdict`.

Conventions (Sauro & Lewis 2016, ch. 3–4):
* completion is binary: only "success" counts as completed; "partial", "failure" and "abandoned" do not;
* descriptive intervals (completion, time, SUS, UMUX-Lite, SEQ) are two-sided at `interval_confidence`
  (95 % by default); the comparison with a completion benchmark uses the lower bound of the two-sided
  interval at the study's `confidence` (90 % by default, i.e. a one-sided 95 % test);
* task times are of successful attempts only unless `include_failed_times`; a time of 0 s (not measured) is
  left out of the time summary;
* a finding's affected share is the number of its affected participants over the number of participants with
  at least one attempt; priority = severity × affected share.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from statistics import fmean

from govcx.common.stats import Interval, adjusted_wald, t_interval
from govcx.lab import metrics
from govcx.lab.verdict import FindingEvidence, TaskEvidence, VerdictResult, VerdictRule, decide

__all__ = [
    "AttemptInput",
    "Comparison",
    "FindingAnalysis",
    "FindingInput",
    "Planning",
    "StudyAnalysis",
    "StudyInput",
    "TaskAnalysis",
    "TaskChange",
    "TaskInput",
    "UmuxAnalysis",
    "analyse",
    "compare",
]

SUCCESS = "success"


# ---- inputs -------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskInput:
    key: str
    title: str
    critical_path: bool = False
    benchmark: float = 0.78
    target_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class AttemptInput:
    participant: str  # pseudonymous code
    task_key: str
    outcome: str  # success | partial | failure | abandoned
    seconds: float
    errors: int = 0
    assists: int = 0
    seq: int | None = None


@dataclass(frozen=True, slots=True)
class FindingInput:
    id: int
    title: str
    severity: int
    status: str = "open"  # open | fixed | accepted
    task_key: str | None = None
    participants: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class StudyInput:
    tasks: Sequence[TaskInput]
    attempts: Sequence[AttemptInput]
    sus: Sequence[tuple[str, Sequence[int]]] = ()  # (participant code, 10 answers)
    umux_lite: Sequence[tuple[str, Sequence[int]]] = ()  # (participant code, 2 answers)
    findings: Sequence[FindingInput] = ()
    participants: Sequence[str] = ()  # codes of participants who took part; attempts add theirs
    confidence: float = 0.90
    interval_confidence: float = 0.95
    include_failed_times: bool = False
    discovery_p: float = 0.31
    discovery_goal: float = 0.85
    completion_margin: float = 0.15
    rule: VerdictRule = field(default_factory=VerdictRule)


# ---- outputs ------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskAnalysis:
    key: str
    title: str
    critical_path: bool
    benchmark: float
    target_seconds: float | None
    attempts: int
    successes: int
    partials: int
    completion: Interval | None
    point_estimate: float | None
    point_method: str | None
    benchmark_test: metrics.BenchmarkResult | None  # None when the benchmark is 0 or 1 (nothing to test)
    time: metrics.TimeSummary | None  # None with fewer than two usable times
    times: tuple[float, ...]  # the times the summary used, for distribution charts
    errors_mean: float | None
    assists_mean: float | None
    seq: metrics.SeqSummary | None
    seq_mean: float | None

    @property
    def observed_rate(self) -> float | None:
        return self.successes / self.attempts if self.attempts else None


@dataclass(frozen=True, slots=True)
class UmuxAnalysis:
    n: int
    mean: float
    interval: Interval | None
    sus_equivalent: float


@dataclass(frozen=True, slots=True)
class FindingAnalysis:
    id: int
    title: str
    severity: int
    status: str
    task_key: str | None
    affected: tuple[str, ...]
    affected_share: float
    priority: float


@dataclass(frozen=True, slots=True)
class Planning:
    p: float
    goal: float
    participants: int
    discovery_at_n: float
    n_for_goal: int
    margin: float
    n_for_margin: int


@dataclass(frozen=True, slots=True)
class StudyAnalysis:
    confidence: float
    interval_confidence: float
    include_failed_times: bool
    participants: tuple[str, ...]
    tasks: tuple[TaskAnalysis, ...]
    sus: metrics.SusSummary | None
    sus_flagged: tuple[str, ...]  # participants with all-identical SUS answers
    umux_lite: UmuxAnalysis | None
    findings: tuple[FindingAnalysis, ...]  # ranked: priority, then severity, highest first
    matrix: tuple[tuple[str, tuple[bool, ...]], ...]  # (participant, affected by findings[i]) rows
    planning: Planning
    verdict: VerdictResult

    def task(self, key: str) -> TaskAnalysis | None:
        return next((t for t in self.tasks if t.key == key), None)


# ---- the analysis -------------------------------------------------------------------------------------------


def _task_analysis(task: TaskInput, attempts: Sequence[AttemptInput], study: StudyInput) -> TaskAnalysis:
    n = len(attempts)
    successes = sum(1 for a in attempts if a.outcome == SUCCESS)
    completion = point = method = test = None
    if n:
        completion = adjusted_wald(successes, n, study.interval_confidence)
        point, method = metrics.completion_point_estimate(successes, n)
        if 0.0 < task.benchmark < 1.0:
            test = metrics.compare_with_benchmark(successes, n, task.benchmark, study.confidence)
    usable = [a for a in attempts if a.seconds > 0]
    kept = [a for a in usable if study.include_failed_times or a.outcome == SUCCESS]
    time = None
    if len(kept) >= 2:
        time = metrics.task_time_summary(
            [a.seconds for a in usable], include_failed=study.include_failed_times,
            successes=[a.outcome == SUCCESS for a in usable], confidence=study.interval_confidence,
        )
    ratings = [a.seq for a in attempts if a.seq is not None]
    seq = metrics.seq_summary(ratings, study.interval_confidence) if len(ratings) >= 2 else None
    return TaskAnalysis(
        key=task.key, title=task.title, critical_path=task.critical_path, benchmark=task.benchmark,
        target_seconds=task.target_seconds, attempts=n, successes=successes,
        partials=sum(1 for a in attempts if a.outcome == "partial"), completion=completion, point_estimate=point,
        point_method=method, benchmark_test=test, time=time, times=tuple(a.seconds for a in kept),
        errors_mean=fmean(a.errors for a in attempts) if n else None,
        assists_mean=fmean(a.assists for a in attempts) if n else None,
        seq=seq, seq_mean=fmean(ratings) if ratings else None,
    )


def _umux(answers: Sequence[tuple[str, Sequence[int]]], confidence: float) -> UmuxAnalysis | None:
    scores = [metrics.umux_lite(int(a[0]), int(a[1])) for _, a in answers]
    if not scores:
        return None
    interval = t_interval(scores, confidence, bounds=(0.0, 100.0)) if len(scores) >= 2 else None
    mean = fmean(scores)
    return UmuxAnalysis(n=len(scores), mean=mean, interval=interval, sus_equivalent=metrics.umux_lite_to_sus(mean))


def _participants(study: StudyInput) -> tuple[str, ...]:
    seen = dict.fromkeys(study.participants)
    for attempt in study.attempts:
        seen.setdefault(attempt.participant)
    return tuple(sorted(seen))


def _findings(study: StudyInput, participants: tuple[str, ...]) -> tuple[FindingAnalysis, ...]:
    total = len(participants)
    ranked = []
    for finding in study.findings:
        affected = tuple(sorted(finding.participants))
        share = len(set(affected) & set(participants)) / total if total else 0.0
        ranked.append(FindingAnalysis(
            id=finding.id, title=finding.title, severity=finding.severity, status=finding.status,
            task_key=finding.task_key, affected=affected, affected_share=share,
            priority=finding.severity * share,
        ))
    ranked.sort(key=lambda f: (-f.priority, -f.severity, f.id))
    return tuple(ranked)


def analyse(study: StudyInput) -> StudyAnalysis:
    """Every figure of the study report, and the launch verdict."""
    by_task: dict[str, list[AttemptInput]] = {t.key: [] for t in study.tasks}
    for attempt in study.attempts:
        if attempt.task_key in by_task:
            by_task[attempt.task_key].append(attempt)
    tasks = tuple(_task_analysis(task, by_task[task.key], study) for task in study.tasks)
    sus = None
    if len(study.sus) >= 2:
        sus = metrics.sus_summary([list(a) for _, a in study.sus], study.interval_confidence)
    flagged = tuple(code for code, answers in study.sus if len(set(answers)) == 1)
    participants = _participants(study)
    findings = _findings(study, participants)
    matrix = tuple((code, tuple(code in f.affected for f in findings)) for code in participants)
    planning = Planning(
        p=study.discovery_p, goal=study.discovery_goal, participants=len(participants),
        discovery_at_n=metrics.discovery_probability(study.discovery_p, len(participants)),
        n_for_goal=metrics.sample_size_for_discovery(study.discovery_p, study.discovery_goal),
        margin=study.completion_margin,
        n_for_margin=metrics.sample_size_for_completion_margin(study.completion_margin, study.confidence),
    )
    verdict = decide(
        [TaskEvidence(t.key, t.title, t.critical_path, t.benchmark, t.successes, t.attempts) for t in tasks],
        [FindingEvidence(f.title, f.severity, f.status == "open", f.task_key) for f in study.findings],
        study.rule,
    )
    return StudyAnalysis(
        confidence=study.confidence, interval_confidence=study.interval_confidence,
        include_failed_times=study.include_failed_times, participants=participants, tasks=tasks, sus=sus,
        sus_flagged=flagged, umux_lite=_umux(study.umux_lite, study.interval_confidence), findings=findings,
        matrix=matrix, planning=planning, verdict=verdict,
    )


# ---- re-test against the original ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TaskChange:
    key: str
    title: str
    completion_before: float | None  # observed rates x/n
    completion_after: float | None
    completion_change: float | None  # after − before, in proportion points
    time_before: float | None  # the time summaries' estimates (geometric mean or median), seconds
    time_after: float | None
    time_ratio: float | None  # after / before: below 1 is faster
    lower_bound_before: float | None  # adjusted-Wald lower bounds at the study confidence
    lower_bound_after: float | None


@dataclass(frozen=True, slots=True)
class Comparison:
    tasks: tuple[TaskChange, ...]  # tasks present in both studies, in the re-test's order
    only_before: tuple[str, ...]
    only_after: tuple[str, ...]
    sus_before: float | None
    sus_after: float | None
    sus_change: float | None
    findings_fixed: tuple[str, ...]  # original findings not seen again in the re-test
    findings_persisting: tuple[str, ...]
    findings_new: tuple[str, ...]
    verdict_before: str
    verdict_after: str


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def compare(before: StudyAnalysis, after: StudyAnalysis) -> Comparison:
    """A re-test against the original study, task by task (matched by key) and finding by finding (matched by
    title, ignoring case and spacing). Differences are descriptive; with small samples, read them together with
    each study's intervals (Sauro & Lewis 2016, ch. 5, comparing two completion rates needs its own test)."""
    old = {t.key: t for t in before.tasks}
    changes = []
    for task in after.tasks:
        if task.key not in old:
            continue
        prior = old[task.key]
        rate_before, rate_after = prior.observed_rate, task.observed_rate
        time_before = prior.time.estimate if prior.time else None
        time_after = task.time.estimate if task.time else None
        changes.append(TaskChange(
            key=task.key, title=task.title, completion_before=rate_before, completion_after=rate_after,
            completion_change=(rate_after - rate_before) if rate_before is not None and rate_after is not None
            else None,
            time_before=time_before, time_after=time_after,
            time_ratio=time_after / time_before if time_before and time_after else None,
            lower_bound_before=prior.benchmark_test.lower_bound if prior.benchmark_test else None,
            lower_bound_after=task.benchmark_test.lower_bound if task.benchmark_test else None,
        ))
    after_keys = {t.key for t in after.tasks}
    sus_before = before.sus.mean if before.sus else None
    sus_after = after.sus.mean if after.sus else None
    seen_after = {_title_key(f.title) for f in after.findings if f.status == "open"}
    seen_before = {_title_key(f.title) for f in before.findings}
    return Comparison(
        tasks=tuple(changes),
        only_before=tuple(k for k in old if k not in after_keys),
        only_after=tuple(t.key for t in after.tasks if t.key not in old),
        sus_before=sus_before, sus_after=sus_after,
        sus_change=sus_after - sus_before if sus_before is not None and sus_after is not None else None,
        findings_fixed=tuple(f.title for f in before.findings if _title_key(f.title) not in seen_after),
        findings_persisting=tuple(f.title for f in before.findings if _title_key(f.title) in seen_after),
        findings_new=tuple(f.title for f in after.findings if _title_key(f.title) not in seen_before),
        verdict_before=before.verdict.verdict.value, verdict_after=after.verdict.verdict.value,
    )
