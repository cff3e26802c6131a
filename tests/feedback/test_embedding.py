"""The comments' sentence embeddings (govcx.feedback.text.embedding): what the engine gives, and the stored vectors of
the labelled comments that spare a new installation two minutes of embedding."""

import random

import numpy as np

from govcx.feedback.text.embedding import DIMENSIONS, embed, stored
from govcx.feedback.text.evaluation import load_labelled
from govcx.feedback.text.sentiment_model import LABELLED


def test_vectors_are_unit_length_one_per_text_and_the_same_for_the_same_text():
    texts = ["Очередь двигалась быстро", "The form lost my answers twice", "Очередь двигалась быстро"]
    vectors = embed(texts)
    assert vectors.shape == (3, DIMENSIONS) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert np.array_equal(vectors[0], vectors[2])
    assert embed([]).shape == (0, DIMENSIONS)


def test_a_sentence_is_nearer_its_translation_than_another_sentence():
    """The model is multilingual: a Russian comment and its English translation are nearer each other than either
    is to a comment about something else, in either language."""
    ru, en, other_ru, other_en = embed([
        "Паспорт выдали в срок, сотрудница всё объяснила",
        "The passport was issued on time, the clerk explained everything",
        "На сайте не работает оплата госпошлины картой",
        "Paying the fee by card does not work on the website",
    ])
    assert ru @ en > max(ru @ other_ru, ru @ other_en, en @ other_ru, en @ other_en)
    assert other_ru @ other_en > max(ru @ other_ru, en @ other_en)


def test_every_labelled_comment_has_its_vector_stored_and_it_is_the_engines():
    """When comments are added to the labelled file, `python -m govcx.feedback.text.embedding` stores their
    vectors; a stored vector must be what the engine gives for its text (8-bit rounding aside)."""
    texts = [comment.text for comment in load_labelled(LABELLED)]
    kept = stored(texts)
    assert [text for text in texts if text not in kept] == []
    sample = random.Random(12).sample(texts, 12)
    fresh = embed(sample, from_engine=True)
    for text, vector in zip(sample, fresh, strict=True):
        assert float(kept[text] @ vector) / float(np.linalg.norm(kept[text])) > 0.9999, text
