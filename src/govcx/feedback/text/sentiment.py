"""Lexicon sentiment of a Russian or English comment, from −1 (negative) to 1 (positive), with a label.

Method, after VADER (Hutto, C. J. & Gilbert, E. (2014), VADER: A parsimonious rule-based model for sentiment
analysis of social media text, *ICWSM-14*): each word found in the lexicon (``lexicon/<lang>.txt``, lemmas,
scores −1..1) contributes its score; a booster just before it ("очень", "very") raises the magnitude by 30 %;
a negator ("не", "нет", "ни", "никогда", "not", "no", "never", "-n't") within the three words before it, in the
same clause, multiplies it by −0.74 (VADER's negation scalar: "не плохо" is mildly positive, not "хорошо").
The sum s is normalised to s/√(s² + 15) (VADER's α = 15); the label is positive at ≥ 0.05, negative at
≤ −0.05, neutral in between (VADER's thresholds).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from razdel import tokenize

from govcx.feedback.text.tokenise import lemma

__all__ = ["Sentiment", "lexicon", "sentiment"]

LEXICON_DIR = Path(__file__).with_name("lexicon")
NEGATION_SCALAR = -0.74
BOOSTER_FACTOR = 1.3
NORMALISATION_ALPHA = 15.0
NEUTRAL_BAND = 0.05
NEGATION_SCOPE = 3
NEGATORS = frozenset({"не", "нет", "ни", "никогда", "not", "no", "never", "nothing", "nobody"})
BOOSTERS = frozenset({"очень", "совсем", "крайне", "абсолютно", "very", "really", "extremely", "so", "totally"})
_CLAUSE_END = frozenset(".,;:!?—()")
_CONTRACTED_NOT = re.compile(r"(?<=\w)n['’]t\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Sentiment:
    score: float  # −1..1
    label: Literal["positive", "neutral", "negative"]
    contributions: tuple[tuple[str, float], ...]  # (word as written, its contribution after negation/boosting)


@cache
def lexicon() -> dict[str, float]:
    """Lemma → score from every ``lexicon/*.txt`` file (lines "word<TAB>score"); words are lemmatised on load."""
    scores: dict[str, float] = {}
    for path in sorted(LEXICON_DIR.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                word, value = line.split("\t")
                score = float(value)
            except ValueError:
                raise ValueError(f"{path.name}:{number}: expected 'word<TAB>score', got {line!r}") from None
            if not -1.0 <= score <= 1.0:
                raise ValueError(f"{path.name}:{number}: score {score} is outside −1..1")
            key = lemma(word.lower()) or word.lower()
            if key in scores:
                raise ValueError(f"{path.name}:{number}: {word!r} has the same lemma as an earlier entry ({key!r})")
            scores[key] = score
    return scores


def sentiment(text: str) -> Sentiment:
    """Sentiment of one comment; see the module doc for the rules."""
    scores = lexicon()
    tokens = [t.text for t in tokenize(_CONTRACTED_NOT.sub(" not", text))]
    total = 0.0
    contributions: list[tuple[str, float]] = []
    since_negator: int | None = None
    boosted = False
    for token in tokens:
        if token in _CLAUSE_END:
            since_negator, boosted = None, False
            continue
        word = token.lower().replace("ё", "е")
        if word in NEGATORS:
            since_negator = 0
            continue
        if word in BOOSTERS:
            boosted = True
            continue
        base = scores.get(lemma(word) or "")
        if base is not None:
            value = base * (BOOSTER_FACTOR if boosted else 1.0)
            if since_negator is not None and since_negator < NEGATION_SCOPE:
                value *= NEGATION_SCALAR
            total += value
            contributions.append((token, value))
        boosted = False
        if since_negator is not None:
            since_negator += 1
    score = total / math.sqrt(total * total + NORMALISATION_ALPHA) if total else 0.0
    label: Literal["positive", "neutral", "negative"] = (
        "positive" if score >= NEUTRAL_BAND else "negative" if score <= -NEUTRAL_BAND else "neutral"
    )
    return Sentiment(score=score, label=label, contributions=tuple(contributions))
