"""Reads of feedback, always through the user's scope (public reads go by the survey's public key)."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.errors import NotFound
from govcx.feedback import survey_schema, survey_wording
from govcx.feedback.models import Response, Survey, SurveyVersion

PUBLIC_CACHE_SECONDS = 5.0


def survey_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Survey]:
    return Survey.objects.for_user(user, action).select_related("service", "service__owner")


def access_survey(user: Any, survey_id: Any, action: Action = Action.VIEW) -> Survey:
    return access(survey_list(user=user), user, survey_id, action, what="survey")


def response_list(*, user: Any) -> QuerySet[Response]:
    return Response.objects.for_user(user).select_related("survey", "service", "survey_version")


def survey_current_version(survey: Survey) -> SurveyVersion:
    return survey.versions.order_by("-number").first()


_parsed_cache: dict[tuple[int, str], survey_schema.SurveyDefinition] = {}


def parsed_definition(version: SurveyVersion) -> survey_schema.SurveyDefinition:
    """Versions are frozen, so each is parsed once per process."""
    key = (version.pk, version.fingerprint)
    parsed = _parsed_cache.get(key)
    if parsed is None:
        if len(_parsed_cache) > 5000:
            _parsed_cache.clear()
        parsed = _parsed_cache[key] = survey_schema.parse_definition(version.definition)
    return parsed


class _PublicSurveys:
    """Public submissions look the survey up on every request; a few seconds of per-process caching keeps that
    off the database. A status change or a new version is seen within PUBLIC_CACHE_SECONDS. One thread at a
    time reloads an expired entry while the others go on with the old one for those few milliseconds, so a
    busy process does not send every request thread to the database (each on a connection of its own) at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loading = threading.Lock()
        self._entries: dict[str, tuple[float, Survey, SurveyVersion]] = {}

    def get(self, public_key: str) -> tuple[Survey, SurveyVersion]:
        entry = self._entries.get(public_key)
        if entry and time.monotonic() - entry[0] < PUBLIC_CACHE_SECONDS:
            return entry[1], entry[2]
        if entry and not self._loading.acquire(blocking=False):
            return entry[1], entry[2]
        if not entry:
            self._loading.acquire()
        try:
            return self._load(public_key)
        finally:
            self._loading.release()

    def _load(self, public_key: str) -> tuple[Survey, SurveyVersion]:
        now = time.monotonic()
        entry = self._entries.get(public_key)
        if entry and now - entry[0] < PUBLIC_CACHE_SECONDS:  # loaded by the thread this one waited for
            return entry[1], entry[2]
        survey = Survey.objects.select_related("service", "service__owner").filter(public_key=public_key).first()
        if survey is None:
            raise NotFound(f"survey {public_key} not found")
        version = survey.versions.order_by("-number").first()
        with self._lock:
            if len(self._entries) > 10_000:
                self._entries.clear()
            self._entries[public_key] = (now, survey, version)
        return survey, version

    def forget(self) -> None:
        with self._lock:
            self._entries.clear()


public_surveys = _PublicSurveys()


def survey_names(survey: Survey) -> survey_wording.Names:
    """The names a citizen reads in the survey: its service's and the service's authority's."""
    service, owner = survey.service, survey.service.owner
    return survey_wording.Names(service.name_en, service.name_ru, owner.name_en, owner.name_ru)


def citizen_definition(survey: Survey, version: SurveyVersion) -> survey_schema.SurveyDefinition:
    """The survey version as citizens read it (names filled in, no source), on the page and in the widget."""
    return survey_wording.for_citizens(parsed_definition(version), survey_names(survey))


def response_answer_lines(*, response: Response, lang: str, names: survey_wording.Names) -> list[dict[str, str]]:
    """A response's rated and chosen answers as a person reads them: the question, and the answer in words
    ("Overall, how satisfied…: 4 — Satisfied"), never "overall=4"."""
    definition = parsed_definition(response.survey_version)
    lines = []
    for answer in response.answers.all():
        if answer.value is None:
            continue
        try:
            question = definition.question(answer.question_key)
        except KeyError:
            lines.append({"question": answer.question_key, "answer": f"{answer.value:g}"})
            continue
        lines.append({"question": survey_wording.with_names(question.label.get(lang), names, lang),
                      "answer": answer_words(question, answer.value, lang)})
    return lines


def answer_words(question: survey_schema.AnyQuestion, value: float, lang: str) -> str:
    point = int(value)
    if isinstance(question, survey_schema.RatingQuestion):
        name = question.labels[point].get(lang) if point in question.labels else ""
        return f"{point} — {name}" if name else str(point)
    if isinstance(question, survey_schema.ChoiceQuestion):
        return question.options[point].label.get(lang) if 0 <= point < len(question.options) else str(point)
    if isinstance(question, survey_schema.ThumbsQuestion):
        return _("Thumbs up") if point else _("Thumbs down")
    return _("Yes") if point else _("No")
