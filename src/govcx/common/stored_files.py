"""Uploaded files that are replaced or whose record is deleted leave the disk, but only once the change is
committed: a rolled-back transaction must still find its file."""

from __future__ import annotations

from django.core.files.storage import Storage
from django.db import transaction


def delete_after_commit(storage: Storage, name: str) -> None:
    """Delete `name` from `storage` when the current transaction commits (at once outside a transaction)."""
    if name:
        transaction.on_commit(lambda: storage.delete(name))
