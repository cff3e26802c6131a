"""Sign-in throttling around django-axes: the lockout page and the security log of each lockout.

Axes counts failed sign-ins per account and per address (settings: AXES_*); once either is locked, every
sign-in through Django's `authenticate` (the login page, the admin) is refused for the cool-off. API tokens do not
sign in, so integrators are never locked out by this.
"""

from __future__ import annotations

import logging
import math

from axes.helpers import get_cool_off  # type: ignore[import-untyped]  # django-axes ships no types
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

logger = logging.getLogger("govcx.security")


def locked_out_response(request: HttpRequest, original_response: HttpResponse | None = None,
                        credentials: dict | None = None) -> HttpResponse:
    """The sign-in page again, with the reason and the wait, status 429 and Retry-After (AXES_LOCKOUT_CALLABLE)."""
    cool_off = get_cool_off(request)
    seconds = int(cool_off.total_seconds()) if cool_off else 0
    response = render(request, "registration/login.html", {
        "locked_out": True, "cool_off_minutes": max(1, math.ceil(seconds / 60)), "next": request.GET.get("next", ""),
    }, status=429)
    if seconds:
        response["Retry-After"] = str(seconds)
    return response


def log_lockout(sender, request: HttpRequest | None = None, username: str | None = None,
                ip_address: str | None = None, **kwargs) -> None:
    """Connected to axes' `user_locked_out`: one warning per lockout, with the account tried and the address."""
    logger.warning("sign-in locked out after repeated failures: username=%r address=%s", username or "",
                   ip_address or "unknown")
