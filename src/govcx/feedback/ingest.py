"""Accepting single public responses at volume: group commit.

Every response is answered 201 only after its row is committed, and with the operational database's default
durability each commit waits for the write-ahead log to reach the disk. One transaction per response makes that
flush the ceiling (and the rate limit's bucket, a single hot row, serialises the requests behind it). So a
process sends its concurrent single responses through one committer thread: the request threads validate, mask
and score their responses themselves, queue them, and wait; the committer takes everything queued, takes the
rate-limit allowances (`throttle.consume_many`, same GCRA arithmetic as one by one), stores the new responses
and settles replays in ONE transaction, commits, and only then wakes the waiting requests with their outcome.
The next group gathers while a commit is in flight, so groups grow with the load and no request is delayed on
purpose when the server is idle.

Should the group's transaction fail (a key stored concurrently by another process, a deadlock), every response
of the group is settled again on its own, as `response_submit` would: nothing is lost and nothing is stored
twice (the unique key decides). GOVCX_FEEDBACK_GROUP_COMMIT=0 stores each response in the request's own thread
(the same code, in groups of one); tests run that way unless they test the committer itself.
"""

from __future__ import annotations

import datetime as dt
import os
import queue
import threading
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone

from govcx import throttle
from govcx.common.rows import insert_objects
from govcx.errors import DomainError
from govcx.feedback.models import Response, Survey, SurveyVersion
from govcx.feedback.services import (
    Accepted,
    PreparedResponse,
    Submission,
    accepting,
    prepare_submission,
    response_row,
    response_settle_stored,
    response_store_prepared,
)

#: A bound on one transaction's size; under load a group is as large as what arrived during the previous commit.
MAX_GROUP = 256


def _held_lock() -> threading.Lock:
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass(eq=False)
class _Waiting:
    survey: Survey
    prepared: PreparedResponse
    row: Response  # what is stored if the key is new, made in the request's thread (the committer's is the busy one)
    allowance: throttle.Allowance | None
    # held until the outcome is set: the request waits by acquiring it, the committer releases it (a bare lock is
    # the cheapest wake-up there is; an Event's condition variable is Python code on both sides)
    done: threading.Lock = field(default_factory=_held_lock)
    outcome: Accepted | BaseException | None = None


def response_submit_grouped(
    *, survey: Survey, submission: Submission, current: SurveyVersion, allowance: throttle.Allowance | None
) -> Accepted:
    """`response_submit` plus the caller's rate-limit allowance, committed together with the other responses
    that this process is accepting at the same moment. Raises RateLimited, Conflict or Invalid as they would."""
    accepting(survey=survey)
    prepared = prepare_submission(survey, {None: current}, submission)
    waiting = _Waiting(survey, prepared, response_row(survey, prepared, timezone.now()), allowance)
    if settings.FEEDBACK_GROUP_COMMIT:
        committer.submit(waiting)
    else:
        _settle([waiting])
    if isinstance(waiting.outcome, BaseException):
        raise waiting.outcome
    assert waiting.outcome is not None
    return waiting.outcome


class _Committer:
    """One per process, its thread started by the first response (after gunicorn forks its workers)."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._queue: queue.SimpleQueue[_Waiting] = queue.SimpleQueue()
        self._pid: int | None = None

    def submit(self, waiting: _Waiting) -> None:
        if self._pid != os.getpid():
            self._start()
        self._queue.put(waiting)
        waiting.done.acquire()

    def _start(self) -> None:
        with self._guard:
            if self._pid == os.getpid():
                return
            self._queue = queue.SimpleQueue()
            threading.Thread(target=self._run, args=(self._queue,), name="govcx-group-commit", daemon=True).start()
            self._pid = os.getpid()

    @staticmethod
    def _run(waiting: queue.SimpleQueue[_Waiting]) -> None:
        while True:
            group = [waiting.get()]
            while len(group) < MAX_GROUP:
                try:
                    group.append(waiting.get_nowait())
                except queue.Empty:
                    break
            close_old_connections()  # what Django does per request: this thread's connection, kept for CONN_MAX_AGE
            _settle(group)


committer = _Committer()


def _settle(group: list[_Waiting]) -> None:
    """Give every waiting response its outcome and wake it, whatever happens."""
    try:
        try:
            with transaction.atomic():
                outcomes = _store_group(group, timezone.now())
        except DatabaseError:
            outcomes = {item: _store_alone(item) for item in group}
        for item, outcome in outcomes.items():
            item.outcome = outcome
    except BaseException as unexpected:  # the requests answer 500; the committer goes on
        for item in group:
            item.outcome = item.outcome or unexpected
    finally:
        for item in group:
            item.done.release()


def _store_group(group: list[_Waiting], now: dt.datetime) -> dict[_Waiting, Accepted | BaseException]:
    """Inside one transaction: allowances, replays, new rows. The outcomes count only once it commits (an
    exception rolls it back and leaves the fallback to settle each response alone)."""
    limited = [(item, item.allowance) for item in group if item.allowance is not None]
    taken = throttle.consume_many([allowance for _, allowance in limited])
    refusals = dict(zip([item for item, _ in limited], taken, strict=True))
    outcomes: dict[_Waiting, Accepted | BaseException] = {}
    candidates = []
    for item in group:
        refusal = refusals.get(item)
        if refusal is not None:
            outcomes[item] = refusal
        else:
            candidates.append(item)
    keys_by_survey: dict[int, list[str]] = {}
    for item in candidates:
        keys_by_survey.setdefault(item.survey.pk, []).append(item.prepared.submission.idempotency_key.strip())
    stored = _already_stored(keys_by_survey)
    first: dict[tuple[int, str], _Waiting] = {}
    fresh: list[_Waiting] = []
    repeated: list[tuple[_Waiting, _Waiting]] = []
    for item in candidates:
        key = (item.survey.pk, item.prepared.submission.idempotency_key.strip())
        if key in stored:
            outcomes[item] = response_settle_stored(stored[key], item.prepared, now)
        elif key in first:
            repeated.append((item, first[key]))
        else:
            first[key] = item
            fresh.append(item)
    # plain multi-row INSERTs (common.rows): the ORM's bulk_create was most of the committer's CPU
    insert_objects([item.row for item in fresh])
    answers = []
    for item in fresh:
        outcomes[item] = Accepted(item.row, created=True)
        for answer in item.prepared.answers:
            answer.response = item.row
            answers.append(answer)
    insert_objects(answers, set_pks=False)
    for item, earlier in repeated:
        accepted = outcomes[earlier]
        assert isinstance(accepted, Accepted)
        outcomes[item] = response_settle_stored(accepted.response, item.prepared, now)
    return outcomes


def _already_stored(keys_by_survey: dict[int, list[str]]) -> dict[tuple[int, str], Response]:
    """The stored responses among these keys; a plain query, since under load almost every key is new."""
    found: list[int] = []
    with connection.cursor() as cursor:
        for survey_id, keys in keys_by_survey.items():
            marks = ", ".join(["%s"] * len(keys))
            cursor.execute(f"SELECT id FROM {Response._meta.db_table} WHERE survey_id = %s "
                           f"AND idempotency_key IN ({marks})", [survey_id, *keys])
            found += [row[0] for row in cursor.fetchall()]
    if not found:
        return {}
    return {(row.survey_id, row.idempotency_key): row for row in Response.objects.filter(pk__in=found)}


def _store_alone(item: _Waiting) -> Accepted | BaseException:
    try:
        if item.allowance is not None:
            allowance = item.allowance
            throttle.consume(allowance.scope, allowance.key, limit=allowance.limit,
                             window_seconds=allowance.window_seconds, cost=allowance.cost)
        return response_store_prepared(item.survey, item.prepared, timezone.now())
    except (DomainError, DatabaseError) as error:
        return error
