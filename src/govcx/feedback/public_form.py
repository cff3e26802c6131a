"""The public survey page's form without JavaScript: which questions each step asks, posted answers, errors.

The page asks in steps, decided on the server, so that it needs no script: a question appears only once the
answers before it make it apply (its `show_if` conditions hold). The first step of a survey that opens with a
required rating is that rating alone, as buttons: one tap answers it and shows the rest. A post that makes new
questions apply shows them (answers kept) instead of submitting; the questions already offered travel in a
hidden field. Before submitting, answers to questions whose conditions no longer hold (the person changed an
earlier answer) are dropped, and everything else is validated by the same rules as every other channel.
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
    control: str  # radio | checkbox | textarea | tap (one submit button per rating point)
    hint: str = ""
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
        ids = [f"{self.id}-hint" if self.hint else "", f"{self.id}-error" if self.error else ""]
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


def _asked(definition: schema.SurveyDefinition) -> list[schema.AnyQuestion]:
    return [q for q in definition.questions if not isinstance(q, schema.HiddenQuestion)]


def one_tap_question(definition: schema.SurveyDefinition) -> schema.RatingQuestion | None:
    """The opening question answered with one tap: a required, unconditional rating asked first."""
    asked = _asked(definition)
    first = asked[0] if asked else None
    if isinstance(first, schema.RatingQuestion) and first.required and not first.show_if:
        return first
    return None


def tapped_key(definition: schema.SurveyDefinition, offered: list[str]) -> str:
    """The one-tap rating once it is tapped (the page offers more than it): stored at the tap, so it is shown as
    given, not as a choice to change (""): when there is no such rating or it is not tapped yet)."""
    headline = one_tap_question(definition)
    return headline.key if headline is not None and len(offered) > 1 and headline.key in offered else ""


def tapped_answers(
    definition: schema.SurveyDefinition, answers: Mapping[str, Any], offered: list[str]
) -> dict[str, Any]:
    """The answers to store at the tap: the one-tap rating and the hidden context, when this post is the tap
    (the first step offered the rating alone); empty otherwise."""
    headline = one_tap_question(definition)
    if headline is None or offered != [headline.key] or not answers.get(headline.key):
        return {}
    hidden = {q.key for q in definition.questions if isinstance(q, schema.HiddenQuestion)}
    return {k: v for k, v in answers.items() if k == headline.key or k in hidden}


def first_step(definition: schema.SurveyDefinition) -> list[str]:
    """The questions of the first page: the one-tap rating alone, else every question that applies before any
    answer is given."""
    headline = one_tap_question(definition)
    if headline is not None:
        return [headline.key]
    return [q.key for q in _asked(definition) if schema.is_shown(q, {})]


def offered_from(definition: schema.SurveyDefinition, value: str) -> list[str]:
    """The questions a posted form offered (its hidden `offered` field), known keys only, in question order."""
    named = set(value.split(","))
    return [q.key for q in _asked(definition) if q.key in named]


def next_step(definition: schema.SurveyDefinition, answers: Mapping[str, Any], offered: list[str]) -> list[str]:
    """Questions that the answers make apply and that the person has not been offered yet (empty: submit)."""
    asked = {q.key for q in _asked(definition)}
    return [k for k in schema.shown_questions(definition, answers) if k in asked and k not in offered]


def only_offered(definition: schema.SurveyDefinition, answers: dict[str, Any], offered: list[str]) -> dict[str, Any]:
    """The answers to questions on the page, and hidden context; a crafted post cannot answer the others."""
    keep = set(offered) | {q.key for q in definition.questions if isinstance(q, schema.HiddenQuestion)}
    return {k: v for k, v in answers.items() if k in keep}


def display_fields(
    definition: schema.SurveyDefinition, lang: str, answers: Mapping[str, Any], errors: Mapping[str, str],
    offered: list[str], *, one_tap: bool = False, tapped: str = "",
) -> list[DisplayField]:
    """The offered questions that apply, in order, with the person's answers kept and each error next to its
    question; with `one_tap`, the opening rating is a row of submit buttons; the `tapped` rating is shown as
    given (its value travels in a hidden field)."""
    applying = set(schema.shown_questions(definition, answers))
    shown: list[DisplayField] = []
    for q in _asked(definition):
        if q.key not in offered or q.key not in applying:
            continue
        display = DisplayField(
            key=q.key, name=FIELD_PREFIX + q.key, label=q.label.get(lang), required=q.required,
            control="textarea", hint=q.help.get(lang) if q.help else "", error=errors.get(q.key, ""),
        )
        raw = answers.get(q.key)
        if isinstance(q, schema.TextQuestion):
            display.text, display.max_length = str(raw or ""), q.max_length
        else:
            selected = {str(v) for v in raw} if isinstance(raw, list | tuple) else {str(raw)} if raw else set()
            options = _options(q, lang)
            display.control = "checkbox" if getattr(q, "type", "") == "multiple_choice" else "radio"
            if one_tap and isinstance(q, schema.RatingQuestion):
                display.control = "tap"
            display.choices = [Choice(f"q-{q.key}-{i}", value, label, value in selected)
                               for i, (value, label) in enumerate(options)]
            if q.key == tapped and selected:
                display.control = "tapped"
                display.choices = [c for c in display.choices if c.checked]
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
