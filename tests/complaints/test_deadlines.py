"""Complaint deadlines (govcx.complaints.deadlines) on real Russian dates.

Working days and transfers are those of the government's production calendars: for 2024, 27 April,
2 November and 28 December were working Saturdays, 29–30 April, 10 May and 30–31 December days off; for 2025,
2 and 8 May, 13 June, 3 November and 31 December days off and 1 November a working Saturday; for 2026,
9 January a day off (Government decrees on moving days off, published on consultant.ru / pravo.gov.ru).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcx.complaints.deadlines import (
    WorkingCalendar,
    deadline_state,
    due_date,
    extended_due_date,
    reminder_dates,
    working_calendar,
)

D = dt.date
RU = working_calendar("RU")


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2024, 4, 27), True),  # Saturday made a working day
        (D(2024, 4, 29), False), (D(2024, 4, 30), False),  # transferred days off
        (D(2024, 5, 10), False), (D(2024, 12, 28), True), (D(2024, 12, 30), False), (D(2024, 12, 31), False),
        (D(2025, 1, 8), False), (D(2025, 1, 9), True),
        (D(2025, 5, 2), False), (D(2025, 5, 8), False), (D(2025, 6, 13), False),
        (D(2025, 11, 1), True), (D(2025, 11, 3), False), (D(2025, 12, 31), False),
        (D(2026, 1, 9), False), (D(2026, 1, 12), True),
        (D(2024, 3, 6), True), (D(2024, 3, 9), False),  # an ordinary Wednesday and Saturday
    ],
)
def test_the_russian_calendar_includes_official_transfers(day, working):
    assert RU.is_working_day(day) is working


@pytest.mark.parametrize(
    ("registered", "due"),
    [
        (D(2024, 3, 1), D(2024, 4, 1)),  # 31 March 2024 is a Sunday → Monday 1 April
        (D(2024, 12, 2), D(2025, 1, 9)),  # 1 January → after the New Year holidays
        (D(2024, 4, 1), D(2024, 5, 2)),  # 1 May → 2 May
        (D(2024, 4, 9), D(2024, 5, 13)),  # 9 May, then the transferred 10 May and a weekend
        (D(2025, 12, 10), D(2026, 1, 12)),  # 9 January 2026 is a transferred day off
        (D(2024, 5, 15), D(2024, 6, 14)),  # an ordinary Friday stays
    ],
)
def test_thirty_calendar_days_move_off_non_working_days(registered, due):
    assert due_date(registered) == due


def test_working_days_count_working_saturdays_and_skip_holidays():
    assert due_date(D(2024, 4, 25), 3, "working") == D(2024, 5, 2)  # Fri 26, Sat 27 (working), Thu 2 May
    assert due_date(D(2024, 12, 26), 5, "working") == D(2025, 1, 13)


def test_the_extension_counts_from_the_due_date_and_also_avoids_holidays():
    assert extended_due_date(D(2024, 5, 13)) == D(2024, 6, 13)  # 12 June is Russia Day
    assert extended_due_date(D(2025, 1, 9), 10, "working") == D(2025, 1, 23)


def test_reminders_are_working_days_before_the_due_date():
    assert reminder_dates(D(2025, 1, 13)) == [D(2024, 12, 26), D(2025, 1, 10)]
    assert reminder_dates(D(2024, 5, 2), (1, 2)) == [D(2024, 4, 26), D(2024, 4, 27)]


def test_overdue_status():
    due = D(2025, 1, 9)
    on_due_day = deadline_state(due, today=due)
    assert (on_due_day.overdue, on_due_day.days_left, on_due_day.working_days_left) == (False, 0, 0)
    before = deadline_state(due, today=D(2024, 12, 27))
    assert (before.overdue, before.days_left, before.working_days_left) == (False, 13, 2)  # Sat 28 Dec, Thu 9 Jan
    late = deadline_state(due, today=D(2025, 1, 10))
    assert (late.overdue, late.days_left) == (True, -1)
    answered_in_time = deadline_state(due, today=D(2025, 2, 1), answered_on=D(2025, 1, 9))
    assert not answered_in_time.overdue


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="day kind"):
        due_date(D(2024, 1, 1), 30, "business")
    with pytest.raises(ValueError, match="days must be at least 1"):
        due_date(D(2024, 1, 1), 0)
    with pytest.raises(ValueError, match="at least 1 working day"):
        reminder_dates(D(2024, 1, 1), (0,))
    with pytest.raises(ValueError, match="no calendar"):
        WorkingCalendar("XX")


def test_another_country_has_its_own_calendar():
    germany = working_calendar("DE")
    assert not germany.is_working_day(D(2024, 10, 3)) and RU.is_working_day(D(2024, 10, 3))


dates = st.dates(D(2023, 1, 1), D(2027, 10, 31))


@given(dates, st.integers(1, 60))
def test_calendar_due_dates_are_the_first_working_day_from_start_plus_days(start, days):
    due = due_date(start, days)
    assert RU.is_working_day(due)
    assert due >= start + dt.timedelta(days=days)
    assert all(not RU.is_working_day(start + dt.timedelta(days=d)) for d in range(days, (due - start).days))


@given(dates, st.integers(1, 60))
def test_working_due_dates_lie_exactly_n_working_days_ahead(start, days):
    due = due_date(start, days, "working")
    assert RU.is_working_day(due)
    assert RU.working_days_between(start, due) == days
    latest_working_day_by_start = max(
        start - dt.timedelta(days=d) for d in range(15) if RU.is_working_day(start - dt.timedelta(days=d))
    )
    assert reminder_dates(due, (days,)) == [latest_working_day_by_start]
