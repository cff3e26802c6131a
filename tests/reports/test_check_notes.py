"""Automated check notes are stored in English with their figures and shown in the reader's language."""

from __future__ import annotations

import pytest
from django.utils import translation

from govcx.reports.check_notes import NOTES, check_note
from govcx.reports.templatetags.govcx import check_note as check_note_filter


@pytest.mark.parametrize(("note", "russian"), [
    ("12 ratings", "оценок: 12"),
    ("fewer than 30 ratings of 'overall' in the last 90 days",
     "меньше 30 оценок вопроса «Удовлетворённость в целом» за последние 90 дней"),
    ("95% interval; minimum 4.0", "интервал 95%; минимум 4.0"),
    ("the service's pages have not been audited yet", "страницы услуги ещё не проверялись"),
    ("reading ease 54 (minimum 60)", "лёгкость чтения 54 (минимум 60)"),
    ("critical: 0, serious: 2, moderate: 1, minor: 0", "Критическое: 0, Серьёзное: 2, Умеренное: 1, Незначительная: 0"),
    ("SUS 72.5 (grade B, minimum 68)", "SUS 72.5 (оценка B, минимум 68)"),
    ("3 overdue of 10 unanswered (at most 0)", "просрочено 3 из 10 неотвеченных (допустимо не больше 0)"),
    ("91.2% of 1200 cases on time (95% CI 89.5%–92.7%; at least 90%)",
     "91.2% из 1200 случаев в срок (95% ДИ 89.5%–92.7%; не меньше 90%)"),
])
def test_known_notes_are_said_in_russian_with_their_figures(note, russian):
    with translation.override("ru"):
        assert check_note(note) == (russian, True)
    with translation.override("en"):
        assert check_note(note)[1]


def test_every_note_form_has_a_russian_message():
    with translation.override("en"):
        english = [str(message) for _pattern, message in NOTES]
    with translation.override("ru"):
        russian = [str(message) for _pattern, message in NOTES]
    assert [e for e, r in zip(english, russian, strict=True) if e == r] == []


def test_an_unknown_note_stays_english_and_is_marked_so():
    with translation.override("ru"):
        assert check_note("a note from a check added later") == ("a note from a check added later", False)
        assert check_note_filter("a <b> note") == '<span lang="en">a &lt;b&gt; note</span>'
        assert check_note_filter("12 ratings") == "оценок: 12"
