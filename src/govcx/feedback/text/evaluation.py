"""How well the comment analysis does on labelled comments: precision, recall and F1 per sentiment label and per
known topic, and the macro-averaged F1 of sentiment.

The labelled file is tab-separated with a header row ``split lang sentiment topics text`` (topics are taxonomy
codes separated by commas, empty for none); lines starting with "#" are notes. Definitions (e.g. Manning, C. D.,
Raghavan, P. & Schütze, H. (2008), *Introduction to Information Retrieval*, §8.3 and §13.6): precision =
TP / (TP + FP), recall = TP / (TP + FN), F1 their harmonic mean (0 when both are 0); sentiment is one label per
comment, macro-F1 the unweighted mean of the three labels' F1; topics are many per comment, scored per topic
over all comments.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LabelledComment", "Score", "confusion", "load_labelled", "macro_f1", "sentiment_scores", "topic_scores"]

SENTIMENT_LABELS = ("positive", "negative", "neutral")
COLUMNS = ["split", "lang", "sentiment", "topics", "text"]


@dataclass(frozen=True, slots=True)
class LabelledComment:
    split: str
    lang: str
    sentiment: str
    topics: frozenset[str]
    text: str


@dataclass(frozen=True, slots=True)
class Score:
    label: str
    support: int  # comments that carry the label
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.support if self.support else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_labelled(path: Path, *, splits: Iterable[str] | None = None) -> list[LabelledComment]:
    """The labelled comments of `path`, only those of `splits` when given; a malformed line raises ValueError
    naming it."""
    wanted = set(splits) if splits is not None else None
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    reader = csv.reader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header != COLUMNS:
        raise ValueError(f"{path.name}: expected the header {COLUMNS}, got {header}")
    found = []
    for number, row in enumerate(reader, start=2):
        if len(row) != len(COLUMNS) or row[2] not in SENTIMENT_LABELS or not row[4].strip():
            raise ValueError(f"{path.name}: row {number} is not 'split, lang, sentiment, topics, text': {row}")
        if wanted is None or row[0] in wanted:
            topics = frozenset(code for code in row[3].split(",") if code)
            found.append(LabelledComment(row[0], row[1], row[2], topics, row[4]))
    return found


def sentiment_scores(comments: Sequence[LabelledComment], predict: Callable[[str], str]) -> list[Score]:
    """Precision, recall and F1 of each sentiment label, `predict` giving the label of a text."""
    predicted = [predict(c.text) for c in comments]
    scores = []
    for label in SENTIMENT_LABELS:
        pairs = [(c.sentiment == label, p == label) for c, p in zip(comments, predicted, strict=True)]
        scores.append(Score(label, sum(g for g, _ in pairs), sum(g and p for g, p in pairs),
                            sum(p and not g for g, p in pairs), sum(g and not p for g, p in pairs)))
    return scores


def confusion(comments: Sequence[LabelledComment], predict: Callable[[str], str]) -> dict[str, dict[str, int]]:
    """Confusion matrix of sentiment: labelled → predicted → number of comments, every label present."""
    matrix = {given: dict.fromkeys(SENTIMENT_LABELS, 0) for given in SENTIMENT_LABELS}
    for comment in comments:
        matrix[comment.sentiment][predict(comment.text)] += 1
    return matrix


def macro_f1(scores: Sequence[Score]) -> float:
    return sum(s.f1 for s in scores) / len(scores) if scores else 0.0


def topic_scores(comments: Sequence[LabelledComment], predict: Callable[[str], Iterable[str]],
                 codes: Sequence[str]) -> list[Score]:
    """Precision, recall and F1 of each topic code, `predict` giving the topic codes found in a text."""
    predicted = [frozenset(predict(c.text)) for c in comments]
    scores = []
    for code in codes:
        pairs = [(code in c.topics, code in p) for c, p in zip(comments, predicted, strict=True)]
        scores.append(Score(code, sum(g for g, _ in pairs), sum(g and p for g, p in pairs),
                            sum(p and not g for g, p in pairs), sum(g and not p for g, p in pairs)))
    return scores
