"""Optimistic locking: every versioned record (passport, outcome, adjustment, study, survey, complaint, ...)
carries a `version` that a write raises by one, and a writer that read version N may write only while it is
still N. The one Conflict message names the record, the version the writer saw and the one stored now."""

from __future__ import annotations

from typing import Any

from django.db.models import F, Model

from govcx.errors import Conflict


def expect_version(current: int | None, *, expected: int | None, what: str, by: str = "") -> None:
    """Raise Conflict unless the stored `current` version (None: no record yet) is the `expected` one."""
    if current != expected:
        raise Conflict(
            f"{what} was changed by {by or 'someone else'} since you opened it (you saw version {expected}, "
            f"it is now {current}); reload and apply your change again"
        )


def bump_version(obj: Model, *, expected: int | None, what: str, **fields: Any) -> None:
    """Raise the stored version of `obj` by one (and set `fields`) in one conditional UPDATE, only if the stored
    version is still `expected`; else Conflict. `expected=None` bumps unconditionally (a write that takes no
    lock from the user, e.g. an automated check, still makes the records its users hold stale)."""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if expected is not None:
        rows = rows.filter(version=expected)
    if not rows.update(version=F("version") + 1, **fields):
        current = type(obj)._default_manager.filter(pk=obj.pk).values_list("version", flat=True).first()
        if current is None:
            raise Conflict(f"{what} was deleted by someone else")
        expect_version(current, expected=expected, what=what)
    for name, value in fields.items():
        setattr(obj, name, value)
    if expected is None:
        obj.refresh_from_db(fields=["version"])
    else:
        obj.version = expected + 1  # type: ignore[attr-defined]
