"""Complaint numbers: what a citizen writes down, reads out on the phone and types to follow a complaint.

A number is the year and eight random characters in Crockford's base 32 (digits and letters without I, L, O and
U, which are read as 1, 1, 0 and V), in two groups: ``2026-7K4M-9QX2``. Eight characters give 32⁸ ≈ 1.1·10¹²
numbers a year, so a guessed number is almost never a real one; following a complaint needs the e-mail given with
it too, and guesses are throttled. Typing is forgiving: case, spaces, dashes and look-alike letters do not matter.
Plain Python, no Django.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

__all__ = ["ALPHABET", "new_number", "normalised"]

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_LOOK_ALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_GROUP = 4
_SHAPE = re.compile(r"^(\d{4})([0-9A-HJKMNP-TV-Z]{8})$")


def new_number(year: int, choose: Callable[[str], str] = secrets.choice) -> str:
    """A fresh number for a complaint received in `year` (the caller retries on the rare collision)."""
    body = "".join(choose(ALPHABET) for _ in range(2 * _GROUP))
    return f"{year:04d}-{body[:_GROUP]}-{body[_GROUP:]}"


def normalised(typed: str) -> str | None:
    """The number a person typed, in its written form, or None when it cannot be a complaint number."""
    compact = re.sub(r"[\s\-‐‑–—_.]", "", (typed or "")[:40]).upper().translate(_LOOK_ALIKES)
    found = _SHAPE.match(compact)
    if found is None:
        return None
    year, body = found.groups()
    return f"{year}-{body[:_GROUP]}-{body[_GROUP:]}"
