"""A transparent spam score for a submitted response: a sum of named signals, each with its reason.

Score = min(1, Σ contribution of each signal that fires); a response is spam when the score reaches
``SpamSettings.threshold``. Every weight is a setting, so an operator can read and tune why a response was held.
The signals are the common heuristics of web-form spam protection (a hidden honeypot field, a minimum time to
fill the form, link counting, duplicate texts; on tokens and links as spam features see Graham, P. (2002),
"A Plan for Spam", paulgraham.com/spam.html). The default weights are govcx's choices, not estimates from a
study: tune them on the responses an authority actually receives.

- ``honeypot``: the hidden field that people never see was filled in (decisive by default: weight 1);
- ``too_fast``: submitted in less than ``min_seconds`` after the form was shown;
- ``links``: more URLs than ``free_links`` (a citizen naming the portal's address is normal);
- ``repeated_characters``: a run of ``repeat_run`` or more identical characters ("!!!!!!!", "ааааааа");
- ``all_caps``: most letters are capitals (at least ``caps_min_letters`` letters);
- ``duplicate``: the normalised text's hash is among the recent hashes the caller passes in;
- ``gibberish``: a large share of words look like keyboard mashing (no vowel, or a long consonant run);
- ``banned_words``: a word or phrase from the operator's list occurs.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection
from dataclasses import dataclass, field

__all__ = ["SpamSettings", "SpamSignal", "SpamVerdict", "spam_score", "text_hash"]


@dataclass(frozen=True, slots=True)
class SpamSettings:
    threshold: float = 0.6
    min_seconds: float = 3.0
    free_links: int = 1
    repeat_run: int = 6
    caps_share: float = 0.7
    caps_min_letters: int = 12
    gibberish_share: float = 0.4
    gibberish_min_words: int = 3
    banned_words: frozenset[str] = frozenset()
    weight_honeypot: float = 1.0
    weight_too_fast: float = 0.4
    weight_per_extra_link: float = 0.25
    weight_links_cap: float = 0.75
    weight_repeated_characters: float = 0.15
    weight_all_caps: float = 0.15
    weight_duplicate: float = 0.5
    weight_gibberish: float = 0.4
    weight_banned_words: float = 0.6

    def __post_init__(self) -> None:
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], got {self.threshold!r}")
        if self.min_seconds < 0 or self.free_links < 0 or self.repeat_run < 2:
            raise ValueError("min_seconds and free_links must be ≥ 0 and repeat_run ≥ 2")


@dataclass(frozen=True, slots=True)
class SpamSignal:
    name: str
    contribution: float
    detail: str


@dataclass(frozen=True, slots=True)
class SpamVerdict:
    score: float
    is_spam: bool
    reasons: tuple[SpamSignal, ...] = field(default_factory=tuple)


_URL = re.compile(
    r"(?:https?://|www\.)\S+|\b[\w-]+(?:\.[\w-]+)*\.(?:ru|рф|com|net|org|info|biz|io|xyz|top|su|online|site)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_]+")
_VOWELS = frozenset("aeiouyаеёиоуыэюя")
_CONSONANT_RUN = 6  # longer than in real Russian or English words ("контрстр-", "-ngths")


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the text case-folded, with punctuation dropped and whitespace collapsed.

    The caller keeps the hashes of recent responses (per source, per survey) and passes them to `spam_score`.
    """
    normalised = " ".join(re.findall(r"\w+", text.casefold()))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _looks_mashed(word: str) -> bool:
    lowered = word.lower()
    if len(lowered) >= 4 and not any(ch in _VOWELS for ch in lowered):
        return True
    run = 0
    for ch in lowered:
        run = 0 if ch in _VOWELS else run + 1
        if run >= _CONSONANT_RUN:
            return True
    return False


def _longest_run(text: str) -> tuple[int, str]:
    best, best_char, run, previous = 0, "", 0, ""
    for ch in text:
        run = run + 1 if ch == previous and not ch.isspace() else 1
        previous = ch
        if run > best:
            best, best_char = run, ch
    return best, best_char


def _banned_found(text: str, banned: frozenset[str]) -> list[str]:
    words = " " + " ".join(_WORD.findall(text.casefold())) + " "
    return sorted(b for b in banned if f" {' '.join(_WORD.findall(b.casefold()))} " in words)


def spam_score(
    text: str,
    *,
    honeypot: str | None = None,
    elapsed_seconds: float | None = None,
    recent_hashes: Collection[str] = (),
    settings: SpamSettings = SpamSettings(),  # noqa: B008 - frozen, immutable default
) -> SpamVerdict:
    """Score one response's free text (all comments joined) and its submission context; see the module doc."""
    s = settings
    reasons: list[SpamSignal] = []

    if honeypot and honeypot.strip():
        reasons.append(SpamSignal("honeypot", s.weight_honeypot, "the hidden field was filled in"))
    if elapsed_seconds is not None and elapsed_seconds < s.min_seconds:
        reasons.append(SpamSignal("too_fast", s.weight_too_fast,
                                  f"submitted after {elapsed_seconds:.1f} s (< {s.min_seconds:g} s)"))
    links = len(_URL.findall(text))
    if links > s.free_links:
        weight = min(s.weight_links_cap, (links - s.free_links) * s.weight_per_extra_link)
        reasons.append(SpamSignal("links", weight, f"{links} links (up to {s.free_links} allowed)"))
    # Addresses are counted above; their letters ("http", "www") would skew the letter-based signals below.
    prose = _URL.sub(" ", text)
    run, char = _longest_run(prose)
    if run >= s.repeat_run:
        reasons.append(SpamSignal("repeated_characters", s.weight_repeated_characters, f"{char!r} × {run}"))
    letters = [ch for ch in prose if ch.isalpha()]
    if len(letters) >= s.caps_min_letters:
        share = sum(ch.isupper() for ch in letters) / len(letters)
        if share >= s.caps_share:
            reasons.append(SpamSignal("all_caps", s.weight_all_caps, f"{share:.0%} of letters are capitals"))
    if text.strip() and text_hash(text) in recent_hashes:
        reasons.append(SpamSignal("duplicate", s.weight_duplicate, "the same text was submitted recently"))
    words = [w for w in _WORD.findall(prose) if len(w) >= 3]
    if len(words) >= s.gibberish_min_words:
        mashed = sum(_looks_mashed(w) for w in words) / len(words)
        if mashed >= s.gibberish_share:
            reasons.append(SpamSignal("gibberish", s.weight_gibberish, f"{mashed:.0%} of words look like mashing"))
    banned = _banned_found(text, s.banned_words)
    if banned:
        reasons.append(SpamSignal("banned_words", s.weight_banned_words, ", ".join(banned)))

    score = min(1.0, sum(r.contribution for r in reasons))
    return SpamVerdict(score=score, is_spam=score >= s.threshold, reasons=tuple(reasons))
