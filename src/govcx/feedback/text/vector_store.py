"""Comment vectors kept on disk, shared by every process of one installation: the server's workers, a restarted
server and `govcx worker`, which embeds new comments in the background (job "feedback.embed") so that a page
analysing them finds their vectors instead of spending 15–25 ms of CPU on each. SQLite in WAL mode, one row per text
key (:func:`~govcx.feedback.text.embedding.text_key`), the vector in half precision; writers never overwrite
(INSERT OR IGNORE: a text's vector depends only on the text). The nightly compaction keeps only the vectors of the
newest comments (:meth:`VectorStore.retain`), so the file does not grow with every comment ever received."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["VectorStore"]

_CHUNK = 500  # keys per query, under SQLite's limit of bound parameters


class VectorStore:
    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE IF NOT EXISTS vectors (key BLOB PRIMARY KEY, vector BLOB NOT NULL)")
        return connection

    def get_many(self, keys: Iterable[bytes]) -> dict[bytes, Any]:
        """The float32 vectors of those of `keys` that are kept."""
        import numpy as np

        wanted = list(dict.fromkeys(keys))
        if not wanted or not self.path.exists():
            return {}
        found: dict[bytes, Any] = {}
        with self._connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                rows = connection.execute(
                    f"SELECT key, vector FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk)
                found.update((bytes(key), np.frombuffer(vector, dtype=np.float16).astype(np.float32))
                             for key, vector in rows)
        connection.close()
        return found

    def held(self, keys: Iterable[bytes]) -> set[bytes]:
        """Those of `keys` that are kept."""
        wanted = list(dict.fromkeys(keys))
        if not wanted or not self.path.exists():
            return set()
        found: set[bytes] = set()
        with self._connect() as connection:
            for start in range(0, len(wanted), _CHUNK):
                chunk = wanted[start:start + _CHUNK]
                rows = connection.execute(f"SELECT key FROM vectors WHERE key IN ({','.join('?' * len(chunk))})",
                                          chunk)
                found.update(bytes(key) for key, in rows)
        connection.close()
        return found

    def put_many(self, vectors: Mapping[bytes, Any]) -> None:
        import numpy as np

        if not vectors:
            return
        with self._connect() as connection:
            connection.executemany("INSERT OR IGNORE INTO vectors (key, vector) VALUES (?, ?)",
                                   [(key, np.asarray(vector, dtype=np.float16).tobytes())
                                    for key, vector in vectors.items()])
        connection.close()

    def retain(self, keys: Iterable[bytes]) -> int:
        """Forgets every vector but those of `keys`; how many were forgotten."""
        if not self.path.exists():
            return 0
        with self._connect() as connection:
            connection.execute("CREATE TEMP TABLE retained (key BLOB PRIMARY KEY)")
            connection.executemany("INSERT OR IGNORE INTO retained (key) VALUES (?)", ((key,) for key in keys))
            forgotten = connection.execute("DELETE FROM vectors WHERE key NOT IN (SELECT key FROM retained)").rowcount
        connection.close()
        return forgotten
