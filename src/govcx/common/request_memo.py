"""Values read once per web request and forgotten when it ends.

Reference lists a page names row by row (client categories for every participant) are read once per request instead
of once per row, and never outlive the request: a renamed category shows on the next page, in every process.
Outside a request (commands, jobs) nothing is remembered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[str, Any] | None] = ContextVar("govcx_request_memo", default=None)


@contextmanager
def request_memo_scope() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: str, read: Callable[[], T]) -> T:
    """`read()`'s value, read at most once in the current request."""
    memo = _memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    value: T = memo[key]
    return value
