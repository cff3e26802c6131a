"""Find and mask personal data that citizens type into free-text comments, before analysts read them.

Kinds found (each replaced by a tag such as ``[PHONE]``):

- **e-mail** addresses, including Cyrillic domains (``почта@пример.рф``);
- **phone** numbers: Russian ``+7``/``8``/``7`` followed by ten digits in the usual groupings
  (``+7 (916) 123-45-67``, ``8-800-555-35-35``, ``89161234567``), a bare local ``123-45-67``, and
  international numbers written with ``+`` and a country code (8–15 digits, ITU-T E.164);
- **passport** of a Russian citizen: series of 4 digits and number of 6 digits (``45 06 123456``,
  ``4506 №123456``); ten digits written together only when "паспорт"/"passport" precedes them;
- **SNILS** (insurance number): 11 digits. Written as ``ddd-ddd-ddd dd`` it is masked as such; written
  together it must pass the checksum of the Pension Fund (weights 9..1 on the first nine digits; sum < 100 is
  the check number, 100 and 101 give 00, larger sums are taken modulo 101 with 100 → 00; numbers up to
  001-001-998 carry no check);
- **INN** (taxpayer number): 12 digits with both check digits, or 10 digits with its check digit when "ИНН"/
  "INN" precedes them (one random 10-digit number in 11 passes the check, so the context keeps order numbers
  unmasked). Check digits: weighted sums modulo 11, then modulo 10 (Federal Tax Service order
  No. БГ-3-09/178 of 03.03.2004; weights below);
- **card** numbers: 13–19 digits starting 2–6 (Mir, Visa, Mastercard, Maestro, UnionPay, Amex, JCB, Discover),
  grouped by spaces or hyphens or not at all, passing the Luhn check (ISO/IEC 7812-1, Annex B).

Digits glued to other digits are never split: a longer run (a 19-digit service code of the federal register)
is not a phone or a card. Dates (``12.12.2012``, ``2024-05-01``), times and amounts (``1 500 000 руб.``) do
not match any pattern.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "MaskResult",
    "PiiKind",
    "PiiMatch",
    "find_pii",
    "inn_valid",
    "luhn_valid",
    "mask_pii",
    "snils_valid",
]


class PiiKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    PASSPORT = "passport"
    SNILS = "snils"
    INN = "inn"
    CARD = "card"


@dataclass(frozen=True, slots=True)
class PiiMatch:
    kind: PiiKind
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class MaskResult:
    """The masked text, the kinds found (sorted, distinct) and where they were in the original text."""

    text: str
    kinds: tuple[PiiKind, ...]
    matches: tuple[PiiMatch, ...]

    @property
    def found(self) -> bool:
        return bool(self.matches)


# --------------------------------------------------------------------------------------------------------------
# Check digits
# --------------------------------------------------------------------------------------------------------------


def luhn_valid(digits: str) -> bool:
    """Luhn (mod 10) check: double every second digit from the right, sum the digits, the total ends in 0."""
    if not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def snils_valid(digits: str) -> bool:
    """SNILS check number (last two digits) from weights 9..1 on the first nine digits; see the module doc."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    body, check = digits[:9], int(digits[9:])
    if int(body) <= 1_001_998:
        return False  # too low to carry a check number, and not issued to people
    total = sum(int(d) * w for d, w in zip(body, range(9, 0, -1), strict=True))
    if total > 101:
        total %= 101
    return check == (0 if total in (100, 101) else total)


_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN11_WEIGHTS = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)


def _inn_check(digits: str, weights: tuple[int, ...]) -> int:
    return sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10


def inn_valid(digits: str) -> bool:
    """INN check digits: 10 digits (organisation) with one, 12 digits (individual) with two."""
    if not digits.isdigit():
        return False
    if len(digits) == 10:
        return _inn_check(digits[:9], _INN10_WEIGHTS) == int(digits[9])
    if len(digits) == 12:
        return (_inn_check(digits[:10], _INN11_WEIGHTS) == int(digits[10])
                and _inn_check(digits[:11], _INN12_WEIGHTS) == int(digits[11]))
    return False


# --------------------------------------------------------------------------------------------------------------
# Patterns
# --------------------------------------------------------------------------------------------------------------

_NOT_AFTER_DIGIT = r"(?<![\d+\-])"
_NOT_BEFORE_DIGIT = r"(?![\d])(?!-\d)"

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
# Cards are written in groups of four (American Express: 4-6-5), never in the groups of three of an amount.
_CARD = re.compile(
    _NOT_AFTER_DIGIT + r"(?:[2-6]\d{3}(?:[ -]?\d{4}){2}(?:[ -]?\d{1,4}){1,2}|3[47]\d{2}[ -]?\d{6}[ -]?\d{5})"
    + _NOT_BEFORE_DIGIT
)
_SNILS_FORMATTED = re.compile(_NOT_AFTER_DIGIT + r"\d{3}-\d{3}-\d{3}[ -]\d{2}" + _NOT_BEFORE_DIGIT)
_PHONE_RU = re.compile(
    r"(?<![\d+\-])(?:\+7|8|7)[ \-]?(?:\(\d{3}\)|\d{3})[ \-]?\d{3}[ \-]?\d{2}[ \-]?\d{2}" + _NOT_BEFORE_DIGIT
)
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+[1-9][\d \-().]{6,20}\d" + _NOT_BEFORE_DIGIT)
_PHONE_LOCAL = re.compile(_NOT_AFTER_DIGIT + r"\d{3}-\d{2}-\d{2}" + _NOT_BEFORE_DIGIT)
_PASSPORT = re.compile(
    _NOT_AFTER_DIGIT + r"\d{2} ?\d{2}(?: +| *(?:№|N|No\.?|номер) *)\d{6}" + _NOT_BEFORE_DIGIT, re.IGNORECASE
)
_DIGIT_RUN = re.compile(r"(?<![\d.,])\d+(?![\d]|[.,]\d)")
# The keyword may be a few words before the number ("ИНН моей организации 7707083893"), with no digits between.
_INN_CONTEXT = re.compile(r"\b(?:ИНН|INN)\b\D{0,25}$", re.IGNORECASE)
_PASSPORT_CONTEXT = re.compile(r"(?:паспорт|passport)\D{0,25}$", re.IGNORECASE)
_CONTEXT_WINDOW = 40


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _regex_finder(
    pattern: re.Pattern[str], kind: PiiKind, accept: Callable[[str], bool] = lambda _: True
) -> Callable[[str], Iterator[PiiMatch]]:
    def finder(text: str) -> Iterator[PiiMatch]:
        for m in pattern.finditer(text):
            if accept(m.group()):
                yield PiiMatch(kind, m.start(), m.end())

    return finder


def _is_card(raw: str) -> bool:
    digits = _digits(raw)
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def _is_international_phone(raw: str) -> bool:
    return 8 <= len(_digits(raw)) <= 15 and not raw.startswith("+7")


def _bare_numbers(text: str) -> Iterator[PiiMatch]:
    """Runs of digits written together, recognised by length, check digits and the words before them."""
    for m in _DIGIT_RUN.finditer(text):
        digits, before = m.group(), text[max(0, m.start() - _CONTEXT_WINDOW) : m.start()]
        kind: PiiKind | None = None
        if len(digits) == 12 and inn_valid(digits):
            kind = PiiKind.INN
        elif len(digits) == 11 and snils_valid(digits):
            kind = PiiKind.SNILS
        elif len(digits) == 10 and _INN_CONTEXT.search(before) and inn_valid(digits):
            kind = PiiKind.INN
        elif len(digits) == 10 and _PASSPORT_CONTEXT.search(before):
            kind = PiiKind.PASSPORT
        if kind is not None:
            yield PiiMatch(kind, m.start(), m.end())


# Most specific first: an earlier finder's match wins over any later one that overlaps it.
_FINDERS = (
    _regex_finder(_EMAIL, PiiKind.EMAIL),
    _regex_finder(_CARD, PiiKind.CARD, _is_card),
    _regex_finder(_SNILS_FORMATTED, PiiKind.SNILS),
    _regex_finder(_PHONE_RU, PiiKind.PHONE),
    _regex_finder(_PHONE_INTERNATIONAL, PiiKind.PHONE, _is_international_phone),
    _regex_finder(_PASSPORT, PiiKind.PASSPORT),
    _bare_numbers,
    _regex_finder(_PHONE_LOCAL, PiiKind.PHONE),
)


def find_pii(text: str) -> list[PiiMatch]:
    """Every piece of personal data in `text`, in order of position, without overlaps."""
    accepted: list[PiiMatch] = []
    for finder in _FINDERS:
        for match in finder(text):
            if all(match.end <= a.start or match.start >= a.end for a in accepted):
                accepted.append(match)
    return sorted(accepted, key=lambda m: m.start)


def mask_pii(text: str, tag: Callable[[PiiKind], str] = lambda kind: f"[{kind.upper()}]") -> MaskResult:
    """Replace each piece of personal data in `text` by ``tag(kind)`` (``[EMAIL]``, ``[PHONE]``...)."""
    matches = find_pii(text)
    parts: list[str] = []
    position = 0
    for m in matches:
        parts.append(text[position : m.start])
        parts.append(tag(m.kind))
        position = m.end
    parts.append(text[position:])
    kinds = tuple(sorted({m.kind for m in matches}))
    return MaskResult(text="".join(parts), kinds=kinds, matches=tuple(matches))
