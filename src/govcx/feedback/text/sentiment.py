"""Lexicon sentiment of a Russian or English comment, from −1 (negative) to 1 (positive), with a label.

Method, after VADER (Hutto, C. J. & Gilbert, E. (2014), VADER: A parsimonious rule-based model for sentiment
analysis of social media text, *ICWSM-14*), adapted to comments about public services:

- **Lexicon** (``lexicon/<lang>.txt``): lemmas and multi-word phrases with scores −1..1. Words are lemmatised
  (pymorphy3 for Russian, the stemmer of :mod:`~govcx.feedback.text.tokenise` for English), so one entry covers
  every form; a phrase ("до сих пор", "still waiting", "не работать") is matched on lemmas in sequence and wins
  over its single words. A form whose stem is that of a lexicon word of another meaning (OTHER_MEANING: "please",
  which asks, shares the stem of "pleased"; "car" that of "care"; "issued" that of "issue") is no hit.
- **Intensifiers and dampeners**: a booster within the two words before a hit ("очень", "very") raises its
  magnitude by 30 % (VADER's 0.293, rounded); a dampener ("немного", "slightly", "вроде") lowers it by 30 %.
- **Negation**: a negator ("не", "нет", "ни", "никогда", "без", "not", "no", "never", "-n't", "without") within
  the four words before a hit, in the same clause, multiplies it by −0.74 (VADER's scalar: "не плохо" is mildly
  positive, not "хорошо"). A clause ends at punctuation, except a comma before "что"/"that", which continues the
  thought ("не сказала бы, что довольна"). Russian also negates backwards: "очереди нет", "проблем не было".
  "Не ожидал" / "didn't expect" announces a pleasant surprise, not a negation of what follows.
- **Contrast** (VADER's "but" rule): in a sentence with "но" / "однако" / "зато" / "but" / "however", what
  comes before the contrast counts half and what follows counts 1.5 times; a concessive clause opened by
  "хотя" / "although" / "though" counts half.
- **Emoji and emoticons**: each emoji is a word of its own (skin tones and variation selectors dropped) and so are
  ":)", ":(" and the Russian runs "))" and "((" (a run of two or more brackets that closes or opens nothing);
  ``lexicon/emoji.txt`` scores the common ones, so "👍" counts like a word of praise and "🙄" like one of
  complaint, under the same negation, contrast and sarcasm rules.
- **Courtesy**: "спасибо", "thanks" count only when nothing else in the comment is negative ("Спасибо за
  испорченный день" is a complaint).
- **Sarcasm cues** (Riloff, E. et al. (2013), Sarcasm as contrast between a positive sentiment and negative
  situation, *EMNLP 2013*: praise next to a negative situation): praise in scare quotes («вежливый»); praise
  followed by a colon or a dash that introduces a negative situation ("Отличная скорость — год на ответ"); and
  praise in a comment that carries an irony marker ("всего-то", "ну да", "oh great", "yeah right") together
  with anything negative. In those cases the praise counts against.

The sum s is normalised to s/√(s² + 15) (VADER's α = 15); the label is positive at ≥ 0.05, negative at
≤ −0.05, neutral in between (VADER's thresholds). Measured on the labelled comments of
``labelled_comments.tsv``: see docs/feedback.md. :mod:`~govcx.feedback.text.sentiment_model` combines these
rules with a model learnt from labelled comments; that combination is what the application shows.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from razdel import tokenize

from govcx.feedback.text.tokenise import from_translit, lemma

__all__ = ["NEUTRAL_BAND", "Sentiment", "lexicon", "sentiment"]

LEXICON_DIR = Path(__file__).with_name("lexicon")
NEGATION_SCALAR = -0.74
BOOSTER_FACTOR = 1.3
DAMPENER_FACTOR = 0.7
HALVING_FACTOR = 0.2
BEFORE_CONTRAST, AFTER_CONTRAST, CONCESSIVE = 0.5, 1.5, 0.5
SUGGESTION_FACTOR = 0.1
UNMET_EXPECTATION = -0.3
STRONG_PRAISE = 0.8
NORMALISATION_ALPHA = 15.0 / 16  # VADER's α = 15 for scores −4..4; this lexicon scores −1..1
NEUTRAL_BAND = 0.1
NEGATION_SCOPE = 4
BOOSTER_SCOPE = 2
NEGATORS = frozenset({"не", "нет", "ни", "никогда", "нельзя", "без", "ничуть", "никто", "ничто", "ничего",
                      "никакой", "никакие", "никаких", "никакого", "никого", "нигде", "not", "no", "never",
                      "nothing", "nobody", "none", "without", "neither", "nor", "hardly", "zero", "instead",
                      "вместо", "nowhere",
                      "нечего", "некуда", "никуда"})
POST_NEGATORS = frozenset({"нет", "ноль"})
PAST_BE = frozenset({"было", "был", "была", "были", "оказалось"})
UNCOUNTED = frozenset({"the", "a", "an", "что", "бы", "that"})
HEDGES = frozenset({"знаю", "уверен", "уверена", "помню", "комментариев", "особенного", "comment", "special"})
FIRST_PERSON_HEDGES = frozenset({"know", "sure", "remember"})  # "I don't know" hedges; "he didn't know" does not
BOOSTERS = frozenset({"очень", "совсем", "крайне", "абсолютно", "совершенно", "невероятно", "слишком", "так",
                      "такой", "настолько", "страшно", "жутко", "весьма", "самый", "просто",
                      "very", "really", "extremely", "so", "totally", "absolutely", "completely", "incredibly",
                      "utterly", "too", "such", "truly", "thoroughly", "painfully", "most", "whatsoever"})
DAMPENERS = frozenset({"немного", "слегка", "чуть", "вроде", "довольно", "отчасти", "почти", "казаться",
                       "slightly", "somewhat", "fairly", "rather", "bit", "almost", "seem"})
HALVING = frozenset({"частично", "наполовину", "partly", "partially"})
NOT_YET = frozenset({"пока", "ещё", "еще", "yet"})
# Chores whose absence is a relief: "без единой справки", "без напоминания", "не пришлось ехать", "nothing else",
# "without chasing"; lemmatised when first used.
CHORES = frozenset({"справка", "бумажка", "звонок", "напоминание", "очередь", "лишний", "задержка", "ожидание",
                    "поход", "поездка", "ехать", "беготня", "хлопоты", "нотариус", "комиссия", "ошибка",
                    "заявление", "прийтись", "пришлось", "надо", "нужно", "требоваться", "переспрашивать",
                    "queue", "wait", "chase", "chasing", "hassle", "fuss", "delay", "trip", "paperwork",
                    "reminder", "call", "else", "extra", "further", "fee", "mistake", "error", "need"})
CONTRASTS = frozenset({"но", "однако", "зато", "but", "however", "yet"})
CONCESSIVES = frozenset({"хотя", "хоть", "although", "though"})
THAT = frozenset({"что", "чтобы", "that"})
ASKING = frozenset({"можно", "где", "когда", "какой", "как", "куда", "сколько", "подскажите", "возможно",
                    "планируется", "есть", "can", "where", "when", "which", "how", "is", "are", "do", "does",
                    "could", "will", "may", "what", "нужно", "интересует"})
COURTESY = frozenset({"спасибо", "благодарить", "благодарность", "thank", "thanks"})
SUGGESTION_MARKERS = (("было", "бы"), ("хотелось", "бы"), ("если", "бы"), ("would", "be"),
                      ("предлагаю",), ("suggest",))
NUMBER = "<num>"  # digits and number words, so that "за две минуты" and "за 2 минуты" match one phrase
NUMBER_WORDS = frozenset({"один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять", "десять",
                          "пятнадцать", "двадцать", "тридцать", "сорок", "пятьдесят", "сто", "полтора", "пара",
                          "несколько", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
                          "ten", "fifteen", "twenty", "thirty", "forty", "fifty", "hundred", "few", "couple"})
MODALS = frozenset({"смочь", "мочь", "удаться", "получиться"})
UNNEGATED = frozenset({"час", "месяц", "год", "полгода", "полдня", "hour", "month", "year"})  # "без стульев час…"
EXCLAMATIVES = frozenset({"ах", "ох", "ой", "какой", "какие", "какая", "какое", "ну", "what", "how", "oh", "such",
                          "a", "an"})
SUPERLATIVE_NEVER = frozenset({"никогда", "never"})  # "никогда так быстро не…" praises
IRONY_MARKERS = (("всего-то",), ("всего", "лишь"), ("ну", "да"), ("ну", "конечно"), ("ну", "спасибо"),
                 ("ну", "просто"), ("прям",), ("браво",), ("гениальный",), ("обожать",), ("удивительно",),
                 ("целый",), ("oh", "great"), ("yeah", "right"), ("bravo",), ("genius",), ("i", "love", "how"),
                 ("a", "whole"), ("thanks", "a", "lot"), ("amazingly",), ("если", "вы", "нравиться"),
                 ("if", "you", "enjoy"), ("if", "you", "lik"), ("if", "you", "lov"))
# Forms whose stem is that of a lexicon word of another meaning: "please" asks (its stem is that of "pleased"),
# "car"/"cars" are vehicles (the stem of "care"), "issued" gives out (the stem of "an issue"). They are no hit.
OTHER_MEANING = frozenset({"please", "car", "cars", "issued"})
_CLAUSE_END = frozenset(".,;:!?—–()…")
_SENTENCE_END = frozenset(".!?…")
_INTRODUCES = frozenset(":—–")
_QUOTES_OPEN = frozenset("«“„\"")
_QUOTES_CLOSE = frozenset("»”\"")
_CONTRACTED_NOT = re.compile(r"(?<=\w)n['’]t\b", re.IGNORECASE)
_CANNOT = re.compile(r"\b(can)not\b", re.IGNORECASE)
_DASH_BETWEEN_WORDS = re.compile(r"\s[-–—]\s")
_EMOJI_MODIFIERS = frozenset("\ufe0f\ufe0e\u200d") | frozenset(chr(c) for c in range(0x1F3FB, 0x1F400))
SMILE, FROWN = ":)", ":("
_SMILES = frozenset({":)", ":-)", ";)", ";-)", "=)", ":D", ":-D", "xD"})
_FROWNS = frozenset({":(", ":-(", ";(", "=(", ":'("})


@dataclass(frozen=True, slots=True)
class Sentiment:
    score: float  # −1..1
    label: Literal["positive", "neutral", "negative"]
    contributions: tuple[tuple[str, float], ...]  # (words as written, their contribution after the rules)
    lemmas: tuple[str, ...] = ()  # the comment's lemmas and sentence marks, what a learnt model reads


@cache
def lexicon() -> dict[tuple[str, ...], float]:
    """Lemma sequence → score from every ``lexicon/*.txt`` file (lines "word or phrase<TAB>score")."""
    scores: dict[tuple[str, ...], float] = {}
    for path in sorted(LEXICON_DIR.glob("*.txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            try:
                phrase, value = line.split("\t")
                score = float(value)
            except ValueError:
                raise ValueError(f"{path.name}:{number}: expected 'word<TAB>score', got {line!r}") from None
            if not -1.0 <= score <= 1.0:
                raise ValueError(f"{path.name}:{number}: score {score} is outside −1..1")
            key = tuple(_lemma_of(word) for word in phrase.lower().split())
            if key in scores:
                raise ValueError(f"{path.name}:{number}: {phrase!r} has the same lemmas as an earlier entry {key}")
            scores[key] = score
    return scores


@cache
def _longest_phrase() -> int:
    return max(len(key) for key in lexicon())


def _lemma_of(word: str) -> str:
    word = word.replace("ё", "е")
    return lemma(word) or word


@dataclass(slots=True)
class _Token:
    text: str
    word: str  # lower-cased, "ё" as "е"
    lemma: str
    punct: bool
    clause: int
    sentence: int
    quoted: bool


@dataclass(slots=True)
class _Hit:
    start: int
    end: int  # exclusive
    base: float
    value: float
    negated: bool = False


def _tokens(text: str) -> list[_Token]:
    text = from_translit(text)
    text = _CONTRACTED_NOT.sub(" not", _CANNOT.sub(r"\1 not", text))
    text = _DASH_BETWEEN_WORDS.sub(" — ", text)
    tokens: list[_Token] = []
    clause = sentence = 0
    quoted = False
    raw = _with_emoticons([t.text for t in tokenize(text)])
    for index, piece in enumerate(raw):
        if piece.isdigit():
            tokens.append(_Token(piece, NUMBER, NUMBER, False, clause, sentence, quoted))
            continue
        if _is_emoji(piece) or piece in (SMILE, FROWN):
            tokens.append(_Token(piece, piece, piece, False, clause, sentence, quoted))
            continue
        is_word = any(ch.isalpha() for ch in piece)
        if not is_word:
            if piece in _QUOTES_OPEN and not quoted:
                quoted = True
            elif piece in _QUOTES_CLOSE and quoted:
                quoted = False
            tokens.append(_Token(piece, piece, piece, True, clause, sentence, quoted))
            if piece and piece[0] in _CLAUSE_END:  # the mark belongs to the clause it ends
                following = raw[index + 1].lower() if index + 1 < len(raw) else ""
                if not (piece == "," and following in THAT):
                    clause += 1
                if piece[0] in _SENTENCE_END:
                    sentence += 1
                    quoted = False
            continue
        word = piece.lower().replace("ё", "е")
        lemma_ = _lemma_of(word)
        if word in NUMBER_WORDS or lemma_ in NUMBER_WORDS:
            lemma_ = NUMBER
        tokens.append(_Token(piece, word, lemma_, False, clause, sentence,
                             quoted))
    return tokens


def _is_emoji(piece: str) -> bool:
    return len(piece) == 1 and unicodedata.category(piece) == "So"


def _with_emoticons(raw: list[str]) -> list[str]:
    """Tokens with each emoji apart, ":)" / ":(" as SMILE / FROWN, and a run of two or more ")" that closes no
    "(" (or of "(" that nothing closes) as one SMILE (FROWN): "обещали )))", "опять ((("."""
    pieces: list[str] = []
    for piece in raw:
        if any(unicodedata.category(ch) == "So" for ch in piece) and not any(ch.isalnum() for ch in piece):
            pieces.extend(ch for ch in piece if ch not in _EMOJI_MODIFIERS)
        else:
            pieces.append(SMILE if piece in _SMILES else FROWN if piece in _FROWNS else piece)
    found: list[str] = []
    open_brackets = index = 0
    while index < len(pieces):
        piece = pieces[index]
        run = 1
        while piece in "()" and index + run < len(pieces) and pieces[index + run] == piece:
            run += 1
        if piece == ")" and run >= 2 and open_brackets == 0:
            found.append(SMILE)
        elif piece == "(" and run >= 2 and ")" not in pieces[index + run :]:
            found.append(FROWN)
        else:
            found.extend([piece] * run)
            if piece == "(":
                open_brackets += run
            elif piece == ")":
                open_brackets = max(0, open_brackets - run)
        index += run
    return found


def _find_hits(tokens: list[_Token]) -> list[_Hit]:
    scores, longest = lexicon(), _longest_phrase()
    hits: list[_Hit] = []
    words = [i for i, t in enumerate(tokens) if not t.punct]
    other = {i for i in words if tokens[i].word in OTHER_MEANING}
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            span = words[position : position + size]
            key = tuple(tokens[i].lemma for i in span)
            if key in scores and not (size == 1 and span[0] in other):
                hits.append(_Hit(span[0], span[-1] + 1, scores[key], scores[key]))
                position += size
                break
        else:
            position += 1
    return hits


def _covered(hits: list[_Hit]) -> set[int]:
    return {i for hit in hits for i in range(hit.start, hit.end)}


def _apply_modifiers(tokens: list[_Token], hits: list[_Hit]) -> set[int]:
    """Boosters, dampeners and negation of each hit; returns the indexes of the negators that negated one."""
    covered = _covered(hits)
    used: set[int] = set()
    for hit in hits:
        clause = tokens[hit.start].clause
        seen = 0
        index = hit.start - 1
        negator: int | None = None
        modified = False
        while index >= 0 and seen < NEGATION_SCOPE:
            token = tokens[index]
            if token.clause != clause:
                break
            index -= 1
            if token.punct or token.word in UNCOUNTED:
                continue
            seen += 1
            if index + 1 in covered:
                continue
            if token.word in NEGATORS:
                if index + 1 in used:
                    break  # a negator negates the nearest word it governs, not every word after it
                if not _praises_by_comparison(tokens, index + 1, hit):
                    negator = index + 1
                else:
                    used.add(index + 1)
                break
            if not modified and seen <= BOOSTER_SCOPE:
                factor = _modifier(token)
                if factor != 1.0:
                    hit.value *= factor
                    modified = True
        if negator is None:
            negator = _negator_after(tokens, hit, covered)
        if any(t.word in NEGATORS for t in tokens[hit.start : hit.end]) or tokens[hit.start].lemma in UNNEGATED:
            negator = None  # "ничего не решили" negates once; "без стульев полтора часа" leaves the hours
        if negator is not None:
            hit.value *= NEGATION_SCALAR
            hit.negated = True
            used.add(negator)
    return used


def _praises_by_comparison(tokens: list[_Token], negator: int, hit: _Hit) -> bool:
    """"Никогда ещё так быстро…", "never had it done so fast": a comparison with every earlier time."""
    return tokens[negator].word in SUPERLATIVE_NEVER and any(
        t.word in BOOSTERS for t in tokens[negator + 1 : hit.start])


def _modifier(token: _Token) -> float:
    if token.word in BOOSTERS:
        return BOOSTER_FACTOR
    if token.word in DAMPENERS or token.lemma in DAMPENERS:
        return DAMPENER_FACTOR
    return 1.0


def _is_latin(word: str) -> bool:
    return all(ch.isascii() for ch in word if ch.isalpha())


def _negator_after(tokens: list[_Token], hit: _Hit, covered: set[int]) -> int | None:
    """Russian negates a noun after it: "очереди нет", "проблем не было", "вежливости ноль"."""
    if _is_latin(tokens[hit.start].word):
        return None
    following = [(i, t) for i, t in enumerate(tokens[hit.end : hit.end + 5], start=hit.end)
                 if t.clause == tokens[hit.start].clause and not t.punct and i not in covered]
    if not following:
        return None
    first, token = following[0]
    if token.word in POST_NEGATORS:
        return first
    if token.word == "не" and len(following) > 1 and following[1][1].word in PAST_BE:
        return first
    for (position, word), (_, modal) in zip(following, following[1:], strict=False):
        if word.word == "не" and modal.lemma in MODALS:  # "ответить так и не смог"
            return position
    return None


def _unmet_expectations(tokens: list[_Token], hits: list[_Hit], used: set[int]) -> list[_Hit]:
    """A negator that negates no lexicon word still tells of something not done ("не принимают", "never
    answers", "no ramp"): one weak negative per clause, unless it only hedges ("не знаю", "not sure") or says
    "not yet" ("ответа ещё не получил"). When what is missing is a chore ("без единой справки", "без звонка",
    "nothing else", "no need to chase"), its absence is a relief: one weak positive instead."""
    covered = _covered(hits)
    found: list[_Hit] = []
    clauses: set[int] = {tokens[i].clause for i in used}
    for index, token in enumerate(tokens):
        if token.punct or token.word not in NEGATORS or index in covered or index in used:
            continue
        if token.clause in clauses:
            continue
        if _hedges(tokens, index) or _not_yet(tokens, index):
            continue
        clauses.add(token.clause)
        value = -UNMET_EXPECTATION if _spares_a_chore(tokens, index) else UNMET_EXPECTATION
        found.append(_Hit(index, index + 1, value, value))
    return found


@cache
def _chores() -> frozenset[str]:
    return frozenset(_lemma_of(word) for word in CHORES)


def _spares_a_chore(tokens: list[_Token], negator: int) -> bool:
    chores = _chores()
    following = [t for t in tokens[negator + 1 : negator + 5] if t.clause == tokens[negator].clause][:4]
    return any(not t.punct and (t.lemma in chores or t.word in chores) for t in following)


def _not_yet(tokens: list[_Token], negator: int) -> bool:
    clause = tokens[negator].clause
    before = [t.word for t in tokens[max(0, negator - 2) : negator] if t.clause == clause and not t.punct]
    after = [t.word for t in tokens[negator + 1 :] if t.clause == clause and not t.punct]
    return any(word in NOT_YET for word in before) or "yet" in after


def _hedges(tokens: list[_Token], negator: int) -> bool:
    following = [t.word for t in tokens[negator + 1 : negator + 3] if not t.punct]
    before = [t.word for t in tokens[max(0, negator - 3) : negator] if not t.punct]
    if following and following[0] in HEDGES:
        return True
    return bool(following) and following[0] in FIRST_PERSON_HEDGES and (not before or "i" in before)


def _apply_partial_and_questions(tokens: list[_Token], hits: list[_Hit]) -> None:
    """"Решили частично" is no verdict either way; nor is a question asking for information ("Можно ли…?",
    "Where can I…?"), whatever words it contains."""
    for token in tokens:
        if token.word in HALVING:
            for hit in hits:
                if tokens[hit.start].clause == token.clause:
                    hit.value *= HALVING_FACTOR
    sentences: dict[int, list[_Token]] = {}
    for token in tokens:
        sentences.setdefault(token.sentence, []).append(token)
    for number, sentence in sentences.items():
        words = [t for t in sentence if not t.punct]
        asks = bool(words) and (words[0].word in ASKING or words[0].lemma in ASKING
                                or any(t.word == "ли" for t in words))
        if asks and sentence[-1].text.startswith("?"):
            for hit in hits:
                if tokens[hit.start].sentence == number:
                    hit.value *= SUGGESTION_FACTOR


def _apply_suggestions(tokens: list[_Token], hits: list[_Hit]) -> None:
    """A wish or a suggestion ("было бы удобно…", "it would be useful…") is not a judgement of the service."""
    for i in _marker_positions(tokens, SUGGESTION_MARKERS):
        for hit in hits:
            if tokens[hit.start].sentence == tokens[i].sentence:
                hit.value *= SUGGESTION_FACTOR


def _marker_positions(tokens: list[_Token], markers: tuple[tuple[str, ...], ...]) -> list[int]:
    words = [t.word for t in tokens]
    lemmas = [t.lemma for t in tokens]
    found = []
    for marker in markers:
        k = len(marker)
        for i in range(len(words) - k + 1):
            if tuple(words[i : i + k]) == marker or tuple(lemmas[i : i + k]) == marker:
                found.append(i)
    return found


def _apply_contrast(tokens: list[_Token], hits: list[_Hit]) -> None:
    for index, token in enumerate(tokens):
        if token.word in CONTRASTS:
            for hit in hits:
                if tokens[hit.start].sentence != token.sentence:
                    continue
                hit.value *= BEFORE_CONTRAST if hit.start < index else AFTER_CONTRAST if hit.start > index else 1
        elif token.word in CONCESSIVES:
            for hit in hits:
                if tokens[hit.start].clause == token.clause and hit.start > index:
                    hit.value *= CONCESSIVE


def _has_irony_marker(tokens: list[_Token]) -> bool:
    words = [t.word for t in tokens]
    lemmas = [t.lemma for t in tokens]
    for marker in IRONY_MARKERS:
        k = len(marker)
        for i in range(len(words) - k + 1):
            if tuple(words[i : i + k]) == marker or tuple(lemmas[i : i + k]) == marker:
                return True
    return False


def _apply_sarcasm(tokens: list[_Token], hits: list[_Hit]) -> None:
    for hit in hits:
        if hit.value > 0 and tokens[hit.start].quoted:
            hit.value = -hit.value  # scare quotes: «вежливый» персонал
    praise = [h for h in hits if h.value > 0]
    if not praise or not any(h.value < 0 for h in hits):
        return
    ironic = bool(_marker_positions(tokens, IRONY_MARKERS))
    for hit in praise:
        if ironic or _introduces_negative(tokens, hits, hit) or _praises_a_plight(tokens, hits, hit):
            hit.value = -hit.value


def _praises_a_plight(tokens: list[_Token], hits: list[_Hit], praise: _Hit) -> bool:
    """Strong praise of a negative situation in the same clause: "Прекрасно провела утро в очереди"."""
    if praise.base < STRONG_PRAISE or praise.negated:
        return False
    clause = tokens[praise.start].clause
    return any(h.value < 0 and not h.negated and tokens[h.start].clause == clause for h in hits)


def _introduces_negative(tokens: list[_Token], hits: list[_Hit], praise: _Hit) -> bool:
    """Praise, then ":" or "—", then a negative situation in the same sentence: "Отлично: год на ответ";
    or a one-word exclamation of praise opening a sentence that goes on negatively: "Fantastic, three hours…"."""
    sentence = tokens[praise.start].sentence
    if _opens_alone(tokens, praise):
        rest = [h.value for h in hits if h.start > praise.end and tokens[h.start].sentence == sentence]
        if rest and sum(rest) < 0:
            return True
    for index in range(praise.end, len(tokens)):
        token = tokens[index]
        if token.sentence != sentence:
            return False
        if token.punct and token.text[:1] in _INTRODUCES:
            return any(h.value < 0 and h.start > index and tokens[h.start].sentence == sentence for h in hits)
        if not token.punct and any(h.start == index and h.value > 0 for h in hits):
            continue
        if not token.punct and index - praise.end > 3:
            return False
    return False


def _opens_alone(tokens: list[_Token], hit: _Hit) -> bool:
    """Praise that opens its sentence as an exclamation: "Fantastic, …", "Ах, какие вежливые …"."""
    before = [t for t in tokens[: hit.start] if t.sentence == tokens[hit.start].sentence and not t.punct]
    if any(t.word not in EXCLAMATIVES for t in before):
        return False
    after = tokens[hit.end] if hit.end < len(tokens) else None
    return bool(before) or (after is not None and after.text in {",", "!"})


def _apply_courtesy(tokens: list[_Token], hits: list[_Hit]) -> None:
    if any(h.value < 0 for h in hits if not _is_courtesy(tokens, h)):
        for hit in hits:
            if _is_courtesy(tokens, hit) and hit.value > 0:
                hit.value = 0.0


def _is_courtesy(tokens: list[_Token], hit: _Hit) -> bool:
    return any(tokens[i].lemma in COURTESY or tokens[i].word in COURTESY for i in range(hit.start, hit.end))


def sentiment(text: str) -> Sentiment:
    """Sentiment of one comment; see the module doc for the rules."""
    tokens = _tokens(text)
    hits = _find_hits(tokens)
    used = _apply_modifiers(tokens, hits)
    hits = sorted(hits + _unmet_expectations(tokens, hits, used), key=lambda h: h.start)
    _apply_suggestions(tokens, hits)
    _apply_partial_and_questions(tokens, hits)
    _apply_contrast(tokens, hits)
    _apply_courtesy(tokens, hits)
    _apply_sarcasm(tokens, hits)
    total = sum(h.value for h in hits)
    score = total / math.sqrt(total * total + NORMALISATION_ALPHA) if total else 0.0
    label: Literal["positive", "neutral", "negative"] = (
        "positive" if score >= NEUTRAL_BAND else "negative" if score <= -NEUTRAL_BAND else "neutral"
    )
    contributions = tuple((" ".join(t.text for t in tokens[h.start : h.end] if not t.punct), h.value)
                          for h in hits)
    return Sentiment(score=score, label=label, contributions=contributions, lemmas=_lemmas(tokens))


def _lemmas(tokens: list[_Token]) -> tuple[str, ...]:
    marks = {"?": "<question>", "!": "<exclamation>"}
    return tuple(marks.get(t.text[:1], "") if t.punct else t.lemma for t in tokens
                 if not t.punct or t.text[:1] in marks)
