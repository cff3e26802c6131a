"""Scoping matrix of page audits: a service's runs, a run, the comparison of two runs, starting an audit.

Runs are queued (never executed here: no browser). Rules under test: staff see their authority's runs (the
central office and superusers everyone's); another authority's run or service is a 404; starting an audit needs
ASSESS (assessors, the central analyst, the administrator).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings
from tests.accounts.conftest import (
    IN_A,
    IN_B,
    SIGNED_IN,
    acts,
    client_as,
    everyone,
    in_scope,
    read_matrix_test,
    row,
    sees,
    write_matrix_test,
)

from govcx.audit.models import AuditRun
from govcx.audit.services import audit_run_create

pytestmark = pytest.mark.django_db

ASSESS = {"admin", "analyst", "assessor_a", "superuser", "superuser_researcher_b"}


# The start addresses pass the audit network guard (an administrator allowed localhost), and the queued audits
# stay queued (the dummy task backend): this matrix is about who may start and see runs, not about auditing.
AUDITABLE = override_settings(AUDIT_ALLOWED_HOSTS=["localhost"])


@pytest.fixture(autouse=True)
def jobs_run_at_once(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    settings.AUDIT_ALLOWED_HOSTS = ["localhost"]


@AUDITABLE
def build(base: dict[str, Any]) -> dict[str, Any]:
    admin = base["users"]["admin"]
    world: dict[str, Any] = {}
    for side in ("a", "b"):
        before = audit_run_create(actor=admin, service=base["services"][side], urls=["http://localhost/one"])
        after = audit_run_create(actor=admin, service=base["services"][side], urls=["http://localhost/one"])
        world |= {f"run_{side}": after.pk, f"first_run_{side}": before.pk}
    return world


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> list[tuple]:
    return sorted(AuditRun.objects.values_list("id", "service_id", "status"))


READS = [
    row("api", "run list", "/api/audit/runs", everyone()),
    *[
        row(kind, f"{name} of {side}", url.replace("X", side), sees(scope))
        for side, scope in (("a", IN_A), ("b", IN_B))
        for kind, name, url in (
            ("page", "service audits", "/audit/services/{svc_X}/"),
            ("page", "run page", "/audit/runs/{run_X}/"),
            ("page", "comparison", "/audit/runs/{run_X}/compare/{first_run_X}/"),
            ("api", "run", "/api/audit/runs/{run_X}"),
            ("api", "comparison", "/api/audit/runs/{run_X}/compare/{first_run_X}"),
        )
    ],
    # Comparing one's own run with another authority's gives nothing away.
    row("api", "comparison across authorities", "/api/audit/runs/{run_a}/compare/{run_b}",
        {actor: 200 if actor in IN_A & IN_B else 404 for actor in SIGNED_IN}),
    row("page", "start form of a", "/audit/services/{svc_a}/new/", acts(IN_A, ASSESS, 200)),
]

WRITES = [
    row("api", "start audit", "/api/audit/runs", acts(IN_A, ASSESS, 202), method="post",
        body=lambda w: {"service_id": w["svc_a"], "urls": ["http://localhost/two"]}),
    row("page", "start audit", "/audit/services/{svc_a}/new/", acts(IN_A, ASSESS, 302), method="post",
        body=lambda w: {"mode": "urls", "urls": "http://localhost/two"}),
    row("api", "start audit of b", "/api/audit/runs", acts(IN_B, ASSESS - {"assessor_a"}, 202), method="post",
        body=lambda w: {"service_id": w["svc_b"], "urls": ["http://localhost/two"]}),
]


test_read_matrix = read_matrix_test(READS)
test_write_matrix = write_matrix_test(WRITES, state)


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_the_run_list_holds_only_the_scope(world, actor):
    ids = {r["id"] for r in client_as(world, actor).get("/api/audit/runs").json()}
    assert ids == in_scope(world, actor, "run", "first_run")
