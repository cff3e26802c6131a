"""Bilingual records: each translatable field is stored as <field>_en and <field>_ru."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from enum import Enum
from typing import Any

from django.utils.formats import get_format
from django.utils.translation import get_language

_WIDE = Context(prec=200)


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """The field in the active language, falling back to English where the translation is empty."""
    return localized_pair(getattr(obj, f"{field}_en", ""), getattr(obj, f"{field}_ru", ""), language)


def localized_pair(english: str, russian: str, language: str | None = None) -> str:
    """`localized` for the two values read without their record (a `values_list` of a long list)."""
    lang = (language or get_language() or "en")[:2]
    return (russian if lang == "ru" else "") or english or ""


def fixed(value: Any, places: int = 2) -> str:
    """`value` with exactly `places` decimals and the active language's decimal separator: what the template
    filter `floatformat:places` gives (half away from zero on the number's shortest decimal form, no grouping),
    without its generic argument parsing, which made it a tenth of the dashboard's CPU (hundreds of figures a
    page). A value that is not a number shows as nothing, infinity and NaN as themselves, as with floatformat.
    Pages use it as the `fixed` filter and in the rows that views format (feedback.dashboards.context)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    if not number.is_finite():
        return str(value)
    rounded = number.quantize(Decimal(1).scaleb(-int(places)), ROUND_HALF_UP, _WIDE)
    text = f"{rounded if rounded else rounded.copy_abs():f}"  # no "-0.00"
    separator = get_format("DECIMAL_SEPARATOR")
    return text if separator == "." else text.replace(".", separator)


class LocalizedNameMixin:
    @property
    def name(self) -> str:
        return localized(self, "name")

    def __str__(self) -> str:
        return self.name


def code_choices(enum: type[Enum]) -> list[tuple[str, str]]:
    """Model field choices from an enum of codes; the pages show translated labels (govcx.labels)."""
    return [(member.value, member.value) for member in enum]
