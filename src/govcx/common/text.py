"""Text that comes in and goes out: what every text input must be, and text made safe for XML-based files.

Plain Python, no Django. One rule for every text field of the API and the forms:
- NUL is never valid (PostgreSQL cannot store it, and no person types it): refused.
- A string that does not encode to UTF-8 (a lone surrogate such as "\\ud800", which JSON allows) is refused.
- The other C0 control characters except tab, line feed and carriage return (vertical tab, form feed, ...) are
  what XML 1.0 forbids and spreadsheets cannot hold; pasted text carries them by accident, so they are taken
  out rather than refused (vertical tab and form feed become a line break, which is what they meant).
On the way out, `xml_safe` does the same to whatever is already stored, so one old record cannot break an export.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from govcx.errors import InvalidInput, Problem

#: The characters XML 1.0 (and so XLSX) cannot hold: C0 controls except tab, line feed and carriage return.
ILLEGAL_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def text_problem(value: str) -> str:
    """Why `value` is refused as text ("" when it is acceptable)."""
    if "\x00" in value:
        return "NUL characters (\\u0000) are not allowed in text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "the text is not valid Unicode (a lone surrogate such as \\ud800); send UTF-8 text"
    return ""


def without_controls(value: str) -> str:
    """`value` without the control characters XML cannot hold (vertical tab and form feed become line feeds)."""
    if not ILLEGAL_CONTROL.search(value):
        return value
    return ILLEGAL_CONTROL.sub("", value.translate(_BREAKS))


def clean_text(value: str) -> str:
    """An input text checked and tidied: ValueError when refused, otherwise without stray control characters."""
    problem = text_problem(value)
    if problem:
        raise ValueError(problem)
    return without_controls(value)


def clean_data(data: Any, *, where: str = "") -> Any:
    """Every string in a parsed JSON value (object keys included) through `clean_text`.

    InvalidInput names the place of every refused string (`field` is a dotted path such as "answers.0.text").
    """
    problems: list[Problem] = []

    def walk(value: Any, path: str) -> Any:
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                problems.append(Problem(problem, field=path))
                return value
            return without_controls(value)
        if isinstance(value, Mapping):
            return {walk(key, path or "(key)") if isinstance(key, str) else key: walk(item, f"{path}.{key}".lstrip("."))
                    for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item, f"{path}.{index}".lstrip(".")) for index, item in enumerate(value)]
        return value

    cleaned = walk(data, where)
    if problems:
        raise InvalidInput(problems, "the request holds text that is not allowed: " + problems[0].message)
    return cleaned


def loads_clean(raw: bytes, *, parse_constant: Callable[[str], Any] | None = None) -> Any:
    """`clean_data(json.loads(raw))`, without the walk when no string can need it: JSON refuses raw control
    characters inside strings, so in UTF-8 (checked strictly, which refuses encoded surrogates) without a `\\u`
    escape every string is already clean. On the busiest endpoint the walk cost more than the parse."""
    if b"\\u" not in raw and json.detect_encoding(raw) == "utf-8":
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return json.loads(text, parse_constant=parse_constant)
    return clean_data(json.loads(raw, parse_constant=parse_constant))


def xml_safe(value: Any) -> Any:
    """A value that an XML-based file (XLSX) can hold: strings lose illegal control characters and lone
    surrogates become U+FFFD; anything else is returned as is."""
    if not isinstance(value, str):
        return value
    value = without_controls(value)
    if _SURROGATE.search(value):
        value = _SURROGATE.sub("\ufffd", value)
    return value
