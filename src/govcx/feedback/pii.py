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
  No. БГ-3-09/178 of 03.03.2004);
- **card** numbers: 13–19 digits starting 2–6 (Mir, Visa, Mastercard, Maestro, UnionPay, Amex, JCB, Discover),
  grouped by spaces or hyphens or not at all, passing the Luhn check (ISO/IEC 7812-1, Annex B).

Text is normalised before matching, and the mask is applied to the original text: compatibility forms of digits
and Latin letters (full-width ``４２７６``, mathematical digits) become ASCII (Unicode NFKC, character by
character, superscripts excepted); every Unicode space (no-break, thin, narrow no-break, ideographic) is a space;
every dash and minus is a hyphen; e-mail addresses written ``name(at)mail.ru``, ``name [at] mail [dot] ru``,
``name собака mail.ru`` or ``name at mail dot ru`` are read as ``name@mail.ru``. Numbers may be written in groups
separated by spaces, dots or hyphens (``112 233 445 95``, ``4276.1234.5678.9012``, ``+7.916.123.45.67``); groups
of thousands (``500 100 732 259``) are read as an amount unless "ИНН"/"СНИЛС" precedes them, and dates are never
part of a number. INN and Luhn check digits come from python-stdnum; stdnum has no SNILS, so its check is here.

Digits glued to other digits are never split: a longer run (a 19-digit service code of the federal register)
is not a phone or a card. Dates (``12.12.2012``, ``2024-05-01``), times and amounts (``1 500 000 руб.``) do
not match any pattern.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from stdnum import luhn
from stdnum.ru import inn as stdnum_inn

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
    """Luhn (mod 10) check (ISO/IEC 7812-1, Annex B), by python-stdnum."""
    return digits.isascii() and digits.isdigit() and luhn.is_valid(digits)


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


def inn_valid(digits: str) -> bool:
    """INN check digits (10 digits for an organisation, 12 for a person), by python-stdnum (``stdnum.ru.inn``)."""
    return digits.isascii() and digits.isdigit() and len(digits) in (10, 12) and stdnum_inn.is_valid(digits)


# --------------------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------------------

_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d")


@dataclass(frozen=True, slots=True)
class _Normalised:
    """Text to match on, and for each of its characters the span of the original text it came from."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        return self.starts[start], self.ends[end - 1]


def _plain_character(ch: str) -> str:
    if ch.isascii():
        return ch
    if ch.isspace():
        return " "
    if ch in _DASHES:
        return "-"
    if unicodedata.category(ch) == "No":  # superscripts, fractions: "м²" stays as written
        return ch
    compatible = unicodedata.normalize("NFKC", ch)
    return compatible if len(compatible) == 1 and compatible.isascii() else ch


def _normalise(text: str) -> _Normalised:
    """One character for one: compatibility digits and letters to ASCII, spaces to " ", dashes to "-"."""
    positions = tuple(range(len(text)))
    return _Normalised("".join(map(_plain_character, text)), positions, tuple(p + 1 for p in positions))


def _substitute(source: _Normalised, pattern: re.Pattern[str], replacement: str) -> _Normalised:
    """Replace each match by `replacement`, whose characters stand for the whole span the match came from."""
    text: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    position = 0
    for m in pattern.finditer(source.text):
        text.append(source.text[position : m.start()])
        starts.extend(source.starts[position : m.start()])
        ends.extend(source.ends[position : m.start()])
        span_start, span_end = source.original_span(m.start(), m.end())
        text.append(replacement)
        starts.extend([span_start] * len(replacement))
        ends.extend([span_end] * len(replacement))
        position = m.end()
    if not position:
        return source
    text.append(source.text[position:])
    starts.extend(source.starts[position:])
    ends.extend(source.ends[position:])
    return _Normalised("".join(text), tuple(starts), tuple(ends))


_OBFUSCATED_AT = re.compile(r" *[(\[{<] *(?:at|собака|гав) *[)\]}>] *| +(?:at|собака) +", re.IGNORECASE)
_OBFUSCATED_DOT = re.compile(r" *[(\[{<] *(?:dot|точка) *[)\]}>] *| +(?:dot|точка) +(?=[^\W\d_]{2,}\b)",
                             re.IGNORECASE)


def _deobfuscated(source: _Normalised) -> _Normalised:
    """E-mail addresses as people write them to dodge robots: ``name (at) mail (dot) ru`` → ``name@mail.ru``."""
    return _substitute(_substitute(source, _OBFUSCATED_AT, "@"), _OBFUSCATED_DOT, ".")


# --------------------------------------------------------------------------------------------------------------
# Patterns (on normalised text)
# --------------------------------------------------------------------------------------------------------------

_NOT_AFTER_DIGIT = r"(?<![\d+\-])"
_NOT_BEFORE_DIGIT = r"(?![\d])(?![-.]\d)"
_SEP = r"[ .\-]?"

_EMAIL = re.compile(r"(?<![\w.%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}(?![\w-])")
# Cards are written in groups of four (American Express: 4-6-5), never in the groups of three of an amount.
_CARD = re.compile(
    _NOT_AFTER_DIGIT + rf"(?:[2-6]\d{{3}}(?:{_SEP}\d{{4}}){{2}}(?:{_SEP}\d{{1,4}}){{1,2}}"
    rf"|3[47]\d{{2}}{_SEP}\d{{6}}{_SEP}\d{{5}})" + _NOT_BEFORE_DIGIT
)
_SNILS_FORMATTED = re.compile(_NOT_AFTER_DIGIT + r"\d{3}-\d{3}-\d{3}[ -]\d{2}" + _NOT_BEFORE_DIGIT)
_PHONE_RU = re.compile(
    rf"(?<![\d+\-])(?:\+7|8|7){_SEP}(?:\(\d{{3}}\)|\d{{3}}){_SEP}\d{{3}}{_SEP}\d{{2}}{_SEP}\d{{2}}"
    + _NOT_BEFORE_DIGIT
)
_PHONE_INTERNATIONAL = re.compile(r"(?<![\w+])\+[1-9][\d \-().]{6,20}\d" + _NOT_BEFORE_DIGIT)
_PHONE_LOCAL = re.compile(_NOT_AFTER_DIGIT + r"\d{3}-\d{2}-\d{2}" + _NOT_BEFORE_DIGIT)
_PASSPORT = re.compile(
    _NOT_AFTER_DIGIT + r"\d{2} ?\d{2}(?: +| *(?:№|N|No\.?|номер) *)\d{6}" + _NOT_BEFORE_DIGIT, re.IGNORECASE
)
# Dates and times are never part of a number: 01.02.2024, 2024-05-01, 1/2/24, 10:30 (unless glued to more groups).
_DATE_OR_TIME = re.compile(
    r"(?<!\d)(?<!\d[.\-])(?:(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2})"
    r"|\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12]\d|3[01])|\d{1,2}:\d{2})(?!\d)(?![.\-]\d)"
)
# Digits in groups separated by one space, dot or hyphen; a decimal comma or point ends the number.
_DIGIT_GROUPS = re.compile(r"(?<![\d.,])\d+(?:[ .\-]\d+)*(?![\d]|[.,]\d)")
_GROUP = re.compile(r"\d+")
_MAX_GROUPS = 12
# The keyword may be a few words before the number ("ИНН моей организации 7707083893"), with no digits between.
_INN_CONTEXT = re.compile(r"\b(?:ИНН|INN)\b\D{0,25}$", re.IGNORECASE)
_SNILS_CONTEXT = re.compile(r"\b(?:СНИЛС|SNILS)\b\D{0,25}$", re.IGNORECASE)
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


def _is_amount(groups: list[re.Match[str]], text: str) -> bool:
    """Groups of thousands with one separator (1 500 000, 500.100.732.259): how amounts are written."""
    separators = {text[a.end()] for a in groups[:-1]}
    return (len(groups) > 1 and (separators == {" "} or separators == {"."}) and 1 <= len(groups[0].group()) <= 3
            and all(len(g.group()) == 3 for g in groups[1:]))


def _number_kind(digits: str, before: str, amount: bool) -> PiiKind | None:
    inn_named, snils_named = bool(_INN_CONTEXT.search(before)), bool(_SNILS_CONTEXT.search(before))
    if amount and not (inn_named or snils_named):
        return None
    if len(digits) == 12 and inn_valid(digits):
        return PiiKind.INN
    if len(digits) == 11 and snils_valid(digits):
        return PiiKind.SNILS
    if len(digits) == 10 and inn_named and inn_valid(digits):
        return PiiKind.INN
    if len(digits) == 10 and _PASSPORT_CONTEXT.search(before):
        return PiiKind.PASSPORT
    return None


def _numbers(text: str) -> Iterator[PiiMatch]:
    """Numbers written together or in groups, recognised by length, check digits and the words before them; the
    longest reading of consecutive groups wins."""
    blanked = _DATE_OR_TIME.sub(lambda m: "#" * len(m.group()), text)
    for run in _DIGIT_GROUPS.finditer(blanked):
        groups = list(_GROUP.finditer(blanked, run.start(), run.end()))
        if len(groups) > _MAX_GROUPS:
            continue
        taken: list[tuple[int, int]] = []
        for size in range(len(groups), 0, -1):
            for first in range(len(groups) - size + 1):
                chosen = groups[first : first + size]
                start, end = chosen[0].start(), chosen[-1].end()
                if any(start < b and a < end for a, b in taken):
                    continue
                digits = "".join(g.group() for g in chosen)
                if not 10 <= len(digits) <= 12:
                    continue
                before = text[max(0, start - _CONTEXT_WINDOW) : start]
                kind = _number_kind(digits, before, _is_amount(chosen, blanked))
                if kind is not None:
                    taken.append((start, end))
                    yield PiiMatch(kind, start, end)


# Most specific first: an earlier finder's match wins over any later one that overlaps it.
_FINDERS = (
    _regex_finder(_CARD, PiiKind.CARD, _is_card),
    _regex_finder(_SNILS_FORMATTED, PiiKind.SNILS),
    _regex_finder(_PHONE_RU, PiiKind.PHONE),
    _regex_finder(_PHONE_INTERNATIONAL, PiiKind.PHONE, _is_international_phone),
    _numbers,  # before passports: "ИНН 10 00 00 000074" is one number, not "10" and a passport
    _regex_finder(_PASSPORT, PiiKind.PASSPORT),
    _regex_finder(_PHONE_LOCAL, PiiKind.PHONE),
)


def find_pii(text: str) -> list[PiiMatch]:
    """Every piece of personal data in `text`, in order of position, without overlaps (positions in `text`)."""
    plain = _normalise(text)
    found: list[PiiMatch] = []
    readable = _deobfuscated(plain)
    for m in _EMAIL.finditer(readable.text):
        found.append(PiiMatch(PiiKind.EMAIL, *readable.original_span(m.start(), m.end())))
    for finder in _FINDERS:
        for match in finder(plain.text):
            start, end = plain.original_span(match.start, match.end)
            if all(end <= a.start or start >= a.end for a in found):
                found.append(PiiMatch(match.kind, start, end))
    return sorted(found, key=lambda m: m.start)


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
