"""The public survey page's form without JavaScript: questions to display, posted answers, and their errors.

The page cannot hide a question as the person answers, so every question is shown and a conditional one says
when it applies. Before submitting, answers to questions whose `show_if` conditions do not hold are dropped
(`survey_schema.validate_answers` would refuse them as "not shown"), so a person who answered one anyway is not
blocked; everything else is validated by the same rules as every other channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from govcx.feedback import survey_schema as schema

CONTEXT_FIELDS = ("channel", "office", "stage", "page")
CONTEXT_MAX_LENGTH = 200
FIELD_PREFIX = "q_"  # keeps question keys apart from the form's own fields (csrfmiddlewaretoken, website, ...)


@dataclass(frozen=True)
class Choice:
    id: str
    value: str
    label: str
    checked: bool


@dataclass
class DisplayField:
    key: str
    name: str
    label: str
    required: bool
    control: str  # radio | checkbox | textarea
    hint: str = ""
    condition: str = ""  # when a conditional question applies, in words
    choices: list[Choice] = field(default_factory=list)
    in_row: bool = False
    text: str = ""
    max_length: int | None = None
    error: str = ""

    @property
    def id(self) -> str:
        return f"q-{self.key}"

    @property
    def first_id(self) -> str:
        return self.choices[0].id if self.choices else self.id

    @property
    def described_by(self) -> str:
        ids = [f"{self.id}-hint" if self.hint or self.condition else "", f"{self.id}-error" if self.error else ""]
        return " ".join(i for i in ids if i)


def context_from(params: Mapping[str, str], *, prefix: str = "") -> dict[str, str]:
    """Hidden context from query parameters (?office=…&stage=…&channel=office) or the form's hidden copies."""
    context = {"channel": "web"}
    for name in CONTEXT_FIELDS:
        value = (params.get(prefix + name) or "").strip()[:CONTEXT_MAX_LENGTH]
        if value and (name != "channel" or value in schema.CHANNELS):
            context[name] = value
    return context


def posted_answers(definition: schema.SurveyDefinition, post: Any, context: Mapping[str, str]) -> dict[str, Any]:
    """The raw answers in the form post (strings, lists for multiple choice) plus hidden fields from the context."""
    answers: dict[str, Any] = {}
    for q in definition.questions:
        if isinstance(q, schema.HiddenQuestion):
            value = context.get(q.context)
            accepted = q.accepted_values()
            if value and (accepted is None or value in accepted):
                answers[q.key] = value
        elif getattr(q, "type", "") == "multiple_choice":
            answers[q.key] = post.getlist(FIELD_PREFIX + q.key)
        else:
            answers[q.key] = post.get(FIELD_PREFIX + q.key, "")
    return answers


def without_unshown(definition: schema.SurveyDefinition, answers: dict[str, Any]) -> schema.AnswerValidation:
    """Validate, dropping answers to questions that the other answers hide; repeat until nothing is dropped
    (dropping an answer can hide a later question in turn)."""
    for _round in range(len(definition.questions) + 1):
        result = schema.validate_answers(definition, answers)
        unshown = {e.question_key for e in result.errors if e.code == "not_shown"}
        if not unshown:
            return result
        answers = {k: v for k, v in answers.items() if k not in unshown}
    return result


def error_text(error: schema.AnswerError, question: schema.AnyQuestion) -> str:
    if error.code == "required":
        return _("Answer this question.")
    if error.code == "too_many" and isinstance(question, schema.ChoiceQuestion):
        return _("Choose at most %(count)s options.") % {"count": question.max_selected}
    if error.code == "too_long" and isinstance(question, schema.TextQuestion):
        return _("Use at most %(count)s characters.") % {"count": question.max_length}
    if isinstance(question, schema.TextQuestion):
        return _("Check this answer.")
    return _("Choose one of the options.")


def display_fields(
    definition: schema.SurveyDefinition, lang: str, answers: Mapping[str, Any], errors: Mapping[str, str]
) -> list[DisplayField]:
    """The visible questions in order, with the person's answers kept and each error next to its question."""
    shown: list[DisplayField] = []
    for q in definition.questions:
        if isinstance(q, schema.HiddenQuestion):
            continue
        display = DisplayField(
            key=q.key, name=FIELD_PREFIX + q.key, label=q.label.get(lang), required=q.required,
            control="textarea", hint=q.help.get(lang) if q.help else "",
            condition=_condition_sentence(definition, q, lang), error=errors.get(q.key, ""),
        )
        raw = answers.get(q.key)
        if isinstance(q, schema.TextQuestion):
            display.text, display.max_length = str(raw or ""), q.max_length
        else:
            selected = {str(v) for v in raw} if isinstance(raw, list | tuple) else {str(raw)} if raw else set()
            options = _options(q, lang)
            display.control = "checkbox" if getattr(q, "type", "") == "multiple_choice" else "radio"
            display.choices = [Choice(f"q-{q.key}-{i}", value, label, value in selected)
                               for i, (value, label) in enumerate(options)]
            display.in_row = (len(q.labels) < len(options)) if isinstance(q, schema.RatingQuestion) else (
                not isinstance(q, schema.ChoiceQuestion))
        shown.append(display)
    return shown


def _options(q: schema.AnyQuestion, lang: str) -> list[tuple[str, str]]:
    if isinstance(q, schema.RatingQuestion):
        points = []
        for point in range(q.scale_min, q.scale_max + 1):
            name = q.labels[point].get(lang) if point in q.labels else ""
            points.append((str(point), f"{point} — {name}" if name else str(point)))
        return points
    if isinstance(q, schema.ChoiceQuestion):
        return [(o.key, o.label.get(lang)) for o in q.options]
    if isinstance(q, schema.YesNoQuestion):
        return [("yes", _("Yes")), ("no", _("No"))]
    return [("up", _("Thumbs up")), ("down", _("Thumbs down"))]


def _answer_words(target: schema.AnyQuestion, value: bool | int | str, lang: str) -> str:
    if isinstance(target, schema.ChoiceQuestion):
        return next((f"“{o.label.get(lang)}”" for o in target.options if o.key == value), str(value))
    if isinstance(target, schema.YesNoQuestion):
        return f"“{_('Yes')}”" if value is True else f"“{_('No')}”"
    if isinstance(target, schema.ThumbsQuestion):
        return f"“{_('Thumbs up')}”" if value == "up" else f"“{_('Thumbs down')}”"
    return str(value)


def _condition_sentence(definition: schema.SurveyDefinition, q: schema.AnyQuestion, lang: str) -> str:
    clauses = []
    for c in q.show_if:
        target = definition.question(c.question)
        question = target.label.get(lang)
        if c.answered is False:
            clauses.append(_("you did not answer “%(question)s”") % {"question": question})
            continue
        parts = []
        for compared in ([c.equals] if c.equals is not None else [], c.one_of or []):
            if compared:
                parts.append(_(" or ").join(_answer_words(target, v, lang) for v in compared))
        if c.at_least is not None and c.at_most is not None:
            parts.append(_("from %(low)s to %(high)s") % {"low": c.at_least, "high": c.at_most})
        elif c.at_least is not None:
            parts.append(_("%(value)s or higher") % {"value": c.at_least})
        elif c.at_most is not None:
            parts.append(_("%(value)s or lower") % {"value": c.at_most})
        if parts:
            clauses.append(_("your answer to “%(question)s” is %(answer)s")
                           % {"question": question, "answer": _(" and ").join(parts)})
        else:
            clauses.append(_("you answered “%(question)s”") % {"question": question})
    if not clauses:
        return ""
    return _("Answer only if %(conditions)s.") % {"conditions": _(" and ").join(clauses)}
