"""The sentiment model is fitted once and stored: a second process loads it from the cache folder instead of
fitting it again, and the cache key changes when the training comments or the feature code change."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from govcx.feedback.text import sentiment_model
from govcx.feedback.text.sentiment_model import SentimentModel, cache_key, model

pytestmark = pytest.mark.one_database

TEXTS = ["Простояла в очереди три часа", "Всё сделали за день, спасибо", "Where do I pay the fee?"]

# Run in a fresh interpreter: fitting is made to fail, so the model can only come from the stored file.
SECOND_PROCESS = """
import json, sys, time
from pathlib import Path
from govcx.feedback.text import sentiment_model

def refuse(*args, **kwargs):
    raise AssertionError("the second process fitted the model instead of loading it")

sentiment_model.fit = refuse
import sklearn.linear_model  # noqa: F401  (imported by the warm-up anyway; not part of loading the model)
started = time.process_time()
loaded = sentiment_model.model(Path(sys.argv[1]))
seconds = time.process_time() - started
print(json.dumps({"seconds": seconds, "labels": [f.label for f in loaded.predict(json.loads(sys.argv[2]))]}))
"""


def test_a_second_process_loads_the_stored_model_instead_of_fitting(tmp_path):
    fitted = model(tmp_path)
    stored = list(tmp_path.glob("sentiment-*.pickle"))
    assert [p.name for p in stored] == [f"sentiment-{sentiment_model._training_key()}.pickle"]
    run = subprocess.run([sys.executable, "-c", SECOND_PROCESS, str(tmp_path), json.dumps(TEXTS)],
                         capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 0, run.stderr
    second = json.loads(run.stdout)
    assert second["labels"] == [f.label for f in fitted.predict(TEXTS)]
    assert second["seconds"] < 1.0  # CPU time of the load; a fit takes seconds
    assert list(tmp_path.glob("sentiment-*.pickle")) == stored  # nothing fitted or written again


def test_the_key_changes_with_the_training_comments_their_labels_and_the_code(monkeypatch, tmp_path):
    texts, labels = ["Быстро и вежливо", "Очередь на три часа"], ["positive", "negative"]
    key = cache_key(texts, labels)
    assert cache_key(texts, labels) == key
    assert cache_key([*texts, "Where is the office?"], [*labels, "neutral"]) != key
    assert cache_key(texts, ["positive", "neutral"]) != key
    code = tmp_path / "sentiment_model.py"
    code.write_text("# changed feature code\n", encoding="utf-8")
    for name in sentiment_model.FEATURE_CODE:
        if name != "sentiment_model.py":
            (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / name).write_bytes((sentiment_model._HERE / name).read_bytes())
    monkeypatch.setattr(sentiment_model, "_HERE", tmp_path)
    assert cache_key(texts, labels) != key


def test_an_unreadable_stored_model_is_ignored_and_stale_ones_are_removed(tmp_path):
    broken = tmp_path / "sentiment-0.pickle"
    broken.write_bytes(b"not a pickle")
    assert sentiment_model._load(broken) is None
    assert sentiment_model._load(tmp_path / "missing.pickle") is None
    fitted = model()
    sentiment_model._store(tmp_path, "1", fitted)
    assert [p.name for p in tmp_path.iterdir()] == ["sentiment-1.pickle"]
    assert isinstance(sentiment_model._load(tmp_path / "sentiment-1.pickle"), SentimentModel)
