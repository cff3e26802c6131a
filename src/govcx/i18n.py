"""Bilingual records: each translatable field is stored as <field>_en and <field>_ru."""

from __future__ import annotations

from enum import Enum
from typing import Any

from django.utils.translation import get_language


def localized(obj: Any, field: str, language: str | None = None) -> str:
    """The field in the active language, falling back to English where the translation is empty."""
    lang = (language or get_language() or "en")[:2]
    value = getattr(obj, f"{field}_{lang}", None) if lang in ("en", "ru") else None
    return value or getattr(obj, f"{field}_en", "") or ""


class LocalizedNameMixin:
    @property
    def name(self) -> str:
        return localized(self, "name")

    def __str__(self) -> str:
        return self.name


def code_choices(enum: type[Enum]) -> list[tuple[str, str]]:
    """Model field choices from an enum of codes; the pages show translated labels (govcx.labels)."""
    return [(member.value, member.value) for member in enum]
