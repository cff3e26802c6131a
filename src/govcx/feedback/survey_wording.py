"""What a citizen reads of a survey: its texts with the service and its authority named, and nothing meant for
analysts (the `source` of a template stays in the stored definition, for analysts only).

Templates write ``{service}`` and ``{authority}`` where the name goes. Surveys created before templates used these
fields keep the bracketed placeholders of their source ("[Program/Service name]", "[название программы/услуги]",
"[Agency/Program name]"); those are filled in too, so no citizen ever reads a placeholder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from govcx.feedback.survey_schema import SurveyDefinition, parse_definition

__all__ = ["Names", "for_citizens", "has_placeholder", "with_names"]

_BRACKETED = re.compile(r"\[[^\[\]]{0,80}\]")
_AUTHORITY_WORDS = ("agency", "authority", "ведомств", "орган")
_QUOTES = {"en": ("“", "”"), "ru": ("«", "»")}


@dataclass(frozen=True)
class Names:
    """The service's and its authority's names in each language (a missing one falls back to the other)."""

    service_en: str
    service_ru: str
    authority_en: str
    authority_ru: str

    def service(self, lang: str) -> str:
        return (self.service_ru or self.service_en) if lang == "ru" else (self.service_en or self.service_ru)

    def authority(self, lang: str) -> str:
        return (self.authority_ru or self.authority_en) if lang == "ru" else (self.authority_en or self.authority_ru)


def _bracketed(match: re.Match[str], names: Names, lang: str) -> str:
    inside = match.group(0).casefold()
    name = names.authority(lang) if any(w in inside for w in _AUTHORITY_WORDS) else names.service(lang)
    opening, closing = _QUOTES.get(lang, _QUOTES["en"])
    return f"{opening}{name}{closing}"


def with_names(text: str, names: Names, lang: str) -> str:
    """`text` (in `lang`) with ``{service}``, ``{authority}`` and bracketed placeholders replaced by the names."""
    text = text.replace("{service}", names.service(lang)).replace("{authority}", names.authority(lang))
    return _BRACKETED.sub(lambda m: _bracketed(m, names, lang), text)


def has_placeholder(text: str) -> bool:
    """Whether a citizen would still read a placeholder in `text`."""
    return "{service}" in text or "{authority}" in text or bool(_BRACKETED.search(text))


def _named(node: Any, names: Names, lang: str | None) -> Any:
    if isinstance(node, dict):
        return {k: _named(v, names, k if k in ("en", "ru") else lang) for k, v in node.items() if k != "source"}
    if isinstance(node, list):
        return [_named(v, names, lang) for v in node]
    if isinstance(node, str) and lang is not None:
        return with_names(node, names, lang)
    return node


def for_citizens(definition: SurveyDefinition | dict[str, Any], names: Names) -> SurveyDefinition:
    """The definition as citizens see it: titled with the service and its authority (a template's title names its
    source, e.g. "OMB A-11 §280", which is for analysts), every label with the names filled in, no `source`."""
    data = definition.model_dump(mode="json") if isinstance(definition, SurveyDefinition) else dict(definition)
    data["title"] = {lang: f"{names.service(lang)} ({names.authority(lang)})" for lang in ("en", "ru")}
    return parse_definition(_named(data, names, None))
