"""Scoring: an assessment's outcomes → requirement and group scores, a grade and a launch verdict.

Pure Python (no Django), so the CLI, the web app, the API and the tests share one implementation.

The pipeline, for one pack, one stage and one service's client categories:

1. :func:`applicable_requirements` picks the requirements in scope (by stage and client category).
2. Each requirement's :class:`Outcome` (a missing one counts as ``UNKNOWN``) gives a score on 0–100
   via :func:`normalise`; ``NOT_APPLICABLE`` outcomes drop the requirement from the assessment.
3. Scores roll up through the groups per the pack's :class:`~govcx.standards.schema.Rollup`.
4. :func:`grade_for` turns the pack score into a grade; gate requirements decide the :class:`Verdict`.
5. The score covers only what is known: ``coverage`` says which share of the applicable requirements was
   assessed, and below :data:`MIN_COVERAGE_FOR_GRADE` no grade is given (see :func:`evaluate`).

:func:`compare` contrasts two results, e.g. a re-assessment with the previous one.

Nothing is rounded here: presentation rounds.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Literal

from govcx.errors import Invalid
from govcx.standards.schema import (
    STAGES,
    GradeScale,
    Group,
    Pack,
    Requirement,
    Rollup,
    ScoringScheme,
)

__all__ = [
    "MIN_COVERAGE_FOR_GRADE",
    "SCHEME_RANGES",
    "SCHEME_VALUES",
    "AssessmentResult",
    "Change",
    "Comparison",
    "Gap",
    "NodeScore",
    "Outcome",
    "OutcomeStatus",
    "ScoringError",
    "Verdict",
    "applicable_requirements",
    "compare",
    "default_pass_threshold",
    "evaluate",
    "grade_for",
    "normalise",
    "outcome_from_rating",
]


#: A grade speaks for the whole standard, so it is given only when at least this share of the applicable
#: requirements is assessed (met or not met). Below it, the score stands for the assessed part alone and is
#: shown with its coverage; the grade it would earn is kept as ``indicative_grade``, never as ``grade``.
#: 0.8 is govcx's default (settings: GOVCX_MIN_COVERAGE_FOR_GRADE): an assessment in progress shows an indicative
#: figure without passing for a final one.
MIN_COVERAGE_FOR_GRADE = 0.8


class ScoringError(Invalid, ValueError):
    """A rating, threshold, stage or outcome that scoring cannot use.

    A :class:`ValueError` for plain-Python callers and a :class:`govcx.errors.Invalid` (HTTP 422)
    for the API and the views.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)


class OutcomeStatus(StrEnum):
    """What was concluded about one requirement."""

    MET = "met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"  # the assessor excluded it: it is neither scored nor a gap
    UNKNOWN = "unknown"  # not (yet) assessed: not scored, but a gap


Rating = str | float | None


@dataclass(frozen=True)
class Outcome:
    """What an assessor or an automated check said about one requirement.

    ``rating`` is a value of the pack's scoring scheme (see :data:`SCHEME_VALUES` and
    :data:`SCHEME_RANGES`); without one, ``MET`` scores 100 and ``NOT_MET`` scores 0.
    ``status`` may be given as its string value; it is stored as an :class:`OutcomeStatus`.
    """

    requirement_id: str
    status: OutcomeStatus
    rating: Rating = None

    def __post_init__(self) -> None:
        try:
            status = OutcomeStatus(self.status)
        except ValueError:
            allowed = [s.value for s in OutcomeStatus]
            raise ScoringError(
                f"outcome for {self.requirement_id!r}: unknown status {self.status!r}; allowed: {allowed}"
            ) from None
        object.__setattr__(self, "status", status)


# --------------------------------------------------------------------------------------------------
# Ratings → 0..100
# --------------------------------------------------------------------------------------------------

#: The named (discrete) ratings of each scheme and the score on 0–100 that each maps to.
#: ``one_to_five`` lists its whole points; fractional ratings in between are accepted too.
#: ``weighted_percentage`` has no named values, only the range in :data:`SCHEME_RANGES`.
SCHEME_VALUES: Mapping[ScoringScheme, Mapping[str | int, float]] = MappingProxyType(
    {
        ScoringScheme.MET_NOT_MET: MappingProxyType({"met": 100.0, "not_met": 0.0}),
        ScoringScheme.RED_AMBER_GREEN: MappingProxyType({"red": 0.0, "amber": 50.0, "green": 100.0}),
        ScoringScheme.ZERO_FIFTY_HUNDRED: MappingProxyType({0: 0.0, 50: 50.0, 100: 100.0}),
        ScoringScheme.ONE_TO_FIVE: MappingProxyType({1: 0.0, 2: 25.0, 3: 50.0, 4: 75.0, 5: 100.0}),
        ScoringScheme.WEIGHTED_PERCENTAGE: MappingProxyType({}),
    }
)

#: The inclusive numeric range of the schemes that accept any number in a range.
SCHEME_RANGES: Mapping[ScoringScheme, tuple[float, float]] = MappingProxyType(
    {
        ScoringScheme.ONE_TO_FIVE: (1.0, 5.0),
        ScoringScheme.WEIGHTED_PERCENTAGE: (0.0, 100.0),
    }
)

_DEFAULT_PASS_THRESHOLDS: Mapping[ScoringScheme, float] = MappingProxyType(
    {
        ScoringScheme.MET_NOT_MET: 100.0,  # met
        ScoringScheme.RED_AMBER_GREEN: 100.0,  # green
        ScoringScheme.ZERO_FIFTY_HUNDRED: 100.0,  # 100
        ScoringScheme.ONE_TO_FIVE: 75.0,  # 4 ("agree") or better
        ScoringScheme.WEIGHTED_PERCENTAGE: 75.0,
    }
)


def _scheme(scheme: ScoringScheme | str) -> ScoringScheme:
    try:
        return ScoringScheme(scheme)
    except ValueError:
        allowed = [s.value for s in ScoringScheme]
        raise ScoringError(f"unknown scoring scheme {scheme!r}; allowed: {allowed}") from None


def _finite_real(value: object) -> float | None:
    """``value`` as a float if it is a finite real number (not a bool, not a string), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _finite_number(value: object) -> float | None:
    """Like :func:`_finite_real`, but also reads a numeric string such as ``"4"`` or ``" 62.5 "``.

    Web forms post numeric ratings as text.
    """
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return _finite_real(value)


def normalise(scheme: ScoringScheme | str, rating: Rating) -> float:
    """Map a rating of ``scheme`` onto the common 0–100 scale.

    * ``met_not_met``: ``"met"`` → 100, ``"not_met"`` → 0
    * ``red_amber_green``: ``"red"`` → 0, ``"amber"`` → 50, ``"green"`` → 100
    * ``zero_fifty_hundred``: 0, 50 or 100 → itself
    * ``one_to_five``: any number r with 1 ≤ r ≤ 5 → (r − 1) / 4 × 100
    * ``weighted_percentage``: any number p with 0 ≤ p ≤ 100 → p

    Named ratings are exact, lower-case strings. Numeric ratings are real numbers or numeric strings
    (``"4"``, as web forms post them); booleans, NaN and infinities are rejected. Anything else raises
    :class:`ScoringError` naming the scheme and the value.
    """
    scheme = _scheme(scheme)
    named = SCHEME_VALUES[scheme]

    if scheme in (ScoringScheme.MET_NOT_MET, ScoringScheme.RED_AMBER_GREEN):
        if isinstance(rating, str) and rating in named:
            return named[rating]
        raise ScoringError(f"{scheme.value}: invalid rating {rating!r}; expected one of {list(named)}")

    number = _finite_number(rating)
    if scheme is ScoringScheme.ZERO_FIFTY_HUNDRED:
        if number is not None and number in (0.0, 50.0, 100.0):
            return number
        raise ScoringError(f"{scheme.value}: invalid rating {rating!r}; expected one of {list(named)}")

    low, high = SCHEME_RANGES[scheme]
    if number is None or not low <= number <= high:
        raise ScoringError(
            f"{scheme.value}: invalid rating {rating!r}; expected a number from {low:g} to {high:g}"
        )
    if scheme is ScoringScheme.ONE_TO_FIVE:
        return (number - 1.0) * 25.0  # = (r − 1) / 4 × 100, computed without the division
    return number  # weighted_percentage


def default_pass_threshold(scheme: ScoringScheme | str) -> float:
    """The normalised score (0–100) a rating must reach to count as met when the pack sets none.

    ``met_not_met`` 100 (met), ``red_amber_green`` 100 (green), ``zero_fifty_hundred`` 100,
    ``one_to_five`` 75 (a rating of 4, "agree", or better), ``weighted_percentage`` 75.
    """
    return _DEFAULT_PASS_THRESHOLDS[_scheme(scheme)]


def outcome_from_rating(
    scheme: ScoringScheme | str,
    requirement_id: str,
    rating: Rating,
    pass_threshold: float | None = None,
) -> Outcome:
    """An outcome for a rating: ``MET`` iff normalise(scheme, rating) ≥ threshold, else ``NOT_MET``.

    The threshold is ``pass_threshold`` (on 0–100; pass the pack's ``pass_threshold``) or, when that
    is None, :func:`default_pass_threshold`. The rating is kept on the outcome as given, except that
    a numeric string becomes a number (``"4"`` → 4, ``"62.5"`` → 62.5).
    """
    scheme = _scheme(scheme)
    threshold = default_pass_threshold(scheme) if pass_threshold is None else pass_threshold
    number = _finite_real(threshold)
    if number is None or not 0.0 <= number <= 100.0:
        raise ScoringError(f"pass threshold {pass_threshold!r} is not a number from 0 to 100")
    score = normalise(scheme, rating)
    status = OutcomeStatus.MET if score >= number else OutcomeStatus.NOT_MET
    return Outcome(requirement_id=requirement_id, status=status, rating=_canonical_rating(scheme, rating))


def _canonical_rating(scheme: ScoringScheme, rating: Rating) -> Rating:
    """A valid rating with a numeric string turned into an int (if whole) or a float."""
    if scheme in (ScoringScheme.MET_NOT_MET, ScoringScheme.RED_AMBER_GREEN) or not isinstance(rating, str):
        return rating
    number = float(rating.strip())
    return int(number) if number.is_integer() else number


# --------------------------------------------------------------------------------------------------
# Applicability
# --------------------------------------------------------------------------------------------------


def _check_stage(stage: str) -> None:
    if stage not in STAGES:
        raise ScoringError(f"unknown stage {stage!r}; allowed: {list(STAGES)}")


def _applies(
    requirement: Requirement, inherited: Sequence[str], stage: str, client_categories: AbstractSet[str]
) -> bool:
    categories = requirement.client_categories if requirement.client_categories is not None else inherited
    return stage in requirement.stages and not client_categories.isdisjoint(categories)


def _walk_applicable(
    groups: Iterable[Group], inherited: Sequence[str], stage: str, client_categories: AbstractSet[str]
) -> Iterable[Requirement]:
    for group in groups:
        own = group.client_categories if group.client_categories is not None else inherited
        yield from _walk_applicable(group.groups, own, stage, client_categories)
        for requirement in group.requirements:
            if _applies(requirement, own, stage, client_categories):
                yield requirement


def applicable_requirements(
    pack: Pack, *, stage: str, client_categories: AbstractSet[str]
) -> list[Requirement]:
    """The pack's requirements that apply to a service at ``stage`` serving ``client_categories``.

    A requirement applies iff ``stage`` is among its stages and its effective client categories
    intersect ``client_categories``. The effective categories are the requirement's own if set, else
    those of its nearest ancestor group that sets them, else the pack's. (An explicitly empty list
    is "set": it matches no service.) Order: :func:`govcx.standards.schema.iter_nodes` order.
    Raises :class:`ScoringError` for a stage not in :data:`~govcx.standards.schema.STAGES`.
    """
    _check_stage(stage)
    return list(_walk_applicable(pack.groups, pack.client_categories, stage, client_categories))


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeScore:
    """One group or requirement in a result.

    ``depth`` is 0 for top-level groups. ``applicable`` counts the applicable requirements at or
    beneath the node (always 1 for a requirement node), ``assessed`` those of them with a score
    (status ``MET`` or ``NOT_MET``). ``score`` is None when nothing beneath the node is scored.
    """

    id: str
    title_en: str
    kind: Literal["group", "requirement"]
    score: float | None
    weight: float
    depth: int
    assessed: int
    applicable: int


@dataclass(frozen=True)
class Gap:
    """An applicable requirement that is not met: status ``NOT_MET`` or ``UNKNOWN`` (incl. missing)."""

    requirement_id: str
    title_en: str
    gate: bool
    status: OutcomeStatus


class Verdict(StrEnum):
    """Whether a service may launch (or stay live) on this assessment."""

    READY = "ready"  # no gaps at all
    ADJUSTMENTS = "launch_with_adjustments"  # every gate met; some non-gate requirement is not
    NOT_READY = "not_ready"  # some gate requirement is not met or not known to be met


@dataclass(frozen=True)
class AssessmentResult:
    """Scores, grade and verdict of one assessment.

    Counts are over the requirements in scope (stage and client categories):
    ``met + not_met + unknown == applicable``; ``not_applicable`` counts those in scope that the
    assessor marked ``NOT_APPLICABLE`` and which are therefore left out of everything else.
    ``blocking`` are gaps on gate requirements, ``non_blocking`` gaps on the others; both lists and
    ``nodes`` are in document order.
    """

    score: float | None
    grade: str | None
    verdict: Verdict
    nodes: list[NodeScore]
    blocking: list[Gap]
    non_blocking: list[Gap]
    met: int
    not_met: int
    unknown: int
    not_applicable: int
    applicable: int
    coverage: float | None = None  # assessed / applicable (None with nothing applicable)
    indicative_grade: str | None = None  # the grade of the score, whether or not the coverage allows it

    @property
    def assessed(self) -> int:
        return self.met + self.not_met

    @property
    def grade_withheld(self) -> bool:
        """A score exists but covers too little of the standard to be graded."""
        return self.grade is None and self.indicative_grade is not None


def grade_for(score: float | None, scale: GradeScale) -> str | None:
    """The label of the first band (bands are best first) whose ``min_score`` ≤ ``score``.

    Bands are closed at their lower bound: with A from 90, exactly 90 is A and 89.999 the next band.
    None for None. A score outside 0–100 (or NaN) raises :class:`ScoringError`.
    """
    if score is None:
        return None
    if not 0.0 <= score <= 100.0:  # also false for NaN
        raise ScoringError(f"score {score!r} is outside 0–100; grade scale {scale.id!r} cannot grade it")
    for band in scale.bands:
        if band.min_score <= score:
            return band.label
    raise ScoringError(f"grade scale {scale.id!r} has no band for score {score!r}")  # pragma: no cover


def _weighted_mean(pairs: Sequence[tuple[float, float]]) -> float:
    """Σ wᵢ·sᵢ / Σ wᵢ over (score, weight) pairs, clamped to [min sᵢ, max sᵢ].

    The clamp only absorbs floating-point error, so that e.g. the mean of equal scores is that score.
    """
    total = math.fsum(weight for _, weight in pairs)
    mean = math.fsum(score * weight for score, weight in pairs) / total
    scores = [score for score, _ in pairs]
    return min(max(mean, min(scores)), max(scores))


@dataclass
class _Node:
    """A group or applicable requirement while the tree is being scored."""

    id: str
    title_en: str
    kind: Literal["group", "requirement"]
    weight: float
    depth: int
    score: float | None = None
    children: list[_Node] = field(default_factory=list)
    leaves: list[tuple[float, float]] = field(default_factory=list)  # (score, weight) of scored leaves
    assessed: int = 0
    applicable: int = 0


def _combine(children: list[_Node], leaves: list[tuple[float, float]], rollup: Rollup) -> float | None:
    """A parent's score from its scored children (or, for a flat mean, its scored leaves)."""
    if rollup is Rollup.FLAT_WEIGHTED_MEAN:
        return _weighted_mean(leaves) if leaves else None
    scored = [(child.score, child.weight) for child in children if child.score is not None]
    if not scored:
        return None
    if rollup is Rollup.MINIMUM:
        return min(score for score, _ in scored)
    return _weighted_mean(scored)  # HIERARCHICAL_MEAN


def _requirement_score(requirement: Requirement, outcome: Outcome, scheme: ScoringScheme) -> float | None:
    if outcome.status is OutcomeStatus.UNKNOWN:
        return None
    if outcome.rating is not None:
        try:
            return normalise(scheme, outcome.rating)
        except ScoringError as error:
            raise ScoringError(f"requirement {requirement.id!r}: {error.message}") from None
    return 100.0 if outcome.status is OutcomeStatus.MET else 0.0


def evaluate(
    pack: Pack,
    outcomes: Mapping[str, Outcome],
    *,
    stage: str,
    client_categories: AbstractSet[str],
    scale: GradeScale,
    min_coverage: float = MIN_COVERAGE_FOR_GRADE,
) -> AssessmentResult:
    """Score an assessment of ``pack`` for a service at ``stage`` serving ``client_categories``.

    Rules:

    * Only :func:`applicable_requirements` count. Of those, an outcome ``NOT_APPLICABLE`` removes the
      requirement from scores, gaps and nodes (it is counted in ``not_applicable``); a missing
      outcome is ``UNKNOWN``. Outcomes for other requirements are ignored. Keys of ``outcomes`` must
      equal their outcome's ``requirement_id``.
    * Requirement score: ``UNKNOWN`` → None (not scored); ``MET``/``NOT_MET`` →
      ``normalise(pack.scoring, rating)`` if rated, else 100 / 0. The status, not the rating, decides
      whether a requirement is a gap.
    * Roll-up (``pack.rollup``), ignoring children whose score is None; a node with nothing scored
      beneath it has score None (the pack's score likewise):

      - ``hierarchical_mean``: group = Σ wᵢ·sᵢ / Σ wᵢ over its child groups and requirements, each
        with its own ``weight``; pack = the same over its top-level groups.
      - ``flat_weighted_mean``: group (and pack) = Σ wᵣ·sᵣ / Σ wᵣ over all scored requirements
        beneath it, with requirement weights only (group weights play no part).
      - ``minimum``: group = min of its children's scores; pack = min of its top-level groups'
        (so the lowest scored requirement; weights play no part).

    * Verdict: ``NOT_READY`` if any gate requirement is ``NOT_MET`` or ``UNKNOWN`` (blocking gaps);
      else ``ADJUSTMENTS`` if any other requirement is (non-blocking gaps); else ``READY``.
    * Coverage: ``(met + not_met) / applicable``, the share of the standard the score speaks for; an
      ``UNKNOWN`` requirement is neither a 0 nor a 100 but outside the score, and lowers the coverage.
    * Grade: :func:`grade_for` of the pack score on ``scale`` (``indicative_grade``), given as ``grade`` only
      when ``coverage >= min_coverage`` (default :data:`MIN_COVERAGE_FOR_GRADE`); below it the grade is
      withheld, so a pack with one requirement met and the rest unknown never reads "100, grade A".
    * ``nodes``: depth first in :func:`govcx.standards.schema.iter_nodes` order (a group, then its
      sub-groups, then its requirements); only applicable requirements, and only groups with an
      applicable requirement beneath them.
    """
    _check_stage(stage)
    for key, outcome in outcomes.items():
        if key != outcome.requirement_id:
            raise ScoringError(f"outcome filed under {key!r} is for requirement {outcome.requirement_id!r}")

    scheme = pack.scoring
    rollup = pack.rollup
    in_scope = {r.id for r in applicable_requirements(pack, stage=stage, client_categories=client_categories)}
    counts = {status: 0 for status in OutcomeStatus}
    blocking: list[Gap] = []
    non_blocking: list[Gap] = []

    def build(group: Group, depth: int) -> _Node | None:
        node = _Node(group.id, group.title.en, "group", group.weight, depth)
        for sub in group.groups:
            child = build(sub, depth + 1)
            if child is not None:
                node.children.append(child)
                node.leaves.extend(child.leaves)
        for requirement in group.requirements:
            if requirement.id not in in_scope:
                continue
            outcome = outcomes.get(requirement.id) or Outcome(requirement.id, OutcomeStatus.UNKNOWN)
            counts[outcome.status] += 1
            if outcome.status is OutcomeStatus.NOT_APPLICABLE:
                continue
            if outcome.status is not OutcomeStatus.MET:
                gap = Gap(requirement.id, requirement.title.en, requirement.gate, outcome.status)
                (blocking if requirement.gate else non_blocking).append(gap)
            score = _requirement_score(requirement, outcome, scheme)
            leaf = _Node(
                requirement.id,
                requirement.title.en,
                "requirement",
                requirement.weight,
                depth + 1,
                score=score,
                assessed=int(score is not None),
                applicable=1,
            )
            node.children.append(leaf)
            if score is not None:
                node.leaves.append((score, requirement.weight))
        if not node.children:
            return None
        node.applicable = sum(child.applicable for child in node.children)
        node.assessed = sum(child.assessed for child in node.children)
        node.score = _combine(node.children, node.leaves, rollup)
        return node

    # Gaps are collected in build order (sub-groups before requirements, as iter_nodes yields them).
    tops = [node for node in (build(group, 0) for group in pack.groups) if node is not None]
    all_leaves = [leaf for node in tops for leaf in node.leaves]
    score = _combine(tops, all_leaves, rollup)

    nodes: list[NodeScore] = []

    def flatten(node: _Node) -> None:
        nodes.append(
            NodeScore(
                node.id,
                node.title_en,
                node.kind,
                node.score,
                node.weight,
                node.depth,
                node.assessed,
                node.applicable,
            )
        )
        for child in node.children:
            flatten(child)

    for top in tops:
        flatten(top)

    if blocking:
        verdict = Verdict.NOT_READY
    elif non_blocking:
        verdict = Verdict.ADJUSTMENTS
    else:
        verdict = Verdict.READY

    met = counts[OutcomeStatus.MET]
    not_met = counts[OutcomeStatus.NOT_MET]
    unknown = counts[OutcomeStatus.UNKNOWN]
    applicable = met + not_met + unknown
    coverage = (met + not_met) / applicable if applicable else None
    indicative = grade_for(score, scale)
    return AssessmentResult(
        score=score,
        grade=indicative if coverage is not None and coverage >= min_coverage else None,
        verdict=verdict,
        nodes=nodes,
        blocking=blocking,
        non_blocking=non_blocking,
        met=met,
        not_met=not_met,
        unknown=unknown,
        not_applicable=counts[OutcomeStatus.NOT_APPLICABLE],
        applicable=applicable,
        coverage=coverage,
        indicative_grade=indicative,
    )


# --------------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------------

Direction = Literal["improved", "worsened", "unchanged", "new", "removed"]


@dataclass(frozen=True)
class Change:
    """How one requirement's score moved between two results.

    ``improved``/``worsened``/``unchanged``: scored in both, after > / < / == before (exact float
    comparison; nothing is rounded). ``unchanged`` also when unscored (None) in both.
    ``new``: applicable only in the current result, or scored now but unscored before.
    ``removed``: applicable only in the previous result, or unscored now but scored before.
    """

    requirement_id: str
    title_en: str
    before: float | None
    after: float | None
    direction: Direction


@dataclass(frozen=True)
class Comparison:
    """Two results side by side.

    ``changes`` has one entry per requirement applicable in either result: the current result's in
    document order, then those only in the previous one. ``fixed_gaps``: requirements that were gaps
    before and are applicable and not gaps now. ``new_gaps``: gaps now that were not gaps before
    (including requirements new to the assessment). Both in document order.
    """

    score_before: float | None
    score_after: float | None
    grade_before: str | None
    grade_after: str | None
    verdict_before: Verdict
    verdict_after: Verdict
    changes: list[Change]
    fixed_gaps: list[str]
    new_gaps: list[str]


def _direction(before: float | None, after: float | None) -> Direction:
    if before is None and after is None:
        return "unchanged"
    if before is None:
        return "new"
    if after is None:
        return "removed"
    if after > before:
        return "improved"
    if after < before:
        return "worsened"
    return "unchanged"


def compare(previous: AssessmentResult, current: AssessmentResult) -> Comparison:
    """Compare two assessment results requirement by requirement (see :class:`Change` for the rules)."""

    def requirements(result: AssessmentResult) -> dict[str, NodeScore]:
        return {node.id: node for node in result.nodes if node.kind == "requirement"}

    before = requirements(previous)
    after = requirements(current)
    changes: list[Change] = []
    for rid, node in after.items():
        if rid in before:
            changes.append(
                Change(
                    rid,
                    node.title_en,
                    before[rid].score,
                    node.score,
                    _direction(before[rid].score, node.score),
                )
            )
        else:
            changes.append(Change(rid, node.title_en, None, node.score, "new"))
    for rid, node in before.items():
        if rid not in after:
            changes.append(Change(rid, node.title_en, node.score, None, "removed"))

    gaps_before = [gap.requirement_id for gap in (*previous.blocking, *previous.non_blocking)]
    gaps_after = [gap.requirement_id for gap in (*current.blocking, *current.non_blocking)]
    was_gap, is_gap = set(gaps_before), set(gaps_after)
    order = {rid: i for i, rid in enumerate([*after, *(rid for rid in before if rid not in after)])}
    fixed = sorted((rid for rid in was_gap if rid in after and rid not in is_gap), key=order.__getitem__)
    new = sorted((rid for rid in is_gap if rid not in was_gap), key=order.__getitem__)

    return Comparison(
        score_before=previous.score,
        score_after=current.score,
        grade_before=previous.grade,
        grade_after=current.grade,
        verdict_before=previous.verdict,
        verdict_after=current.verdict,
        changes=changes,
        fixed_gaps=fixed,
        new_gaps=new,
    )
