"""New comments' sentence vectors are computed by the worker's job "feedback.embed" and kept where every process
finds them (govcx.feedback.text.vector_store), so the comments page reads them instead of running the model."""

from __future__ import annotations

import datetime as dt
import multiprocessing

import numpy as np
import pytest
from django.utils import timezone

from govcx.common.kept import Kept
from govcx.feedback import services as feedback
from govcx.feedback.models import SurveyStatus
from govcx.feedback.selectors import public_surveys
from govcx.feedback.text import analysis, embedding, sentiment_model
from govcx.feedback.text.analysis import sentiment_model_dir, sentiments
from govcx.feedback.text.embedding import embed, embed_missing, text_key
from govcx.feedback.text.sentiment_model import vector_shelf
from govcx.feedback.text.vector_store import VectorStore
from govcx.jobs.models import JobState
from govcx.jobs.services import job_enqueue

COMMENTS = ["Талон взяла у входа, к окну позвали минут через семь",
            "The letter asked for a form the website does not have",
            "Оплата пошлины прошла, а в кабинете висит как неоплаченная"]


def refuse_the_engine():
    raise AssertionError("the engine ran for a vector that was kept")


def forget_this_process(monkeypatch):
    """As a new process: nothing kept in memory, and the engine must not be needed."""
    monkeypatch.setattr(embedding, "_vectors", Kept(100))
    monkeypatch.setattr(embedding, "_loaded", refuse_the_engine)


def test_a_shelf_keeps_vectors_for_another_process_and_never_overwrites_one(tmp_path):
    shelf = VectorStore(tmp_path / "vectors.sqlite3")
    assert shelf.get_many([b"x" * 16]) == {} and shelf.held([b"x" * 16]) == set()
    first = np.linspace(-0.1, 0.1, embedding.DIMENSIONS, dtype=np.float32)
    shelf.put_many({b"a" * 16: first})
    shelf.put_many({b"a" * 16: -first, b"b" * 16: first})
    other = VectorStore(tmp_path / "vectors.sqlite3")
    found = other.get_many([b"a" * 16, b"b" * 16, b"c" * 16])
    assert set(found) == {b"a" * 16, b"b" * 16}
    assert np.allclose(found[b"a" * 16], first, atol=1e-3)
    assert other.held([b"b" * 16, b"c" * 16]) == {b"b" * 16}
    assert other.retain([b"b" * 16, b"z" * 16]) == 1
    assert shelf.held([b"a" * 16, b"b" * 16]) == {b"b" * 16}
    assert VectorStore(tmp_path / "none.sqlite3").retain([]) == 0


def test_vectors_computed_for_a_page_are_kept_on_the_shelf_for_the_next_process(tmp_path, monkeypatch):
    shelf = VectorStore(tmp_path / "vectors.sqlite3")
    texts = [f"{text} ({tmp_path.name})" for text in COMMENTS]  # never embedded by this process before
    computed = embed(texts, shelf=shelf)
    forget_this_process(monkeypatch)
    assert np.allclose(embed(texts, shelf=shelf), computed, atol=2e-3)


def test_embedding_what_is_missing_computes_each_text_once_and_tells_its_progress(tmp_path):
    shelf = VectorStore(tmp_path / "vectors.sqlite3")
    texts = [f"{text} ({tmp_path.name})" for text in COMMENTS] * 2
    told = []
    assert embed_missing(texts, shelf, lambda done, of: told.append((done, of))) == 3
    assert told == [(3, 3)]
    assert shelf.held(map(text_key, texts)) == {text_key(text) for text in texts}
    assert embed_missing(texts, shelf) == 0


def _embed_in_child(queue):
    queue.put(embed(["Ответ пришёл в дочернем процессе"]).shape)


def test_a_process_forked_after_embedding_can_embed():
    """The engine runs on one thread: an OpenMP runtime that had started threads would hang in a forked child."""
    embed(["Ответ пришёл в родительском процессе"])
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_embed_in_child, args=(queue,))
    child.start()
    child.join(60)
    assert child.exitcode == 0
    assert queue.get(timeout=5) == (1, embedding.DIMENSIONS)


@pytest.mark.django_db
def test_the_worker_embeds_new_comments_and_the_page_analysis_then_reads_them(services, users, settings, tmp_path,
                                                                              monkeypatch):
    settings.VAR_DIR = tmp_path
    survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=users["admin"])
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=users["admin"],
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    public_surveys.forget()
    texts = [f"{text} ({tmp_path.name})" for text in COMMENTS]
    for number, text in enumerate(texts):
        feedback.response_submit(survey=survey, submission=feedback.Submission(
            idempotency_key=f"vector-{number:04d}", answers={"overall": 3, "comment": text},
            submitted_at=timezone.now() - dt.timedelta(hours=1), elapsed_seconds=60))

    job = job_enqueue(kind="feedback.embed", actor=None, organisation=None)
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.result == {"embedded": 3}
    assert vector_shelf(sentiment_model_dir()).held(map(text_key, texts)) == set(map(text_key, texts))
    again = job_enqueue(kind="feedback.embed", actor=None, organisation=None)
    again.refresh_from_db()
    assert again.result == {"embedded": 0}

    labels = [found.label for found in sentiment_model.model(sentiment_model_dir()).predict(texts)]
    forget_this_process(monkeypatch)  # a page in another process: the vectors come from the shelf, not the engine
    monkeypatch.setattr(analysis, "_sentiment_of_text", Kept(100))
    assert [found.label for found in sentiments(texts)] == labels

    shelf = vector_shelf(sentiment_model_dir())
    shelf.put_many({text_key("a comment since deleted"): np.zeros(embedding.DIMENSIONS, dtype=np.float32)})
    nightly = job_enqueue(kind="feedback.compact", actor=None, organisation=None)
    nightly.refresh_from_db()
    assert nightly.state == JobState.SUCCEEDED and nightly.result["vectors_forgotten"] == 1
    assert shelf.held(map(text_key, [*texts, "a comment since deleted"])) == set(map(text_key, texts))
