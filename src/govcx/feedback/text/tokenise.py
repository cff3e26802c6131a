"""Words and lemmas of Russian and English comments.

- Tokens: razdel's ``tokenize`` (Natasha project), which keeps Russian and English abbreviations and
  hyphenated words together; a word is a token with a letter in it, lower-cased, "ё" read as "е".
- Language per word by its script, so mixed comments ("сайт gosuslugi выдаёт error") are handled word by word.
- Russian lemmas: pymorphy3's most probable parse (``MorphAnalyzer().parse(word)[0].normal_form``; Korobov, M.
  (2015), Morphological analyzer and generator for Russian and Ukrainian languages, AIST 2015, 320–332). The
  analyser loads its dictionaries once, on first use.
- English: a small suffix-stripping stemmer written here, after the ideas of Porter, M. F. (1980), An algorithm
  for suffix stripping, *Program* 14(3), 130–137: common irregular forms, plural and verb endings (-s, -es, -ies,
  -ed, -ing), doubled final consonants and a final silent "e". It gives stems, not dictionary words ("queued",
  "queues", "queuing" → "queu"); what matters is that every form of a word lands on the same stem. Show
  :func:`surface_forms` to people instead of the stems.
- Stop words: ``stopwords/<lang>.txt``, lemmatised when loaded exactly like the text.
- Russian typed in Latin letters ("vse ochen bystro, spasibo"): :func:`from_translit` writes a comment without
  Cyrillic letters back in Cyrillic when most of its longer words, transliterated by the common informal scheme
  (zh, kh, ch, sh, shch, ts, ya, yu, yo; y after a vowel as й), are words pymorphy3's dictionary knows; English
  comments stay as they are: one English function word ("the", "was", "with" …) keeps them, and their words are
  mostly unknown once transliterated ("service" → "сервице").
  :func:`words` applies it, so lemmas, topics and sentiment read such comments as Russian.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any, Literal

from razdel import tokenize

__all__ = [
    "Lang",
    "content_lemmas",
    "english_stem",
    "from_translit",
    "lemma",
    "lemmas",
    "russian_analyser",
    "script_of",
    "stop_words",
    "surface_forms",
    "words",
]

Lang = Literal["ru", "en"]
STOPWORDS_DIR = Path(__file__).with_name("stopwords")

_IRREGULAR = {
    "am": "be", "is": "be", "are": "be", "was": "be", "were": "be", "been": "be", "being": "be",
    "has": "have", "had": "have", "having": "have", "does": "do", "did": "do", "done": "do", "doing": "do",
    "went": "go", "gone": "go", "goes": "go", "took": "take", "taken": "take", "got": "get", "gotten": "get",
    "made": "make", "gave": "give", "given": "give", "came": "come", "paid": "pay", "sent": "send",
    "told": "tell", "said": "say", "lost": "lose", "found": "find", "felt": "feel", "left": "leave",
    "thought": "think", "bought": "buy", "kept": "keep", "spent": "spend", "written": "write", "wrote": "write",
    "children": "child", "people": "person", "men": "man", "women": "woman", "feet": "foot",
    "couldn't": "could", "can't": "can",
    "won't": "will", "didn't": "do", "don't": "do", "doesn't": "do", "isn't": "be", "wasn't": "be",
}
_VOWELS = frozenset("aeiouy")
_KEEP_DOUBLE = frozenset("lsz")


def script_of(word: str) -> Lang | None:
    """"ru" for a word in Cyrillic letters, "en" for Latin letters, None for anything else (digits, mixed)."""
    letters = [ch for ch in word if ch.isalpha()]
    if not letters:
        return None
    if all("\u0400" <= ch <= "\u04ff" for ch in letters):
        return "ru"
    if all(ch.isascii() for ch in letters):
        return "en"
    return None


def words(text: str) -> list[str]:
    """Lower-cased word tokens (tokens with at least one letter), "ё" as "е"; Russian typed in Latin letters
    in Cyrillic (:func:`from_translit`)."""
    text = from_translit(text)
    return [t.text.lower().replace("ё", "е") for t in tokenize(text) if any(ch.isalpha() for ch in t.text)]


_TRANSLIT = (("shch", "щ"), ("tsya", "тся"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
             ("ts", "ц"), ("yo", "е"), ("yu", "ю"), ("ya", "я"), ("ye", "е"), ("a", "а"), ("b", "б"), ("v", "в"),
             ("w", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("j", "й"), ("k", "к"),
             ("q", "к"), ("c", "ц"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"),
             ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"), ("x", "кс"), ("'", "ь"))
_LATIN_WORD = re.compile(r"[A-Za-z']+")
TRANSLIT_KNOWN_SHARE = 0.6  # of the words of 4 letters or more; English comments score about 0.1–0.3
TRANSLIT_MIN_WORDS = 2


def _cyrillic(word: str) -> str:
    lower, found, index = word.lower(), [], 0
    while index < len(lower):
        if lower[index] == "y" and not lower.startswith(("yo", "yu", "ya", "ye"), index):
            found.append("й" if index > 0 and lower[index - 1] in "aeiou" else "ы")  # "moy", "bystryy"; "vy"
            index += 1
            continue
        for latin, cyrillic in _TRANSLIT:
            if lower.startswith(latin, index):
                found.append(cyrillic)
                index += len(latin)
                break
        else:
            found.append(lower[index])
            index += 1
    return "".join(found)


# English words that transliterated Russian never has: one of them keeps a comment English.
_ENGLISH_ONLY = frozenset("""the and is was were are for with of at it its this that you your have has had not
be been an in from they we he she there what when where how why can will would could very but or if all just got
get our their them than then been am me which who here yet only still again never always about after into
out""".split())


@cache
def _russian_form(latin: str) -> str | None:
    """The Cyrillic spelling of a transliterated word when the dictionary knows it (with the soft sign that
    informal transliteration drops at the end: "ochen" → "очень"), else None."""
    analyser, word = russian_analyser(), _cyrillic(latin)
    for candidate in (word + "ь", word):
        if analyser.word_is_known(candidate):
            return candidate
    return None


def from_translit(text: str) -> str:
    """`text` in Cyrillic when it is Russian typed in Latin letters (see the module doc), else `text`."""
    if any("\u0400" <= ch <= "\u04ff" for ch in text):
        return text
    latin = _LATIN_WORD.findall(text)
    longer = [word for word in latin if len(word) >= 4]
    if len(longer) < TRANSLIT_MIN_WORDS or any(word.lower() in _ENGLISH_ONLY or "'" in word for word in latin):
        return text
    known = sum(_russian_form(word) is not None for word in longer)
    if known < TRANSLIT_KNOWN_SHARE * len(longer):
        return text
    return _LATIN_WORD.sub(lambda match: _russian_form(match.group()) or _cyrillic(match.group()), text)


def _has_vowel(stem: str) -> bool:
    return any(ch in _VOWELS for ch in stem)


def _strip_verb_ending(word: str, ending: str) -> str:
    stem = word[: -len(ending)]
    if not _has_vowel(stem) or len(stem) < 2:
        return word
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in _VOWELS | _KEEP_DOUBLE:
        stem = stem[:-1]  # stopped → stop, planning → plan
    return stem


def english_stem(word: str) -> str:
    """Stem of an English word (see the module doc): consistent across inflections, not a dictionary form."""
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    w = _IRREGULAR.get(w, w)  # then stemmed like any word, so "has" and "have" meet at "hav"
    if len(w) <= 3:
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("ied") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith(("xes", "ches", "shes", "zes")):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    elif w.endswith("eed"):
        w = w[:-1]
    elif w.endswith("ed"):
        w = _strip_verb_ending(w, "ed")
    elif w.endswith("ing") and len(w) > 5:
        w = _strip_verb_ending(w, "ing")
    if w.endswith("e") and len(w) > 3 and not w.endswith("ee"):
        w = w[:-1]  # a silent final e: close/closed/closing → clos
    return w


_analyser: Any = None
_analyser_lock = threading.Lock()


def russian_analyser() -> Any:
    """The shared pymorphy3 MorphAnalyzer, created on first use (loading its dictionaries takes a moment)."""
    global _analyser
    if _analyser is None:
        with _analyser_lock:
            if _analyser is None:
                import pymorphy3

                _analyser = pymorphy3.MorphAnalyzer(lang="ru")
    return _analyser


@cache
def _russian_lemma(word: str) -> str:
    normal_form: str = russian_analyser().parse(word)[0].normal_form
    return normal_form.replace("ё", "е")


def lemma(word: str) -> str | None:
    """The lemma (Russian) or stem (English) of one lower-cased word; None for words in neither script."""
    script = script_of(word)
    if script == "ru":
        return _russian_lemma(word)
    if script == "en":
        return english_stem(word)
    return None


def lemmas(text: str) -> list[str]:
    """Lemmas of the words of `text`, in order; words in neither script are skipped."""
    return [lem for lem in (lemma(w) for w in words(text)) if lem]


@cache
def stop_words() -> frozenset[str]:
    """Stop words of both languages, lemmatised like the text."""
    found: set[str] = set()
    for path in sorted(STOPWORDS_DIR.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.split("#", 1)[0].strip().lower()
            if word:
                found.add(lemma(word) or word)
    return frozenset(found)


def content_lemmas(text: str) -> list[str]:
    """Lemmas without stop words and one-letter words."""
    stop = stop_words()
    return [lem for lem in lemmas(text) if lem not in stop and len(lem) > 1]


def surface_forms(texts: Iterable[str]) -> dict[str, str]:
    """For each lemma, the word form that occurs most often in `texts` (ties: the first seen), for display."""
    counts: dict[str, Counter[str]] = {}
    for text in texts:
        for word in words(text):
            lem = lemma(word)
            if lem:
                counts.setdefault(lem, Counter())[word] += 1
    return {lem: forms.most_common(1)[0][0] for lem, forms in counts.items()}
