"""The quarterly report's quarter: picked from a list of recent quarters, and a typed "2026-2" is understood
instead of giving an error page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from govcx.common.quarters import quarter_bounds, quarter_choices
from govcx.errors import Invalid


@pytest.mark.parametrize("typed", ["2026Q2", "2026q2", "2026 Q2", "2026-2", "2026/2", "2026-Q2", " 2026 2 "])
def test_the_ways_people_write_a_quarter(typed):
    assert quarter_bounds(typed) == (dt.date(2026, 4, 1), dt.date(2026, 6, 30), "2026 Q2")


@pytest.mark.parametrize("typed", ["2026Q5", "2026", "Q2", "второй квартал"])
def test_a_quarter_that_is_not_one_is_refused_with_a_message(typed):
    with pytest.raises(Invalid):
        quarter_bounds(typed)


def test_the_list_holds_the_current_quarter_and_those_before_it_by_name():
    with translation.override("ru"):
        choices = quarter_choices(today=dt.date(2026, 2, 10), count=3)
    assert [code for code, _ in choices] == ["2026Q1", "2025Q4", "2025Q3"]
    assert all("Q" not in name for _, name in choices)  # named in Russian
