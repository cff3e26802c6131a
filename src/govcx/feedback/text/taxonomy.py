"""A configurable taxonomy of known issues (queues, deadlines, staff, website errors, documents, payments,
accessibility, unclear information) matched in Russian and English comments by lemmas.

The taxonomy is data (``taxonomy.yaml`` next to this module, or a file the caller passes): each topic has a
code, a bilingual title, terms per language and the standards requirements it bears on. Terms are lemmatised
with :mod:`govcx.feedback.text.tokenise` exactly like comments, so "очередь", "очереди", "в очередях" all match
the term "очередь", and a multi-word term ("электронная очередь", "took weeks") matches its lemmas in sequence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from govcx.errors import InvalidInput, Problem
from govcx.feedback.text.tokenise import lemmas

__all__ = [
    "TAXONOMY_PATH",
    "RequirementRef",
    "Taxonomy",
    "Topic",
    "TopicMatch",
    "best_topic",
    "classify",
    "default_taxonomy",
    "load_taxonomy",
    "topic_codes",
]

TAXONOMY_PATH = Path(__file__).with_name("taxonomy.yaml")
LANGS = ("ru", "en")


def _invalid(where: str, message: str) -> InvalidInput:
    """A problem in a topic; `load_taxonomy` adds the file."""
    return InvalidInput([Problem(message, field=where)])


@dataclass(frozen=True, slots=True)
class RequirementRef:
    pack: str
    requirement: str


@dataclass(frozen=True, slots=True)
class Topic:
    code: str
    title: dict[str, str]
    terms: dict[str, tuple[str, ...]]
    requirements: tuple[RequirementRef, ...]
    term_lemmas: tuple[tuple[str, tuple[str, ...]], ...]  # (term as written, its lemmas)


@dataclass(frozen=True, slots=True)
class TopicMatch:
    code: str
    hits: int  # occurrences of the topic's terms in the comment
    terms: tuple[str, ...]  # the terms that matched, as written in the taxonomy
    requirements: tuple[RequirementRef, ...]


def _contains(sequence: Sequence[str], part: Sequence[str], present: frozenset[str] | None = None) -> int:
    """How many times `part` occurs in `sequence` as a contiguous run. `present`, the set of the sequence's
    items, lets most terms be ruled out without scanning."""
    if not part or (present is not None and part[0] not in present):
        return 0
    k, first, whole = len(part), part[0], tuple(part)
    return sum(1 for i in range(len(sequence) - k + 1)
               if sequence[i] == first and tuple(sequence[i : i + k]) == whole)


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _invalid(where, f"expected non-empty text, got {value!r}")
    return value.strip()


def _topic(raw: Any, index: int) -> Topic:
    if not isinstance(raw, dict):
        raise _invalid(f"topics[{index}]", "expected a mapping")
    code = _text(raw.get("code"), f"topics[{index}].code")
    where = f"topic {code!r}"
    unknown = sorted(set(raw) - {"code", "title", "terms", "requirements"})
    if unknown:
        raise _invalid(where, f"unknown fields {unknown}")
    title = raw.get("title") or {}
    terms = raw.get("terms") or {}
    if not isinstance(title, dict) or not isinstance(terms, dict):
        raise _invalid(where, "title and terms are mappings by language")
    if set(terms) - set(LANGS) or not any(terms.values()):
        raise _invalid(f"{where}.terms", f"give a list of terms per language {list(LANGS)}")
    term_lemmas = []
    cleaned_terms: dict[str, tuple[str, ...]] = {}
    for lang, items in terms.items():
        if not isinstance(items, list):
            raise _invalid(f"{where}.terms.{lang}", "expected a list")
        cleaned_terms[lang] = tuple(_text(t, f"{where}.terms.{lang}") for t in items)
        for term in cleaned_terms[lang]:
            term_lemma = tuple(lemmas(term))
            if not term_lemma:
                raise _invalid(f"{where}.terms.{lang}", f"{term!r} has no words")
            term_lemmas.append((term, term_lemma))
    refs = []
    for i, ref in enumerate(raw.get("requirements") or []):
        if not isinstance(ref, dict) or set(ref) != {"pack", "requirement"}:
            raise _invalid(f"{where}.requirements[{i}]", "expected {pack, requirement}")
        refs.append(RequirementRef(_text(ref["pack"], where), _text(ref["requirement"], where)))
    return Topic(code, {k: _text(v, f"{where}.title.{k}") for k, v in title.items()}, cleaned_terms, tuple(refs),
                 tuple(term_lemmas))


@dataclass(frozen=True, slots=True)
class Taxonomy:
    topics: tuple[Topic, ...]

    def topic(self, code: str) -> Topic:
        for t in self.topics:
            if t.code == code:
                return t
        raise KeyError(code)

    def classify(self, text: str) -> list[TopicMatch]:
        """Topics whose terms occur in `text`, most hits first (ties in taxonomy order)."""
        comment = lemmas(text)
        present = frozenset(comment)
        found = []
        for topic in self.topics:
            counts = [(term, _contains(comment, lem, present)) for term, lem in topic.term_lemmas]
            matched = tuple(term for term, count in counts if count)
            if matched:
                found.append(TopicMatch(topic.code, sum(c for _, c in counts), matched, topic.requirements))
        return sorted(found, key=lambda m: -m.hits)


def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Read and check a taxonomy file; InvalidInput names the file, topic and field at fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput([Problem(str(exc), file=path.name)]) from None
    raw_topics = data.get("topics") if isinstance(data, dict) else None
    if not isinstance(raw_topics, list) or not raw_topics:
        raise InvalidInput([Problem("expected a non-empty list under 'topics'", file=path.name)])
    try:
        topics = tuple(_topic(raw, i) for i, raw in enumerate(raw_topics))
    except InvalidInput as exc:
        raise InvalidInput([replace(p, file=path.name) for p in exc.problems]) from None
    codes = [t.code for t in topics]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InvalidInput([Problem(f"topic codes used twice: {twice}", file=path.name)])
    return Taxonomy(topics)


@cache
def default_taxonomy() -> Taxonomy:
    return load_taxonomy()


def topic_codes() -> list[str]:
    """Codes of the default taxonomy's topics, in file order."""
    return [t.code for t in default_taxonomy().topics]


def classify(text: str) -> list[TopicMatch]:
    """Topics of the default taxonomy found in `text`, most hits first."""
    return default_taxonomy().classify(text)


def best_topic(text: str) -> str | None:
    """The code of the topic with most hits in `text`, or None when no topic matches."""
    found = classify(text)
    return found[0].code if found else None
