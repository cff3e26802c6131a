"""Steps and requested documents as lines of text, for forms and spreadsheet cells.

Steps: one per line (or separated by ";" in a cell), a trailing "[visit]" marks an in-person step.
Documents: one per line (or ";"), "Name | Registry" marks a document a state registry already holds.
An optional Russian name follows after " / ", e.g. "Passport / Паспорт | MVD registry".
"""

from __future__ import annotations

import re
from typing import Any

VISIT = "[visit]"


def _items(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[\n;]", text or "") if part.strip()]


def _names(text: str) -> tuple[str, str]:
    en, _, ru = text.partition(" / ")
    return en.strip(), ru.strip()


def parse_steps(text: str) -> list[dict[str, Any]]:
    steps = []
    for item in _items(text):
        visit = item.lower().endswith(VISIT)
        if visit:
            item = item[: -len(VISIT)].strip()
        en, ru = _names(item)
        steps.append({"title_en": en, "title_ru": ru, "requires_visit": visit})
    return steps


def parse_documents(text: str) -> list[dict[str, Any]]:
    documents = []
    for item in _items(text):
        name, sep, registry = item.partition("|")
        en, ru = _names(name)
        documents.append(
            {"name_en": en, "name_ru": ru, "held_in_registry": bool(sep), "registry_name": registry.strip()}
        )
    return documents


def _join_names(en: str, ru: str) -> str:
    return f"{en} / {ru}" if ru else en


def format_steps(steps: list[dict[str, Any]], separator: str = "\n") -> str:
    return separator.join(
        _join_names(s["title_en"], s.get("title_ru", "")) + (f" {VISIT}" if s.get("requires_visit") else "")
        for s in steps
    )


def format_documents(documents: list[dict[str, Any]], separator: str = "\n") -> str:
    return separator.join(
        _join_names(d["name_en"], d.get("name_ru", ""))
        + (f" | {d.get('registry_name') or 'registry'}" if d.get("held_in_registry") else "")
        for d in documents
    )
