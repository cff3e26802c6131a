"""The no-JavaScript form of the public page: which questions each step asks, answers to hidden questions
dropped."""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.utils import translation

from govcx.feedback import public_form
from govcx.feedback import survey_schema as schema

LABEL = {"en": "Q", "ru": "В"}


def question(key: str, kind: str, **extra) -> dict:
    return {"key": key, "type": kind, "label": {"en": key.replace("_", " ").capitalize(), "ru": key}, **extra}


DEFINITION = schema.parse_definition({
    "title": LABEL,
    "questions": [
        question("score", "rating", scale_min=1, scale_max=5),
        question("contact", "yes_no"),
        question("liked", "thumbs"),
        question("topics", "multiple_choice", options=[
            {"key": "queue", "label": {"en": "Queue", "ru": "Очередь"}},
            {"key": "staff", "label": {"en": "Staff", "ru": "Сотрудники"}},
        ]),
        question("why_low", "text", show_if=[{"question": "score", "at_most": 2}]),
        question("middling", "text", show_if=[{"question": "score", "at_least": 2, "at_most": 4}]),
        question("staff_rating", "rating", scale_min=1, scale_max=5,
                 show_if=[{"question": "contact", "equals": True}, {"question": "topics", "one_of": ["staff"]}]),
        question("staff_comment", "text", show_if=[{"question": "staff_rating", "answered": True}]),
        question("nothing_said", "text", show_if=[{"question": "liked", "answered": False}]),
        {"key": "office", "type": "hidden", "context": "office", "allowed_values": ["MFC-7"]},
    ],
})


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_first_step_asks_what_applies_before_any_answer():
    # no required rating opens the survey: every question without a condition, and "nothing_said" (its condition,
    # "liked" not answered, holds before any answer)
    assert public_form.first_step(DEFINITION) == ["score", "contact", "liked", "topics", "nothing_said"]
    assert public_form.one_tap_question(DEFINITION) is None


def test_each_answer_brings_the_questions_it_makes_apply_once():
    offered = public_form.first_step(DEFINITION)
    assert public_form.next_step(DEFINITION, {"score": "2", "liked": "up"}, offered) == ["why_low", "middling"]
    offered += ["why_low", "middling"]
    answers = {"score": "2", "contact": "yes", "topics": ["staff"]}
    assert public_form.next_step(DEFINITION, answers, offered) == ["staff_rating"]
    assert public_form.next_step(DEFINITION, {**answers, "staff_rating": "4"}, [*offered, "staff_rating"]) == [
        "staff_comment"]
    assert public_form.next_step(DEFINITION, {"score": "not a number"}, offered) == []  # an invalid answer: none


def test_a_required_opening_rating_is_answered_with_one_tap():
    quick = schema.parse_definition({"title": LABEL, "questions": [
        question("overall", "rating", required=True, scale_min=1, scale_max=5),
        question("comment", "text"),
    ]})
    assert public_form.first_step(quick) == ["overall"]
    [field] = public_form.display_fields(quick, "en", {}, {}, ["overall"], one_tap=True)
    assert field.control == "tap" and [c.value for c in field.choices] == ["1", "2", "3", "4", "5"]


def test_offered_keys_are_known_questions_in_order():
    assert public_form.offered_from(DEFINITION, "topics,score,office,forged") == ["score", "topics"]
    answers = {"score": "3", "why_low": "x", "office": "MFC-7"}
    assert public_form.only_offered(DEFINITION, answers, ["score"]) == {"score": "3", "office": "MFC-7"}


def test_answers_to_questions_the_other_answers_hide_are_dropped_in_cascade():
    answers = {"score": "5", "contact": "yes", "topics": ["queue"], "why_low": "slow", "staff_rating": "4",
               "staff_comment": "kind", "liked": "up", "nothing_said": "hm"}
    result = public_form.without_unshown(DEFINITION, answers)
    assert result.ok
    # staff_rating is hidden (staff not chosen), so staff_comment, which needs it answered, is hidden in turn
    assert result.cleaned == {"score": 5, "contact": True, "liked": "up", "topics": ("queue",)}


def test_a_real_error_is_still_reported_after_dropping():
    result = public_form.without_unshown(DEFINITION, {"score": "9", "why_low": "x"})
    assert [(e.question_key, e.code) for e in result.errors] == [("score", "out_of_range")]


def test_hidden_fields_come_from_the_context_and_only_with_an_accepted_value():
    post = QueryDict("q_score=3&q_topics=queue&q_topics=staff&q_office=forged")
    assert public_form.posted_answers(DEFINITION, post, {"office": "MFC-7"})["office"] == "MFC-7"
    answers = public_form.posted_answers(DEFINITION, post, {"office": "elsewhere"})
    assert "office" not in answers and answers["topics"] == ["queue", "staff"] and answers["score"] == "3"


def test_context_from_the_address_is_trimmed_and_the_channel_checked():
    context = public_form.context_from(QueryDict(f"office={'x' * 300}&stage=result&channel=fax&page="))
    assert context == {"channel": "web", "office": "x" * public_form.CONTEXT_MAX_LENGTH, "stage": "result"}
    assert public_form.context_from(QueryDict("ctx_channel=office"), prefix="ctx_") == {"channel": "office"}


def test_a_rating_with_every_point_named_is_a_list_and_a_bare_scale_a_row():
    named = schema.parse_definition({"title": LABEL, "questions": [
        question("named", "rating", scale_min=1, scale_max=2, labels={1: LABEL, 2: LABEL}),
        question("bare", "rating", scale_min=0, scale_max=10, labels={0: LABEL}),
    ]})
    fields = {f.key: f for f in public_form.display_fields(named, "ru", {"bare": "7"}, {}, ["named", "bare"])}
    assert not fields["named"].in_row and fields["bare"].in_row
    assert [c.label for c in fields["named"].choices] == ["1 — В", "2 — В"]
    assert [c.value for c in fields["bare"].choices if c.checked] == ["7"]
