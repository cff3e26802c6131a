"""Training coverage and the forecast of when a group of civil servants will all be trained (plain Python).

Coverage is the share of the people in a group who have completed every course their position requires. The
forecast extrapolates the pace of the last 90 days linearly: the people trained in that window divided by its
length is the daily rate; the people still to train divided by that rate is the number of days left, and the date
100 % is reached is today plus those days (rounded up to whole days). A group that trained nobody in the window has
no forecast date and is off track unless it is already complete. The rate it needs instead is the people still to
train spread over the days left before the deadline, given here per 30 days so it reads as "per month".

The counts come from the database already aggregated (one row per group); nothing here loops over people.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

WINDOW_DAYS = 90
MONTH_DAYS = 30


@dataclass(frozen=True, slots=True)
class Forecast:
    people: int  # the people the programme must train in this group (currently employed)
    trained: int  # of them, those who completed every required course
    trained_in_window: int  # of them, those whose training was completed within the last WINDOW_DAYS
    share: float  # trained / people (1.0 for an empty group: nobody is left to train)
    rate_per_month: float  # trained_in_window, scaled to MONTH_DAYS
    reaches_full_on: dt.date | None  # the date 100 % is reached at the recent rate; None when it never is
    on_track: bool  # 100 % by the deadline at the recent rate (or already there)
    needed_per_month: float | None  # the rate needed to reach 100 % by the deadline; None when done or past it
    remaining: int


def coverage_share(trained: int, people: int) -> float:
    if trained < 0 or people < 0 or trained > people:
        raise ValueError(f"trained {trained} of {people} is not a count of a group")
    return 1.0 if people == 0 else trained / people


def forecast(
    *, people: int, trained: int, trained_in_window: int, today: dt.date, deadline: dt.date,
    window_days: int = WINDOW_DAYS,
) -> Forecast:
    """The forecast for one group from its counts (see the module's docstring for the rule)."""
    share = coverage_share(trained, people)
    if not 0 <= trained_in_window <= trained:
        raise ValueError(f"{trained_in_window} trained in the window but {trained} trained in all")
    if window_days < 1:
        raise ValueError("the window must be at least one day")
    remaining = people - trained
    daily = trained_in_window / window_days
    if remaining == 0:
        return Forecast(people, trained, trained_in_window, share, daily * MONTH_DAYS, today, True, None, 0)
    reaches = None if daily == 0 else today + dt.timedelta(days=math.ceil(remaining / daily))
    days_left = (deadline - today).days
    needed = remaining / days_left * MONTH_DAYS if days_left > 0 else None
    on_track = reaches is not None and reaches <= deadline
    return Forecast(people, trained, trained_in_window, share, daily * MONTH_DAYS, reaches, on_track, needed,
                    remaining)


def deadline_for(start: dt.date, years: int = 3) -> dt.date:
    """The programme's deadline: the same day `years` later (29 February falls back to 28 February)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)
