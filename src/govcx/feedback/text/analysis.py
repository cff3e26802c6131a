"""What citizens write: comments of a service (or of every service in scope) by known issue, by discovered
topic, and by sentiment. Comments were masked for personal data when they arrived."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language

from govcx.common.kept import MISSING, Kept
from govcx.feedback.models import Response
from govcx.feedback.selectors import response_list
from govcx.feedback.text import embedding, sentiment_model, taxonomy
from govcx.standards.models import StandardPack

MAX_COMMENTS = 2000  # analysed in the request; beyond this, the newest comments are analysed
# The newest comments whose vectors the background job keeps ready: enough for the newest MAX_COMMENTS of any scope
# that has had comments lately.
EMBEDDED_AHEAD = 20_000
# The newest comments whose vectors the nightly compaction keeps; older ones are embedded again if a page asks.
VECTORS_KEPT = 200_000
#: How many comments' known topics and sentiment, and how many comment sets' discovered topics, a process keeps.
KEPT_COMMENTS = 50_000
KEPT_TOPIC_MODELS = 32

# Each comment's analysis depends only on its text (the taxonomy and the sentiment model are fixed for the life
# of a process), and the discovered topics only on the texts analysed together: both are computed once per
# process instead of on every request (about a second of CPU for 2,000 comments). The comments themselves are
# read from the database on every request, so a new or deleted comment shows at once.
_topics_of_text = Kept(KEPT_COMMENTS)
_sentiment_of_text = Kept(KEPT_COMMENTS)
_topic_models = Kept(KEPT_TOPIC_MODELS)
# One analysis of new comments at a time: requests arriving together at a fresh worker wait for the first one
# instead of each analysing the same comments (the work holds the GIL, so running them together gains nothing).
_analysing = threading.Lock()


@dataclass
class CommentAnalysis:
    total: int
    analysed: int
    known: list[dict[str, Any]] = field(default_factory=list)
    discovered: list[dict[str, Any]] = field(default_factory=list)
    sentiment: dict[str, int] = field(default_factory=dict)
    comments: list[dict[str, Any]] = field(default_factory=list)  # those matching the selected topic (or the latest)


def sentiment_model_dir() -> Path:
    """Where the fitted sentiment model is stored between processes (see sentiment_model.model)."""
    return Path(settings.VAR_DIR) / "models"


def commented(user: Any, *, service_id: int | None, since: dt.date | None) -> QuerySet[Response]:
    queryset = response_list(user=user).filter(is_spam=False).exclude(comment="")
    if service_id:
        queryset = queryset.filter(service_id=service_id)
    if since:
        queryset = queryset.filter(submitted_at__date__gte=since)
    return queryset


def _requirement_titles(language: str) -> dict[tuple[str, str], str]:
    """(pack id, requirement id) → the requirement's title in `language`, from the newest loaded version of each
    pack, so a topic names the requirements it bears on instead of their ids."""
    titles: dict[tuple[str, str], str] = {}
    for pack in StandardPack.objects.order_by("pack_id", "effective_from").defer("content"):  # see .parsed
        for requirement in pack.parsed.requirements():
            title = getattr(requirement.title, language, None) or requirement.title.en
            titles[(pack.pack_id, requirement.id)] = title
    return titles


def _per_text(memo: Kept, texts: list[str], compute: Callable[[list[str]], list[Any]]) -> list[Any]:
    """Each text's value from `memo`, computing (in one call) those this process has not analysed yet."""
    found = memo.get_many(texts)
    if len(found) < len(set(texts)):
        with _analysing:
            found.update(memo.get_many(text for text in texts if text not in found))
            missing = list(dict.fromkeys(text for text in texts if text not in found))
            computed = dict(zip(missing, compute(missing), strict=True))
            memo.put_many(computed)
            found.update(computed)
    return [found[text] for text in texts]


def known_topics(texts: list[str]) -> list[list[taxonomy.TopicMatch]]:
    """The taxonomy's topics found in each text."""
    known = taxonomy.default_taxonomy()
    return _per_text(_topics_of_text, texts, lambda missing: [known.classify(text) for text in missing])


def sentiments(texts: list[str]) -> list[Any]:
    """The sentiment of each text (govcx.feedback.text.sentiment_model)."""
    return _per_text(_sentiment_of_text, texts,
                     lambda missing: sentiment_model.sentiments(missing, cache_dir=sentiment_model_dir()))


def embed_new_comments(progress: Callable[[int, int], None] | None = None) -> int:
    """Computes the vectors of the newest comments that have none yet and keeps them where every process finds them
    (the job "feedback.embed" of `govcx worker`), so a page seldom pays 15–25 ms of CPU a comment; how many."""
    texts = list(Response.objects.filter(is_spam=False).exclude(comment="")
                 .order_by("-submitted_at", "-id").values_list("comment", flat=True)[:EMBEDDED_AHEAD])
    return embedding.embed_missing(texts, sentiment_model.vector_shelf(sentiment_model_dir()), progress)


def prune_comment_vectors() -> int:
    """Forgets the vectors of all but the newest VECTORS_KEPT comments (nightly, with the analytics store's
    compaction); how many were forgotten."""
    texts = (Response.objects.filter(is_spam=False).exclude(comment="")
             .order_by("-submitted_at", "-id").values_list("comment", flat=True)[:VECTORS_KEPT])
    return sentiment_model.vector_shelf(sentiment_model_dir()).retain(embedding.text_key(text) for text in texts)


def _discovered(texts: list[str], n_topics: int, known: taxonomy.Taxonomy) -> Any:
    """The topic model of these texts (None when they have too few distinct words), once per set of texts."""
    key = hashlib.sha256("\x00".join([str(n_topics), *texts]).encode()).digest()
    model = _topic_models.get(key)
    if model is not MISSING:
        return model
    from govcx.feedback.text import topics  # scikit-learn takes seconds to import: only when needed

    with _analysing:
        model = _topic_models.get(key)
        if model is not MISSING:
            return model
        try:
            model = topics.discover_topics(texts, n_topics=n_topics, taxonomy=known)
        except ValueError:  # too few distinct words to factorise
            model = None
        _topic_models.put(key, model)
    return model


def analyse(user: Any, *, service_id: int | None = None, since: dt.date | None = None, topic: str = "",
            sentiment: str = "", n_topics: int = 6) -> CommentAnalysis:
    queryset = commented(user, service_id=service_id, since=since)
    # the texts of all analysed comments, the rest only of those shown (reading 2,000 dates costs milliseconds)
    rows = list(queryset.order_by("-submitted_at", "-id").values_list("id", "comment")[:MAX_COMMENTS])
    result = CommentAnalysis(total=queryset.count(), analysed=len(rows))
    if not rows:
        return result
    texts = [text for _, text in rows]
    known_taxonomy = taxonomy.default_taxonomy()
    language = (get_language() or "en")[:2]
    matches, feelings = known_topics(texts), sentiments(texts)
    counts = Counter(m.code for found in matches for m in found)
    titles = {t.code: t.title.get(language) or t.title.get("en", t.code) for t in known_taxonomy.topics}
    requirement_names = _requirement_titles(language)
    for code, count in counts.most_common():
        entry = known_taxonomy.topic(code)
        result.known.append({
            "code": code, "count": count, "title": titles[code],
            # two packs may name a requirement alike: each name once
            "requirements": list(dict.fromkeys(requirement_names.get((r.pack, r.requirement), r.requirement)
                                               for r in entry.requirements)),
        })
    result.sentiment = dict(Counter(f.label for f in feelings))
    if len(texts) >= 2 * n_topics:
        model = _discovered(texts, n_topics, known_taxonomy)
        if model is not None:
            result.discovered = [{"index": t.index, "terms": t.terms, "size": t.size,
                                  "known": [titles.get(c, c) for c in t.taxonomy_codes]}
                                 for t in model.topics if t.size]
    shown: set[str] = set()
    for (response_id, text), found, feeling in zip(rows, matches, feelings, strict=True):
        if (topic and topic not in {m.code for m in found}) or (sentiment and feeling.label != sentiment):
            continue
        same_text = " ".join(text.casefold().split())
        if same_text in shown:  # the same words from several people are shown once, as one example
            continue
        shown.add(same_text)
        result.comments.append({"id": response_id, "comment": text,
                                "topics": [titles.get(m.code, m.code) for m in found], "sentiment": feeling.label})
        if len(result.comments) >= 100:
            break
    details = {row["id"]: row for row in queryset.filter(id__in=[c["id"] for c in result.comments])
               .values("id", "service_id", "submitted_at")}
    # a comment deleted in between is left out, as it would be on the next page
    result.comments = [{**comment, **details[comment["id"]]} for comment in result.comments if comment["id"] in details]
    return result
