"""The one family of domain errors; the API and the views translate them to HTTP in one place each."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    CONFLICT = "conflict"
    INVALID = "invalid"
    RATE_LIMITED = "rate_limited"
    GONE = "gone"


HTTP_STATUS = {
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.CONFLICT: 409,
    ErrorCode.INVALID: 422,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.GONE: 410,
}


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INVALID

    def __init__(self, message: str, *, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []

    @property
    def status(self) -> int:
        return HTTP_STATUS[self.code]


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND


class Forbidden(DomainError):
    code = ErrorCode.FORBIDDEN


class Conflict(DomainError):
    """Someone else changed the record since it was read (optimistic locking)."""

    code = ErrorCode.CONFLICT


class Invalid(DomainError):
    code = ErrorCode.INVALID


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong at a place in an input, so a whole file can be fixed in one pass.

    `line` counts lines of a text file (YAML), `row` rows of a spreadsheet as a spreadsheet program shows them
    (header = 1); `item` names the element the field belongs to when the input has named elements (a survey
    question's key). Every part of the place is optional.
    """

    message: str
    file: str = ""
    line: int | None = None
    row: int | None = None
    item: str | None = None
    field: str = ""

    @property
    def path(self) -> str:
        """The item and field as one dotted path ("overall.scale_max")."""
        return ".".join(part for part in (self.item, self.field) if part)

    def __str__(self) -> str:
        number = self.line or self.row
        where = f"{self.file}:{number}" if self.file and number else self.file or (f"row {number}" if number else "")
        return ": ".join(part for part in (where, self.path, self.message) if part)

    def as_dict(self) -> dict[str, Any]:
        """The problem as an API error detail: file, row, field and message (line and item when there are)."""
        found: dict[str, Any] = {"file": self.file, "row": self.row, "field": self.field, "message": self.message}
        if self.line is not None:
            found["line"] = self.line
        if self.item is not None:
            found["item"] = self.item
        return found


class InvalidInput(Invalid):
    """An input (a file, a pack, a definition) has problems; `problems` lists every one found, each with its place.

    The message is a one-line summary when given, otherwise every problem on its own line; `details` are the
    problems as API error details unless the caller shapes them.
    """

    def __init__(self, problems: Sequence[Problem], message: str | None = None, *,
                 details: list[dict[str, Any]] | None = None) -> None:
        self.problems = list(problems)
        super().__init__(message or "\n".join(str(p) for p in self.problems),
                         details=details if details is not None else [p.as_dict() for p in self.problems])


class RateLimited(DomainError):
    """A caller's allowance is used up; `retry_after_seconds` (sent as Retry-After) is when it suffices again."""

    code = ErrorCode.RATE_LIMITED

    def __init__(
        self, message: str, *, retry_after_seconds: int = 60, details: list[dict[str, Any]] | None = None
    ) -> None:
        super().__init__(message, details=details)
        self.retry_after_seconds = retry_after_seconds


class Gone(DomainError):
    """The link existed but no longer works (expired or already used)."""

    code = ErrorCode.GONE
