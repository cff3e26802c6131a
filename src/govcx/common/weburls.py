"""Addresses people give (evidence links, a passport's pages and feedback channel): http and https only.

One rule for every form, API schema and service that accepts a URL, and for every template that turns a stored
one into a link, so a `javascript:` or `data:` address can neither be saved nor become a clickable link.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator

WEB_SCHEMES = frozenset({"http", "https"})
MAX_LENGTH = 500


def is_web_url(value: str) -> bool:
    """An absolute http(s) address with a host, without spaces or control characters."""
    if not value or len(value) > MAX_LENGTH or any(c.isspace() or ord(c) < 32 or c == "\\" for c in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.hostname)


def is_safe_link(value: str) -> bool:
    """A web address, or a path on this site ("/audit/runs/5", as the automated checks record)."""
    if is_web_url(value):
        return True
    return (
        value.startswith("/") and not value.startswith("//") and len(value) <= MAX_LENGTH
        and not any(c.isspace() or ord(c) < 32 or c == "\\" for c in value)
    )


def check_web_url(value: str) -> str:
    """`value` stripped, if empty or a web address; else ValueError with the reason."""
    value = (value or "").strip()
    if value and not is_web_url(value):
        raise ValueError(f"give an http:// or https:// address (at most {MAX_LENGTH} characters)")
    return value


#: A pydantic field type: "" or an http(s) address.
WebUrl = Annotated[str, AfterValidator(check_web_url)]
