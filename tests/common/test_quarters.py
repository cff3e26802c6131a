"""Every form that asks for a quarter offers a list of quarters by name (`common.quarters`)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from govcx.common.quarters import QuarterField, quarter_choices, quarter_code, quarter_picker


@pytest.mark.parametrize("typed", ["2026Q2", "2026q2", "2026-2", "2026 Q2", "2026/2", "2026-Q2", "2026 кв 2"])
def test_a_typed_quarter_is_read_the_one_way_it_is_stored(typed):
    assert quarter_code(typed) == "2026Q2"


@pytest.mark.parametrize("typed", ["", "2026", "2026Q5", "Q2", "второй квартал"])
def test_what_is_not_a_quarter_is_none(typed):
    assert quarter_code(typed) is None


def test_the_choices_are_named_newest_first_with_an_older_chosen_one_added():
    with translation.override("en"):
        choices = quarter_choices(today=dt.date(2026, 5, 1), count=2, also=["2024-1"])
    assert choices == [("2026Q2", "Q2 2026"), ("2026Q1", "Q1 2026"), ("2024Q1", "Q1 2024")]


def test_the_field_takes_a_quarter_from_its_list_and_refuses_another():
    field = QuarterField(quarters=["2026Q1", "2025Q4"])
    assert field.clean("2026-1") == "2026Q1"
    with pytest.raises(Exception, match="valid choice"):
        field.clean("2019Q1")


def test_the_picker_is_a_labelled_select_with_the_chosen_quarter_selected():
    with translation.override("ru"):
        picker = quarter_picker("period", chosen="2025Q4", quarters=["2026Q1"], html_id="new-period")
        html = str(picker.label_tag()) + str(picker)
    assert '<label for="new-period">' in html and '<select name="period" id="new-period"' in html
    assert '<option value="2025Q4" selected>' in html
    assert ">2026Q1<" not in html  # named, not coded
