"""Quarters as the index counts them: "2026Q3" is July–September 2026. A pure module: no Django."""

from __future__ import annotations

import datetime as dt
import re

__all__ = ["period_bounds", "period_of", "periods_between", "valid_period"]

_PATTERN = re.compile(r"^(\d{4})Q([1-4])$")


def valid_period(period: str) -> bool:
    return bool(_PATTERN.match(period))


def period_of(day: dt.date | dt.datetime) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """The first and the last day of the quarter (ValueError for anything but "YYYYQn")."""
    match = _PATTERN.match(period)
    if match is None:
        raise ValueError(f"{period!r} is not a quarter like 2026Q3")
    year, quarter = int(match[1]), int(match[2])
    start = dt.date(year, 3 * quarter - 2, 1)
    following = dt.date(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1, 1)
    return start, following - dt.timedelta(days=1)


def periods_between(first: str, last: str) -> list[str]:
    """Every quarter from `first` to `last`, both included."""
    out: list[str] = []
    year, quarter = int(first[:4]), int(first[5])
    while f"{year}Q{quarter}" <= last:
        out.append(f"{year}Q{quarter}")
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out
