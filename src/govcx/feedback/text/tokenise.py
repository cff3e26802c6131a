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
"""

from __future__ import annotations

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
    """Lower-cased word tokens (tokens with at least one letter), "ё" as "е"."""
    return [t.text.lower().replace("ё", "е") for t in tokenize(text) if any(ch.isalpha() for ch in t.text)]


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
