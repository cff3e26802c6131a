"""The scoping matrix's actors, world and runner, shared by `test_scoping_<area>.py` (NetBox-style permission tables).

Each row of a table is one page or API call on a record of a known authority; each column is an actor; each cell
the status code expected. Every role of `accounts/roles.py` is a column, in its own authority (Ministry A) and, for
the roles that act on records, in the other (the Tula region); plus two superusers and anonymous.

The world of an area is built once per test module (`module_world`), inside a transaction that is rolled back at
the end; each cell runs in its own savepoint (pytest-django's `db`), so an accepted write never leaks into the next.
An area's module defines a `world` fixture, its READS and WRITES and a `state()` of what a refused write must leave
alone, and gets its two matrix tests from `read_matrix_test(READS)` and `write_matrix_test(WRITES, state)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from tests.conftest import passport

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.registry.models import ClientCategory, LifeSituation, Organisation
from govcx.registry.services import service_create

# actor: (role, organisation, is_superuser)
ACTOR_ROLES: dict[str, tuple[Role, str, bool]] = {
    "admin": (Role.ADMIN, "central-office", False),
    "analyst": (Role.CENTRAL_ANALYST, "central-office", False),
    "owner_a": (Role.SERVICE_OWNER, "min-a", False),
    "assessor_a": (Role.ASSESSOR, "min-a", False),
    "cx_a": (Role.CX_ANALYST, "min-a", False),
    "viewer_a": (Role.VIEWER, "min-a", False),
    "researcher_a": (Role.LAB_RESEARCHER, "min-a", False),  # a researcher of the service's owner, not of the lab
    "lab": (Role.LAB_RESEARCHER, "lab-centre", False),  # the lab running study A
    "owner_b": (Role.SERVICE_OWNER, "region-b", False),
    "cx_b": (Role.CX_ANALYST, "region-b", False),
    "researcher_b": (Role.LAB_RESEARCHER, "region-b", False),  # runs study B
    "proactive_a": (Role.PROACTIVE_OFFICER, "min-a", False),
    "proactive_b": (Role.PROACTIVE_OFFICER, "region-b", False),
    "training_a": (Role.TRAINING_OFFICER, "min-a", False),
    "training_b": (Role.TRAINING_OFFICER, "region-b", False),
    "superuser": (Role.ADMIN, "central-office", True),
    "superuser_researcher_b": (Role.LAB_RESEARCHER, "region-b", True),
}
ACTORS = (*ACTOR_ROLES, "anon")
SIGNED_IN = tuple(ACTOR_ROLES)

# Whose scope reaches a record owned by Ministry A (min-a) or by the Tula region (region-b), for seeing it.
IN_A = {"admin", "analyst", "owner_a", "assessor_a", "cx_a", "viewer_a", "researcher_a", "proactive_a", "training_a",
        "superuser", "superuser_researcher_b"}
IN_B = {"admin", "analyst", "owner_b", "cx_b", "researcher_b", "proactive_b", "training_b", "superuser",
        "superuser_researcher_b"}
SIDES = (("a", IN_A), ("b", IN_B))


def in_scope(world: dict[str, Any], actor: str, *keys: str) -> set[Any]:
    """The world's `<key>_a` and `<key>_b` entries whose side the actor sees: what a scoped list must hold."""
    return {world[f"{key}_{side}"] for side, scope in SIDES if actor in scope for key in keys}


def sees(scope: set[str]) -> dict[str, int]:
    """A read of a record: 200 in scope, 404 out of it."""
    return {actor: 200 if actor in scope else 404 for actor in SIGNED_IN}


def everyone(code: int = 200) -> dict[str, int]:
    return dict.fromkeys(SIGNED_IN, code)


def acts(scope: set[str], allowed: set[str], ok: int) -> dict[str, int]:
    """A write on a record: `ok` for the actors allowed, 403 for the others who see it, 404 outside the scope."""
    return {actor: (ok if actor in allowed else 403) if actor in scope else 404 for actor in SIGNED_IN}


@dataclass(frozen=True)
class Call:
    name: str
    kind: str  # "page" or "api"
    method: str
    url: str  # formatted with the world's ids
    expect: dict[str, int]
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None, compare=False)
    multipart: bool = False  # a page form with files

    def run(self, world: dict[str, Any], actor: str):
        client = client_as(world, actor)
        kwargs: dict[str, Any] = {}
        if self.body is not None:
            data = self.body(world)
            if self.kind == "api" and not self.multipart:
                kwargs = {"data": json.dumps(data, default=str), "content_type": "application/json"}
            else:
                kwargs = {"data": data}
        return getattr(client, self.method)(self.url.format(**world), **kwargs)


def row(kind: str, name: str, url: str, cells: dict[str, int], *, method: str = "get", body=None,
        multipart: bool = False, anon: int | None = None) -> Call:
    """A full row: every signed-in actor must have a cell; anonymous is implied by the kind of call (a page
    sends to the login page, the API answers 401) unless given."""
    expect = {**cells, "anon": anon if anon is not None else (302 if kind == "page" else 401)}
    assert set(expect) == set(ACTORS), (name, sorted(set(ACTORS) ^ set(expect)))
    return Call(name, kind, method, url, expect, body, multipart)


def cells(calls: list[Call]):
    names = [(c.kind, c.method, c.name) for c in calls]
    assert len(names) == len(set(names)), "two rows share a name"
    return [
        pytest.param(call, actor, expected, id=f"{call.kind}:{call.method}:{call.name}[{actor}]")
        for call in calls
        for actor, expected in call.expect.items()
    ]


def client_as(world: dict[str, Any], actor: str) -> Client:
    client = Client()
    if actor != "anon":
        client.force_login(world["users"][actor])
    return client


def check_status(call: Call, world: dict[str, Any], actor: str, expected: int):
    response = call.run(world, actor)
    assert response.status_code == expected, (call.url.format(**world), actor, response.content[:300])
    if actor == "anon" and call.kind == "page" and expected == 302:
        assert "/login/?next=" in response["Location"]
    if call.kind == "api" and expected in (403, 404) and response.get("Content-Type", "").startswith("application"):
        assert response.json()["error"] in {"forbidden", "not_found"}
    return response


def check_write(call: Call, world: dict[str, Any], actor: str, expected: int, state: Callable[[], Any]):
    before = state()
    response = check_status(call, world, actor, expected)
    if expected >= 400 or (actor == "anon" and expected == 302) or call.method == "get":
        assert state() == before, "a refused request (or a form) changed something"
    else:
        assert state() != before, "an accepted request changed nothing"
    return response


def read_matrix_test(calls: list[Call], *, then: Callable[[Call, Any, int], None] | None = None):
    """The test of a table of reads, one case a cell; `then(call, response, expected)` checks more of an answer."""

    @pytest.mark.parametrize(("call", "actor", "expected"), cells(calls))
    def test(world, call: Call, actor: str, expected: int):
        response = check_status(call, world, actor, expected)
        if then is not None:
            then(call, response, expected)

    return test


def write_matrix_test(calls: list[Call], state: Callable[[], Any]):
    """The test of a table of writes, one case a cell: a refused write leaves `state()` as it was."""

    @pytest.mark.parametrize(("call", "actor", "expected"), cells(calls))
    def test(world, call: Call, actor: str, expected: int):
        check_write(call, world, actor, expected, state)

    return test


def text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def answers_read_by(world: dict[str, Any], actor: str, calls: list[Call]) -> Iterator[tuple[Call, str]]:
    """Every answer of the table the actor may read, as text: the sweep for data that must not leak."""
    for call in calls:
        if call.expect[actor] == 200:
            yield call, text_of(call.run(world, actor))


@pytest.fixture
def empty_rate_limits():
    cache.clear()
    yield
    cache.clear()


# --- the world ----------------------------------------------------------------------------------------------


def build_base() -> dict[str, Any]:
    """Organisations (a central office, Ministry A with its agency, the Tula region, a usability lab), the actors
    and three services: svc_a (Ministry A), svc_a1 (its agency), svc_b (Tula; it asks citizens for a document the
    state already holds, so its assessments fail once-only)."""
    orgs = {
        "central-office": Organisation.objects.create(code="central-office", name_en="Central office",
                                                      level="federal", is_central_office=True),
        "min-a": Organisation.objects.create(code="min-a", name_en="Ministry A", level="federal"),
        "region-b": Organisation.objects.create(code="region-b", name_en="Tula Region", level="regional",
                                                region_code="RU-TUL"),
        "lab-centre": Organisation.objects.create(code="lab-centre", name_en="Usability Lab", level="federal"),
    }
    orgs["agency-a1"] = Organisation.objects.create(code="agency-a1", name_en="Agency A1", level="federal",
                                                    parent=orgs["min-a"])
    ClientCategory.objects.create(code="citizens", name_en="Citizens", name_ru="Граждане")
    LifeSituation.objects.create(code="birth", name_en="Birth of a child", name_ru="Рождение ребёнка")
    users = {
        actor: User.objects.create_user(username=actor.replace("_", "-"), role=role, organisation=orgs[org],
                                        is_superuser=superuser, is_staff=superuser, email=f"{actor}@example.gov")
        for actor, (role, org, superuser) in ACTOR_ROLES.items()
    }
    held = {"documents": [{"name_en": "Birth certificate", "held_in_registry": True,
                           "registry_name": "Civil registry"}]}
    services = {key: service_create(actor=users["admin"], passport=passport(code, owner, **overrides))
                for key, code, owner, overrides in (("a", "svc-a", "min-a", {}), ("a1", "svc-a1", "agency-a1", {}),
                                                    ("b", "svc-b", "region-b", held))}
    return {
        "users": users, "orgs": orgs, "services": services,
        "svc_a": services["a"].pk, "svc_a1": services["a1"].pk, "svc_b": services["b"].pk,
        "org_a": orgs["min-a"].pk, "org_b": orgs["region-b"].pk, "org_lab": orgs["lab-centre"].pk,
    }


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker) -> Iterator[Callable[[Callable[[dict], dict]], dict]]:
    """module_world(build) -> world: the base world plus what `build(base)` adds, once per test module (call it
    from a module-scoped fixture, so it is built outside any test's savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built: dict[str, Any] = {}

        def make(build: Callable[[dict[str, Any]], dict[str, Any]]) -> dict[str, Any]:
            if not built:
                base = build_base()
                built.update(base | build(base))
            return built

        yield make
        transaction.set_rollback(True)
