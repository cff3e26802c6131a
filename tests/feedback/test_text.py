"""Comment analysis on real Russian and English sentences (govcx.feedback.text)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from govcx.errors import InvalidInput
from govcx.feedback.text import taxonomy as taxonomy_module
from govcx.feedback.text.evaluation import load_labelled
from govcx.feedback.text.sentiment import NEUTRAL_BAND, sentiment
from govcx.feedback.text.sentiment_model import LABELLED
from govcx.feedback.text.taxonomy import best_topic, classify, load_taxonomy, topic_codes
from govcx.feedback.text.tokenise import (
    content_lemmas,
    english_stem,
    from_translit,
    lemmas,
    russian_analyser,
    script_of,
    surface_forms,
)
from govcx.feedback.text.topics import discover_topics

PACKS = Path(__file__).resolve().parents[2] / "src" / "govcx" / "standards" / "packs"

# --- tokens and lemmas ------------------------------------------------------------------------------------


def test_russian_lemmas_by_pymorphy3():
    assert lemmas("Очереди в МФЦ были огромными, сотрудники грубили.") == [
        "очередь", "в", "мфц", "быть", "огромный", "сотрудник", "грубить",
    ]


def test_mixed_comments_are_handled_word_by_word():
    assert lemmas("Сайт gosuslugi выдавал errors") == ["сайт", "gosuslugi", "выдавать", "error"]
    assert script_of("123") is None and script_of("Ёлка") == "ru" and script_of("café") is None


@pytest.mark.parametrize(
    "forms",
    [
        ("queue", "queues", "queued", "queuing"),
        ("wait", "waits", "waited", "waiting"),
        ("close", "closes", "closed", "closing"),
        ("stop", "stops", "stopped", "stopping"),
        ("apply", "applies", "applied"),
        ("have", "has", "had"),
        ("box", "boxes"),
    ],
)
def test_english_inflections_share_one_stem(forms):
    assert len({english_stem(f) for f in forms}) == 1


def test_stop_words_are_dropped_in_both_languages():
    assert content_lemmas("Я не смог записаться на приём, и это было долго") == [
        "смочь", "записаться", "прием", "долго",  # "ё" is read as "е"
    ]
    assert content_lemmas("I was not able to book the appointment") == ["abl", "book", "appointment"]


def test_surface_forms_show_the_commonest_spelling():
    forms = surface_forms(["queues were long", "the queue, the queue", "queued"])
    assert forms[english_stem("queue")] == "queue"


def test_the_russian_analyser_is_one_shared_instance():
    assert russian_analyser() is russian_analyser()


# --- taxonomy ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "expected"),
    [
        ("Прождала в очереди три часа, электронная очередь не работает", "queues"),
        ("Сотрудница нагрубила, настоящее хамство", "staff"),
        ("Сайт госуслуг выдаёт ошибку, личный кабинет не загружается", "website"),
        ("Потребовали лишние справки и копию паспорта", "documents"),
        ("Дважды списали госпошлину, квитанцию не дали", "payments"),
        ("Нет пандуса, на коляске не заехать", "accessibility"),
        ("Срок рассмотрения нарушен, ответа до сих пор нет", "deadlines"),
        ("I waited in the queue for two hours", "queues"),
        ("The website crashed at login", "website"),
        ("There is no ramp for wheelchairs at the entrance", "accessibility"),
        ("Nobody explained anything, the instructions are confusing", "information"),
        ("My payment was charged twice and no refund yet", "payments"),
    ],
)
def test_known_issues_are_matched_in_russian_and_english(comment, expected):
    assert best_topic(comment) == expected


def test_a_comment_may_touch_several_issues_and_names_their_requirements():
    found = classify("I waited in line for two hours and the staff were rude")
    assert {m.code for m in found} == {"queues", "staff"}
    staff = next(m for m in found if m.code == "staff")
    assert staff.terms == ("staff", "rude")
    assert ("us-omb-a11-280", "employee-helpfulness") in {(r.pack, r.requirement) for r in staff.requirements}


def test_praise_matches_no_issue():
    assert classify("Всё прошло отлично, спасибо!") == [] and best_topic("Thank you!") is None


def test_every_taxonomy_requirement_exists_in_its_standards_pack():
    ids: dict[str, set[str]] = {}
    for path in PACKS.glob("*.yaml"):
        pack = yaml.safe_load(path.read_text(encoding="utf-8"))
        found: set[str] = set()
        stack = list(pack["groups"])
        while stack:
            group = stack.pop()
            stack.extend(group.get("groups", []))
            found.update(r["id"] for r in group.get("requirements", []))
        ids[pack["id"]] = found
    refs = [(t.code, r) for t in load_taxonomy().topics for r in t.requirements]
    assert refs and all(r.requirement in ids.get(r.pack, set()) for _, r in refs), refs


def test_topic_codes_cover_the_issue_list():
    assert {"queues", "deadlines", "staff", "website", "documents", "payments", "accessibility"} <= set(
        topic_codes()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("topics: []", "non-empty list"),
        ("topics:\n  - {code: a, terms: {de: [x]}}", r"topic 'a'\.terms"),
        ("topics:\n  - {code: a, terms: {en: [x]}, colour: red}", r"unknown fields \['colour'\]"),
        ("topics:\n  - {code: a, terms: {en: [x]}}\n  - {code: a, terms: {en: [y]}}", "used twice"),
        ("topics:\n  - {code: a, terms: {en: [x]}, requirements: [{pack: p}]}", r"requirements\[0\]"),
    ],
)
def test_an_invalid_taxonomy_is_reported_by_topic_and_field(tmp_path, content, message):
    path = tmp_path / "mine.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInput, match=f"mine.yaml: .*{message}"):
        load_taxonomy(path)


def test_default_taxonomy_file_sits_next_to_the_module():
    assert taxonomy_module.TAXONOMY_PATH.exists()


# --- sentiment --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comment", "label"),
    [
        ("Всё прошло отлично, сотрудники очень вежливые, спасибо!", "positive"),
        ("Ужасное обслуживание, прождала три часа, сотрудница нагрубила.", "negative"),
        ("Сайт не работает, никто не помог.", "negative"),
        ("Получил справку в МФЦ.", "neutral"),
        ("The staff were very helpful and it was quick.", "positive"),
        ("Terrible website, it kept crashing and nobody helped.", "negative"),
        ("I didn't like the new form.", "negative"),
        ("I renewed my passport.", "neutral"),
    ],
)
def test_sentiment_labels_of_real_comments(comment, label):
    assert sentiment(comment).label == label


def test_negation_flips_and_dampens_and_stops_at_the_clause():
    # VADER's scalar: "not bad" = −0.7 · −0.74 = 0.518, mildly positive.
    assert sentiment("It was not bad").contributions == (("bad", pytest.approx(0.518)),)
    assert sentiment("Не плохо").score > 0
    assert sentiment("Не знаю, плохо").score < 0  # the comma closes the negation's scope


def test_a_negator_that_spares_a_chore_is_a_relief_not_an_unmet_expectation():
    assert sentiment("Начислили без единой справки от меня.").label == "positive"
    assert sentiment("Only needed my passport, nothing else.").label == "positive"
    assert sentiment("Заявку отклонили без объяснения причин.").label == "negative"
    assert sentiment("Никто не пришёл.").label == "negative"


def test_not_yet_is_no_complaint():
    assert sentiment("Ответ ещё не получил.").label == "neutral"
    assert sentiment("Haven't heard back yet.").label == "neutral"


def test_a_question_with_li_asks_for_information():
    assert sentiment("Нужно ли брать оригинал или хватит плохой копии?").label == "neutral"


def test_a_form_that_shares_a_stem_with_a_lexicon_word_of_another_meaning_is_no_hit():
    # "please" stems like "pleased", "car" like "care", "issued" like "issue": a request, a vehicle, a handing-out
    assert sentiment("Please book me with the same officer as last time.").contributions == ()
    assert sentiment("Registered the car, certificate issued.").contributions == ()
    assert sentiment("I am very pleased").label == "positive"
    assert sentiment("Another issue with the site").label == "negative"


def test_boosters_strengthen():
    assert sentiment("очень хорошо").score > sentiment("хорошо").score > 0


@pytest.mark.parametrize(("typed", "meant"), [
    ("ochered ogromnaya, zhdali dva chasa", "очередь огромная, ждали два часа"),
    ("moy vopros tak i ne reshili", "мой вопрос так и не решили"),
    ("Sotrudnitsa vse obyasnila, spasibo", "сотрудница все обяснила, спасибо"),
])
def test_russian_typed_in_latin_letters_is_read_as_russian(typed, meant):
    assert from_translit(typed) == meant
    assert sentiment(typed).label == sentiment(meant).label
    assert [m.code for m in classify(typed)] == [m.code for m in classify(meant)]


def test_no_english_comment_is_taken_for_transliterated_russian():
    english = [c.text for c in load_labelled(LABELLED) if c.lang == "en"]
    assert len(english) > 1000
    assert [text for text in english if from_translit(text) != text] == []


def test_emoji_and_emoticons_count_like_words():
    assert sentiment("Сделали 👍🏻").label == "positive"  # the skin tone is dropped
    assert sentiment("Third visit for the same form 😡").label == "negative"
    assert sentiment("Пособие пришло раньше, чем обещали )))").contributions == ((":)", pytest.approx(0.4)),)
    assert sentiment("Опять перенесли приём (((").label == "negative"
    assert sentiment("Пришла (по записи) в среду").contributions == ()  # brackets that close each other
    assert sentiment("Ну спасибо, третий раз еду за справкой 👏").label == "negative"  # irony turns the praise


@given(st.text(max_size=200))
def test_sentiment_stays_in_range(text):
    result = sentiment(text)
    assert -1 < result.score < 1
    assert result.label == ("positive" if result.score >= NEUTRAL_BAND else "negative" if result.score <= -NEUTRAL_BAND
                            else "neutral")


# --- topics -----------------------------------------------------------------------------------------------

COMMENTS = [
    "Очередь в МФЦ огромная, ждала два часа",
    "Долгая очередь, талон ждала час",
    "В очереди стояли три часа, ждали",
    "Сайт госуслуг выдаёт ошибку",
    "Ошибка на сайте при оплате",
    "Сайт не загружается, снова ошибка",
    "Сотрудник был грубым",
    "Грубый сотрудник в окне",
    "Сотрудник нагрубил и не помог",
    "Спасибо",
]


def test_topics_group_the_comments_by_issue_and_link_to_the_taxonomy():
    model = discover_topics(COMMENTS, 3)
    groups = {frozenset(model.comments_of(t.index)) for t in model.topics}
    assert groups == {frozenset({0, 1, 2}), frozenset({3, 4, 5}), frozenset({6, 7, 8})}
    assert model.assignments[9] is None
    by_code = {t.taxonomy_codes: t for t in model.topics}
    assert set(by_code) == {("queues",), ("website",), ("staff",)}
    assert "очередь" in by_code[("queues",)].terms and by_code[("queues",)].size == 3


def test_topics_are_deterministic():
    assert discover_topics(COMMENTS, 3, random_state=4) == discover_topics(COMMENTS, 3, random_state=4)


def test_topic_discovery_errors_are_clear():
    with pytest.raises(ValueError, match="at least 2 comments"):
        discover_topics(["one"])
    with pytest.raises(ValueError, match="lower min_df"):
        discover_topics(["alpha", "beta"], min_df=2)
