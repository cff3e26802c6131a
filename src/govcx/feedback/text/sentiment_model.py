"""Sentiment of comments as the application shows it: the lexicon rules of
:mod:`~govcx.feedback.text.sentiment` combined with a model learnt from labelled comments.

The rules miss what has no emotional word in it ("Пришла к восьми, приняли в половине первого", "Two of six
counters open"), and they read some plain questions and facts as judgements. A multinomial logistic regression
(scikit-learn; balanced class weights, C = 100) reads three groups of features:

- TF-IDF of lemma unigrams and bigrams (pymorphy3 lemmas for Russian, the stemmer of
  :mod:`~govcx.feedback.text.tokenise` for English; "?" and "!" kept as marks), sub-linear term frequency;
- TF-IDF of character 2–5-grams within words (min. 2 comments), which carry spelling variants and word parts
  that lemmas miss;
- the rules' signals: their normalised score and the sums of their positive and of their negative contributions,
  unscaled. The rules' own label is not a feature: the rules were tuned on the same comments, so the model
  would learn to trust it more than it deserves on comments it has not seen.

The model is trained on first use, deterministically and without network, from the parts of ``labelled_comments.tsv``
named in TRAINING_SPLITS (a few seconds, plus importing scikit-learn), never from ``held-out-4`` (HELD_OUT), the part
reported in docs/feedback.md.
The settings were chosen by cross-validation over the training parts, one part left out at a time
(``benchmarks/comment_analysis_eval.py --cross-validate``), never on the held-out part.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any, Literal, cast

from govcx.feedback.text.evaluation import load_labelled
from govcx.feedback.text.sentiment import Sentiment, sentiment

__all__ = ["HELD_OUT", "LABELLED", "TRAINING_SPLITS", "SentimentModel", "fit", "model", "sentiments"]

LABELLED = Path(__file__).with_name("labelled_comments.tsv")
TRAINING_SPLITS = ("dev", "dev-2", "dev-3", "held-out", "held-out-2", "held-out-3", "dev-4", "dev-5")
HELD_OUT = "held-out-4"
REGULARISATION_C = 100.0
RULES_WEIGHT = 1.0
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
CLASS_WEIGHT: str | dict[str, float] | None = "balanced"
_lock = threading.Lock()

Label = Literal["positive", "neutral", "negative"]


def _rule_features(found: Sentiment) -> list[float]:
    positive = sum(value for _, value in found.contributions if value > 0)
    negative = sum(value for _, value in found.contributions if value < 0)
    return [RULES_WEIGHT * found.score, RULES_WEIGHT * positive, RULES_WEIGHT * negative]


def _char_text(text: str) -> str:
    return text.lower().replace("ё", "е")


@dataclass(frozen=True, slots=True)
class SentimentModel:
    words: Any  # fitted TfidfVectorizer over lemmas
    chars: Any  # fitted TfidfVectorizer over characters
    classifier: Any  # fitted LogisticRegression

    def features(self, texts: Sequence[str], rules: Sequence[Sentiment]) -> Any:
        from scipy.sparse import csr_matrix, hstack

        return hstack([
            self.words.transform([" ".join(found.lemmas) for found in rules]),
            self.chars.transform([_char_text(text) for text in texts]),
            csr_matrix([_rule_features(found) for found in rules]),
        ]).tocsr()

    def predict(self, texts: Sequence[str]) -> list[Sentiment]:
        rules = [sentiment(text) for text in texts]
        if not texts:
            return []
        probabilities = self.classifier.predict_proba(self.features(texts, rules))
        classes = [str(c) for c in self.classifier.classes_]
        positive, negative = classes.index("positive"), classes.index("negative")
        found = []
        for rule, row in zip(rules, probabilities, strict=True):
            label = cast(Label, classes[int(row.argmax())])
            found.append(replace(rule, score=float(row[positive] - row[negative]), label=label))
        return found


def fit(texts: Sequence[str], labels: Sequence[str]) -> SentimentModel:
    """A model fitted on `texts` labelled `labels` (positive / negative / neutral)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    rules = [sentiment(text) for text in texts]
    words = TfidfVectorizer(token_pattern=r"\S+", ngram_range=WORD_NGRAMS, sublinear_tf=True,
                            lowercase=False)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=2)
    matrix = hstack([
        words.fit_transform([" ".join(found.lemmas) for found in rules]),
        chars.fit_transform([_char_text(text) for text in texts]),
        csr_matrix([_rule_features(found) for found in rules]),
    ]).tocsr()
    classifier = LogisticRegression(C=REGULARISATION_C, class_weight=CLASS_WEIGHT, max_iter=2000)
    classifier.fit(matrix, list(labels))
    return SentimentModel(words, chars, classifier)


@cache
def _trained() -> SentimentModel:
    comments = load_labelled(LABELLED, splits=TRAINING_SPLITS)
    return fit([c.text for c in comments], [c.sentiment for c in comments])


def model() -> SentimentModel:
    """The model trained on the training parts of the labelled comments, once per process."""
    with _lock:
        return _trained()


def sentiments(texts: Sequence[str]) -> list[Sentiment]:
    """Sentiment of each comment: the label and score of the model, the rules' contributions as explanation."""
    return model().predict(texts) if texts else []
