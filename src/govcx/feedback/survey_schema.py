"""The definition of a survey, the validation of a citizen's answers to it, and the rows it adds to the fact table.

Plain pydantic, no Django. A definition is a list of questions with stable keys (``"overall"``, ``"nps"``...)
that analytics group by across survey versions. Question types: rating scale, single and multiple choice,
yes/no, thumbs up/down, free text, and hidden context fields (channel, office, page, stage of the journey).
A question may be shown only when earlier answers meet conditions (``show_if``); a required question is
required only when it is shown.

- :func:`parse_definition` validates a definition and reports every problem with its question key and field.
- :func:`validate_answers` checks one response (types, ranges, options, branching, unknown keys, text length)
  and returns the cleaned answers or the errors.
- :func:`fact_rows` turns a response into the long-format rows of the analytics fact table
  (question_key, measure, scale_min, scale_max, value); text and hidden fields add no row.
- :func:`definition_fingerprint` is a stable hash of a definition: a changed question gives a new hash, so the
  caller stores a new survey version and earlier answers keep the version they answered.

Top-2-box: a rating is positive when it is at least ``scale_max − 1`` unless the question sets
``positive_from`` (e.g. Government Decree No. 1284 of 12.12.2012, where the template counts "good" and
"excellent" as positive). NPS questions are 0–10 (Reichheld, F. F. (2003). The one number you need to grow.
*Harvard Business Review*, 81(12), 46–54).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, model_validator

from govcx.errors import Invalid, InvalidInput, Problem

__all__ = [
    "CHANNELS",
    "TEXT_LENGTH_CAP",
    "AnswerError",
    "AnswerValidation",
    "ChoiceQuestion",
    "Condition",
    "FactRow",
    "HiddenQuestion",
    "InvalidAnswers",
    "LocalizedText",
    "Measure",
    "Option",
    "Question",
    "RatingQuestion",
    "SurveyDefinition",
    "TextQuestion",
    "ThumbsQuestion",
    "YesNoQuestion",
    "definition_fingerprint",
    "cleaned_fact_rows",
    "fact_rows",
    "is_shown",
    "parse_definition",
    "shown_questions",
    "validate_answers",
]

KEY_PATTERN = r"^[a-z][a-z0-9_]{0,63}$"
TEXT_LENGTH_CAP = 10_000
HIDDEN_LENGTH_CAP = 500
#: Channels of the fact table's ``channel`` column; a hidden ``channel`` field accepts only these.
CHANNELS = ("web", "widget", "office", "mobile", "phone", "api", "import")
THUMBS = ("up", "down")

Key = Annotated[str, Field(pattern=KEY_PATTERN)]


class Measure(StrEnum):
    """The fact table's ``measure`` column."""

    RATING = "rating"  # ordinal scale scale_min..scale_max
    NPS = "nps"  # 0..10 likelihood to recommend
    YES_NO = "yes_no"  # 0 = no / thumbs down, 1 = yes / thumbs up
    CHOICE = "choice"  # the index of the chosen option, 0-based


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Strict):
    """A label in English and/or Russian; at least one language must be given."""

    en: str | None = Field(default=None, min_length=1)
    ru: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _some_language(self) -> LocalizedText:
        if self.en is None and self.ru is None:
            raise ValueError("give the text in at least one language (en, ru)")
        return self

    def get(self, lang: str) -> str:
        """The text in `lang`, falling back to the other language."""
        first, second = (self.ru, self.en) if lang == "ru" else (self.en, self.ru)
        return first or second or ""


class Condition(Strict):
    """One condition on an earlier answer; every operator given must hold.

    ``equals``/``one_of`` compare with the cleaned answer (rating: int, choice: option key, yes/no: bool,
    thumbs: "up"/"down"); for a multiple choice they hold when a listed option is among the selected ones.
    ``at_least``/``at_most`` apply to ratings. ``answered`` tests whether the question was answered at all.
    An unanswered (or hidden) question meets no condition except ``answered: false``.
    """

    question: Key
    equals: bool | int | str | None = None
    one_of: list[bool | int | str] | None = Field(default=None, min_length=1)
    at_least: int | None = None
    at_most: int | None = None
    answered: bool | None = None

    @model_validator(mode="after")
    def _has_operator(self) -> Condition:
        operators = (self.equals, self.one_of, self.at_least, self.at_most, self.answered)
        if all(op is None for op in operators):
            raise ValueError("a condition needs an operator: equals, one_of, at_least, at_most or answered")
        if self.answered is False and any(op is not None for op in operators[:4]):
            raise ValueError("answered: false cannot be combined with a condition on the answer")
        return self


class QuestionBase(Strict):
    key: Key
    label: LocalizedText
    help: LocalizedText | None = None
    required: bool = False
    show_if: list[Condition] = Field(default_factory=list)


class RatingQuestion(QuestionBase):
    """A rating scale. ``labels`` name some or all points, e.g. {1: "very bad", 5: "excellent"}."""

    type: Literal["rating"]
    measure: Literal[Measure.RATING, Measure.NPS] = Measure.RATING
    scale_min: int = Field(ge=-100, le=100)
    scale_max: int = Field(ge=-100, le=100)
    labels: dict[int, LocalizedText] = Field(default_factory=dict)
    positive_from: int | None = None  # top-box threshold; None: scale_max − 1
    negative_up_to: int | None = None  # ratings up to this value count as negative; None: not defined

    @property
    def positive_threshold(self) -> int:
        return self.scale_max - 1 if self.positive_from is None else self.positive_from


class Option(Strict):
    key: Key
    label: LocalizedText


class ChoiceQuestion(QuestionBase):
    type: Literal["single_choice", "multiple_choice"]
    options: list[Option] = Field(min_length=2)
    max_selected: int | None = Field(default=None, ge=1)  # multiple choice only


class YesNoQuestion(QuestionBase):
    type: Literal["yes_no"]


class ThumbsQuestion(QuestionBase):
    type: Literal["thumbs"]


class TextQuestion(QuestionBase):
    type: Literal["text"]
    max_length: int = Field(default=2000, ge=1, le=TEXT_LENGTH_CAP)


class HiddenQuestion(QuestionBase):
    """Context passed by the page or the widget, not asked: channel, office code, page, stage of the journey."""

    type: Literal["hidden"]
    context: Literal["channel", "office", "page", "stage"]
    label: LocalizedText = LocalizedText(en="(hidden)")
    allowed_values: list[str] | None = Field(default=None, min_length=1)

    def accepted_values(self) -> tuple[str, ...] | None:
        if self.allowed_values is not None:
            return tuple(self.allowed_values)
        return CHANNELS if self.context == "channel" else None


Question = Annotated[
    RatingQuestion | ChoiceQuestion | YesNoQuestion | ThumbsQuestion | TextQuestion | HiddenQuestion,
    Field(discriminator="type"),
]

#: Validation context key: skip the cross-question checks (the caller runs `definition_problems` itself).
CONSISTENCY_DEFERRED = "consistency_deferred"


class SurveyDefinition(Strict):
    title: LocalizedText
    description: LocalizedText | None = None
    questions: list[Question] = Field(min_length=1)
    #: Share of negative ratings (see RatingQuestion.negative_up_to) from which a service needs attention.
    attention_negative_share: float | None = Field(default=None, gt=0, le=1)
    source: str | None = None  # where the wording comes from (templates cite their regulation)

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> SurveyDefinition:
        if info.context and info.context.get(CONSISTENCY_DEFERRED):
            return self
        problems = definition_problems(self)
        if problems:
            raise ValueError("; ".join(str(p) for p in problems))
        return self

    def question(self, key: str) -> AnyQuestion:
        for q in self.questions:
            if q.key == key:
                return q
        raise KeyError(key)


AnyQuestion = RatingQuestion | ChoiceQuestion | YesNoQuestion | ThumbsQuestion | TextQuestion | HiddenQuestion


# --------------------------------------------------------------------------------------------------------------
# Definition problems
# --------------------------------------------------------------------------------------------------------------


def _problem(question_key: str | None, field: str, message: str) -> Problem:
    """A problem in a definition: `item` is the question's key (None for a survey-level field)."""
    return Problem(message, item=question_key, field=field)


def _definition_invalid(problems: list[Problem]) -> InvalidInput:
    return InvalidInput(problems, "invalid survey definition: " + "; ".join(str(p) for p in problems))


def _rating_problems(q: RatingQuestion) -> list[Problem]:
    found: list[Problem] = []

    def bad(field: str, message: str) -> None:
        found.append(_problem(q.key, field, message))

    if q.scale_max <= q.scale_min:
        bad("scale_max", f"must be greater than scale_min ({q.scale_min}), got {q.scale_max}")
        return found
    if q.measure == Measure.NPS and (q.scale_min, q.scale_max) != (0, 10):
        bad("measure", f"an NPS question is on a 0–10 scale, got {q.scale_min}–{q.scale_max}")
    outside = sorted(p for p in q.labels if not q.scale_min <= p <= q.scale_max)
    if outside:
        bad("labels", f"points {outside} are outside the scale {q.scale_min}–{q.scale_max}")
    for field, value in (("positive_from", q.positive_from), ("negative_up_to", q.negative_up_to)):
        if value is not None and not q.scale_min <= value <= q.scale_max:
            bad(field, f"{value} is outside the scale {q.scale_min}–{q.scale_max}")
    if q.negative_up_to is not None and q.negative_up_to >= q.positive_threshold:
        bad("negative_up_to", f"{q.negative_up_to} overlaps the positive ratings (from {q.positive_threshold})")
    return found


def _choice_problems(q: ChoiceQuestion) -> list[Problem]:
    found: list[Problem] = []
    keys = [o.key for o in q.options]
    twice = sorted({k for k in keys if keys.count(k) > 1})
    if twice:
        found.append(_problem(q.key, "options", f"option keys used twice: {twice}"))
    if q.max_selected is not None:
        if q.type == "single_choice":
            found.append(_problem(q.key, "max_selected", "only a multiple choice question has it"))
        elif q.max_selected > len(q.options):
            found.append(
                _problem(q.key, "max_selected", f"{q.max_selected} exceeds the {len(q.options)} options")
            )
    return found


def _condition_problems(
    q: AnyQuestion, index: int, c: Condition, earlier: dict[str, AnyQuestion]
) -> list[Problem]:
    field = f"show_if[{index}]"
    target = earlier.get(c.question)
    if target is None:
        return [_problem(q.key, field, f"refers to {c.question!r}, which is not an earlier question")]
    found: list[Problem] = []
    compared = ([c.equals] if c.equals is not None else []) + list(c.one_of or [])
    if (c.at_least is not None or c.at_most is not None) and not isinstance(target, RatingQuestion):
        found.append(_problem(q.key, field, f"at_least/at_most need a rating question, {c.question!r} "
                                                     f"is {target.type}"))
    for value in compared:
        problem = _comparable_problem(target, value)
        if problem:
            found.append(_problem(q.key, field, problem))
    return found


def _comparable_problem(target: AnyQuestion, value: bool | int | str) -> str | None:
    """Why `value` can never be an answer to `target`, or None when it can."""
    if isinstance(target, RatingQuestion):
        ok = isinstance(value, int) and not isinstance(value, bool) and target.scale_min <= value <= target.scale_max
        expected = f"an integer in {target.scale_min}–{target.scale_max}"
    elif isinstance(target, ChoiceQuestion):
        ok = value in {o.key for o in target.options}
        expected = f"one of the options {[o.key for o in target.options]}"
    elif isinstance(target, YesNoQuestion):
        ok, expected = isinstance(value, bool), "true or false"
    elif isinstance(target, ThumbsQuestion):
        ok, expected = value in THUMBS, "'up' or 'down'"
    else:
        accepted = target.accepted_values() if isinstance(target, HiddenQuestion) else None
        ok = isinstance(value, str) and (accepted is None or value in accepted)
        expected = f"one of {list(accepted)}" if accepted else "a string"
    return None if ok else f"compares {target.key!r} with {value!r}; expected {expected}"


def definition_problems(definition: SurveyDefinition) -> list[Problem]:
    """Cross-question problems: duplicate keys, scale consistency, branching on unknown or later questions."""
    found: list[Problem] = []
    earlier: dict[str, AnyQuestion] = {}
    for q in definition.questions:
        if q.key in earlier:
            found.append(_problem(q.key, "key", "is used by an earlier question too"))
        if isinstance(q, RatingQuestion):
            found.extend(_rating_problems(q))
        elif isinstance(q, ChoiceQuestion):
            found.extend(_choice_problems(q))
        for i, condition in enumerate(q.show_if):
            found.extend(_condition_problems(q, i, condition, earlier))
        earlier.setdefault(q.key, q)
    return found


def _problem_from_pydantic(error: Any, raw: Any) -> Problem:
    loc = list(error["loc"])
    key: str | None = None
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        index = loc[1]
        questions = raw.get("questions") if isinstance(raw, Mapping) else None
        item = questions[index] if isinstance(questions, list) and index < len(questions) else None
        key = str(item.get("key")) if isinstance(item, Mapping) and item.get("key") else f"#{index + 1}"
        loc = loc[2:]
        # The discriminated union adds the question type as a path step; it is not a field.
        if loc and loc[0] in _QUESTION_TYPES:
            loc = loc[1:]
    field = ".".join(str(part) for part in loc)
    return _problem(key, field or ("(question)" if key else "(survey)"), error["msg"])


_QUESTION_TYPES = {"rating", "single_choice", "multiple_choice", "yes_no", "thumbs", "text", "hidden"}


def parse_definition(data: Mapping[str, Any] | SurveyDefinition) -> SurveyDefinition:
    """Validate a survey definition (e.g. parsed JSON or YAML); raise InvalidInput listing every problem (each
    problem's `item` is its question's key)."""
    if isinstance(data, SurveyDefinition):
        data = data.model_dump(mode="json")
    try:
        definition = SurveyDefinition.model_validate(data, context={CONSISTENCY_DEFERRED: True})
    except ValidationError as exc:
        raise _definition_invalid([_problem_from_pydantic(e, data) for e in exc.errors()]) from None
    problems = definition_problems(definition)
    if problems:
        raise _definition_invalid(problems)
    return definition


def definition_fingerprint(definition: SurveyDefinition | Mapping[str, Any]) -> str:
    """SHA-256 (hex) of the definition's canonical JSON, defaults filled in and keys sorted.

    Equal definitions give equal fingerprints whatever their key order or omitted defaults; any change to a
    question (wording, scale, options, branching) gives a new one.
    """
    parsed = definition if isinstance(definition, SurveyDefinition) else parse_definition(definition)
    canonical = json.dumps(parsed.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------------------------------------------
# Answers
# --------------------------------------------------------------------------------------------------------------

Answer = int | str | bool | tuple[str, ...]


@dataclass(frozen=True, slots=True)
class AnswerError:
    question_key: str
    field: str  # "value", or "value[i]" for one item of a multiple choice
    code: str  # unknown_question, required, not_shown, wrong_type, out_of_range, unknown_option, too_long, ...
    message: str

    def __str__(self) -> str:
        return f"{self.question_key}.{self.field}: {self.message}"


@dataclass(frozen=True, slots=True)
class AnswerValidation:
    """The cleaned answers (question key → value, in question order) or the errors; never both."""

    cleaned: dict[str, Answer]
    errors: tuple[AnswerError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


class InvalidAnswers(Invalid):
    def __init__(self, errors: tuple[AnswerError, ...]):
        self.errors = errors
        super().__init__("invalid answers: " + "; ".join(str(e) for e in errors), details=[
            {"field": f"answers.{e.question_key}", "code": e.code, "message": e.message} for e in errors])


class _Reject(Exception):
    def __init__(self, code: str, message: str, field: str = "value"):
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list | tuple)
                                                                               and not value)


def _clean_rating(q: RatingQuestion, value: Any) -> int:
    # Form posts send "4"; JSON clients may send 4.0. Booleans are not ratings.
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value.strip())
    if number is None:
        raise _Reject("wrong_type", f"expected an integer rating, got {value!r}")
    if not q.scale_min <= number <= q.scale_max:
        raise _Reject("out_of_range", f"{number} is outside the scale {q.scale_min}–{q.scale_max}")
    return number


def _clean_choice(q: ChoiceQuestion, value: Any) -> str | tuple[str, ...]:
    keys = [o.key for o in q.options]
    if q.type == "single_choice":
        if not isinstance(value, str):
            raise _Reject("wrong_type", f"expected one option key, got {value!r}")
        if value not in keys:
            raise _Reject("unknown_option", f"{value!r} is not one of the options {keys}")
        return value
    if not isinstance(value, list | tuple):
        raise _Reject("wrong_type", f"expected a list of option keys, got {value!r}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or item not in keys:
            raise _Reject("unknown_option", f"{item!r} is not one of the options {keys}", f"value[{i}]")
    if len(set(value)) != len(value):
        raise _Reject("duplicate_option", "an option is selected twice")
    if q.max_selected is not None and len(value) > q.max_selected:
        raise _Reject("too_many", f"{len(value)} options selected, at most {q.max_selected} allowed")
    return tuple(k for k in keys if k in value)  # in the definition's order, so equal answers compare equal


_YES = {"yes", "true", "1", "да"}
_NO = {"no", "false", "0", "нет"}


def _clean_yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _YES | _NO:
        return value.strip().lower() in _YES
    raise _Reject("wrong_type", f"expected true/false or yes/no, got {value!r}")


def _clean_thumbs(value: Any) -> str:
    if isinstance(value, str) and value in THUMBS:
        return value
    raise _Reject("wrong_type", f"expected 'up' or 'down', got {value!r}")


def _clean_text(value: Any, max_length: int, accepted: tuple[str, ...] | None = None) -> str:
    if not isinstance(value, str):
        raise _Reject("wrong_type", f"expected text, got {type(value).__name__}")
    text = value.strip()
    if len(text) > max_length:
        raise _Reject("too_long", f"{len(text)} characters, at most {max_length} allowed")
    if accepted is not None and text not in accepted:
        raise _Reject("unknown_option", f"{text!r} is not one of {list(accepted)}")
    return text


def _clean(q: AnyQuestion, value: Any) -> Answer:
    if isinstance(q, RatingQuestion):
        return _clean_rating(q, value)
    if isinstance(q, ChoiceQuestion):
        return _clean_choice(q, value)
    if isinstance(q, YesNoQuestion):
        return _clean_yes_no(value)
    if isinstance(q, ThumbsQuestion):
        return _clean_thumbs(value)
    if isinstance(q, TextQuestion):
        return _clean_text(value, q.max_length)
    return _clean_text(value, HIDDEN_LENGTH_CAP, q.accepted_values())


def _holds(condition: Condition, answers: Mapping[str, Answer]) -> bool:
    answer = answers.get(condition.question)
    if condition.answered is not None and (answer is not None) != condition.answered:
        return False
    if answer is None:
        return condition.answered is False
    chosen: set[int | str | bool] = set(answer) if isinstance(answer, tuple) else {answer}

    def same(a: Any, b: Any) -> bool:
        return a == b and isinstance(a, bool) == isinstance(b, bool)  # True is not the rating 1

    if condition.equals is not None and not any(same(condition.equals, c) for c in chosen):
        return False
    if condition.one_of is not None and not any(same(v, c) for v in condition.one_of for c in chosen):
        return False
    if condition.at_least is not None and not (isinstance(answer, int) and answer >= condition.at_least):
        return False
    return condition.at_most is None or (isinstance(answer, int) and answer <= condition.at_most)


def is_shown(question: AnyQuestion, answers: Mapping[str, Answer]) -> bool:
    """Whether `question` is shown given the cleaned answers to earlier questions (all `show_if` hold)."""
    return all(_holds(c, answers) for c in question.show_if)


def shown_questions(definition: SurveyDefinition, answers: Mapping[str, Any]) -> list[str]:
    """Keys of the questions shown, in order, given raw answers: an answer that is not valid for its question
    counts as unanswered, so a page can tell which questions to ask next before the answers are checked."""
    cleaned: dict[str, Answer] = {}
    shown: list[str] = []
    for q in definition.questions:
        if not is_shown(q, cleaned):
            continue
        shown.append(q.key)
        raw = answers.get(q.key)
        if not _is_empty(raw):
            try:
                cleaned[q.key] = _clean(q, raw)
            except _Reject:
                pass
    return shown


def validate_answers(
    definition: SurveyDefinition, answers: Mapping[str, Any], *, partial: bool = False
) -> AnswerValidation:
    """Check one response against its definition.

    Rules: keys must be question keys; each value must suit its question (rating: integer in range, also as
    a digit string; single choice: an option key; multiple choice: a list of distinct option keys; yes/no: a
    boolean or yes/no/true/false/да/нет; thumbs: "up"/"down"; text: at most `max_length` characters after
    trimming; hidden: at most 500 characters, channel one of CHANNELS). None, "" and [] mean "not answered".
    A question hidden by branching must not be answered; a required question is required only when shown.
    `partial`: the first answers of a response still being filled in (a one-tap rating stored at the tap), so
    unanswered required questions are not errors yet.
    """
    errors: list[AnswerError] = []
    known = {q.key for q in definition.questions}
    for key in answers:
        if key not in known:
            errors.append(AnswerError(str(key), "value", "unknown_question", f"{key!r} is not a question of this "
                                                                             "survey"))
    cleaned: dict[str, Answer] = {}
    for q in definition.questions:
        raw = answers.get(q.key)
        shown = is_shown(q, cleaned)
        if _is_empty(raw):
            if shown and q.required and not partial:
                errors.append(AnswerError(q.key, "value", "required", "an answer is required"))
            continue
        if not shown:
            errors.append(AnswerError(q.key, "value", "not_shown", "answered although its show_if conditions "
                                                                   "do not hold"))
            continue
        try:
            cleaned[q.key] = _clean(q, raw)
        except _Reject as reject:
            errors.append(AnswerError(q.key, reject.field, reject.code, reject.message))
    if errors:
        return AnswerValidation(cleaned={}, errors=tuple(errors))
    return AnswerValidation(cleaned=cleaned, errors=())


# --------------------------------------------------------------------------------------------------------------
# Fact rows
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FactRow:
    """One row of the analytics fact table for one answered rating/choice/yes-no question."""

    question_key: str
    measure: Measure
    scale_min: int
    scale_max: int
    value: float


def fact_rows(definition: SurveyDefinition, answers: Mapping[str, Any]) -> list[FactRow]:
    """The fact-table rows of one response; raises InvalidAnswers when `validate_answers` finds errors.

    Rating → (measure rating or nps, its scale, the rating); yes/no and thumbs → (yes_no, 0, 1, 1 for yes/up);
    single choice → (choice, 0, options − 1, option index); multiple choice → one such row per selected option.
    Text and hidden fields give no row (they are stored with the response, not in the fact table).
    """
    result = validate_answers(definition, answers)
    if not result.ok:
        raise InvalidAnswers(result.errors)
    return cleaned_fact_rows(definition, result.cleaned)


def cleaned_fact_rows(definition: SurveyDefinition, cleaned: Mapping[str, Answer]) -> list[FactRow]:
    """`fact_rows` for answers `validate_answers` has already cleaned (ingestion validates once)."""
    rows: list[FactRow] = []
    for q in definition.questions:
        if q.key not in cleaned:
            continue
        value = cleaned[q.key]
        if isinstance(q, RatingQuestion):
            rows.append(FactRow(q.key, Measure(q.measure), q.scale_min, q.scale_max, float(value)))  # type: ignore[arg-type]
        elif isinstance(q, YesNoQuestion | ThumbsQuestion):
            rows.append(FactRow(q.key, Measure.YES_NO, 0, 1, 1.0 if value in (True, "up") else 0.0))
        elif isinstance(q, ChoiceQuestion):
            keys: list[object] = [o.key for o in q.options]
            selected = value if isinstance(value, tuple) else (value,)
            rows.extend(FactRow(q.key, Measure.CHOICE, 0, len(keys) - 1, float(keys.index(k))) for k in selected)
    return rows
