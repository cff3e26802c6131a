"""The one family of domain errors; the API and the views translate them to HTTP in one place each."""

from __future__ import annotations

from enum import StrEnum


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

    def __init__(self, message: str, *, details: list[dict] | None = None) -> None:
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


class RateLimited(DomainError):
    """A caller's allowance is used up; `retry_after_seconds` (sent as Retry-After) is when it suffices again."""

    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after_seconds: int = 60, details: list[dict] | None = None) -> None:
        super().__init__(message, details=details)
        self.retry_after_seconds = retry_after_seconds


class Gone(DomainError):
    """The link existed but no longer works (expired or already used)."""

    code = ErrorCode.GONE
