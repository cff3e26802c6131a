"""`govcx proactive test`: the country template's own YAML tests pass unchanged; a failure says which value."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govcx.proactive.rules import yaml_tests
from govcx.proactive.rules.catalogue import load_pack

TEMPLATE = Path(__file__).parent / "country_template"
TEMPLATE_TESTS = sorted((TEMPLATE / "tests").rglob("*.yaml"))


@pytest.fixture(scope="module")
def pack():
    return load_pack(TEMPLATE)


def test_the_template_tests_are_all_there():
    names = {str(p.relative_to(TEMPLATE / "tests")) for p in TEMPLATE_TESTS}
    assert {"age.yaml", "basic_income.yaml", "disposable_income.yaml", "housing_allowance.yaml", "housing_tax.yaml",
            "income_tax.yaml", "meal_price.yaml", "social_security_contribution.yaml", "swimming_pool_access.yaml",
            "situations/income_tax.yaml", "situations/parenting_allowance.yaml"} <= names


@pytest.mark.parametrize("file", TEMPLATE_TESTS, ids=lambda p: p.name)
def test_country_template_yaml_tests_pass(pack, file):
    results = yaml_tests.run_file(pack, file)
    assert results and all(r.checked for r in results)
    assert [r.failures for r in results if not r.passed] == []


def test_the_command_passes_the_template_tests(capsys):
    call_command("proactive", "test", str(TEMPLATE / "tests"))
    assert "31 passed, 0 failed" in capsys.readouterr().out


def test_the_command_fails_naming_the_value(tmp_path, capsys):
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("- name: too little tax\n  period: 2017-01\n  input: {salary: 10000}\n"
                     "  output: {income_tax: 1400}\n", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("proactive", "test", "--pack", str(TEMPLATE), str(wrong))
    assert caught.value.returncode == 1
    out = capsys.readouterr().out
    assert "income_tax@2017-01: 1500 differs from 1400" in out


def test_entities_roles_periods_and_margins(pack):
    test = {
        "name": "two households", "period": "2018-05", "absolute_error_margin": {"default": 0, "total_taxes": 0.01},
        "input": {
            "households": {"h1": {"adults": ["a", "b"], "children": ["c"], "rent": 300},
                           "h2": {"adults": ["d"], "housing_occupancy_status": {"2018-01": "free_lodger"}}},
            "persons": {"a": {"birth": "1980-05-02", "salary": 100}, "b": {"salary": {"2018": 2400}},
                        "c": {"birth": "2014-06-01"}, "d": {"birth": "1950-01-01", "capital_returns": 50}},
        },
        "output": {
            # b's yearly salary fills only the months nobody was given a value for: May is 0 for b (OpenFisca's rule)
            "households": {"h1": {"parenting_allowance": 600, "household_income": 100},
                           "h2": {"total_taxes": "(50 + 1) * 0.15",
                                  "housing_occupancy_status": {"2018-01": "free_lodger"}}},
            "persons": {"a": {"age": {"2018-06": 38, "2018-05": 37}}, "d": {"pension": True}},
        },
    }
    assert yaml_tests.run_test(pack, test).failures == []


def test_a_year_given_to_a_monthly_variable_fills_only_the_months_not_given(pack):
    test = {"name": "divide", "period": "2017-03",
            "input": {"salary": {"2017-03": 1200, "2017": 12200}},
            "output": {"salary": {"2017-03": 1200, "2017-04": 1000}}}
    assert yaml_tests.run_test(pack, test).failures == []


def test_reforms_are_refused(pack):
    test = {"name": "r", "period": "2017-01", "reforms": ["x.Reform"], "input": {}, "output": {"salary": 0}}
    assert "reforms" in yaml_tests.run_test(pack, test).failures[0]
