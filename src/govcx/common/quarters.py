"""Quarters as people pick them: one list of quarters by name, the same in every form that asks for one.

A quarter typed by hand ("2026-2", "2026 Q2") used to reach a page that only understood "2026Q2" and gave an
error page; every form now offers a list (`QuarterField`, rendered through `quarter_picker`), and a value that
still arrives typed (an old link, a bookmark) is read in any of the ways people write a quarter.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from govcx.errors import Invalid

#: "2026Q2", "2026 q2", "2026-2", "2026/2", "2026-Q2", "2026 кв 2" ...
_TYPED = re.compile(r"^\s*(\d{4})\s*[-/ .]?\s*(?:[QqКк][ВвVv]?\.?)?\s*([1-4])\s*$")


def quarter_code(text: str) -> str | None:
    """The quarter written the one way the code stores it ("2026Q2"), or None when `text` is not a quarter."""
    match = _TYPED.match(text or "")
    return f"{match.group(1)}Q{match.group(2)}" if match else None


def quarter_of(day: dt.date) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def quarter_name(code: str) -> str:
    """ "2026Q3" (or "2026 Q3") in the reader's words: "Q3 2026", "3 кв. 2026"."""
    normal = quarter_code(code) or code
    year, _sep, number = normal.partition("Q")
    return _("Q%(quarter)s %(year)s") % {"quarter": number, "year": year}


def quarter_bounds(text: str, today: dt.date | None = None) -> tuple[dt.date, dt.date, str]:
    """(first day, last day, "2026 Q3") of the quarter written in any of the ways `quarter_code` reads;
    blank: the last full quarter. Anything else is refused with the field named."""
    today = today or dt.date.today()
    if text and text.strip():
        code = quarter_code(text)
        if code is None:
            raise Invalid(_("Choose a quarter from the list."), details=[{"field": "quarter"}])
        year, number = int(code[:4]), int(code[5])
    else:
        year, number = today.year, (today.month - 1) // 3
        if number == 0:
            year, number = year - 1, 4
    first = dt.date(year, 3 * number - 2, 1)
    last = dt.date(year + (number == 4), 1 if number == 4 else 3 * number + 1, 1) - dt.timedelta(days=1)
    return first, last, f"{year} Q{number}"


def recent_quarters(today: dt.date | None = None, count: int = 12) -> list[str]:
    """The current quarter and the `count` - 1 before it, newest first."""
    today = today or dt.date.today()
    year, number = today.year, (today.month - 1) // 3 + 1
    codes = []
    for _step in range(count):
        codes.append(f"{year}Q{number}")
        year, number = (year - 1, 4) if number == 1 else (year, number - 1)
    return codes


def quarter_choices(quarters: Iterable[str] | None = None, *, also: Iterable[str] = (),
                    today: dt.date | None = None, count: int = 12) -> list[tuple[str, str]]:
    """(code, name) for a select, newest first: `quarters` (default: the recent ones) plus `also` (a chosen
    quarter older than the list, a published one), each once."""
    codes = list(recent_quarters(today, count) if quarters is None else quarters)
    codes += [code for code in (quarter_code(c) for c in also) if code and code not in codes]
    return [(code, quarter_name(code)) for code in sorted(set(codes), reverse=True)]


class QuarterField(forms.ChoiceField):
    """A quarter picked from a list by name; a typed "2026-2" that still arrives is read as "2026Q2"."""

    def __init__(self, *, quarters: Iterable[str] | None = None, also: Iterable[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("label", gettext_lazy("Quarter"))
        super().__init__(choices=quarter_choices(quarters, also=also), **kwargs)

    def to_python(self, value: Any) -> str:
        text = super().to_python(value)
        return quarter_code(text) or text


def quarter_picker(name: str, *, chosen: str = "", quarters: Iterable[str] | None = None, also: Iterable[str] = (),
                   label: str | None = None, html_id: str = "", required: bool = True) -> forms.BoundField:
    """The bound select of one quarter for a hand-written form: `{{ picker.label_tag }} {{ picker }}`, its id
    `html_id` or the field's name. The chosen quarter is offered even when it is older than the list."""
    field = QuarterField(quarters=quarters, also=[*also, chosen] if chosen else list(also), required=required,
                         **({"label": label} if label else {}))
    if html_id:
        field.widget.attrs["id"] = html_id
    form = forms.Form(initial={name: quarter_code(chosen) or ""}, auto_id="%s", label_suffix="")
    form.fields[name] = field
    return form[name]
