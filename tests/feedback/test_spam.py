"""Spam score (govcx.feedback.spam): each signal fires on its own example and stays silent on real comments."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from govcx.feedback.spam import SpamSettings, spam_score, text_hash

GENUINE = [
    "Очередь в МФЦ была 40 минут, но сотрудница всё объяснила вежливо.",
    "Сайт gosuslugi.ru выдавал ошибку при загрузке паспорта, пришлось идти лично.",
    "The form timed out twice and I had to re-enter everything. Staff on the phone were helpful.",
    "Спасибо! Быстро и удобно.",
    "СПАСИБО",
]


def names(verdict):
    return [r.name for r in verdict.reasons]


@pytest.mark.parametrize("text", GENUINE)
def test_genuine_comments_score_zero(text):
    verdict = spam_score(text, honeypot="", elapsed_seconds=45.0)
    assert (verdict.score, verdict.is_spam, verdict.reasons) == (0.0, False, ())


def test_a_filled_honeypot_is_decisive():
    verdict = spam_score("Nice service", honeypot="http://cheap.example")
    assert names(verdict) == ["honeypot"] and verdict.score == 1.0 and verdict.is_spam


def test_too_fast_alone_is_not_enough():
    verdict = spam_score("Всё хорошо", elapsed_seconds=0.8)
    assert names(verdict) == ["too_fast"] and verdict.score == pytest.approx(0.4) and not verdict.is_spam


def test_links_beyond_the_free_one_add_up_to_a_cap():
    one = spam_score("См. https://www.gosuslugi.ru/help")
    three = spam_score("buy http://a.example/x http://b.example/y www.c.com")
    many = spam_score(" ".join(f"http://s{i}.example" for i in range(10)))
    assert names(one) == []
    assert names(three) == ["links"] and three.score == pytest.approx(0.5)
    assert many.score == pytest.approx(0.75) and many.is_spam


def test_shouting_with_repeated_characters():
    verdict = spam_score("УЖАСНЫЙ СЕРВИС НИКОГДА БОЛЬШЕ!!!!!!!!")
    assert names(verdict) == ["repeated_characters", "all_caps"]
    assert verdict.score == pytest.approx(0.3)


def test_a_recent_duplicate_is_recognised_despite_case_and_punctuation():
    recent = {text_hash("Лучшие кредиты, звоните!")}
    verdict = spam_score("лучшие   КРЕДИТЫ звоните", recent_hashes=recent)
    assert names(verdict) == ["duplicate"]


def test_keyboard_mashing_is_gibberish():
    verdict = spam_score("asdfgh qwrtzxcv ппрпрпр йцкнгшщз ok")
    assert names(verdict) == ["gibberish"]


def test_banned_words_match_whole_words_and_phrases():
    settings = SpamSettings(banned_words=frozenset({"казино", "быстрый займ"}))
    assert names(spam_score("Лучшее КАЗИНО онлайн", settings=settings)) == ["banned_words"]
    assert names(spam_score("Нужен быстрый  займ?", settings=settings)) == ["banned_words"]
    assert names(spam_score("казиноград — это город", settings=settings)) == []


def test_signals_combine_and_the_threshold_is_a_setting():
    text = "WIN MONEY FAST NOW http://a.example http://b.example"
    default = spam_score(text, elapsed_seconds=1.0)
    assert names(default) == ["too_fast", "links", "all_caps"]
    assert default.score == pytest.approx(0.8) and default.is_spam
    assert not spam_score(text, elapsed_seconds=1.0, settings=SpamSettings(threshold=0.9)).is_spam


def test_settings_are_validated():
    with pytest.raises(ValueError, match="threshold"):
        SpamSettings(threshold=0)


@given(st.text(max_size=300), st.text(max_size=20), st.floats(0, 600))
def test_score_is_in_range_and_equals_the_sum_of_its_reasons(text, honeypot, elapsed):
    verdict = spam_score(text, honeypot=honeypot, elapsed_seconds=elapsed)
    assert 0.0 <= verdict.score <= 1.0
    assert verdict.score == pytest.approx(min(1.0, sum(r.contribution for r in verdict.reasons)))
    assert verdict.is_spam == (verdict.score >= SpamSettings().threshold)
