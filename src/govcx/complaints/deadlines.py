"""Response deadlines for citizens' complaints and requests, in calendar or working days.

Rules implemented:

- **Term**: 30 days from registration by default, extendable once by up to 30 more days (Federal Law No. 59-FZ
  of 02.05.2006 "On the procedure for considering appeals of citizens of the Russian Federation", art. 12
  parts 1–2). Both numbers are parameters.
- **Counting**: a period in days starts on the day after the event (Civil Code of the Russian Federation,
  art. 191), so a complaint registered on 1 March with 30 calendar days is due on 31 March. In working days,
  the N-th working day after the event is the due date.
- **Non-working last day**: when the last day falls on a non-working day, the period ends on the next working
  day (Civil Code, art. 193).
- **Working-day calendar**: the `holidays` package's calendar for the country (``RU`` by default). For Russia
  it holds the public holidays of the Labour Code art. 112 *and* the government's yearly decrees moving days
  off, both the days off moved onto weekdays and the Saturdays made working days (``weekend_workdays``), e.g.
  27 April 2024 was a working Saturday and 29–30 April 2024 days off. So no separate transfer table is kept.
- **Reminders**: the working days that lie N working days before the due date (5 and 1 by default).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

__all__ = [
    "DEFAULT_EXTENSION_DAYS",
    "DEFAULT_TERM_DAYS",
    "DayKind",
    "DeadlineState",
    "WorkingCalendar",
    "deadline_state",
    "due_date",
    "extended_due_date",
    "reminder_dates",
    "working_calendar",
]

DEFAULT_TERM_DAYS = 30
DEFAULT_EXTENSION_DAYS = 30
DEFAULT_REMINDERS = (5, 1)


class DayKind(StrEnum):
    CALENDAR = "calendar"
    WORKING = "working"


class WorkingCalendar:
    """Working days of one country from the `holidays` package (weekends, holidays and official transfers)."""

    def __init__(self, country: str = "RU", subdivision: str | None = None):
        import holidays  # here, not at the top: loading the web app must not pay for its calendars

        try:
            self._holidays = holidays.country_holidays(country, subdiv=subdivision)
        except NotImplementedError:
            raise ValueError(f"the holidays package has no calendar for country {country!r}") from None
        self.country = country

    def is_working_day(self, day: dt.date) -> bool:
        return self._holidays.is_working_day(day)

    def holiday_name(self, day: dt.date) -> str | None:
        return self._holidays.get(day)

    def next_working_day(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, otherwise the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def add_working_days(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (before it for a negative count); `day` itself is not counted."""
        step = dt.timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        while remaining:
            day += step
            if self.is_working_day(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days pass from `start` to `end`; negative if reversed."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(self.is_working_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1))


@cache
def working_calendar(country: str = "RU", subdivision: str | None = None) -> WorkingCalendar:
    """A shared calendar per country (building one loads the holiday rules)."""
    return WorkingCalendar(country, subdivision)


def _kind(kind: DayKind | str) -> DayKind:
    try:
        return DayKind(kind)
    except ValueError:
        raise ValueError(f"day kind must be one of {[k.value for k in DayKind]}, got {kind!r}") from None


def due_date(
    start: dt.date,
    days: int = DEFAULT_TERM_DAYS,
    kind: DayKind | str = DayKind.CALENDAR,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.date:
    """The last day to answer something registered on `start` within `days` calendar or working days.

    Calendar: start + days, moved to the next working day when it is not one (Civil Code arts. 191, 193).
    Working: the `days`-th working day after start.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days!r}")
    cal = calendar or working_calendar()
    if _kind(kind) is DayKind.WORKING:
        return cal.add_working_days(start, days)
    return cal.next_working_day(start + dt.timedelta(days=days))


def extended_due_date(
    due: dt.date,
    days: int = DEFAULT_EXTENSION_DAYS,
    kind: DayKind | str = DayKind.CALENDAR,
    *,
    calendar: WorkingCalendar | None = None,
) -> dt.date:
    """The due date after the one extension of 59-FZ art. 12 part 2: `days` more, counted from `due`."""
    return due_date(due, days, kind, calendar=calendar)


def reminder_dates(
    due: dt.date,
    working_days_before: Iterable[int] = DEFAULT_REMINDERS,
    *,
    calendar: WorkingCalendar | None = None,
) -> list[dt.date]:
    """The working days that lie N working days before `due`, for each N, earliest first, without repeats."""
    cal = calendar or working_calendar()
    offsets = list(working_days_before)
    if any(n < 1 for n in offsets):
        raise ValueError(f"reminders are at least 1 working day before the due date, got {offsets}")
    return sorted({cal.add_working_days(due, -n) for n in offsets})


@dataclass(frozen=True, slots=True)
class DeadlineState:
    overdue: bool  # unanswered after the due date, or answered after it
    days_left: int  # calendar days from `today` (or the answer day) to the due date; negative when late
    working_days_left: int


def deadline_state(
    due: dt.date,
    today: dt.date,
    answered_on: dt.date | None = None,
    *,
    calendar: WorkingCalendar | None = None,
) -> DeadlineState:
    """Whether a complaint is (or was answered) late, and how much time is left on `today` or was left when
    it was answered. The due date itself is still on time."""
    cal = calendar or working_calendar()
    reference = answered_on or today
    return DeadlineState(
        overdue=reference > due,
        days_left=(due - reference).days,
        working_days_left=cal.working_days_between(reference, due),
    )
