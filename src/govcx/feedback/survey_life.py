"""When a survey takes answers: from its opening to its closing, each version from the moment it was asked until
a newer version replaced it. A response dated outside that life is refused (not filed into a period in which
nobody asked the question). Plain values in, a refusal or None out; no Django."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

#: A replaced version still takes answers this long: a person who opened the page or the widget before the change
#: finishes their form (the public page's form is valid for a day too).
RETIRED_GRACE = dt.timedelta(days=1)


@dataclass(frozen=True)
class SurveyLife:
    opened_at: dt.datetime | None  # None: never opened (a draft)
    closed_at: dt.datetime | None  # None: still open
    version: int
    version_started_at: dt.datetime  # when this version was first asked (for version 1: the opening)
    version_retired_at: dt.datetime | None  # when the next version replaced it; None: the current version


@dataclass(frozen=True)
class Refusal:
    code: str  # not_opened | before_opening | after_closing | before_version | retired_version
    message: str


def life_refusal(life: SurveyLife, moment: dt.datetime) -> Refusal | None:
    """Why a response given at `moment` to `life.version` is outside the survey's life, or None when it is inside.
    Bounds: opened_at ≤ moment ≤ closed_at; version_started_at ≤ moment < version_retired_at + RETIRED_GRACE."""
    if life.opened_at is None:
        return Refusal("not_opened", "the survey has not opened yet, so it takes no answers; set its opening date "
                                     "first to import earlier answers")
    if moment < life.opened_at:
        return Refusal("before_opening", f"dated {moment:%Y-%m-%d %H:%M}, before the survey opened on "
                                         f"{life.opened_at:%Y-%m-%d %H:%M} (UTC)")
    if life.closed_at is not None and moment > life.closed_at:
        return Refusal("after_closing", f"dated {moment:%Y-%m-%d %H:%M}, after the survey closed on "
                                        f"{life.closed_at:%Y-%m-%d %H:%M} (UTC)")
    if life.version > 1 and moment < life.version_started_at:
        return Refusal("before_version", f"dated {moment:%Y-%m-%d %H:%M}, before version {life.version} of the "
                                         f"survey was asked ({life.version_started_at:%Y-%m-%d %H:%M} UTC)")
    if life.version_retired_at is not None and moment >= life.version_retired_at + RETIRED_GRACE:
        return Refusal("retired_version", f"version {life.version} of the survey was replaced on "
                                          f"{life.version_retired_at:%Y-%m-%d %H:%M} (UTC); answer the current "
                                          "version (reload the survey)")
    return None
