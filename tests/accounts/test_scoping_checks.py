"""A check on one record (`can_access`, `access` for an action beyond viewing): the database is asked only when the
user's scope is a condition, and the answer is the same as the scoped queryset's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.accounts.conftest import build_base

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access, can_access
from govcx.errors import NotFound
from govcx.registry.models import Service

pytestmark = pytest.mark.django_db


def test_a_central_scope_answers_without_the_database_and_an_authority_s_scope_asks_it():
    world = build_base()
    users, a, b = world["users"], world["services"]["a"], world["services"]["b"]
    with CaptureQueriesContext(connection) as asked:
        assert can_access(users["admin"], b, Action.CHANGE_SERVICE)
    assert len(asked) == 0
    with CaptureQueriesContext(connection) as asked:
        assert can_access(users["owner_a"], a, Action.CHANGE_SERVICE)
        assert not can_access(users["owner_a"], b, Action.CHANGE_SERVICE)
    assert len(asked) >= 2  # one question about each record (and the organisation tree)
    assert not can_access(users["viewer_a"], a, Action.CHANGE_SERVICE)  # the role, not the scope, refuses
    for actor in ("admin", "owner_a", "owner_b", "viewer_a", "superuser"):
        for service in (a, b):
            expected = Service.objects.for_user(users[actor], Action.CHANGE_SERVICE).filter(pk=service.pk).exists()
            assert can_access(users[actor], service, Action.CHANGE_SERVICE) == expected, (actor, service.code)


def test_access_for_an_action_beyond_viewing_keeps_another_authority_s_record_out_of_reach():
    world = build_base()
    users, b = world["users"], world["services"]["b"]
    assert access(Service.objects.all(), users["admin"], b.pk, Action.CHANGE_SERVICE, what="service") == b
    with pytest.raises(NotFound):
        access(Service.objects.all(), users["owner_a"], b.pk, Action.CHANGE_SERVICE, what="service")
