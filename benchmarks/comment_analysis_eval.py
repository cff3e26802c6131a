"""Measure the comment analysis on the labelled comments: precision, recall and F1 per sentiment label and per
known topic, with the sentiment confusion matrix, for one split of src/govcx/feedback/text/labelled_comments.tsv
(the held-out part by default); or cross-validate the sentiment model over its training parts, one part left out at a
time.

Run:  uv run python benchmarks/comment_analysis_eval.py [--split held-out-8] [--errors] [--rules] [--compare]
      uv run python benchmarks/comment_analysis_eval.py --cross-validate [--also-train dev-11,dev-12]

--compare also scores the split with a model trained only on the training parts of the previous round
(EARLIER_TRAINING_SPLITS), so the gain of the added comments shows apart from that of the rules.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from govcx.feedback.text.evaluation import (
    SENTIMENT_LABELS,
    LabelledComment,
    confusion,
    load_labelled,
    macro_f1,
    sentiment_scores,
    topic_scores,
)
from govcx.feedback.text.sentiment import sentiment
from govcx.feedback.text.sentiment_model import HELD_OUT, LABELLED, TRAINING_SPLITS, fit, sentiments
from govcx.feedback.text.taxonomy import classify, topic_codes

EARLIER_TRAINING_SPLITS = ("dev", "dev-2", "dev-3", "held-out", "held-out-2", "held-out-3", "dev-4", "dev-5",
                           "held-out-4", "held-out-5", "dev-6", "dev-7", "dev-8", "dev-9", "dev-10", "held-out-6",
                           "dev-11", "dev-12", "dev-13", "dev-14", "dev-15", "dev-16", "dev-17")


def print_sentiment(comments: Sequence[LabelledComment], label_of: Callable[[str], str]) -> None:
    scores = sentiment_scores(comments, label_of)
    print("| sentiment | comments | precision | recall | F1 |\n|---|---|---|---|---|")
    for s in scores:
        print(f"| {s.label} | {s.support} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |")
    print(f"macro-F1 {macro_f1(scores):.3f}\n")
    print("| labelled \\ predicted | " + " | ".join(SENTIMENT_LABELS) + " |\n|---|---:|---:|---:|")
    for given, row in confusion(comments, label_of).items():
        print(f"| {given} | " + " | ".join(str(row[p]) for p in SENTIMENT_LABELS) + " |")
    print()
    for lang in ("ru", "en"):
        part = [c for c in comments if c.lang == lang]
        print(f"macro-F1 {lang} ({len(part)}): {macro_f1(sentiment_scores(part, label_of)):.3f}")
    print()


def cross_validate(also_train: Sequence[str] = ()) -> None:
    """Each training part predicted by a model fitted on the other parts (and on `also_train`, parts that are never
    left out); the rules alone for comparison; then every part's predictions pooled."""
    print("| left out | comments | rules macro-F1 | model macro-F1 |\n|---|---|---|---|")
    pooled: dict[str, str] = {}
    for part in TRAINING_SPLITS:
        train = load_labelled(LABELLED, splits=[p for p in TRAINING_SPLITS if p != part] + list(also_train))
        test = load_labelled(LABELLED, splits=[part])
        fitted = fit([c.text for c in train], [c.sentiment for c in train])
        labels = dict(zip([c.text for c in test], [f.label for f in fitted.predict([c.text for c in test])],
                          strict=True))
        pooled.update(labels)
        rules = macro_f1(sentiment_scores(test, lambda text: sentiment(text).label))
        learnt = macro_f1(sentiment_scores(test, labels.__getitem__))
        print(f"| {part} | {len(test)} | {rules:.3f} | {learnt:.3f} |")
    print("\nAll parts, each predicted by the model that did not train on it:\n")
    print_sentiment(load_labelled(LABELLED, splits=TRAINING_SPLITS), pooled.__getitem__)


def report(comments: list[LabelledComment], label_of: Callable[[str], str], errors: bool) -> None:
    print_sentiment(comments, label_of)
    print("| topic | comments | precision | recall | F1 | sentiment macro-F1 |\n|---|---|---|---|---|---|")
    scores = topic_scores(comments, lambda text: [m.code for m in classify(text)], topic_codes())
    for s in scores:
        about = [c for c in comments if s.label in c.topics]
        feeling = macro_f1(sentiment_scores(about, label_of))
        print(f"| {s.label} | {s.support} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} | {feeling:.2f} |")
    found = sum(s.true_positives for s in scores)
    labelled, claimed = sum(s.support for s in scores), found + sum(s.false_positives for s in scores)
    print(f"\nAll topics: recall {found / labelled:.3f} ({found} of {labelled}), "
          f"precision {found / claimed if claimed else 0.0:.3f}")
    if errors:
        for c in comments:
            if label_of(c.text) != c.sentiment:
                print(f"{c.sentiment:>8} → {label_of(c.text):<8} {c.text}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default=HELD_OUT, help="comma-separated splits of the labelled comments")
    parser.add_argument("--errors", action="store_true", help="also print the comments labelled wrongly")
    parser.add_argument("--rules", action="store_true", help="measure the lexicon rules alone")
    parser.add_argument("--compare", action="store_true",
                        help="also the rules alone and a model trained on the previous round's training parts")
    parser.add_argument("--cross-validate", action="store_true", help="leave-one-part-out over the training parts")
    parser.add_argument("--also-train", default="",
                        help="with --cross-validate: comma-separated parts added to the training of every fold")
    args = parser.parse_args()
    if args.cross_validate:
        cross_validate([p for p in args.also_train.split(",") if p])
        return
    comments = load_labelled(LABELLED, splits=args.split.split(","))
    print(f"{len(comments)} comments ({args.split}): "
          f"{sum(c.lang == 'ru' for c in comments)} Russian, {sum(c.lang == 'en' for c in comments)} English")
    if args.rules:
        report(comments, lambda text: sentiment(text).label, args.errors)
        return
    texts = [c.text for c in comments]
    if args.compare:
        print("\n## The lexicon rules alone\n")
        print_sentiment(comments, lambda text: sentiment(text).label)
        earlier = load_labelled(LABELLED, splits=EARLIER_TRAINING_SPLITS)
        fitted = fit([c.text for c in earlier], [c.sentiment for c in earlier])
        labels = dict(zip(texts, [f.label for f in fitted.predict(texts)], strict=True))
        print(f"## The model trained on the previous round's parts ({', '.join(EARLIER_TRAINING_SPLITS)})\n")
        print_sentiment(comments, labels.__getitem__)
        print(f"## The model as shipped (trained on {', '.join(TRAINING_SPLITS)})\n")
    sentiments(["warm up"])
    started = time.perf_counter()
    found = sentiments(texts)
    print(f"scored in {time.perf_counter() - started:.2f} s\n")
    labels = dict(zip(texts, [f.label for f in found], strict=True))
    report(comments, labels.__getitem__, args.errors)


if __name__ == "__main__":
    main()
