"""Secret tokens in links and API credentials: only a hash is stored, the token is shown once.

Plain Python, no Django.
"""

from __future__ import annotations

import hashlib
import secrets

DEFAULT_TOKEN_BYTES = 32


def new_token(nbytes: int = DEFAULT_TOKEN_BYTES) -> str:
    """A URL-safe random token of `nbytes` random bytes (43 characters for the default 32)."""
    return secrets.token_urlsafe(nbytes)


def token_hash(token: str) -> str:
    """The SHA-256 hex digest stored in place of the token; the same token always gives the same hash."""
    return hashlib.sha256(token.encode()).hexdigest()
