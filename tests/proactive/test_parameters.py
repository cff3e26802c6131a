"""OpenFisca's parameter format: values by date, null ends, placeholders, references, the three kinds of scale.

Oracle values: the country template's own tests (social_security_contribution.yaml, meal_price.yaml,
swimming_pool_access.yaml) and OpenFisca's documentation of marginal scales.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from govcx.proactive.rules.parameters import ParameterNotFound, ParameterReader

TEMPLATE = Path(__file__).parent / "country_template" / "parameters"


@pytest.fixture(scope="module")
def tree():
    reader = ParameterReader()
    node = reader.read_directory(TEMPLATE)
    assert reader.problems == []
    return node


def test_values_by_date_and_a_null_that_ends_the_parameter(tree):
    parameter = tree.find("benefits.housing_allowance")
    assert parameter.value_at(dt.date(2016, 11, 30)) == 0.25
    with pytest.raises(ParameterNotFound):
        parameter.value_at(dt.date(2016, 12, 1))
    with pytest.raises(ParameterNotFound):
        parameter.value_at(dt.date(2009, 12, 31))


def test_placeholder_expected_is_ignored_and_dates_need_not_be_sorted(tree):
    assert tree.find("taxes.income_tax_rate").value_at(dt.date(2020, 1, 1)) == 0.15
    retirement = tree.find("general.age_of_retirement")
    assert retirement.value_at(dt.date(2000, 1, 1)) == 60.33
    assert retirement.value_at(dt.date(2017, 1, 1)) == 62.0


def test_references_are_kept(tree):
    basic = tree.find("benefits.basic_income")
    assert basic.reference == "https://law.gov.example/basic-income/amount"
    assert basic.at(dt.date(2016, 1, 1)).reference == "https://law.gov.example/basic-income/amount/2015-12"


@pytest.mark.parametrize("day, salary, expected", [
    (dt.date(2013, 1, 1), 2000, 60), (dt.date(2013, 1, 1), 15000, 660), (dt.date(2015, 1, 1), 15000, 824),
    (dt.date(2017, 1, 1), 2000, 40), (dt.date(2017, 1, 1), 15000, 816),
])
def test_marginal_rate_scale(tree, day, salary, expected):
    scale = tree.find("taxes.social_security_contribution").at(day)
    assert scale.calc([salary])[0] == pytest.approx(expected)


def test_single_amount_and_marginal_amount_scales(tree):
    day = dt.date(2017, 1, 1)
    meal = tree.find("benefits.meal_price").at(day)
    assert list(meal.calc([0, 1, 250, 499, 500, 3000])) == [0, 0, 1, 1, 2, 8]
    pool = tree.find("benefits.swimming_pool_access_cost_increase").at(day)
    assert list(pool.calc([0, 249, 250, 499, 500, 1000])) == [0, 0, 1, 1, 2, 4]
