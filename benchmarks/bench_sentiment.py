"""CPU per new comment of the comment sentiment: the rules and the words model, the sentence vector (the engine),
and the whole prediction; and the vectors kept on the shelf read back. New comments are the held-out part's texts
made unseen by a number at their end, so no vector of them is kept or stored.

Run:  uv run python benchmarks/bench_sentiment.py [--comments 420]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from govcx.feedback.text import embedding
from govcx.feedback.text.evaluation import load_labelled
from govcx.feedback.text.sentiment import sentiment
from govcx.feedback.text.sentiment_model import HELD_OUT, LABELLED, model, vector_shelf


def per_comment(seconds: float, count: int) -> str:
    return f"{seconds / count * 1000:.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=420)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    fitted = model()
    held_out = [c.text for c in load_labelled(LABELLED, splits=[HELD_OUT])]
    texts = [f"{held_out[i % len(held_out)]} {i}" for i in range(args.comments)]
    embedding.embed(["warm the engine"])

    started = time.process_time()
    fitted.classifier.predict_proba(fitted.features(texts, [sentiment(text) for text in texts]))
    words = time.process_time() - started
    with tempfile.TemporaryDirectory() as folder:
        shelf = vector_shelf(Path(folder))
        started = time.process_time()
        embedding.embed(texts, shelf=shelf)
        vectors = time.process_time() - started
        started = time.process_time()
        shelf.get_many(embedding.text_key(text) for text in texts)
        read_back = time.process_time() - started
    again = [f"{text} again" for text in texts]
    started = time.process_time()
    fitted.predict(again)
    whole = time.process_time() - started
    print(f"{len(texts)} new comments, CPU per comment:")
    print(f"  rules and words model: {per_comment(words, len(texts))}")
    print(f"  sentence vector (engine, one thread): {per_comment(vectors, len(texts))}")
    print(f"  whole prediction of a new comment: {per_comment(whole, len(texts))}")
    print(f"  a kept vector read from the shelf: {per_comment(read_back, len(texts))}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
