"""What citizens read of a survey: names filled in, placeholders of older surveys too, and no analyst's source."""

from __future__ import annotations

from govcx.feedback.survey_schema import parse_definition
from govcx.feedback.survey_wording import Names, for_citizens, has_placeholder, with_names

NAMES = Names("Birth registration", "Регистрация рождения", "Civil Registry", "Управление ЗАГС")


def test_fields_are_filled_in_each_language():
    assert with_names("Satisfied with “{service}” of {authority}?", NAMES, "en") == (
        "Satisfied with “Birth registration” of Civil Registry?")
    assert with_names("Услуга «{service}»", NAMES, "ru") == "Услуга «Регистрация рождения»"


def test_bracketed_placeholders_of_older_surveys_name_the_service_or_the_authority():
    assert with_names("from [Program/Service name].", NAMES, "en") == "from “Birth registration”."
    assert with_names("к [название ведомства/программы]", NAMES, "ru") == "к «Управление ЗАГС»"
    assert not has_placeholder(with_names("[название программы/услуги]", NAMES, "ru"))


def test_a_missing_russian_name_falls_back_to_english():
    assert Names("Birth registration", "", "Civil Registry", "").service("ru") == "Birth registration"


def test_the_citizens_definition_is_titled_with_the_names_and_has_no_source():
    stored = parse_definition({
        "title": {"en": "Customer feedback (OMB A-11 §280)"}, "source": "OMB Circular No. A-11, Section 280",
        "questions": [{"key": "overall", "type": "rating", "scale_min": 1, "scale_max": 5,
                       "label": {"en": "I am satisfied with [Program/Service name].", "ru": "Оцените {service}"}}],
    })
    shown = for_citizens(stored, NAMES)
    assert shown.source is None and "OMB" not in shown.model_dump_json()
    assert shown.title.get("ru") == "Регистрация рождения (Управление ЗАГС)"
    assert shown.question("overall").label.get("en") == "I am satisfied with “Birth registration”."
    assert stored.source  # the stored definition keeps it for analysts
