"""Scoping matrix of service delivery: the delivery pages, a service's figures and views through the API (deadline,
risk, process, comparison, ranking, files), file imports and pushed events.

svc-a (Ministry A) and svc-b (the Tula region) each hold a small event log. Rules under test: staff see their
authority's services' delivery (the central office and superusers everyone's); another authority's service is a
404; importing or pushing events needs IMPORT_EVENT_LOGS (service owners, the administrator); a refused import
stores nothing, in the database or in the event store.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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

from govcx.delivery import store
from govcx.delivery.models import EventLog
from govcx.delivery.services import eventlog_import

pytestmark = pytest.mark.django_db

IMPORT = {"admin", "owner_a", "owner_b", "superuser", "superuser_researcher_b"}
LOG = "case,activity,time\n1,apply,2024-01-01 10:00:00\n1,decide,2024-01-03 10:00:00\n2,apply,2024-01-02 09:00:00\n"
MAPPING = {"case": "case", "activity": "activity", "timestamp": "time"}


@pytest.fixture(scope="module")
def module_store(tmp_path_factory):
    return tmp_path_factory.mktemp("delivery-store")


@pytest.fixture(scope="module")
def event_store(module_store):
    with override_settings(ANALYTICS_DIR=module_store):
        yield


@pytest.fixture(autouse=True)
def the_worlds_store(settings, module_store):
    """The world's events stay for every cell (the suite gives each test an empty store otherwise)."""
    settings.ANALYTICS_DIR = module_store


def build(base: dict[str, Any]) -> dict[str, Any]:
    world: dict[str, Any] = {}
    for side in ("a", "b"):
        path = Path(tempfile.mkdtemp()) / f"log-{side}.csv"
        path.write_text(LOG)
        eventlog_import(actor=base["users"]["admin"], service_id=base["services"][side].pk, path=path,
                        mapping=MAPPING)
    return world


@pytest.fixture(scope="module")
def world(module_world, event_store):
    return module_world(build)


def state() -> dict[str, Any]:
    from django.conf import settings

    return {
        "logs": sorted(EventLog.objects.values_list("id", "service_id", "events_added")),
        "parts": sorted(str(p) for p in Path(settings.ANALYTICS_DIR).rglob("*.parquet")),
        "events": sum(store.event_count(settings.ANALYTICS_DIR, s) for s in EventLog.objects.values_list(
            "service_id", flat=True).distinct()),
    }


def pushed(world: dict[str, Any], side: str = "a") -> dict[str, Any]:
    return {"service_id": world[f"svc_{side}"], "events": [
        {"id": "e-1", "case": "9", "activity": "apply", "timestamp": "2024-02-01T10:00:00+03:00"},
        {"id": "e-2", "case": "9", "activity": "decide", "timestamp": "2024-02-02T10:00:00+03:00"},
    ]}


def upload(world: dict[str, Any]) -> dict[str, Any]:
    return {"file": SimpleUploadedFile("more.csv", LOG.replace("2024-01-02", "2024-01-05").encode()), **MAPPING}


READS = [
    row("page", "delivery home", "/delivery/", everyone()),
    row("page", "delivery ranking", "/delivery/ranking/", everyone()),
    row("page", "delivery of a", "/delivery/services/{svc_a}/", sees(IN_A)),
    row("page", "delivery of b", "/delivery/services/{svc_b}/", sees(IN_B)),
    row("page", "process map of a", "/delivery/services/{svc_a}/map.svg?paths=50&map=performance", sees(IN_A)),
    row("page", "process map of b", "/delivery/services/{svc_b}/map.svg", sees(IN_B)),
    row("page", "figures of a as xlsx", "/delivery/services/{svc_a}/export.xlsx", sees(IN_A)),
    row("page", "figures of b as parquet", "/delivery/services/{svc_b}/export.parquet", sees(IN_B)),
    row("api", "figures of a", "/api/delivery/services/{svc_a}/figures", sees(IN_A)),
    row("api", "figures of b", "/api/delivery/services/{svc_b}/figures", sees(IN_B)),
    row("page", "process map of a as png", "/delivery/services/{svc_a}/map.png", sees(IN_A)),
    row("api", "deadline of a", "/api/delivery/services/{svc_a}/deadline", sees(IN_A)),
    row("api", "deadline of b", "/api/delivery/services/{svc_b}/deadline", sees(IN_B)),
    row("api", "risk of a", "/api/delivery/services/{svc_a}/risk", sees(IN_A)),
    row("api", "risk of b", "/api/delivery/services/{svc_b}/risk", sees(IN_B)),
    row("api", "process of a", "/api/delivery/services/{svc_a}/process?paths=50", sees(IN_A)),
    row("api", "process of b", "/api/delivery/services/{svc_b}/process", sees(IN_B)),
    row("api", "comparison of a", "/api/delivery/services/{svc_a}/comparison", sees(IN_A)),
    row("api", "comparison of b", "/api/delivery/services/{svc_b}/comparison?split=2024-01-02", sees(IN_B)),
    row("api", "ranking", "/api/delivery/ranking", everyone()),
    row("api", "figures of a as xlsx", "/api/delivery/services/{svc_a}/export/xlsx", sees(IN_A)),
    row("api", "map of b as png", "/api/delivery/services/{svc_b}/export/png?mode=performance", sees(IN_B)),
    row("api", "delivery report of b as pdf", "/api/delivery/services/{svc_b}/report.pdf", sees(IN_B)),
]

WRITES = [
    row("api", "push events to a", "/api/delivery/events", acts(IN_A, IMPORT, 200), method="post", body=pushed),
    row("api", "push events to b", "/api/delivery/events", acts(IN_B, IMPORT, 200), method="post",
        body=lambda w: pushed(w, "b")),
    row("page", "upload to a", "/delivery/services/{svc_a}/", acts(IN_A, IMPORT, 302), method="post", body=upload),
]

test_read_matrix = read_matrix_test(READS)
test_write_matrix = write_matrix_test(WRITES, state)


@pytest.mark.parametrize("actor", sorted(SIGNED_IN))
def test_the_ranking_lists_only_the_services_in_scope(world, actor):
    ranking = client_as(world, actor).get("/api/delivery/ranking").json()
    assert {row["service_id"] for row in ranking["services"]} == in_scope(world, actor, "svc")
