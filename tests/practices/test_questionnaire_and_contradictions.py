"""The questionnaire loader (bad inputs reported by file, line and field), quarters, and the contradiction rules
(pure: no database)."""

from __future__ import annotations

import pytest

from govcx.errors import InvalidInput
from govcx.practices.contradictions import contradictions, evidence_needed, mean_level
from govcx.practices.questionnaire import (
    QUESTIONNAIRES_DIR,
    Quarter,
    current_questionnaire,
    parse_quarter,
    parse_questionnaire,
    shipped_questionnaires,
)

SHIPPED = (QUESTIONNAIRES_DIR / "a11-cx-capacity-v1.yaml").read_text(encoding="utf-8")


def levels_yaml(indent: str = "      ", numbers=(1, 2, 3, 4, 5)) -> str:
    return "".join(f"{indent}{n}: {{en: Level {n}, ru: Уровень {n}}}\n" for n in numbers)


def questionnaire_yaml(*, levels: str | None = None, rules: str = "", function_code: str = "measurement") -> str:
    return (
        "code: test-q\nversion: 2\ntitle: {en: Test, ru: Тест}\nsource: a test\nfunctions:\n"
        f"  - code: {function_code}\n    name: {{en: Measurement, ru: Измерение}}\n"
        "    question: {en: How, ru: Как}\n    levels:\n"
        f"{levels if levels is not None else levels_yaml()}"
        f"{rules}"
    )


def problems(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(InvalidInput) as caught:
        parse_questionnaire(text, "q.yaml")
    return [(p.line, p.field, p.message) for p in caught.value.problems]


def test_the_shipped_questionnaire_has_the_five_functions_in_both_languages():
    q = current_questionnaire()
    assert q.key == "a11-cx-capacity@1"
    assert q.function_codes == ("measurement", "culture", "customer_research", "service_design", "governance")
    for function in q.functions:
        assert sorted(function.levels) == [1, 2, 3, 4, 5]
        assert all(text.en and text.ru for text in function.levels.values())
    assert {rule.evidence for rule in q.contradictions} == {
        "feedback_responses", "lab_studies", "services_assessed", "services_ready_at_launch", "training_coverage"}
    assert list(shipped_questionnaires()) == ["a11-cx-capacity@1"]


def test_a_valid_questionnaire_loads():
    q = parse_questionnaire(questionnaire_yaml(), "q.yaml")
    assert q.key == "test-q@2" and q.function("measurement").levels[3].ru == "Уровень 3"


def test_a_level_missing_is_reported_at_its_line():
    found = problems(questionnaire_yaml(levels=levels_yaml(numbers=(1, 2, 3, 4))))
    assert len(found) == 1
    line, field, message = found[0]
    assert line == 9 and field == "functions.0.levels" and "exactly 1, 2, 3, 4 and 5" in message


def test_a_level_out_of_scale_is_refused():
    found = problems(questionnaire_yaml(levels=levels_yaml(numbers=(1, 2, 3, 4, 6))))
    assert found[0][1] == "functions.0.levels" and "found [1, 2, 3, 4, 6]" in found[0][2]


def test_a_text_without_russian_names_the_field():
    text = questionnaire_yaml().replace("question: {en: How, ru: Как}", "question: {en: How}")
    assert problems(text) == [(8, "functions.0.question.ru", "Field required")]


def test_a_rule_naming_an_unknown_function_or_evidence_is_reported_at_its_line():
    rules = ("contradictions:\n"
             "  - {function: culture, min_level: 4, evidence: training_coverage, below: 0.25,"
             " reason: {en: a, ru: б}}\n"
             "  - {function: measurement, min_level: 4, evidence: tea_leaves, below: 1, reason: {en: a, ru: б}}\n"
             "  - {function: measurement, min_level: 4, evidence: training_coverage, below: 25,"
             " reason: {en: a, ru: б}}\n")
    found = problems(questionnaire_yaml(rules=rules))
    assert found[0][:2] == (17, "contradictions.1.evidence") and "unknown evidence 'tea_leaves'" in found[0][2]
    assert found[1][:2] == (18, "contradictions.2") and "is a share" in found[1][2]
    # the unknown function is a consistency problem: reported once the schema itself holds
    fixed = rules.replace("tea_leaves", "lab_studies").replace("below: 25", "below: 0.25")
    assert problems(questionnaire_yaml(rules=fixed)) == [
        (16, "contradictions.0.function", "unknown function 'culture'; known: ['measurement']")]


def test_broken_yaml_and_a_duplicate_function_are_reported():
    assert problems("code: [unclosed\n")[0][0] == 2
    twice = questionnaire_yaml() + questionnaire_yaml().split("functions:\n", 1)[1]
    assert problems(twice.replace("\ncontradictions:", "")) == [
        (15, "functions.1.code", "function 'measurement' is listed twice")]


def test_quarters():
    q = parse_quarter("2026Q3")
    assert str(q) == "2026Q3" and q.starts_on.isoformat() == "2026-07-01" and q.ends_on.isoformat() == "2026-10-01"
    assert q.window(4)[0].isoformat() == "2025-10-01"
    assert q.shifted(2) == Quarter(2027, 1) and q.shifted(-3) == Quarter(2025, 4)
    for bad in ("2026Q5", "2026-Q3", "Q3 2026", "", None, 2026):
        with pytest.raises(InvalidInput) as caught:
            parse_quarter(bad)
        assert caught.value.problems[0].field == "period"


# --- contradictions ---------------------------------------------------------------------------------------------

Q = current_questionnaire()
NONE_CONTRADICT = {("feedback_responses", 1): 120.0, ("lab_studies", 4): 1.0, ("services_assessed", 4): 3.0,
                   ("services_ready_at_launch", 4): 2.0, ("training_coverage", 1): 0.6}
HIGH = {code: 5 for code in Q.function_codes}


def test_the_rules_read_the_evidence_they_name():
    assert evidence_needed(Q) == set(NONE_CONTRADICT)


def test_no_flag_when_the_evidence_supports_the_scores():
    assert contradictions(Q, HIGH, NONE_CONTRADICT) == []


@pytest.mark.parametrize(("key", "value", "function"), [
    (("feedback_responses", 1), 0.0, "measurement"),
    (("lab_studies", 4), 0.0, "customer_research"),
    (("services_assessed", 4), 0.0, "service_design"),
    (("services_ready_at_launch", 4), 0.0, "service_design"),
    (("training_coverage", 1), 0.2, "culture"),
])
def test_each_rule_flags_a_high_score_the_evidence_contradicts(key, value, function):
    flags = contradictions(Q, HIGH, {**NONE_CONTRADICT, key: value})
    assert [(f.function, f.evidence, f.value) for f in flags] == [(function, key[0], value)]
    assert flags[0].reason("ru") and flags[0].reason("en") != flags[0].reason("ru")


def test_a_score_below_the_rule_level_is_not_flagged():
    levels = {**HIGH, "measurement": 3, "customer_research": 2, "culture": 3}
    evidence = {**NONE_CONTRADICT, ("feedback_responses", 1): 0.0, ("lab_studies", 4): 0.0,
                ("training_coverage", 1): 0.0}
    assert contradictions(Q, levels, evidence) == []
    # customer research flags from level 3, the others from level 4
    assert [f.function for f in contradictions(Q, {**levels, "customer_research": 3}, evidence)] == [
        "customer_research"]


def test_missing_evidence_is_not_a_contradiction():
    evidence = {**NONE_CONTRADICT, ("training_coverage", 1): None}
    assert contradictions(Q, HIGH, evidence) == []
    del evidence[("feedback_responses", 1)]
    assert contradictions(Q, HIGH, evidence) == []


def test_flags_follow_the_order_of_functions_and_survive_a_round_trip():
    evidence = dict.fromkeys(NONE_CONTRADICT, 0.0)
    flags = contradictions(Q, HIGH, evidence)
    assert [f.function for f in flags] == ["measurement", "culture", "customer_research", "service_design",
                                           "service_design"]
    assert [type(f).from_dict(f.as_dict()) for f in flags] == flags


def test_mean_level_needs_every_function():
    assert mean_level({"a": 2, "b": 3}, ("a", "b")) == 2.5
    assert mean_level({"a": 2}, ("a", "b")) is None
    assert mean_level({}, ()) is None
