"""The comment analysis measured on the committed labelled comments (src/govcx/feedback/text/labelled_comments.tsv).

The held-out part (HELD_OUT, held-out-8) was written and committed before the sentiment model was last changed, and
the model never trains on it; the figures asserted here are those reported in docs/feedback.md, so a change that makes
the analysis worse on comments it has not seen fails here."""

import re

import pytest

from govcx.feedback.text.evaluation import (
    LabelledComment,
    confusion,
    load_labelled,
    macro_f1,
    sentiment_scores,
    topic_scores,
)
from govcx.feedback.text.sentiment_model import HELD_OUT, LABELLED, TRAINING_SPLITS, sentiments
from govcx.feedback.text.taxonomy import classify, topic_codes

pytestmark = pytest.mark.one_database

# Measured on held-out-8 (docs/feedback.md) once before this round's change of the model and once after: macro-F1
# 0.893 -> 0.910, and 0.907 once the stored vectors were 8-bit; known topics (unchanged this round) recall 0.655,
# precision 0.884.
HELD_OUT_MACRO_F1 = 0.90
HELD_OUT_TOPIC_RECALL = 0.65
HELD_OUT_TOPIC_PRECISION = 0.87


def _words_of(text: str) -> str:
    """The text without case or punctuation: "OK." and "ok" are the same comment."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def _macro_f1(splits: list[str]) -> float:
    comments = load_labelled(LABELLED, splits=splits)
    labels = dict(zip([c.text for c in comments], [f.label for f in sentiments([c.text for c in comments])],
                      strict=True))
    return macro_f1(sentiment_scores(comments, labels.__getitem__))


def test_the_labelled_set_is_large_varied_and_distinct():
    comments = load_labelled(LABELLED)
    assert len(comments) >= 500
    assert {c.lang for c in comments} == {"ru", "en"}
    assert {c.sentiment for c in comments} == {"positive", "negative", "neutral"}
    assert set(topic_codes()) <= {t for c in comments for t in c.topics}
    assert len({c.text for c in comments}) == len(comments)
    held_out = load_labelled(LABELLED, splits=[HELD_OUT])
    assert len(held_out) >= 200 and {c.lang for c in held_out} == {"ru", "en"}
    assert {c.sentiment for c in held_out} == {"positive", "negative", "neutral"}
    assert HELD_OUT not in TRAINING_SPLITS
    trained_on = {_words_of(c.text) for c in load_labelled(LABELLED, splits=TRAINING_SPLITS)}
    assert not [c.text for c in held_out if _words_of(c.text) in trained_on]


def test_the_confusion_matrix_counts_every_comment_once_by_label_and_prediction():
    comments = [LabelledComment("x", "en", label, frozenset(), text)
                for label, text in [("positive", "a"), ("positive", "b"), ("negative", "c"), ("neutral", "d")]]
    predicted = {"a": "positive", "b": "neutral", "c": "negative", "d": "negative"}
    matrix = confusion(comments, predicted.__getitem__)
    assert matrix["positive"] == {"positive": 1, "negative": 0, "neutral": 1}
    assert matrix["negative"] == {"positive": 0, "negative": 1, "neutral": 0}
    assert matrix["neutral"] == {"positive": 0, "negative": 1, "neutral": 0}


def test_sentiment_macro_f1_on_the_held_out_part():
    assert _macro_f1([HELD_OUT]) >= HELD_OUT_MACRO_F1


def test_the_model_learnt_the_parts_it_was_trained_on():
    assert _macro_f1(list(TRAINING_SPLITS)) >= 0.95


def test_every_known_topic_is_found_on_the_held_out_part():
    scores = topic_scores(load_labelled(LABELLED, splits=[HELD_OUT]), lambda text: [m.code for m in classify(text)],
                          topic_codes())
    assert all(s.support for s in scores)
    found = sum(s.true_positives for s in scores)
    assert found / sum(s.support for s in scores) >= HELD_OUT_TOPIC_RECALL
    assert found / (found + sum(s.false_positives for s in scores)) >= HELD_OUT_TOPIC_PRECISION
