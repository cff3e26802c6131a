"""Survey definitions, answer validation, fact rows and fingerprints (govcx.feedback.survey_schema)."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcx.errors import InvalidInput
from govcx.feedback.survey_schema import (
    InvalidAnswers,
    Measure,
    definition_fingerprint,
    fact_rows,
    parse_definition,
    validate_answers,
)


def rating(key, lo=1, hi=5, **extra):
    return {"key": key, "type": "rating", "label": {"en": key, "ru": key}, "scale_min": lo, "scale_max": hi, **extra}


def survey(*questions):
    return {"title": {"en": "Test", "ru": "Тест"}, "questions": list(questions)}


BRANCHING = survey(
    rating("overall", required=True),
    {"key": "why_low", "type": "text", "label": {"en": "Why?"}, "required": True, "max_length": 20,
     "show_if": [{"question": "overall", "at_most": 2}]},
    {"key": "topic", "type": "single_choice", "label": {"ru": "Тема"},
     "options": [{"key": "queue", "label": {"en": "Queue"}}, {"key": "staff", "label": {"en": "Staff"}},
                 {"key": "site", "label": {"en": "Website"}}]},
    {"key": "also", "type": "multiple_choice", "label": {"en": "Also"}, "max_selected": 2,
     "options": [{"key": "a", "label": {"en": "A"}}, {"key": "b", "label": {"en": "B"}},
                 {"key": "c", "label": {"en": "C"}}]},
    {"key": "site_detail", "type": "text", "label": {"en": "Which page?"},
     "show_if": [{"question": "topic", "equals": "site"}]},
    {"key": "resolved", "type": "yes_no", "label": {"en": "Resolved?"}},
    {"key": "thumb", "type": "thumbs", "label": {"en": "Helpful?"}},
    rating("nps", 0, 10, measure="nps"),
    {"key": "channel", "type": "hidden", "context": "channel"},
)


@pytest.fixture
def definition():
    return parse_definition(BRANCHING)


# --- definitions ------------------------------------------------------------------------------------------


def problems_of(data):
    with pytest.raises(InvalidInput) as info:
        parse_definition(data)
    return [(p.item, p.field) for p in info.value.problems]


def test_a_type_error_names_the_question_key_and_field():
    assert problems_of(survey(rating("overall", hi="five"))) == [("overall", "scale_max")]


def test_an_unnamed_question_is_named_by_its_position():
    assert problems_of(survey({"type": "yes_no", "label": {"en": "x"}})) == [("#1", "key")]


def test_cross_question_problems_are_all_reported():
    data = survey(
        rating("overall", 5, 1),
        rating("overall"),
        rating("nps", 1, 10, measure="nps"),
        {"key": "later", "type": "text", "label": {"en": "x"}, "show_if": [{"question": "nowhere", "equals": 1}]},
    )
    assert problems_of(data) == [
        ("overall", "scale_max"), ("overall", "key"), ("nps", "measure"), ("later", "show_if[0]"),
    ]


def test_branching_may_only_look_back():
    data = survey(
        {"key": "first", "type": "text", "label": {"en": "x"}, "show_if": [{"question": "second", "equals": 1}]},
        rating("second"),
    )
    assert problems_of(data) == [("first", "show_if[0]")]


@pytest.mark.parametrize(
    "condition",
    [{"question": "topic", "equals": "nope"}, {"question": "topic", "at_least": 2},
     {"question": "overall", "equals": 9}, {"question": "overall", "equals": True}],
)
def test_a_condition_that_can_never_hold_is_rejected(condition):
    data = copy.deepcopy(BRANCHING)
    data["questions"][4]["show_if"] = [condition]
    assert problems_of(data) == [("site_detail", "show_if[0]")]


def test_labels_need_at_least_one_language():
    assert problems_of(survey({"key": "x", "type": "yes_no", "label": {}})) == [("x", "label")]


def test_threshold_outside_the_scale_and_overlapping_negatives_are_rejected():
    data = survey(rating("a", positive_from=7), rating("b", positive_from=4, negative_up_to=4))
    assert problems_of(data) == [("a", "positive_from"), ("b", "negative_up_to")]


def test_positive_threshold_defaults_to_top_two_boxes(definition):
    assert definition.question("overall").positive_threshold == 4
    assert definition.question("nps").positive_threshold == 9


# --- answers ----------------------------------------------------------------------------------------------


def codes(result):
    return [(e.question_key, e.field, e.code) for e in result.errors]


def test_valid_answers_are_cleaned(definition):
    result = validate_answers(
        definition,
        {"overall": "2", "why_low": "  slow  ", "topic": "site", "site_detail": "/apply", "also": ["c", "a"],
         "resolved": "нет", "thumb": "up", "nps": 0, "channel": "widget"},
    )
    assert result.ok
    assert result.cleaned == {
        "overall": 2, "why_low": "slow", "topic": "site", "also": ("a", "c"), "site_detail": "/apply",
        "resolved": False, "thumb": "up", "nps": 0, "channel": "widget",
    }


def test_required_only_when_shown(definition):
    assert codes(validate_answers(definition, {"overall": 2})) == [("why_low", "value", "required")]
    assert validate_answers(definition, {"overall": 4}).ok


def test_an_answer_to_a_hidden_question_is_rejected(definition):
    result = validate_answers(definition, {"overall": 5, "why_low": "nothing"})
    assert codes(result) == [("why_low", "value", "not_shown")]
    assert result.cleaned == {}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"overall": 6}, ("overall", "value", "out_of_range")),
        ({"overall": True}, ("overall", "value", "wrong_type")),
        ({"overall": 4.5}, ("overall", "value", "wrong_type")),
        ({"overall": 3, "topic": "other"}, ("topic", "value", "unknown_option")),
        ({"overall": 3, "also": ["a", "x"]}, ("also", "value[1]", "unknown_option")),
        ({"overall": 3, "also": ["a", "a"]}, ("also", "value", "duplicate_option")),
        ({"overall": 3, "also": ["a", "b", "c"]}, ("also", "value", "too_many")),
        ({"overall": 3, "resolved": "maybe"}, ("resolved", "value", "wrong_type")),
        ({"overall": 3, "thumb": 1}, ("thumb", "value", "wrong_type")),
        ({"overall": 2, "why_low": "x" * 21}, ("why_low", "value", "too_long")),
        ({"overall": 3, "channel": "fax"}, ("channel", "value", "unknown_option")),
        ({"overall": 3, "mystery": 1}, ("mystery", "value", "unknown_question")),
        ({}, ("overall", "value", "required")),
    ],
)
def test_bad_answers_name_question_field_and_reason(definition, answers, expected):
    assert codes(validate_answers(definition, answers)) == [expected]


def test_empty_values_mean_not_answered(definition):
    assert validate_answers(definition, {"overall": 3, "topic": None, "also": [], "site_detail": "  "}).ok


# --- fact rows --------------------------------------------------------------------------------------------


def test_fact_rows_follow_the_fact_table_contract(definition):
    rows = fact_rows(
        definition,
        {"overall": 4, "topic": "staff", "also": ["b", "c"], "resolved": True, "thumb": "down", "nps": 9,
         "channel": "web"},
    )
    assert [(r.question_key, r.measure, r.scale_min, r.scale_max, r.value) for r in rows] == [
        ("overall", Measure.RATING, 1, 5, 4.0),
        ("topic", Measure.CHOICE, 0, 2, 1.0),
        ("also", Measure.CHOICE, 0, 2, 1.0),
        ("also", Measure.CHOICE, 0, 2, 2.0),
        ("resolved", Measure.YES_NO, 0, 1, 1.0),
        ("thumb", Measure.YES_NO, 0, 1, 0.0),
        ("nps", Measure.NPS, 0, 10, 9.0),
    ]


def test_fact_rows_refuse_invalid_answers(definition):
    with pytest.raises(InvalidAnswers) as info:
        fact_rows(definition, {"overall": 0})
    assert info.value.errors[0].question_key == "overall"
    assert info.value.status == 422 and info.value.details[0]["field"] == "answers.overall"


# --- fingerprints -----------------------------------------------------------------------------------------


def test_fingerprint_ignores_key_order_and_explicit_defaults():
    reordered = {"questions": BRANCHING["questions"], "title": {"ru": "Тест", "en": "Test"}}
    explicit = copy.deepcopy(BRANCHING)
    explicit["questions"][0]["show_if"] = []
    explicit["questions"][5]["required"] = False
    assert definition_fingerprint(BRANCHING) == definition_fingerprint(reordered) == definition_fingerprint(explicit)


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["questions"][0].update(scale_max=7),
        lambda d: d["questions"][0]["label"].update(ru="Другая формулировка"),
        lambda d: d["questions"][2]["options"].reverse(),
        lambda d: d["questions"][4]["show_if"][0].update(equals="queue"),
    ],
)
def test_changing_a_question_changes_the_fingerprint(change):
    changed = copy.deepcopy(BRANCHING)
    change(changed)
    assert definition_fingerprint(changed) != definition_fingerprint(BRANCHING)


@given(lo=st.integers(-10, 5), width=st.integers(1, 10), data=st.data())
def test_any_rating_inside_the_scale_is_one_fact_row_and_outside_is_an_error(lo, width, data):
    hi = lo + width
    definition = parse_definition(survey(rating("overall", lo, hi)))
    inside = data.draw(st.integers(lo, hi))
    outside = data.draw(st.one_of(st.integers(max_value=lo - 1), st.integers(min_value=hi + 1)))
    [row] = fact_rows(definition, {"overall": inside})
    assert (row.scale_min, row.scale_max, row.value) == (lo, hi, float(inside))
    assert codes(validate_answers(definition, {"overall": outside})) == [("overall", "value", "out_of_range")]
