"""Scoping matrix of the maturity index: the ranking, an authority's page and drill-down, exports, publications
and their values.

Ministry A and the Tula region each have measures for 2025Q2; one publication of the govcx model is published,
a newer draft is not. Rules under test: every signed-in reader sees the published ranking; an authority's page and
its drill-down are for its own organisation tree (the central office and superusers: every authority), another
authority's is a 404; drafts are for the central office alone (404 for the others); computing, publishing and
correcting need PUBLISH_INDEX (the central office); a published value is frozen (409) and a refused write stores
nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from tests.accounts.conftest import IN_A, IN_B, acts, everyone, read_matrix_test, row, sees, write_matrix_test

from govcx.maturity.index_services import index_compute, index_publish
from govcx.maturity.models import IndexPublication, IndexValue, MeasureValue, ServiceMeasureValue

pytestmark = pytest.mark.django_db

CENTRAL = {"admin", "analyst", "superuser", "superuser_researcher_b"}
MEASURES = {"standards_met": 0.8, "satisfaction_mean": 0.7, "accessible": 0.9, "complaints_on_time": 0.6,
            "tested_with_users": 1.0}


def build(base: dict[str, Any]) -> dict[str, Any]:
    now = timezone.now()
    for side, organisation in (("a", base["orgs"]["min-a"]), ("b", base["orgs"]["region-b"])):
        service = base["services"][side]
        for measure, value in MEASURES.items():
            MeasureValue.objects.create(organisation=organisation, period="2025Q2", measure=measure, value=value,
                                        n_services=1, computed_at=now)
            ServiceMeasureValue.objects.create(service=service, period="2025Q2", measure=measure, value=value,
                                               computed_at=now)
    analyst = base["users"]["analyst"]
    published = index_publish(actor=analyst, publication=index_compute(actor=analyst, model_id="govcx",
                                                                       period="2025Q2"))
    draft = index_compute(actor=analyst, model_id="govcx", period="2025Q2")
    return {"published": published.pk, "draft": draft.pk,
            "value_published": published.values.get(organisation=base["orgs"]["min-a"]).pk,
            "value_draft": draft.values.get(organisation=base["orgs"]["min-a"]).pk}


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    return {
        "publications": sorted(IndexPublication.objects.values_list("id", "status", "period")),
        "values": sorted(IndexValue.objects.values_list("id", "value", "grade", "version")),
        "measures": MeasureValue.objects.count(),
    }


def edit(world: dict[str, Any]) -> dict[str, Any]:
    return {"value": 50, "grade": "C", "note": "late evidence", "version": 1}


READS = [
    row("page", "ranking", "/maturity/", everyone()),
    row("page", "ranking of regions", "/maturity/?group=regional&model=mineconomy-shaped", everyone()),
    row("page", "ranking as xlsx", "/maturity/ranking.xlsx?period=2025Q2", everyone()),
    row("page", "authority a", "/maturity/authorities/{org_a}/", sees(IN_A)),
    row("page", "authority b", "/maturity/authorities/{org_b}/", sees(IN_B)),
    row("page", "dimension of a", "/maturity/authorities/{org_a}/dimensions/standards_met/?period=2025Q2",
        sees(IN_A)),
    row("page", "dimension of b", "/maturity/authorities/{org_b}/dimensions/standards_met/?period=2025Q2",
        sees(IN_B)),
    row("api", "publications", "/api/maturity/publications", everyone()),
    row("api", "published index", "/api/maturity/publications/{published}", everyone()),
    row("api", "draft index", "/api/maturity/publications/{draft}", sees(CENTRAL)),
    row("api", "measures", "/api/maturity/measures", everyone()),
]

WRITES = [
    row("api", "compute a draft", "/api/maturity/publications", acts(set(everyone()), CENTRAL, 201), method="post",
        body=lambda w: {"model_id": "govcx", "period": "2025Q2"}),
    row("api", "publish the draft", "/api/maturity/publications/{draft}/publish", acts(CENTRAL, CENTRAL, 200),
        method="post"),
    row("api", "publish again", "/api/maturity/publications/{published}/publish",
        acts(set(everyone()), set(), 403) | dict.fromkeys(CENTRAL, 409), method="post"),
    row("api", "correct a draft value", "/api/maturity/values/{value_draft}", acts(CENTRAL, CENTRAL, 200),
        method="patch", body=edit),
    row("api", "correct a published value", "/api/maturity/values/{value_published}",
        acts(set(everyone()), set(), 403) | dict.fromkeys(CENTRAL, 409), method="patch", body=edit),
]

# the world's measures are imported-like rows with no evidence behind them: a recompute finds nothing to change
RECOMPUTE = [row("page", "recompute", "/maturity/recompute/", acts(set(everyone()), CENTRAL, 302), method="post",
                 body=lambda w: {})]

test_read_matrix = read_matrix_test(READS)
test_recompute_matrix = read_matrix_test(RECOMPUTE)
test_write_matrix = write_matrix_test(WRITES, state)
