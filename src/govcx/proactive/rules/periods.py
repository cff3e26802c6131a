"""Periods as OpenFisca has them: a month, a year or eternity, each with a start day.

`month:2016-01`, `2016-01` and `2016` are parsed the way OpenFisca's `periods.period` parses them; a
monthly variable asked for a year sums or divides (`sub_months`), never guesses.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Unit = Literal["month", "year", "eternity"]
UNITS: tuple[Unit, ...] = ("month", "year", "eternity")

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UNIT_FORM = re.compile(r"^(month|year):(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?(?::(\d+))?$")


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    """`size` consecutive `unit`s from `start` (eternity has no start that matters)."""

    unit: Unit
    start: dt.date
    size: int = 1

    def __str__(self) -> str:
        if self.unit == "eternity":
            return "ETERNITY"
        if self.unit == "year" and self.start.month == 1 and self.size == 1:
            return f"{self.start.year:04d}"
        if self.unit == "month" and self.size == 1:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return f"{self.unit}:{self.start.isoformat()}:{self.size}"

    @property
    def stop(self) -> dt.date:
        """The last day of the period."""
        if self.unit == "eternity":
            return dt.date.max
        months = self.size * (12 if self.unit == "year" else 1)
        return add_months(self.start, months) - dt.timedelta(days=1)

    @property
    def months(self) -> list[Period]:
        """The months the period covers, in order."""
        if self.unit == "eternity":
            raise PeriodError("eternity has no months")
        count = self.size * (12 if self.unit == "year" else 1)
        return [month(add_months(self.start, i)) for i in range(count)]

    @property
    def first_month(self) -> Period:
        return month(self.start)

    @property
    def this_year(self) -> Period:
        return Period("year", dt.date(self.start.year, 1, 1))

    @property
    def last_month(self) -> Period:
        return month(add_months(self.start, -1))

    @property
    def last_year(self) -> Period:
        return Period("year", dt.date(self.start.year - 1, 1, 1))

    def last_months(self, count: int) -> Period:
        """The `count` months before this period's start (OpenFisca's `period.last_3_months` for 3)."""
        return Period("month", add_months(self.start, -count), count)

    def n_years_ago(self, count: int) -> Period:
        return Period(self.unit, self.start.replace(year=self.start.year - count), self.size)

    def contains(self, other: Period) -> bool:
        if self.unit == "eternity":
            return True
        return self.start <= other.start and other.stop <= self.stop


ETERNITY = Period("eternity", dt.date.min)


def month(day: dt.date) -> Period:
    return Period("month", dt.date(day.year, day.month, 1))


def year(value: int) -> Period:
    return Period("year", dt.date(value, 1, 1))


def add_months(day: dt.date, count: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1) if day.day == 1 else _clip_day(index // 12, index % 12 + 1, day.day)


def _clip_day(year_: int, month_: int, day: int) -> dt.date:
    for candidate in (day, 30, 29, 28):
        try:
            return dt.date(year_, month_, candidate)
        except ValueError:
            continue
    raise PeriodError(f"no such day {year_}-{month_}-{day}")


def parse_period(text: object) -> Period:
    """Read a period written as OpenFisca writes it: `2016-01`, `2016`, `month:2016-01:3`, `ETERNITY`."""
    if isinstance(text, Period):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        text = str(text)
    if isinstance(text, dt.date):
        return month(text)
    if not isinstance(text, str):
        raise PeriodError(f"not a period: {text!r}")
    value = text.strip()
    if value.upper() == "ETERNITY":
        return ETERNITY
    if m := _MONTH.match(value):
        return Period("month", _date(int(m[1]), int(m[2]), 1, text))
    if m := _YEAR.match(value):
        return Period("year", dt.date(int(m[1]), 1, 1))
    if m := _DAY.match(value):
        raise PeriodError(f"a day is not a period here: {text!r} (write {m[1]}-{m[2]} for the month)")
    if m := _UNIT_FORM.match(value):
        unit: Unit = "month" if m[1] == "month" else "year"
        start = _date(int(m[2]), int(m[3] or 1), int(m[4] or 1), text)
        return Period(unit, start, int(m[5] or 1))
    raise PeriodError(f"not a period: {text!r} (write 2016-01 for a month, 2016 for a year)")


def parse_instant(text: object) -> dt.date:
    """A day (`2016-12-01`); a month or a year stands for its first day, as OpenFisca's instants do."""
    if isinstance(text, dt.datetime):
        return text.date()
    if isinstance(text, dt.date):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return dt.date(text, 1, 1)
    if isinstance(text, str):
        value = text.strip()
        if m := _DAY.match(value):
            return _date(int(m[1]), int(m[2]), int(m[3]), text)
        if m := _MONTH.match(value):
            return _date(int(m[1]), int(m[2]), 1, text)
        if m := _YEAR.match(value):
            return dt.date(int(m[1]), 1, 1)
    raise PeriodError(f"not a date: {text!r} (write 2016-12-01)")


def _date(year_: int, month_: int, day: int, text: object) -> dt.date:
    try:
        return dt.date(year_, month_, day)
    except ValueError:
        raise PeriodError(f"no such date: {text!r}") from None
