"""Values a process keeps for as long as they are used: a bounded, thread-safe store that forgets the least
recently used first. For results that depend only on their key (a drawing by its specification, figures by the
state of the store they were computed from, a comment's analysis by its text), so keeping them never shows
anything stale; what the key does not capture must not be kept here."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

MISSING: Any = object()  # what `get` gives for a key not kept (a kept value may be None)


class Kept:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        """The kept value of `key`, or MISSING."""
        with self._lock:
            if key not in self._items:
                return MISSING
            self._items.move_to_end(key)
            return self._items[key]

    def get_many(self, keys: Iterable[Hashable]) -> dict[Hashable, Any]:
        """The kept values of those of `keys` that are kept."""
        with self._lock:
            found = {key: self._items[key] for key in keys if key in self._items}
            for key in found:
                self._items.move_to_end(key)
            return found

    def put(self, key: Hashable, value: Any) -> None:
        self.put_many({key: value})

    def put_many(self, values: Mapping[Any, Any]) -> None:
        with self._lock:
            for key, value in values.items():
                self._items[key] = value
                self._items.move_to_end(key)
            while len(self._items) > self.limit:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
