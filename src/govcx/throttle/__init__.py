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
        raise RateLimited(
            f"too many at once: {cost} is more than the {limit} allowed per {window_seconds:g} s; send fewer",
            retry_after_seconds=math.ceil(window_seconds),
            details=[{"limit": limit, "window_seconds": window_seconds, "cost": cost}],
        )
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
    """GCRA: taking `increment` from a bucket whose theoretical arrival time is `tat` must leave it within the
    window; otherwise RateLimited, with the whole seconds until it would."""
    wait = max(tat, now) + increment - window_seconds - now
    if wait > 0:
        raise RateLimited(f"too many requests: at most {limit} per {window_seconds:g} s",
                          retry_after_seconds=max(1, math.ceil(wait)),
                          details=[{"limit": limit, "window_seconds": window_seconds}
                                   | ({"cost": cost} if cost is not None else {})])


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
