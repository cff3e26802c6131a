from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from govcx import i18n, labels
from govcx.common.forms import search_attrs
from govcx.common.weburls import is_safe_link
from govcx.i18n import localized
from govcx.reports import check_notes

register = template.Library()


@register.filter
def job_kind_label(value: str) -> str:
    return labels.label_of(labels.JOB_KINDS, value)


@register.filter
def verdict_label(value: str) -> str:
    return labels.label_of(labels.VERDICTS, value)


@register.filter
def stage_label(value: str) -> str:
    return labels.label_of(labels.STAGES, value)


@register.filter
def status_label(value: str) -> str:
    return labels.label_of(labels.STATUSES, value)


@register.filter
def channel_label(value: str) -> str:
    return labels.label_of(labels.CHANNELS, value)


@register.filter
def level_label(value: str) -> str:
    return labels.label_of(labels.LEVELS, value)


@register.filter
def role_label(value: str) -> str:
    return labels.label_of(labels.ROLES, value)


@register.filter
def survey_status_label(value: str) -> str:
    return labels.label_of(labels.SURVEY_STATUSES, value)


@register.filter
def response_channel_label(value: str) -> str:
    return labels.label_of(labels.RESPONSE_CHANNELS, value)


@register.filter
def question_label(key: str) -> str:
    return labels.label_of(labels.QUESTIONS, key)


@register.filter
def sentiment_label(value: str) -> str:
    return labels.label_of(labels.SENTIMENTS, value)


@register.filter
def survey_template_title(name: str | None) -> str:
    """A shipped survey template by its name in the reader's language ("csat" → "Удовлетворённость клиентов (CSAT)")."""
    return labels.label_of(labels.SURVEY_TEMPLATES, name) if name else "—"


@register.filter
def impact_label(value: str) -> str:
    return labels.label_of(labels.AUDIT_IMPACTS, value)


@register.filter
def wcag_criterion_label(number: str) -> str:
    return labels.label_of(labels.WCAG_CRITERIA, number)


@register.filter
def passport_event_label(value: str) -> str:
    return labels.label_of(labels.PASSPORT_EVENTS, value)


@register.filter
def passport_fields_label(changes: dict | None) -> str:
    """The changed fields of a passport event, by name: "name in Russian, stage"."""
    return ", ".join(labels.label_of(labels.PASSPORT_FIELDS, key) for key in (changes or {}))


@register.filter
def tr(obj: Any, field: str = "") -> str:
    """The active language's text: {{ record|tr:"name" }} for bilingual records, {{ text|tr }} for pack texts."""
    lang = (get_language() or "en")[:2]
    if obj is None:
        return ""
    if hasattr(obj, "en") and hasattr(obj, "ru"):
        return getattr(obj, lang, None) or obj.en
    if isinstance(obj, dict):
        return obj.get(lang) or obj.get("en") or ""
    return localized(obj, field)


@register.filter
def score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


@register.filter
def safe_link(value: str | None) -> str:
    """`value` if it may be an href (http(s) or a path of this site), else "": stored text never becomes a
    `javascript:` link."""
    value = str(value or "")
    return value if is_safe_link(value) else ""


@register.filter
def get_item(mapping: dict | None, key: Any) -> Any:
    """mapping[key] in a template ({{ titles|get_item:adj.requirement_id }}), None when absent."""
    return mapping.get(key) if mapping else None


@register.filter
def region_name(code: str | None) -> str:
    """An ISO 3166-2 region by its name in the reader's language ("RU-TUL" → "Тульская область")."""
    from govcx.registry.regions import region_name as name_of

    return name_of(code, get_language() or "en") if code else "—"


@register.filter
def check_note(note: str | None):
    """An automated check's note in the reader's language; a note of an unknown form stays English, marked so."""
    text, translated = check_notes.check_note(note or "")
    return text if translated else format_html('<span lang="en">{}</span>', text)


@register.simple_tag
def searchable() -> str:
    """` data-search=... data-search-found=...` for a long hand-written select: app.js adds its search box."""
    return format_html_join("", ' {}="{}"', search_attrs().items())


@register.filter(is_safe=True)
def fixed(value: Any, places: int = 2) -> str:
    """`floatformat:places`, faster: see govcx.i18n.fixed."""
    return i18n.fixed(value, places)


# Long lists in one step: the template engine spends a few microseconds on every variable, so a select of a hundred
# services or a table of a hundred rows cost a page 1–2 ms each as loops.


@register.simple_tag
def options(choices: Any, selected: Any = None) -> str:
    """The `<option>` elements of `choices` — (value, label) pairs, or records with `pk` and `name` — the one whose
    value equals `selected` (compared as text) marked selected."""
    chosen = "" if selected is None else str(selected)
    pairs = (choice if isinstance(choice, tuple) else (choice.pk, choice.name) for choice in choices)
    return format_html_join("", '<option value="{}"{}>{}</option>',
                            ((value, " selected" if chosen and str(value) == chosen else "", label)
                             for value, label in pairs))


@register.simple_tag
def table_rows(rows: Any, columns: str, header: str = "") -> str:
    """The `<tr>` rows of a table: `columns` names each row's cells in order (keys separated by spaces), `header`
    the one that heads its row (`<th scope="row">`). Cells are escaped unless already safe."""
    tags = [(key, ('<th scope="row">', "</th>") if key == header else ("<td>", "</td>")) for key in columns.split()]
    return mark_safe("".join(  # every cell goes through conditional_escape
        "<tr>" + "".join(f"{opening}{conditional_escape(row[key])}{closing}" for key, (opening, closing) in tags)
        + "</tr>" for row in rows))
