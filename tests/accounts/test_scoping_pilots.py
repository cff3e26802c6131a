"""Scoping matrix of pilots: programmes, their pages and report, the API's reads and writes.

Programme A is run by the central office with Ministry A in the pilot (planned, one criterion); programme B with
the Tula region in the pilot (running, its criterion frozen). Rules under test: the central office and superusers
see every programme; a participant's staff see their programme, another programme is a 404; only central roles
(MANAGE_PILOTS: the administrator, the central analyst, superusers) create, change, start and analyse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from tests.accounts.conftest import (
    IN_A,
    IN_B,
    SIGNED_IN,
    acts,
    client_as,
    everyone,
    read_matrix_test,
    row,
    sees,
    write_matrix_test,
)

from govcx.pilots.models import EffectivenessCriterion, PilotAnalysis, PilotParticipant, PilotProgramme
from govcx.pilots.services import criterion_create, participant_add, programme_create, programme_start

pytestmark = [pytest.mark.django_db]

CENTRAL = {"admin", "analyst", "superuser", "superuser_researcher_b"}
# the central office sees every programme; the participants' staff see theirs
SEES_A = IN_A | CENTRAL
SEES_B = IN_B | CENTRAL
CRITERION = {"tool": "feedback", "measure": "satisfaction_mean", "direction": "increase", "minimum_effect": 0.03,
             "iterate_threshold": 0.01, "comparison_group": "all"}


def build(base: dict[str, Any]) -> dict[str, Any]:
    admin, orgs = base["users"]["admin"], base["orgs"]
    world: dict[str, Any] = {}
    for side, treated, running in (("a", "min-a", False), ("b", "region-b", True)):
        programme = programme_create(actor=admin, owner=orgs["central-office"], name=f"Pilot {side}",
                                     tools=["feedback"], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2027, 1, 1))
        participant_add(actor=admin, programme=programme, organisation=orgs[treated], role="treated")
        criterion = criterion_create(actor=admin, programme=programme, key="satisfaction", values=CRITERION)
        if running:
            programme_start(actor=admin, programme=programme)
        world |= {f"pilot_{side}": programme.pk, f"criterion_{side}": criterion.pk}
    return world


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    return {
        "programmes": sorted(PilotProgramme.objects.values_list("id", "status")),
        "participants": PilotParticipant.objects.count(),
        "criteria": sorted(EffectivenessCriterion.objects.values_list("id", "version", "minimum_effect",
                                                                        "superseded")),
        "analyses": PilotAnalysis.objects.count(),
    }


READS = [
    row("page", "programme list", "/pilots/", everyone()),
    row("page", "programme A", "/pilots/{pilot_a}/", sees(SEES_A)),
    row("page", "programme B", "/pilots/{pilot_b}/", sees(SEES_B)),
    row("page", "report B", "/pilots/{pilot_b}/report/", sees(SEES_B)),
    row("api", "programme list", "/api/pilots/programmes", everyone()),
    row("api", "programme A", "/api/pilots/programmes/{pilot_a}", sees(SEES_A)),
    row("api", "programme B", "/api/pilots/programmes/{pilot_b}", sees(SEES_B)),
]

test_read_matrix = read_matrix_test(READS)


def test_a_participant_lists_only_its_programmes(world):
    for actor in SIGNED_IN:
        listed = {p["id"] for p in client_as(world, actor).get("/api/pilots/programmes").json()}
        expected = {world[f"pilot_{side}"] for side, scope in (("a", SEES_A), ("b", SEES_B)) if actor in scope}
        assert listed == expected, actor


WRITES = [
    row("api", "create programme", "/api/pilots/programmes", acts(set(SIGNED_IN), CENTRAL, 201), method="post",
        body=lambda w: {"name": "New", "tools": ["lab"], "starts_on": "2026-01-01", "ends_on": "2026-12-31"}),
    row("api", "add participant to A", "/api/pilots/programmes/{pilot_a}/participants", acts(SEES_A, CENTRAL, 201),
        method="post", body=lambda w: {"organisation_id": w["org_lab"], "role": "comparison"}),
    row("api", "add criterion to A", "/api/pilots/programmes/{pilot_a}/criteria", acts(SEES_A, CENTRAL, 201),
        method="post", body=lambda w: {**CRITERION, "key": "second"}),
    row("api", "edit criterion of A", "/api/pilots/criteria/{criterion_a}", acts(SEES_A, CENTRAL, 200),
        method="patch", body=lambda w: {"minimum_effect": 0.05}),
    row("api", "start A", "/api/pilots/programmes/{pilot_a}/start", acts(SEES_A, CENTRAL, 200), method="post"),
    row("page", "start A", "/pilots/{pilot_a}/start/", acts(SEES_A, CENTRAL, 302), method="post"),
    row("api", "edit frozen criterion of B", "/api/pilots/criteria/{criterion_b}", acts(SEES_B, CENTRAL, 409),
        method="patch", body=lambda w: {"minimum_effect": 0.05}),
    row("api", "revise criterion of B", "/api/pilots/criteria/{criterion_b}/versions", acts(SEES_B, CENTRAL, 201),
        method="post", body=lambda w: {"minimum_effect": 0.05, "reason": "re-agreed"}),
    row("api", "analyse B", "/api/pilots/programmes/{pilot_b}/analyses", acts(SEES_B, CENTRAL, 201),
        method="post"),
    row("page", "analyse B", "/pilots/{pilot_b}/analyse/", acts(SEES_B, CENTRAL, 302), method="post"),
]

test_write_matrix = write_matrix_test(WRITES, state)
