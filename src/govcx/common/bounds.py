"""Bounded input types for API schemas: every integer and date a request carries fits the database and the calendar.

Plain Python (pydantic), no Django. An unbounded `int` lets a caller send 10**30 (SQLite cannot bind it,
PostgreSQL's integer holds 2**31 - 1) or -1 as an offset (Django refuses negative slicing); a date at the
calendar's ends (0001-01-01, 9999-12-31) overflows as soon as a time zone or a day is added. Each of these was
a 500; with these types they are a 422 naming the field, and the bounds appear in the OpenAPI document, so
clients and the fuzzer (tests/test_api_fuzz.py) know them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Annotated

from pydantic import BaseModel, Field

#: PostgreSQL's `integer` (what Django's IntegerField and PositiveIntegerField are there).
INT_MAX = 2_147_483_647
#: PostgreSQL's `bigint`: the primary keys (BigAutoField).
BIGINT_MAX = 9_223_372_036_854_775_807
#: The dates govcx accepts: wide enough for any record a service keeps, far from the calendar's ends.
EARLIEST_DAY = dt.date(1900, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)

#: The id of a stored object.
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
#: A whole number stored in an integer column that cannot be negative (a count, a version, an order).
Count = Annotated[int, Field(ge=0, le=INT_MAX)]
#: Where a page of a list starts, and how long it may be.
Offset = Annotated[int, Field(ge=0, le=INT_MAX)]
Limit = Annotated[int, Field(ge=1, le=1000)]
#: A calendar day or a moment within EARLIEST_DAY..LATEST_DAY.
Day = Annotated[dt.date, Field(ge=EARLIEST_DAY, le=LATEST_DAY)]
_EARLIEST_MOMENT = dt.datetime(EARLIEST_DAY.year, 1, 2, tzinfo=dt.UTC)  # a day in, so no time zone leaves the range
_LATEST_MOMENT = dt.datetime(LATEST_DAY.year, 12, 30, tzinfo=dt.UTC)
Moment = Annotated[dt.datetime, Field(ge=_EARLIEST_MOMENT, le=_LATEST_MOMENT)]


def refuse_nulls(model: BaseModel, *, nullable: Collection[str] = ()) -> BaseModel:
    """The partial-update rule, for a schema's `model_validator(mode="after")`: a field left out stays as it is,
    a field sent must hold a value unless `nullable` (its column may be empty). An explicit null for a required
    text used to reach the database's NOT NULL constraint (a 500)."""
    sent_null = sorted(name for name in model.model_fields_set if getattr(model, name) is None and name not in nullable)
    if sent_null:
        raise ValueError(f"{', '.join(sent_null)} cannot be null: send a value or leave the field out")
    return model


def parse_id(value: object, *, low: int = 1, high: int = BIGINT_MAX) -> int | None:
    """A whole number typed into a form or a query (an id, a version), or None when it is not one in low..high.

    Only ASCII digits: `str.isdigit()` is true for "²" and other digits `int()` refuses (a 500 before), and a
    number past the database's range cannot be looked up."""
    text = str(value).strip() if value is not None else ""
    if not (text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if low <= number <= high else None
