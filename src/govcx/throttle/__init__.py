"""The one rate limiter: survey submissions, complaints, participants' personal links, integrators' tokens.

Every limit is a token bucket in the generic cell rate algorithm (GCRA, ITU-T I.371): a caller may send `limit`
units per `window_seconds`, all at once or spread out, and the allowance refills continuously (one unit every
window/limit seconds), so there is no window boundary at which twice the limit gets through. A bucket is one row
in the operational database (`throttle_bucket`) holding one timestamp, the theoretical arrival time (TAT); a
request is one conditional UPDATE, atomic in SQLite and PostgreSQL alike, so every server process shares the
same counts with no extra server. A request of cost n (a batch of n responses) is allowed whole or refused whole.

    allowed  ⇔  max(TAT, now) + n·T − W ≤ now        (T = W / limit, W = window_seconds)
    then TAT := max(TAT, now) + n·T;  otherwise Retry-After = max(TAT, now) + n·T − W − now

The model is declared in `govcx.throttle.models` (this package is also the Django app that owns the table).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from govcx.common.tokens import token_hash
from govcx.errors import RateLimited

BUCKET_TABLE = "throttle_bucket"
#: One call in this many also deletes full buckets (TAT in the past), which are the same as no row.
SWEEP_ONE_IN = 2000
_KEY_MAX = 255

_TAKE = (
    f"UPDATE {BUCKET_TABLE} SET tat = (CASE WHEN tat > %s THEN tat ELSE %s END) + %s WHERE key = %s AND tat <= %s"
)
_START = f"INSERT INTO {BUCKET_TABLE} (key, tat) VALUES (%s, %s) ON CONFLICT (key) DO NOTHING"
_READ = f"SELECT tat FROM {BUCKET_TABLE} WHERE key = %s"
_SWEEP = f"DELETE FROM {BUCKET_TABLE} WHERE tat < %s"


def _bucket_key(scope: str, key: str) -> str:
    full = f"{scope}:{key}"
    return full if len(full) <= _KEY_MAX else f"{scope[:100]}:sha256:{hashlib.sha256(full.encode()).hexdigest()}"


def consume(scope: str, key: str, *, limit: int, window_seconds: float = 60, cost: int = 1) -> None:
    """Take `cost` units from the bucket of `key` in `scope`, or raise RateLimited (nothing taken) with the
    whole seconds to wait before the same request would be allowed."""
    if cost < 1:
        return
    interval = window_seconds / limit
    increment = cost * interval
    if cost > limit:
        raise _too_large(cost, limit, window_seconds)
    bucket = _bucket_key(scope, key)
    with connection.cursor() as cursor:
        for _attempt in range(5):
            now = time.time()
            cursor.execute(_TAKE, [now, now, increment, bucket, now + window_seconds - increment])
            if cursor.rowcount == 1:
                break
            cursor.execute(_READ, [bucket])
            row = cursor.fetchone()
            if row is None:
                cursor.execute(_START, [bucket, now + increment])
                if cursor.rowcount == 1:
                    break
                continue  # another process started this bucket first: take from it
            _refuse_if_full(row[0], now, increment=increment, limit=limit, window_seconds=window_seconds,
                            cost=cost)
            # the row changed between the statements (another process started or swept it): take again
        else:
            raise RateLimited("the rate limit is contended; try again", retry_after_seconds=1)
        if random.randrange(SWEEP_ONE_IN) == 0:
            cursor.execute(_SWEEP, [time.time()])


def check(scope: str, key: str, *, limit: int, window_seconds: float = 60) -> None:
    """Raise RateLimited if one more unit would be refused now, taking nothing: for limits counted only on
    failures (e.g. unknown links), so that once they are used up even a success is not answered."""
    with connection.cursor() as cursor:
        cursor.execute(_READ, [_bucket_key(scope, key)])
        row = cursor.fetchone()
    if row is None:
        return
    _refuse_if_full(row[0], time.time(), increment=window_seconds / limit, limit=limit,
                    window_seconds=window_seconds)


def _refuse_if_full(tat: float, now: float, *, increment: float, limit: int, window_seconds: float,
                    cost: int | None = None) -> None:
    refusal = _refusal(tat, now, increment=increment, limit=limit, window_seconds=window_seconds, cost=cost)
    if refusal is not None:
        raise refusal


def _refusal(tat: float, now: float, *, increment: float, limit: int, window_seconds: float,
             cost: int | None = None) -> RateLimited | None:
    """GCRA: taking `increment` from a bucket whose theoretical arrival time is `tat` must leave it within the
    window; otherwise RateLimited, with the whole seconds until it would."""
    wait = max(tat, now) + increment - window_seconds - now
    if wait <= 0:
        return None
    return RateLimited(f"too many requests: at most {limit} per {window_seconds:g} s",
                       retry_after_seconds=max(1, math.ceil(wait)),
                       details=[{"limit": limit, "window_seconds": window_seconds}
                                | ({"cost": cost} if cost is not None else {})])


def _too_large(cost: int, limit: int, window_seconds: float) -> RateLimited:
    return RateLimited(
        f"too many at once: {cost} is more than the {limit} allowed per {window_seconds:g} s; send fewer",
        retry_after_seconds=math.ceil(window_seconds),
        details=[{"limit": limit, "window_seconds": window_seconds, "cost": cost}],
    )


@dataclass(frozen=True)
class Allowance:
    """What one request takes: `cost` units from the bucket of `key` in `scope` (see `consume`)."""

    scope: str
    key: str
    limit: int
    window_seconds: float = 60
    cost: int = 1


def consume_many(allowances: Sequence[Allowance]) -> list[RateLimited | None]:
    """`consume` for a group of requests inside the caller's transaction (group commit): each allowance is taken
    whole or refused whole, in order, with the same arithmetic as one by one, and the buckets' rows stay locked
    until the caller commits, so no other process takes from them in between. Returns None for each allowance
    taken and the RateLimited refusal for each one refused."""
    buckets = sorted({_bucket_key(a.scope, a.key) for a in allowances})
    if not buckets:
        return []
    marks = ", ".join(["%s"] * len(buckets))
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    with connection.cursor() as cursor:
        # A bucket with a past TAT is full: rows start that way, and inserting first takes SQLite's write lock
        # before the read, so the read-then-update below cannot be overtaken.
        cursor.execute(f"INSERT INTO {BUCKET_TABLE} (key, tat) VALUES {', '.join(['(%s, 0)'] * len(buckets))} "
                       "ON CONFLICT (key) DO NOTHING", buckets)
        cursor.execute(f"SELECT key, tat FROM {BUCKET_TABLE} WHERE key IN ({marks}) ORDER BY key{lock}", buckets)
        tats = dict(cursor.fetchall())
        now = time.time()
        outcomes: list[RateLimited | None] = []
        for allowance in allowances:
            bucket = _bucket_key(allowance.scope, allowance.key)
            if allowance.cost > allowance.limit:
                outcomes.append(_too_large(allowance.cost, allowance.limit, allowance.window_seconds))
                continue
            increment = allowance.cost * allowance.window_seconds / allowance.limit
            refusal = _refusal(tats[bucket], now, increment=increment, limit=allowance.limit,
                               window_seconds=allowance.window_seconds, cost=allowance.cost)
            if refusal is None:
                tats[bucket] = max(tats[bucket], now) + increment
            outcomes.append(refusal)
        cursor.executemany(f"UPDATE {BUCKET_TABLE} SET tat = %s WHERE key = %s",
                           [(tats[bucket], bucket) for bucket in buckets])
    return outcomes


def hit(scope: str, key: str, *, limit: int, window_seconds: float = 60) -> None:
    """Count one request of `key` in `scope` (see `consume`)."""
    consume(scope, key, limit=limit, window_seconds=window_seconds)


def client_address(request) -> str:
    """The caller's address; behind a trusted proxy (GOVCX_TRUSTED_PROXY=1) the first X-Forwarded-For hop."""
    if settings.TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def token_key(token: str) -> str:
    """The bucket key of an API token: a digest, so the secret itself is never stored."""
    return token_hash(token)[:32]
