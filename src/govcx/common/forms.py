"""The HTML forms' half of the input rules in `common.bounds` and `common.text`: one base form for every form.

A form field without bounds let a person post 10**30 into an integer column, 0001-01-01 into a date that is
later shifted by a time zone, or a vertical tab that breaks every spreadsheet export later; each was a 500 or
a broken export. `CheckedForm` bounds every number and date field that has no narrower bounds of its own and
takes stray control characters out of every text (Django's CharField already refuses NUL).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from govcx.common.bounds import EARLIEST_DAY, INT_MAX, LATEST_DAY
from govcx.common.text import without_controls

#: The largest amount or rate a form takes where its field names no maximum (fees, incentives, rates).
DECIMAL_MAX = Decimal(10**9)


def _within_calendar(value: dt.date) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValidationError(_("Enter a date between %(first)s and %(last)s."),
                              params={"first": EARLIEST_DAY.isoformat(), "last": LATEST_DAY.isoformat()})


def bound_field(field: forms.Field) -> None:
    """Give a number or date field the database's and the calendar's bounds unless it has its own."""
    if isinstance(field, forms.IntegerField):  # DecimalField and FloatField are IntegerFields too
        whole = type(field) is forms.IntegerField
        if field.max_value is None:
            highest: int | Decimal = INT_MAX if whole else DECIMAL_MAX
            field.max_value = highest  # type: ignore[assignment]  # the stubs type it int, Django takes a Decimal
            field.validators.append(MaxValueValidator(highest))
            field.widget.attrs.setdefault("max", str(highest))
        if field.min_value is None:
            lowest: int | Decimal = -INT_MAX - 1 if whole else -DECIMAL_MAX
            field.min_value = lowest  # type: ignore[assignment]  # as above
            field.validators.append(MinValueValidator(lowest))
    elif isinstance(field, forms.DateField | forms.DateTimeField):
        field.validators.append(_within_calendar)


#: What the search box over a long select (app.js) says; "%s" is the number of options that match.
SEARCH_PROMPT = _("Type to narrow the list")
SEARCH_FOUND = _("%s found")


def search_attrs() -> dict[str, str]:
    """The attributes that give a long select its search box (services, organisations, users)."""
    return {"data-search": str(SEARCH_PROMPT), "data-search-found": str(SEARCH_FOUND)}


class SearchableSelect(forms.Select):
    """A native select that app.js gives a search box: without JavaScript it is the plain select."""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        return super().get_context(name, value, {**search_attrs(), **(attrs or {})})


class CheckedForm(forms.Form):
    """A form whose numbers and dates are bounded and whose texts hold no stray control characters."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            bound_field(field)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = without_controls(value)
        return cleaned
