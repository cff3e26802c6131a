"""Outside demo mode govcx refuses to serve with a default secret key, debug on, or active demo accounts."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govcx.accounts.models import User
from govcx.startup import unsafe_start_reasons

STRONG_KEY = "k" * 20 + "-not-a-default-secret-key-42"

pytestmark = pytest.mark.django_db


def test_default_secret_key_is_refused(settings):
    settings.DEMO_MODE = False
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    assert any("GOVCX_SECRET_KEY" in r for r in unsafe_start_reasons())


def test_active_demo_accounts_are_refused(settings):
    settings.DEMO_MODE, settings.SECRET_KEY, settings.DEBUG = False, STRONG_KEY, False
    assert unsafe_start_reasons() == []
    User.objects.create_user(username="owner.demo", password="x" * 16, is_demo=True)
    reasons = unsafe_start_reasons()
    assert len(reasons) == 1 and "owner.demo" in reasons[0]
    User.objects.filter(username="owner.demo").update(is_active=False)
    assert unsafe_start_reasons() == []


def test_demo_mode_allows_the_demo(settings):
    settings.DEMO_MODE = True
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    User.objects.create_user(username="admin.demo", password="x" * 16, is_demo=True)
    assert unsafe_start_reasons() == []


def test_serve_command_refuses_before_binding(settings):
    settings.DEMO_MODE = False
    settings.SECRET_KEY = settings.DEFAULT_SECRET_KEY
    with pytest.raises(CommandError, match="refusing to start"):
        call_command("serve", "--bind", "127.0.0.1:1")


def test_demo_command_requires_demo_mode(settings):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="GOVCX_DEMO"):
        call_command("demo", "--no-serve")
