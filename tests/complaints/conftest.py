"""Complaints fixtures: a CX analyst in Ministry A and one in the Tula region (both handle complaints, with e-mail
addresses), and `submit` to file a complaint as a citizen would."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.complaints.services import complaint_submit

PASSWORD = "correct-horse-battery-staple-42"


@pytest.fixture(autouse=True)
def empty_rate_limits():
    """Rate-limit counters live in the cache, which outlives each test's database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def handlers(users, reference_data):
    def make(username: str, organisation_key: str) -> User:
        return User.objects.create_user(username=username, password=PASSWORD, role=Role.CX_ANALYST,
                                        organisation=reference_data[organisation_key],
                                        email=f"{username}@example.gov")

    return {"a": make("cx-a", "ministry"), "b": make("cx-b", "region")}


@pytest.fixture
def submit(services):
    """submit(service_key="a", text=..., contact=..., received_on=date, topic="") -> (complaint, token)"""

    def make(service_key: str = "a", *, text: str = "The office lost my application twice.",
             contact: str = "anna@example.org", received_on: dt.date | None = None, topic: str | None = ""):
        return complaint_submit(service=services[service_key], text=text, contact=contact, topic=topic,
                                received_on=received_on or timezone.localdate())

    return make
