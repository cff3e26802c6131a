"""Rate limits for public endpoints (survey submissions, participants' personal links).

Fixed windows counted in Django's cache. The default cache is per process; a deployment with several web
processes sets a shared cache (CACHES in settings: database or Redis) so that the limit holds across them.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import caches

from govcx.errors import RateLimited


def hit(scope: str, key: str, *, limit: int, window_seconds: int = 60) -> None:
    """Count one request of `key` in `scope`; raise RateLimited once `limit` requests fill the current window."""
    window = int(time.time() // window_seconds)
    cache_key = f"throttle:{scope}:{key}:{window}"
    cache = caches["default"]
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    if count > limit:
        raise RateLimited(
            f"too many requests: at most {limit} per {window_seconds} s",
            details=[{"retry_after_seconds": window_seconds}],
        )


def client_address(request) -> str:
    """The caller's address; behind a trusted proxy (GOVCX_TRUSTED_PROXY=1) the first X-Forwarded-For hop."""
    if settings.TRUSTED_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "") or "unknown"
