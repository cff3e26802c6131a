"""Shipped survey templates (govcx.feedback.survey_templates): each loads, is bilingual and cites its source."""

from __future__ import annotations

import pytest

from govcx.errors import Invalid, InvalidInput
from govcx.feedback.survey_schema import ChoiceQuestion, HiddenQuestion, Measure, RatingQuestion, fact_rows
from govcx.feedback.survey_templates import DEFAULT_TEMPLATE, TEMPLATES_DIR, template, template_names
from govcx.feedback.survey_wording import Names, for_citizens, has_placeholder

EXPECTED = {"a11_280", "a11_280_trust", "ru_1284", "csat", "ces", "nps", "comment", "quick"}


def test_every_expected_template_is_shipped():
    assert set(template_names()) == EXPECTED


def localized_texts(definition):
    yield "title", definition.title
    for q in definition.questions:
        if not isinstance(q, HiddenQuestion):
            yield q.key, q.label
        if isinstance(q, RatingQuestion):
            yield from ((f"{q.key}.labels[{p}]", text) for p, text in q.labels.items())
        if isinstance(q, ChoiceQuestion):
            yield from ((f"{q.key}.{o.key}", o.label) for o in q.options)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_templates_are_in_russian_and_english(name):
    missing = [where for where, text in localized_texts(template(name)) if not (text.en and text.ru)]
    assert missing == []


@pytest.mark.parametrize("name", sorted(EXPECTED - {"comment"}))
def test_templates_cite_their_source(name):
    assert template(name).source


def test_a11_has_the_seven_drivers_on_an_agreement_scale():
    definition = template("a11_280")
    drivers = ["overall", "trust", "effectiveness", "ease", "efficiency", "equity", "employee"]
    ratings = [q for q in definition.questions if isinstance(q, RatingQuestion)]
    assert [q.key for q in ratings] == drivers
    assert {(q.scale_min, q.scale_max) for q in ratings} == {(1, 5)}
    assert ratings[0].labels[1].en == "Strongly disagree" and ratings[0].labels[5].en == "Strongly agree"


def test_a11_asks_about_employees_only_after_contact_with_staff():
    definition = template("a11_280")
    assert [r.question_key for r in fact_rows(definition, {"overall": 4, "employee": None})] == ["overall"]
    rows = fact_rows(definition, {"overall": 4, "staff_contact": "yes", "employee": 5})
    assert [(r.question_key, r.value) for r in rows] == [("overall", 4.0), ("staff_contact", 1.0), ("employee", 5.0)]


def test_a11_trust_form_lists_what_went_well_and_what_to_improve():
    definition = template("a11_280_trust")
    went_well, to_improve = definition.question("went_well"), definition.question("to_improve")
    assert went_well.options == to_improve.options and len(went_well.options) == 6


def test_decree_1284_criteria_scale_and_settings():
    definition = template("ru_1284")
    ratings = [q for q in definition.questions if isinstance(q, RatingQuestion)]
    assert [q.key for q in ratings] == [
        "time_to_service", "queue_wait", "staff_courtesy", "premises_comfort", "information_availability",
    ]
    assert all(q.labels[1].ru == "Очень плохо" and q.labels[5].ru == "Отлично" for q in ratings)
    assert {(q.positive_threshold, q.negative_up_to) for q in ratings} == {(4, 2)}
    assert definition.attention_negative_share == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("name", "key", "scale", "measure"),
    [("csat", "overall", (1, 5), Measure.RATING), ("ces", "effort", (1, 7), Measure.RATING),
     ("nps", "nps", (0, 10), Measure.NPS)],
)
def test_single_measure_templates(name, key, scale, measure):
    question = template(name).question(key)
    assert (question.scale_min, question.scale_max, question.measure, question.required) == (*scale, measure, True)


def test_unknown_template_names_the_available_ones():
    with pytest.raises(Invalid, match="available: .*csat"):
        template("sus")


def test_an_invalid_template_file_is_reported_with_its_name(tmp_path, monkeypatch):
    import govcx.feedback.survey_templates as module

    (tmp_path / "broken.yaml").write_text("title: {en: x}\nquestions:\n  - {key: q, type: rating, label: {en: q}}\n")
    monkeypatch.setattr(module, "TEMPLATES_DIR", tmp_path)
    template.cache_clear()
    try:
        with pytest.raises(InvalidInput, match=r"broken\.yaml: q\.scale_min: ") as caught:
            template("broken")
        assert [(p.file, p.item, p.field) for p in caught.value.problems] == [
            ("broken.yaml", "q", "scale_min"), ("broken.yaml", "q", "scale_max")]
    finally:
        template.cache_clear()
    assert TEMPLATES_DIR.name == "templates_data"


def test_the_default_survey_is_one_required_rating_and_optional_follow_ups():
    definition = template(DEFAULT_TEMPLATE)
    first, *rest = [q for q in definition.questions if not isinstance(q, HiddenQuestion)]
    assert isinstance(first, RatingQuestion) and first.required and not first.show_if
    assert rest and not any(q.required for q in rest)
    assert [q.key for q in rest if q.show_if] == ["what_went_wrong"]  # asked only after a rating of 3 or lower


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_citizens_never_read_a_placeholder_or_a_source(name):
    names = Names("Birth registration", "Регистрация рождения", "Civil Registry", "ЗАГС")
    shown = for_citizens(template(name), names)
    assert shown.source is None
    texts = [text for _where, loc in localized_texts(shown) for text in (loc.en, loc.ru)]
    assert not [text for text in texts if has_placeholder(text)]
