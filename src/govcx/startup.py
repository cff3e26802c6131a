"""Refuse to serve with settings that are only safe for the demo."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def unsafe_start_reasons() -> list[str]:
    """Why this process must not serve real users (empty if it may)."""
    if settings.DEMO_MODE:
        return []
    reasons = []
    if settings.SECRET_KEY == settings.DEFAULT_SECRET_KEY or len(settings.SECRET_KEY) < 32:
        reasons.append("GOVCX_SECRET_KEY is unset, the default, or shorter than 32 characters")
    if settings.DEBUG:
        reasons.append("GOVCX_DEBUG=1 is for development only")
    from django.db.utils import DatabaseError

    from govcx.accounts.models import User

    try:
        demo_users = list(User.objects.filter(is_demo=True, is_active=True).values_list("username", flat=True)[:5])
    except DatabaseError:
        demo_users = []  # not migrated yet: nothing to refuse
    if demo_users:
        reasons.append(
            f"demo accounts are active ({', '.join(demo_users)}); deactivate them or use a fresh database"
        )
    return reasons


def refuse_unsafe_start() -> None:
    reasons = unsafe_start_reasons()
    if reasons:
        raise ImproperlyConfigured("govcx refuses to start outside demo mode: " + "; ".join(reasons))
