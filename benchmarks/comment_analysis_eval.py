"""Measure the comment analysis on the labelled comments: precision, recall and F1 per sentiment label and per
known topic, for one split of tests/feedback/data/comments_eval.tsv (held-out by default).

Run:  uv run python benchmarks/comment_analysis_eval.py [--split held-out] [--errors]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from govcx.feedback.text.evaluation import load_labelled, macro_f1, sentiment_scores, topic_scores
from govcx.feedback.text.sentiment import sentiment
from govcx.feedback.text.taxonomy import classify, topic_codes

DATA = Path(__file__).resolve().parent.parent / "tests" / "feedback" / "data" / "comments_eval.tsv"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="held-out", help="comma-separated splits (dev, dev-2, dev-3, held-out)")
    parser.add_argument("--errors", action="store_true", help="also print the comments labelled wrongly")
    args = parser.parse_args()
    comments = load_labelled(DATA, splits=args.split.split(","))
    print(f"{len(comments)} comments ({args.split}): "
          f"{sum(c.lang == 'ru' for c in comments)} Russian, {sum(c.lang == 'en' for c in comments)} English")
    scores = sentiment_scores(comments, lambda text: sentiment(text).label)
    print("| sentiment | comments | precision | recall | F1 |\n|---|---|---|---|---|")
    for s in scores:
        print(f"| {s.label} | {s.support} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |")
    print(f"macro-F1 {macro_f1(scores):.3f}\n")
    print("| topic | comments | precision | recall | F1 |\n|---|---|---|---|---|")
    for s in topic_scores(comments, lambda text: [m.code for m in classify(text)], topic_codes()):
        print(f"| {s.label} | {s.support} | {s.precision:.2f} | {s.recall:.2f} | {s.f1:.2f} |")
    if args.errors:
        for c in comments:
            found = sentiment(c.text)
            if found.label != c.sentiment:
                print(f"{c.sentiment:>8} → {found.label:<8} {found.score:+.2f}  {c.text}")


if __name__ == "__main__":
    main()
