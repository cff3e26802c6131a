"""Sign-in brute-force protection (django-axes): per account and per address, a short cool-off, logged; the page
says why; API tokens are not affected."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from axes.models import AccessAttempt
from django.test import Client

from govcx.accounts.services import api_token_create

LOGIN = "/login/"


def sign_in(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def fail(times: int, *, username: str = "analyst", address: str = "10.0.0.1") -> list[int]:
    client = Client(REMOTE_ADDR=address)
    return [sign_in(client, username, "wrong-password").status_code for _ in range(times)]


def test_a_correct_password_signs_in(users, password):
    assert sign_in(Client(), "analyst", password).status_code == 302


def test_the_account_is_locked_after_five_failures_with_a_clear_page(users, password, settings, caplog):
    assert fail(4) == [200] * 4
    with caplog.at_level(logging.WARNING, logger="govcx.security"):
        locked = sign_in(Client(REMOTE_ADDR="10.0.0.1"), "analyst", "wrong-password")  # the fifth failure
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(15 * 60)
    assert "Too many failed sign-in attempts" in locked.content.decode()
    assert "Sign-in is paused for 15 minutes" in locked.content.decode()
    assert [r.getMessage() for r in caplog.records if r.name == "govcx.security"] == [
        "sign-in locked out after repeated failures: username='analyst' address=10.0.0.1"]
    # the right password from another network does not open a locked account during the cool-off
    assert sign_in(Client(REMOTE_ADDR="10.9.9.9"), "analyst", password).status_code == 429


def test_the_lockout_page_is_in_russian(users):
    fail(5)
    locked = Client(REMOTE_ADDR="10.0.0.1", HTTP_ACCEPT_LANGUAGE="ru").post(
        LOGIN, {"username": "analyst", "password": "x"})
    assert locked.status_code == 429
    assert "Слишком много неудачных попыток входа" in locked.content.decode()


def test_an_address_is_locked_for_every_account(users, password):
    statuses = [fail(1, username=name, address="10.0.0.7")[0]
                for name in ("admin", "owner-a", "viewer-a", "assessor-a", "nobody")]
    assert statuses == [200, 200, 200, 200, 429]
    assert sign_in(Client(REMOTE_ADDR="10.0.0.7"), "analyst", password).status_code == 429
    assert sign_in(Client(REMOTE_ADDR="10.0.0.8"), "analyst", password).status_code == 302


def test_failures_from_many_addresses_lock_the_account(users, password):
    assert [fail(1, address=f"10.1.0.{last}")[0] for last in range(5)] == [200, 200, 200, 200, 429]
    assert sign_in(Client(REMOTE_ADDR="10.2.0.1"), "analyst", password).status_code == 429


def test_the_lockout_expires_after_the_cool_off(users, password):
    fail(5)
    assert sign_in(Client(REMOTE_ADDR="10.0.0.1"), "analyst", password).status_code == 429
    for attempt in AccessAttempt.objects.all():  # 15 minutes and a second later
        attempt.attempt_time -= dt.timedelta(minutes=15, seconds=1)
        attempt.save()
    assert sign_in(Client(REMOTE_ADDR="10.0.0.1"), "analyst", password).status_code == 302


def test_guessing_during_the_lockout_does_not_extend_it(users, password):
    fail(5)
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=14)
        attempt.save()
    fail_locked = sign_in(Client(REMOTE_ADDR="10.0.0.1"), "analyst", "still-guessing")
    assert fail_locked.status_code == 429
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= dt.timedelta(minutes=1, seconds=1)
        attempt.save()
    assert sign_in(Client(REMOTE_ADDR="10.0.0.3"), "analyst", password).status_code == 302


def test_api_tokens_are_not_affected_by_a_lockout(users):
    _token, secret = api_token_create(user=users["analyst"], name="integration")
    fail(5)
    me = Client(REMOTE_ADDR="10.0.0.1").get("/api/accounts/me", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200
    assert me.json()["username"] == "analyst"


@pytest.mark.parametrize("path", ["/admin/login/"])
def test_the_admin_sign_in_is_throttled_too(users, path):
    client = Client(REMOTE_ADDR="10.0.0.5")
    for _ in range(5):
        client.post(path, {"username": "admin", "password": "wrong"})
    assert client.post(path, {"username": "admin", "password": "wrong"}).status_code == 429
