"""Tests for govcx.standards.scoring: normalisation, applicability, roll-ups, grades, verdicts, compare."""

from __future__ import annotations

import itertools
import math
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from govcx.standards.schema import STAGES, GradeScale, Pack, Rollup, ScoringScheme
from govcx.standards.scoring import (
    SCHEME_RANGES,
    SCHEME_VALUES,
    AssessmentResult,
    Change,
    Gap,
    NodeScore,
    Outcome,
    OutcomeStatus,
    ScoringError,
    Verdict,
    applicable_requirements,
    compare,
    default_pass_threshold,
    evaluate,
    grade_for,
    normalise,
    outcome_from_rating,
)

MET = OutcomeStatus.MET
NOT_MET = OutcomeStatus.NOT_MET
NA = OutcomeStatus.NOT_APPLICABLE
UNKNOWN = OutcomeStatus.UNKNOWN

CATEGORIES = ["citizens", "business", "foreign"]

SCALE = GradeScale.model_validate(
    {
        "id": "abcd",
        "title": {"en": "Grades"},
        "bands": [
            {"label": "A", "min_score": 90},
            {"label": "B", "min_score": 75},
            {"label": "C", "min_score": 50},
            {"label": "D", "min_score": 0},
        ],
    }
)


# ---------------------------------------------------------------------------------------------------
# Builders
# ---------------------------------------------------------------------------------------------------


def req(rid: str, **fields: Any) -> dict[str, Any]:
    return {"id": rid, "title": {"en": f"Requirement {rid}"}, "text": {"en": "Some text."}, **fields}


def grp(gid: str, *, groups: list[dict] | None = None, requirements: list[dict] | None = None, **fields: Any):
    return {
        "id": gid,
        "title": {"en": f"Group {gid}"},
        "groups": groups or [],
        "requirements": requirements or [],
        **fields,
    }


def pack_dict(groups: list[dict], **fields: Any) -> dict[str, Any]:
    return {
        "id": "test-pack",
        "title": {"en": "Test pack"},
        "version": "1.0",
        "effective_from": "2025-01-01",
        "source": {"title": "Test source", "publisher": "Tests"},
        "client_categories": CATEGORIES,
        "scoring": "met_not_met",
        "grade_scale": "abcd",
        "groups": groups,
        **fields,
    }


def make_pack(groups: list[dict], **fields: Any) -> Pack:
    return Pack.model_validate(pack_dict(groups, **fields))


def outs(*items: Outcome) -> dict[str, Outcome]:
    return {o.requirement_id: o for o in items}


def run(pack: Pack, outcomes: dict[str, Outcome], *, stage: str = "beta", cats=frozenset(CATEGORIES)):
    return evaluate(pack, outcomes, stage=stage, client_categories=set(cats), scale=SCALE)


# ---------------------------------------------------------------------------------------------------
# normalise
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "rating", "expected"),
    [
        (ScoringScheme.MET_NOT_MET, "met", 100.0),
        (ScoringScheme.MET_NOT_MET, "not_met", 0.0),
        (ScoringScheme.RED_AMBER_GREEN, "red", 0.0),
        (ScoringScheme.RED_AMBER_GREEN, "amber", 50.0),
        (ScoringScheme.RED_AMBER_GREEN, "green", 100.0),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 0, 0.0),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 50, 50.0),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 100, 100.0),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 50.0, 50.0),
        (ScoringScheme.ONE_TO_FIVE, 1, 0.0),
        (ScoringScheme.ONE_TO_FIVE, 2, 25.0),
        (ScoringScheme.ONE_TO_FIVE, 3, 50.0),
        (ScoringScheme.ONE_TO_FIVE, 4, 75.0),
        (ScoringScheme.ONE_TO_FIVE, 5, 100.0),
        (ScoringScheme.ONE_TO_FIVE, 3.5, 62.5),  # (3.5 − 1) / 4 × 100
        (ScoringScheme.ONE_TO_FIVE, 4.2, 80.0),  # (4.2 − 1) / 4 × 100
        (ScoringScheme.WEIGHTED_PERCENTAGE, 0, 0.0),
        (ScoringScheme.WEIGHTED_PERCENTAGE, 37.25, 37.25),
        (ScoringScheme.WEIGHTED_PERCENTAGE, 100, 100.0),
        ("red_amber_green", "amber", 50.0),  # the scheme may be given by its value
        # numeric schemes read numeric strings, as web forms post them
        (ScoringScheme.ZERO_FIFTY_HUNDRED, "50", 50.0),
        (ScoringScheme.ONE_TO_FIVE, "4", 75.0),
        (ScoringScheme.WEIGHTED_PERCENTAGE, " 62.5 ", 62.5),
    ],
)
def test_normalise_valid(scheme, rating, expected):
    result = normalise(scheme, rating)
    assert isinstance(result, float)
    assert result == pytest.approx(expected)


@pytest.mark.parametrize(
    ("scheme", "rating"),
    [
        (ScoringScheme.MET_NOT_MET, "yes"),
        (ScoringScheme.MET_NOT_MET, "MET"),
        (ScoringScheme.MET_NOT_MET, 100),
        (ScoringScheme.MET_NOT_MET, None),
        (ScoringScheme.RED_AMBER_GREEN, "purple"),
        (ScoringScheme.RED_AMBER_GREEN, 50),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 25),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, "25"),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, "fifty"),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, True),
        (ScoringScheme.ONE_TO_FIVE, 0),
        (ScoringScheme.ONE_TO_FIVE, 5.5),
        (ScoringScheme.ONE_TO_FIVE, 0.999),
        (ScoringScheme.ONE_TO_FIVE, "6"),
        (ScoringScheme.ONE_TO_FIVE, ""),
        (ScoringScheme.ONE_TO_FIVE, True),
        (ScoringScheme.WEIGHTED_PERCENTAGE, -0.1),
        (ScoringScheme.WEIGHTED_PERCENTAGE, 100.5),
        (ScoringScheme.WEIGHTED_PERCENTAGE, math.nan),
        (ScoringScheme.WEIGHTED_PERCENTAGE, math.inf),
        (ScoringScheme.WEIGHTED_PERCENTAGE, "green"),
        (ScoringScheme.WEIGHTED_PERCENTAGE, "nan"),
        (ScoringScheme.WEIGHTED_PERCENTAGE, None),
    ],
)
def test_normalise_invalid_names_scheme_and_value(scheme, rating):
    with pytest.raises(ScoringError) as info:
        normalise(scheme, rating)
    message = str(info.value)
    assert scheme.value in message
    assert repr(rating) in message
    assert isinstance(info.value, ValueError)


def test_normalise_unknown_scheme():
    with pytest.raises(ScoringError, match="unknown scoring scheme 'stars'"):
        normalise("stars", 3)


def test_scheme_values_cover_every_scheme_and_agree_with_normalise():
    assert set(SCHEME_VALUES) == set(ScoringScheme)
    for scheme, values in SCHEME_VALUES.items():
        for rating, score in values.items():
            assert normalise(scheme, rating) == score
    for scheme, (low, high) in SCHEME_RANGES.items():
        assert normalise(scheme, low) == 0.0
        assert normalise(scheme, high) == 100.0


# ---------------------------------------------------------------------------------------------------
# Thresholds and outcome_from_rating
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheme", "threshold"),
    [
        (ScoringScheme.MET_NOT_MET, 100.0),
        (ScoringScheme.RED_AMBER_GREEN, 100.0),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 100.0),
        (ScoringScheme.ONE_TO_FIVE, 75.0),
        (ScoringScheme.WEIGHTED_PERCENTAGE, 75.0),
    ],
)
def test_default_pass_threshold(scheme, threshold):
    assert default_pass_threshold(scheme) == threshold


@pytest.mark.parametrize(
    ("scheme", "rating", "threshold", "status"),
    [
        (ScoringScheme.MET_NOT_MET, "met", None, MET),
        (ScoringScheme.MET_NOT_MET, "not_met", None, NOT_MET),
        (ScoringScheme.RED_AMBER_GREEN, "green", None, MET),
        (ScoringScheme.RED_AMBER_GREEN, "amber", None, NOT_MET),
        (ScoringScheme.RED_AMBER_GREEN, "amber", 50, MET),  # a pack that accepts amber
        (ScoringScheme.RED_AMBER_GREEN, "red", 50, NOT_MET),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 100, None, MET),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, 50, None, NOT_MET),
        (ScoringScheme.ONE_TO_FIVE, 4, None, MET),  # 75 ≥ 75
        (ScoringScheme.ONE_TO_FIVE, 5, None, MET),
        (ScoringScheme.ONE_TO_FIVE, 3.99, None, NOT_MET),  # 74.75 < 75
        (ScoringScheme.ONE_TO_FIVE, 3, None, NOT_MET),
        (ScoringScheme.ONE_TO_FIVE, 3, 50.0, MET),
        (ScoringScheme.WEIGHTED_PERCENTAGE, 75, None, MET),
        (ScoringScheme.WEIGHTED_PERCENTAGE, 74.9, None, NOT_MET),
        (ScoringScheme.WEIGHTED_PERCENTAGE, 0, 0, MET),  # a threshold of 0 passes everything
    ],
)
def test_outcome_from_rating(scheme, rating, threshold, status):
    outcome = outcome_from_rating(scheme, "r1", rating, threshold)
    assert outcome == Outcome("r1", status, rating)


@pytest.mark.parametrize("threshold", [-1, 100.01, math.nan])
def test_outcome_from_rating_rejects_bad_threshold(threshold):
    with pytest.raises(ScoringError, match="pass threshold"):
        outcome_from_rating(ScoringScheme.WEIGHTED_PERCENTAGE, "r1", 80, threshold)


@pytest.mark.parametrize(
    ("scheme", "raw", "stored"),
    [
        (ScoringScheme.ONE_TO_FIVE, "4", 4),
        (ScoringScheme.ZERO_FIFTY_HUNDRED, "100", 100),
        (ScoringScheme.WEIGHTED_PERCENTAGE, "62.5", 62.5),
        (ScoringScheme.RED_AMBER_GREEN, "green", "green"),
    ],
)
def test_outcome_from_rating_stores_numeric_strings_as_numbers(scheme, raw, stored):
    outcome = outcome_from_rating(scheme, "r1", raw)
    assert outcome.rating == stored
    assert type(outcome.rating) is type(stored)


def test_outcome_from_rating_rejects_string_threshold():
    with pytest.raises(ScoringError, match="pass threshold '50'"):
        outcome_from_rating(ScoringScheme.WEIGHTED_PERCENTAGE, "r1", 80, "50")  # type: ignore[arg-type]


def test_outcome_from_rating_rejects_bad_rating():
    with pytest.raises(ScoringError, match=r"one_to_five.*6"):
        outcome_from_rating(ScoringScheme.ONE_TO_FIVE, "r1", 6)


def test_outcome_coerces_status_string_and_rejects_unknown():
    assert Outcome("r1", "met").status is MET  # type: ignore[arg-type]
    with pytest.raises(ScoringError, match="unknown status 'done'"):
        Outcome("r1", "done")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------
# Applicability
# ---------------------------------------------------------------------------------------------------

APPLICABILITY_PACK = make_pack(
    [
        grp(
            "a",
            client_categories=["business"],
            groups=[
                grp("a.x", requirements=[req("ax1")]),  # inherits business from a
                grp("a.y", client_categories=["foreign"], requirements=[req("ay1")]),
            ],
            requirements=[
                req("a1"),  # inherits business from a
                req("a2", client_categories=["citizens"]),  # its own beats the group's
                req("a3", client_categories=[]),  # explicitly nobody
            ],
        ),
        grp(
            "b",  # no categories: the pack's
            requirements=[
                req("b1"),
                req("b2", stages=["live"]),
                req("b3", stages=["design", "alpha"]),
            ],
        ),
    ]
)


@pytest.mark.parametrize(
    ("stage", "cats", "expected"),
    [
        ("beta", {"citizens"}, ["a2", "b1"]),
        ("beta", {"business"}, ["ax1", "a1", "b1"]),
        ("live", {"foreign"}, ["ay1", "b1", "b2"]),
        ("alpha", {"citizens", "business"}, ["ax1", "a1", "a2", "b1", "b3"]),
        ("design", {"citizens", "business", "foreign"}, ["ax1", "ay1", "a1", "a2", "b1", "b3"]),
        ("live", set(), []),
        ("beta", {"someone-else"}, []),
    ],
)
def test_applicable_requirements(stage, cats, expected):
    found = applicable_requirements(APPLICABILITY_PACK, stage=stage, client_categories=cats)
    assert [r.id for r in found] == expected


def test_applicable_requirements_rejects_unknown_stage():
    with pytest.raises(ScoringError, match="unknown stage 'gamma'"):
        applicable_requirements(APPLICABILITY_PACK, stage="gamma", client_categories={"citizens"})


def test_evaluate_counts_only_applicable_requirements():
    # Stage beta, citizens: only a2 and b1 apply; outcomes for the rest are ignored.
    outcomes = outs(Outcome("a2", MET), Outcome("b1", NOT_MET), Outcome("a1", NOT_MET), Outcome("b2", MET))
    result = run(APPLICABILITY_PACK, outcomes, cats={"citizens"})
    assert [(n.id, n.kind, n.depth) for n in result.nodes] == [
        ("a", "group", 0),
        ("a2", "requirement", 1),
        ("b", "group", 0),
        ("b1", "requirement", 1),
    ]
    assert (result.met, result.not_met, result.unknown, result.not_applicable, result.applicable) == (
        1,
        1,
        0,
        0,
        2,
    )
    assert result.score == 50.0  # a = 100, b = 0 → (100 + 0) / 2


# ---------------------------------------------------------------------------------------------------
# Roll-ups, hand-computed
# ---------------------------------------------------------------------------------------------------
#
#   g1 (w2)                    g2 (w1)                  g3 (w5)
#   ├─ g1a (w1)                ├─ r5 w2  90  met        └─ r7 w1  missing → unknown
#   │  ├─ r3 w2  70  not met   ├─ r6 w1  30  not met
#   │  └─ r4 w1  unknown       └─ r8 w1  not applicable
#   ├─ r1 w1  100  met
#   └─ r2 w3   40  not met
#
# (weighted_percentage; statuses from the default threshold of 75)


def rollup_pack(rollup: Rollup) -> Pack:
    return make_pack(
        [
            grp(
                "g1",
                weight=2,
                groups=[grp("g1a", requirements=[req("r3", weight=2), req("r4")])],
                requirements=[req("r1"), req("r2", weight=3)],
            ),
            grp("g2", requirements=[req("r5", weight=2), req("r6"), req("r8", gate=True)]),
            grp("g3", weight=5, requirements=[req("r7")]),
        ],
        scoring="weighted_percentage",
        rollup=rollup.value,
    )


def rollup_outcomes() -> dict[str, Outcome]:
    scheme = ScoringScheme.WEIGHTED_PERCENTAGE
    return outs(
        outcome_from_rating(scheme, "r1", 100),
        outcome_from_rating(scheme, "r2", 40),
        outcome_from_rating(scheme, "r3", 70),
        Outcome("r4", UNKNOWN, 95),  # a rating on an unknown outcome is not scored
        outcome_from_rating(scheme, "r5", 90),
        outcome_from_rating(scheme, "r6", 30),
        Outcome("r8", NA),
    )


def scores(result: AssessmentResult) -> dict[str, float | None]:
    return {n.id: n.score for n in result.nodes}


def test_hierarchical_mean_by_hand():
    result = run(rollup_pack(Rollup.HIERARCHICAL_MEAN), rollup_outcomes())
    s = scores(result)
    assert s["g1a"] == pytest.approx(70.0)  # r3 only (r4 unknown)
    assert s["g1"] == pytest.approx(58.0)  # (70·1 [g1a] + 100·1 + 40·3) / (1 + 1 + 3) = 290 / 5
    assert s["g2"] == pytest.approx(70.0)  # (90·2 + 30·1) / 3 = 210 / 3 (r8 not applicable)
    assert s["g3"] is None  # nothing scored: skipped by the pack
    assert result.score == pytest.approx(62.0)  # (58·2 + 70·1) / (2 + 1) = 186 / 3
    # 5 of 7 applicable requirements assessed (r4 and r7 unknown): 71 % < 80 %, so no grade, only its indication
    assert result.coverage == pytest.approx(5 / 7)
    assert (result.grade, result.indicative_grade, result.grade_withheld) == (None, "C", True)


def test_flat_weighted_mean_by_hand():
    result = run(rollup_pack(Rollup.FLAT_WEIGHTED_MEAN), rollup_outcomes())
    s = scores(result)
    assert s["g1a"] == pytest.approx(70.0)  # r3 only
    assert s["g1"] == pytest.approx(60.0)  # (100·1 + 40·3 + 70·2) / (1 + 3 + 2) = 360 / 6
    assert s["g2"] == pytest.approx(70.0)  # (90·2 + 30·1) / 3
    assert s["g3"] is None
    # (100 + 120 + 140 + 180 + 30) / (1 + 3 + 2 + 2 + 1) = 570 / 9; group weights play no part
    assert result.score == pytest.approx(570 / 9)
    assert (result.grade, result.indicative_grade) == (None, "C")


def test_minimum_by_hand():
    result = run(rollup_pack(Rollup.MINIMUM), rollup_outcomes())
    s = scores(result)
    assert s["g1a"] == 70.0
    assert s["g1"] == 40.0  # min(70, 100, 40)
    assert s["g2"] == 30.0  # min(90, 30)
    assert s["g3"] is None
    assert result.score == 30.0  # min(40, 30)
    assert (result.grade, result.indicative_grade) == (None, "D")


def test_unknowns_never_read_as_a_full_score_and_top_grade():
    """One requirement met and the rest unknown is "100 on 1 of 8, grade withheld", never "100 · A"."""
    pack = rollup_pack(Rollup.HIERARCHICAL_MEAN)
    result = run(pack, outs(Outcome("r2", MET)))
    assert result.score == 100.0 and result.indicative_grade == "A"
    assert result.grade is None and result.grade_withheld and result.coverage == pytest.approx(1 / 8)
    assert result.unknown == 7 and result.verdict is not Verdict.READY
    everything = outs(*(Outcome(f"r{i}", MET) for i in range(1, 9)))
    graded = run(pack, everything)
    assert graded.coverage == 1.0 and graded.grade == "A" and not graded.grade_withheld
    lenient = evaluate(pack, outs(Outcome("r2", MET)), stage="beta", client_categories=set(CATEGORIES),
                       scale=SCALE, min_coverage=0.1)
    assert lenient.grade == "A"


def test_result_nodes_counts_and_gaps():
    result = run(rollup_pack(Rollup.HIERARCHICAL_MEAN), rollup_outcomes())
    assert [(n.id, n.kind, n.depth, n.weight, n.assessed, n.applicable) for n in result.nodes] == [
        ("g1", "group", 0, 2.0, 3, 4),
        ("g1a", "group", 1, 1.0, 1, 2),
        ("r3", "requirement", 2, 2.0, 1, 1),
        ("r4", "requirement", 2, 1.0, 0, 1),
        ("r1", "requirement", 1, 1.0, 1, 1),
        ("r2", "requirement", 1, 3.0, 1, 1),
        ("g2", "group", 0, 1.0, 2, 2),
        ("r5", "requirement", 1, 2.0, 1, 1),
        ("r6", "requirement", 1, 1.0, 1, 1),
        ("g3", "group", 0, 5.0, 0, 1),
        ("r7", "requirement", 1, 1.0, 0, 1),
    ]
    assert result.nodes[0].title_en == "Group g1"
    assert (result.met, result.not_met, result.unknown, result.not_applicable, result.applicable) == (
        2,
        3,
        2,
        1,
        7,
    )
    # r8 is a gate, but marked not applicable: no blocking gap.
    assert result.blocking == []
    assert [(g.requirement_id, g.status) for g in result.non_blocking] == [
        ("r3", NOT_MET),
        ("r4", UNKNOWN),
        ("r2", NOT_MET),
        ("r6", NOT_MET),
        ("r7", UNKNOWN),
    ]
    assert result.verdict is Verdict.ADJUSTMENTS


def test_rating_decides_score_and_status_decides_gap():
    pack = make_pack([grp("g", requirements=[req("r1"), req("r2")])], scoring="red_amber_green")
    # An assessor may mark amber as met; the score still reflects amber.
    result = run(pack, outs(Outcome("r1", MET, "amber"), Outcome("r2", MET)))
    assert scores(result) == {"g": 75.0, "r1": 50.0, "r2": 100.0}
    assert result.verdict is Verdict.READY


def test_invalid_rating_in_outcome_names_the_requirement():
    pack = make_pack([grp("g", requirements=[req("r1")])], scoring="zero_fifty_hundred")
    with pytest.raises(ScoringError, match=r"requirement 'r1': zero_fifty_hundred: invalid rating 75"):
        run(pack, outs(Outcome("r1", MET, 75)))


def test_outcome_key_must_match_requirement_id():
    pack = make_pack([grp("g", requirements=[req("r1")])])
    with pytest.raises(ScoringError, match="filed under 'r2'"):
        run(pack, {"r2": Outcome("r1", MET)})


def test_evaluate_rejects_unknown_stage():
    pack = make_pack([grp("g", requirements=[req("r1")])])
    with pytest.raises(ScoringError, match="unknown stage"):
        run(pack, {}, stage="gamma")


# ---------------------------------------------------------------------------------------------------
# Grades
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "grade"),
    [
        (100.0, "A"),
        (90.0, "A"),
        (89.999, "B"),
        (75.0, "B"),
        (74.99, "C"),
        (50.0, "C"),
        (49.9999, "D"),
        (0.0, "D"),
        (None, None),
    ],
)
def test_grade_for(score, grade):
    assert grade_for(score, SCALE) == grade


@pytest.mark.parametrize("score", [-0.01, 100.01, math.nan])
def test_grade_for_rejects_out_of_range(score):
    with pytest.raises(ScoringError, match="outside 0–100"):
        grade_for(score, SCALE)


# ---------------------------------------------------------------------------------------------------
# Verdicts, unknown and missing outcomes
# ---------------------------------------------------------------------------------------------------

VERDICT_PACK = make_pack(
    [
        grp(
            "g",
            requirements=[
                req("gate1", gate=True),
                req("gate-live", gate=True, stages=["live"]),
                req("plain1"),
                req("plain2"),
            ],
        )
    ]
)


def test_verdict_ready():
    result = run(VERDICT_PACK, outs(Outcome("gate1", MET), Outcome("plain1", MET), Outcome("plain2", MET)))
    assert result.verdict is Verdict.READY
    assert result.blocking == result.non_blocking == []
    assert result.score == 100.0
    assert result.grade == "A"


def test_verdict_adjustments():
    result = run(
        VERDICT_PACK, outs(Outcome("gate1", MET), Outcome("plain1", NOT_MET), Outcome("plain2", MET))
    )
    assert result.verdict is Verdict.ADJUSTMENTS
    assert result.non_blocking == [Gap("plain1", "Requirement plain1", False, NOT_MET)]


def test_verdict_not_ready_on_gate_not_met():
    result = run(
        VERDICT_PACK, outs(Outcome("gate1", NOT_MET), Outcome("plain1", MET), Outcome("plain2", MET))
    )
    assert result.verdict is Verdict.NOT_READY
    assert result.blocking == [Gap("gate1", "Requirement gate1", True, NOT_MET)]
    assert result.non_blocking == []
    assert result.score == pytest.approx(200 / 3)  # (0 + 100 + 100) / 3


def test_verdict_not_ready_on_missing_gate_outcome():
    result = run(VERDICT_PACK, outs(Outcome("plain1", MET), Outcome("plain2", MET)))
    assert result.verdict is Verdict.NOT_READY
    assert result.blocking == [Gap("gate1", "Requirement gate1", True, UNKNOWN)]
    assert result.score == 100.0  # the unknown gate is not scored
    assert result.unknown == 1


def test_gate_out_of_stage_does_not_block_but_does_at_its_stage():
    outcomes = outs(Outcome("gate1", MET), Outcome("plain1", MET), Outcome("plain2", MET))
    assert run(VERDICT_PACK, outcomes, stage="beta").verdict is Verdict.READY
    live = run(VERDICT_PACK, outcomes, stage="live")
    assert live.verdict is Verdict.NOT_READY
    assert [g.requirement_id for g in live.blocking] == ["gate-live"]


def test_gate_marked_not_applicable_does_not_block():
    outcomes = outs(Outcome("gate1", NA), Outcome("plain1", MET), Outcome("plain2", MET))
    result = run(VERDICT_PACK, outcomes)
    assert result.verdict is Verdict.READY
    assert (result.not_applicable, result.applicable) == (1, 2)
    assert "gate1" not in {n.id for n in result.nodes}


def test_nothing_assessed():
    result = run(VERDICT_PACK, {})
    assert result.score is None
    assert result.grade is None
    assert result.verdict is Verdict.NOT_READY
    assert (result.unknown, result.applicable) == (3, 3)
    assert all(n.score is None for n in result.nodes)
    assert [g.requirement_id for g in result.non_blocking] == ["plain1", "plain2"]


def test_unknown_only_non_gates_give_adjustments():
    result = run(VERDICT_PACK, outs(Outcome("gate1", MET), Outcome("plain1", UNKNOWN)))
    assert result.verdict is Verdict.ADJUSTMENTS
    assert [(g.requirement_id, g.status) for g in result.non_blocking] == [
        ("plain1", UNKNOWN),
        ("plain2", UNKNOWN),
    ]
    assert result.score == 100.0


def test_all_not_applicable_group_is_omitted():
    pack = make_pack([grp("g1", requirements=[req("r1")]), grp("g2", requirements=[req("r2")])])
    result = run(pack, outs(Outcome("r1", NA), Outcome("r2", MET)))
    assert [n.id for n in result.nodes] == ["g2", "r2"]
    assert result.score == 100.0


# ---------------------------------------------------------------------------------------------------
# compare
# ---------------------------------------------------------------------------------------------------

COMPARE_PACK = make_pack(
    [
        grp(
            "g",
            requirements=[
                req("r1", gate=True),
                req("r2"),
                req("r3", stages=["alpha"]),
                req("r4", stages=["beta"]),
                req("r5"),
            ],
        )
    ]
)


def test_compare():
    # Alpha: r1 0, r2 100, r3 0, r5 unknown → (0 + 100 + 0) / 3 = 33.3 (D, not ready: r1 is a gate)
    previous = run(
        COMPARE_PACK,
        outs(Outcome("r1", NOT_MET), Outcome("r2", MET), Outcome("r3", NOT_MET)),
        stage="alpha",
    )
    # Beta: r1 100, r2 0, r4 0, r5 100 → 200 / 4 = 50 (C, adjustments)
    current = run(
        COMPARE_PACK,
        outs(Outcome("r1", MET), Outcome("r2", NOT_MET), Outcome("r4", NOT_MET), Outcome("r5", MET)),
        stage="beta",
    )
    comparison = compare(previous, current)
    assert comparison.score_before == pytest.approx(100 / 3)
    assert comparison.score_after == pytest.approx(50.0)
    # Alpha covers 3 of its 4 requirements (75 %): graded only below the default; beta covers all of them.
    assert (comparison.grade_before, comparison.grade_after) == (None, "C")
    assert (comparison.verdict_before, comparison.verdict_after) == (Verdict.NOT_READY, Verdict.ADJUSTMENTS)
    assert comparison.changes == [
        Change("r1", "Requirement r1", 0.0, 100.0, "improved"),
        Change("r2", "Requirement r2", 100.0, 0.0, "worsened"),
        Change("r4", "Requirement r4", None, 0.0, "new"),  # only applicable in beta
        Change("r5", "Requirement r5", None, 100.0, "new"),  # first scored now
        Change("r3", "Requirement r3", 0.0, None, "removed"),  # only applicable in alpha
    ]
    assert comparison.fixed_gaps == ["r1", "r5"]  # r3 left the assessment: not "fixed"
    assert comparison.new_gaps == ["r2", "r4"]


def test_compare_unchanged_and_no_longer_scored():
    previous = run(COMPARE_PACK, outs(Outcome("r1", MET), Outcome("r2", MET)))
    current = run(COMPARE_PACK, outs(Outcome("r1", MET), Outcome("r2", UNKNOWN)))
    comparison = compare(previous, current)
    assert [(c.requirement_id, c.direction) for c in comparison.changes] == [
        ("r1", "unchanged"),
        ("r2", "removed"),  # scored before, unscored now
        ("r4", "unchanged"),  # unknown both times
        ("r5", "unchanged"),
    ]
    assert comparison.fixed_gaps == []
    assert comparison.new_gaps == ["r2"]
    same = compare(current, current)
    assert {c.direction for c in same.changes} == {"unchanged"}
    assert same.fixed_gaps == same.new_gaps == []


# ---------------------------------------------------------------------------------------------------
# No Django
# ---------------------------------------------------------------------------------------------------


def test_scoring_does_not_import_django():
    src = Path(__file__).resolve().parents[2] / "src"
    env = {**os.environ, "PYTHONPATH": str(src)}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    code = (
        "import sys, govcx.standards.scoring\n"
        "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')]"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


# ---------------------------------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------------------------------

RATINGS: dict[ScoringScheme, st.SearchStrategy] = {
    ScoringScheme.MET_NOT_MET: st.sampled_from(["met", "not_met"]),
    ScoringScheme.RED_AMBER_GREEN: st.sampled_from(["red", "amber", "green"]),
    ScoringScheme.ZERO_FIFTY_HUNDRED: st.sampled_from([0, 50, 100, "0", "50", "100"]),
    ScoringScheme.ONE_TO_FIVE: st.integers(1, 5) | st.floats(1, 5) | st.sampled_from(["1", "3", "4.5"]),
    ScoringScheme.WEIGHTED_PERCENTAGE: st.integers(0, 100) | st.floats(0, 100),
}

category_lists = st.none() | st.lists(st.sampled_from(CATEGORIES), min_size=1, max_size=3, unique=True)
weights = st.sampled_from([1.0, 2.0, 0.5]) | st.floats(0.01, 100)


@st.composite
def cases(draw) -> tuple[dict, dict[str, Outcome], str, set[str]]:
    """A random pack (as a dict), outcomes for some of its requirements, a stage and categories."""
    scheme = draw(st.sampled_from(list(ScoringScheme)))
    ids = itertools.count()
    requirement_ids: list[str] = []

    def requirement() -> dict:
        rid = f"r{next(ids)}"
        requirement_ids.append(rid)
        return req(
            rid,
            client_categories=draw(st.none() | category_lists),
            stages=draw(st.lists(st.sampled_from(STAGES), min_size=1, max_size=4, unique=True)),
            gate=draw(st.booleans()),
            weight=draw(weights),
        )

    def group(depth: int) -> dict:
        gid = f"g{next(ids)}"
        n_groups = draw(st.integers(0, 2)) if depth < 2 else 0
        n_requirements = draw(st.integers(0 if n_groups else 1, 3))
        return grp(
            gid,
            client_categories=draw(st.none() | category_lists),
            weight=draw(weights),
            groups=[group(depth + 1) for _ in range(n_groups)],
            requirements=[requirement() for _ in range(n_requirements)],
        )

    groups = [group(0) for _ in range(draw(st.integers(1, 3)))]
    outcomes: dict[str, Outcome] = {}
    for rid in requirement_ids:
        status = draw(st.none() | st.sampled_from(list(OutcomeStatus)))
        if status is None:
            continue  # missing
        rating = draw(st.none() | RATINGS[scheme])
        outcomes[rid] = Outcome(rid, status, rating)
    stage = draw(st.sampled_from(STAGES))
    cats = draw(st.sets(st.sampled_from(CATEGORIES), min_size=1))
    return pack_dict(groups, scoring=scheme.value), outcomes, stage, cats


def evaluate_case(data: dict, outcomes: dict[str, Outcome], stage: str, cats: set[str], rollup=None):
    if rollup is not None:
        data = {**data, "rollup": rollup.value}
    return evaluate(Pack.model_validate(data), outcomes, stage=stage, client_categories=cats, scale=SCALE)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(cases(), st.sampled_from(list(Rollup)))
def test_property_scores_within_bounds(case, rollup):
    result = evaluate_case(*case, rollup=rollup)
    for value in [result.score, *(n.score for n in result.nodes)]:
        assert value is None or 0.0 <= value <= 100.0
    assert (result.score is None) == (result.indicative_grade is None)
    assert result.grade in (None, result.indicative_grade)
    assert (result.grade is not None) == (result.coverage is not None and result.coverage >= 0.8
                                         and result.score is not None)
    assert result.met + result.not_met + result.unknown == result.applicable
    requirement_nodes = [n for n in result.nodes if n.kind == "requirement"]
    assert len(requirement_nodes) == result.applicable
    assert sum(n.assessed for n in requirement_nodes) == result.met + result.not_met


@PROPERTY
@given(cases())
def test_property_minimum_le_mean_le_max_leaf(case):
    by_rollup = {rollup: evaluate_case(*case, rollup=rollup) for rollup in Rollup}
    leaves = [
        n.score
        for n in by_rollup[Rollup.HIERARCHICAL_MEAN].nodes
        if n.kind == "requirement" and n.score is not None
    ]
    if not leaves:
        assert all(r.score is None for r in by_rollup.values())
        return
    minimum = by_rollup[Rollup.MINIMUM].score
    mean = by_rollup[Rollup.HIERARCHICAL_MEAN].score
    flat = by_rollup[Rollup.FLAT_WEIGHTED_MEAN].score
    assert minimum is not None and mean is not None and flat is not None
    assert minimum == min(leaves)
    assert minimum <= mean <= max(leaves)
    assert minimum <= flat <= max(leaves)


@PROPERTY
@given(cases(), st.sampled_from(list(Rollup)))
def test_property_verdict_follows_gaps(case, rollup):
    result = evaluate_case(*case, rollup=rollup)
    assert (result.verdict is Verdict.READY) == (not result.blocking and not result.non_blocking)
    assert (result.verdict is Verdict.NOT_READY) == bool(result.blocking)
    assert all(g.gate for g in result.blocking)
    assert not any(g.gate for g in result.non_blocking)
    assert all(g.status in (NOT_MET, UNKNOWN) for g in [*result.blocking, *result.non_blocking])


@PROPERTY
@given(cases(), st.sampled_from(list(Rollup)))
def test_property_not_met_gate_means_not_ready(case, rollup):
    data, outcomes, stage, cats = case
    gate = req("added-gate", gate=True, client_categories=sorted(cats), stages=[stage])
    groups = [dict(data["groups"][0]), *data["groups"][1:]]
    groups[0]["requirements"] = [*groups[0]["requirements"], gate]
    data = {**data, "groups": groups}
    outcomes = {**outcomes, "added-gate": Outcome("added-gate", NOT_MET)}
    result = evaluate_case(data, outcomes, stage, cats, rollup=rollup)
    assert result.verdict is Verdict.NOT_READY
    assert Gap("added-gate", "Requirement added-gate", True, NOT_MET) in result.blocking


@PROPERTY
@given(cases(), st.sampled_from(list(Rollup)), st.randoms(use_true_random=False))
def test_property_outcome_order_does_not_matter(case, rollup, rnd):
    data, outcomes, stage, cats = case
    items = list(outcomes.items())
    rnd.shuffle(items)
    assert evaluate_case(data, dict(items), stage, cats, rollup=rollup) == evaluate_case(
        data, outcomes, stage, cats, rollup=rollup
    )


def test_public_types_are_frozen():
    node = NodeScore("g", "G", "group", None, 1.0, 0, 0, 1)
    with pytest.raises(AttributeError):
        node.score = 5.0  # type: ignore[misc]
