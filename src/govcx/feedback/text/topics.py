"""Topics discovered in a set of comments: NMF over TF-IDF of content lemmas (scikit-learn).

Each comment becomes the lemmas of its words without stop words (:func:`tokenise.content_lemmas`, Russian and
English alike); TF-IDF weights them (``sublinear_tf``, terms in at least `min_df` comments); non-negative
matrix factorisation (Lee, D. D. & Seung, H. S. (1999), Learning the parts of objects by non-negative matrix
factorization, *Nature* 401, 788–791; scikit-learn's ``NMF`` with NNDSVDA initialisation, Boutsidis &
Gallopoulos 2008) splits them into topics. A topic is shown by its top terms, as the word forms that occur most
in the comments; each comment belongs to the topic with its largest weight, or to none when it has no term
of the vocabulary. The result is deterministic for a given `random_state`. Each topic also names the taxonomy
topics whose terms are among its top lemmas, which link it to standards requirements.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from govcx.feedback.text.taxonomy import Taxonomy, default_taxonomy
from govcx.feedback.text.tokenise import content_lemmas, surface_forms

__all__ = ["DiscoveredTopic", "TopicModel", "discover_topics"]


@dataclass(frozen=True, slots=True)
class DiscoveredTopic:
    index: int
    terms: tuple[str, ...]  # top terms as people write them, most important first
    lemmas: tuple[str, ...]  # the same terms as lemmas/stems
    weights: tuple[float, ...]
    size: int  # comments assigned to this topic
    taxonomy_codes: tuple[str, ...]  # known issues whose terms are among the top lemmas


@dataclass(frozen=True, slots=True)
class TopicModel:
    topics: tuple[DiscoveredTopic, ...]
    assignments: tuple[int | None, ...]  # per comment: its topic index, or None

    def comments_of(self, index: int) -> list[int]:
        """Positions of the comments assigned to topic `index`."""
        return [i for i, a in enumerate(self.assignments) if a == index]


def discover_topics(
    comments: Sequence[str],
    n_topics: int = 8,
    *,
    top_terms: int = 8,
    min_df: int = 2,
    max_df: float = 0.9,
    random_state: int = 0,
    taxonomy: Taxonomy | None = None,
) -> TopicModel:
    """Find up to `n_topics` topics in `comments` (fewer when there are fewer comments or terms)."""
    if n_topics < 1 or top_terms < 1:
        raise ValueError("n_topics and top_terms must be at least 1")
    if len(comments) < 2:
        raise ValueError(f"topic discovery needs at least 2 comments, got {len(comments)}")
    vectorizer = TfidfVectorizer(analyzer=content_lemmas, min_df=min_df, max_df=max_df, sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(comments)
    except ValueError:
        raise ValueError(
            f"no term occurs in at least {min_df} comments (and at most {max_df:.0%} of them); "
            "lower min_df or give more comments"
        ) from None
    vocabulary = vectorizer.get_feature_names_out()
    k = min(n_topics, matrix.shape[0], matrix.shape[1])
    model = NMF(n_components=k, init="nndsvda", random_state=random_state, max_iter=500)
    doc_topic = model.fit_transform(matrix)
    has_terms = np.asarray(matrix.sum(axis=1)).ravel() > 0
    best = doc_topic.argmax(axis=1)
    assignments = tuple(int(t) if ok and doc_topic[i, t] > 0 else None
                        for i, (t, ok) in enumerate(zip(best, has_terms, strict=True)))
    display = surface_forms(comments)
    known = taxonomy or default_taxonomy()
    topics = []
    for index, row in enumerate(model.components_):
        order = [j for j in np.argsort(-row, kind="stable")[:top_terms] if row[j] > 0]
        top_lemmas = tuple(str(vocabulary[j]) for j in order)
        codes = tuple(
            t.code for t in known.topics
            if any(len(lem) == 1 and lem[0] in top_lemmas for _, lem in t.term_lemmas)
        )
        topics.append(DiscoveredTopic(
            index=index,
            terms=tuple(display.get(lem, lem) for lem in top_lemmas),
            lemmas=top_lemmas,
            weights=tuple(float(row[j]) for j in order),
            size=sum(1 for a in assignments if a == index),
            taxonomy_codes=codes,
        ))
    return TopicModel(topics=tuple(topics), assignments=assignments)
