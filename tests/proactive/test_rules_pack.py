"""Rule packs: what a bad pack is refused with (file, line, variable), and the formula language's safety."""

from __future__ import annotations

import textwrap

import pytest

from govcx.errors import InvalidInput
from govcx.proactive.rules import expressions as ex
from govcx.proactive.rules.pack import parse_pack

BASE = """\
entities:
  person: {plural: persons}
  household: {plural: households, roles: [{key: adult, plural: adults}, {key: child, plural: children}]}
parameters:
  amount:
    metadata: {reference: "Law 1, art. 2"}
    values:
      2020-01-01: {value: 100}
variables:
  salary: {entity: person, period: month, type: float}
  birth: {entity: person, period: eternity, type: date}
"""


def problems(extra: str) -> list:
    with pytest.raises(InvalidInput) as caught:
        parse_pack(BASE + textwrap.indent(textwrap.dedent(extra), "  "), "bad.yaml")
    return caught.value.problems


def test_a_valid_pack_loads_with_its_conditions():
    pack = parse_pack(BASE + textwrap.dedent("""\
      benefit:
        entity: person
        period: month
        formula: poor * parameters.amount
    conditions:
      poor: {entity: person, formula: salary < 50, reference: "Law 1, art. 3"}
    """).replace("\nbenefit:", "\n  benefit:"), "ok.yaml")
    assert pack.conditions_of("benefit") == ["poor"]
    assert pack.variables["poor"].type == "bool"


def test_unknown_variable_is_reported_with_file_line_and_variable():
    [problem] = problems("""\
      benefit:
        entity: person
        formula: salry * 2
    """)
    assert problem.file == "bad.yaml"
    assert problem.line == 14
    assert problem.item == "benefit"
    assert "unknown variable 'salry'" in problem.message


def test_a_cycle_between_variables_is_refused():
    found = problems("""\
      a: {entity: person, formula: b + 1}
      b: {entity: person, formula: a * 2}
    """)
    assert any("cycle between variables" in p.message and p.item in ("a", "b") for p in found)
    assert all(p.line for p in found)


def test_last_month_of_itself_is_not_a_cycle():
    pack = parse_pack(BASE + "  months: {entity: person, formula: 'at(months, \"last_month\") + 1'}\n", "ok.yaml")
    assert "months" in pack.variables


@pytest.mark.parametrize("formula, words", [
    ("birth + 1", "on a date"),
    ("salary == 'rich'", "cannot compare"),
    ("sum(salary)", "combines a household's members"),
    ("parameters.amount.calc(salary)", "not a scale"),
    ("parameters.nothing", "unknown parameter"),
])
def test_type_errors_name_the_variable(formula, words):
    [problem] = problems(f"benefit: {{entity: person, formula: \"{formula}\"}}\n")
    assert words in problem.message
    assert problem.item == "benefit" and problem.line == 12


def test_a_member_value_in_a_household_formula_needs_combining():
    [problem] = problems("household_total: {entity: household, formula: salary * 2}\n")
    assert "sum()" in problem.message


def test_a_bool_variable_given_a_date_is_a_type_error():
    [problem] = problems("flag: {entity: person, type: bool, formula: birth}\n")
    assert "type error" in problem.message


def test_a_parameter_value_without_a_date_is_refused():
    text = BASE.replace("      2020-01-01: {value: 100}", "      someday: {value: 100}")
    with pytest.raises(InvalidInput) as caught:
        parse_pack(text, "bad.yaml")
    [problem] = caught.value.problems
    assert "without a date" in problem.message and problem.line == 8 and problem.item == "amount"


def test_a_formula_without_a_date_is_refused():
    [problem] = problems("b: {entity: person, formulas: {soon: salary}}\n")
    assert "formula without a date" in problem.message


@pytest.mark.parametrize("text", [
    "__import__('os').system('true')",
    "salary.__class__",
    "[x for x in salary]",
    "(lambda: 1)()",
    "open('/etc/passwd')",
])
def test_the_formula_language_refuses_python(text):
    with pytest.raises(ex.SyntaxProblem):
        ex.parse(text)


def test_enum_members_are_checked():
    [problem] = problems("""\
      status: {entity: person, type: enum, values: [owner, tenant]}
      b: {entity: person, formula: "status == 'landlord'"}
    """)
    assert "'landlord' is not a value of status" in problem.message
