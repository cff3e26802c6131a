"""Scoping matrix of feedback: surveys, responses, dashboards, exports, comments and quarterly reports.

Survey A collects answers about Ministry A's svc-a, survey B about the Tula region's svc-b. Rules under test:
staff see their authority's surveys, answers and figures (the central office and superusers everyone's); another
authority's survey or service is a 404; managing surveys needs MANAGE_SURVEYS (CX analysts, the central analyst,
the administrator); the public pages need no sign-in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
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

from govcx.feedback import services as feedback
from govcx.feedback.models import Response, Survey, SurveyStatus
from govcx.feedback.selectors import public_surveys

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("empty_rate_limits")]

MANAGE = {"admin", "analyst", "cx_a", "cx_b", "superuser", "superuser_researcher_b"}


def build(base: dict[str, Any]) -> dict[str, Any]:
    admin = base["users"]["admin"]
    world: dict[str, Any] = {}
    moment = timezone.now() - dt.timedelta(days=3)
    for side in ("a", "b"):
        survey = feedback.survey_create(service=base["services"][side], title=f"CSAT {side}", template="csat",
                                        actor=admin)
        survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                        status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
        for i, rating in enumerate((5, 4, 2)):
            feedback.response_submit(survey=survey, submission=feedback.Submission(
                idempotency_key=f"scoping-{side}-{i:04d}", answers={"overall": rating}, submitted_at=moment,
                elapsed_seconds=30))
        world |= {f"survey_{side}": survey.pk, f"key_{side}": survey.public_key}
    public_surveys.forget()
    return world


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    return {
        "surveys": sorted(Survey.objects.values_list("id", "title", "status", "version")),
        "responses": Response.objects.count(),
    }


READS = [
    row("page", "survey list", "/feedback/", everyone()),
    row("page", "dashboard", "/feedback/dashboard/", everyone()),
    row("page", "comments", "/feedback/comments/", everyone()),
    row("api", "survey list", "/api/feedback/surveys", everyone()),
    row("api", "responses", "/api/feedback/responses", everyone()),
    row("api", "dashboard", "/api/feedback/dashboard", everyone()),
    row("api", "templates", "/api/feedback/templates", everyone()),
    *[
        row(kind, f"{name} of {side}", url.replace("X", side), sees(scope))
        for side, scope in (("a", IN_A), ("b", IN_B))
        for kind, name, url in (
            ("page", "survey page", "/feedback/surveys/{survey_X}/"),
            ("page", "export csv", "/feedback/surveys/{survey_X}/responses.csv"),
            ("page", "export xlsx", "/feedback/surveys/{survey_X}/responses.xlsx"),
            ("page", "service dashboard", "/feedback/dashboard/?service={svc_X}"),
            ("page", "service comments", "/feedback/comments/?service={svc_X}"),
            ("page", "quarterly report", "/feedback/services/{svc_X}/report/"),
            ("api", "survey", "/api/feedback/surveys/{survey_X}"),
            ("api", "service dashboard", "/api/feedback/dashboard?service_id={svc_X}"),
        )
    ],
    row("page", "quarterly report pdf of a", "/feedback/services/{svc_a}/report.pdf", sees(IN_A)),
    # The citizen's side: no sign-in.
    row("page", "public survey", "/feedback/s/{key_a}/", everyone(), anon=200),
    row("api", "public survey", "/api/feedback/public/surveys/{key_a}", everyone(), anon=200),
]

WRITES = [
    row("api", "create survey", "/api/feedback/surveys", acts(IN_A, MANAGE, 201), method="post",
        body=lambda w: {"service_id": w["svc_a"], "title": "New", "template": "csat"}),
    row("api", "edit survey", "/api/feedback/surveys/{survey_a}", acts(IN_A, MANAGE, 200), method="patch",
        body=lambda w: {"version": Survey.objects.get(pk=w["survey_a"]).version, "title": "Edited"}),
    row("api", "edit survey of b", "/api/feedback/surveys/{survey_b}", acts(IN_B, MANAGE, 200), method="patch",
        body=lambda w: {"version": Survey.objects.get(pk=w["survey_b"]).version, "title": "Edited"}),
    row("page", "edit survey", "/feedback/surveys/{survey_a}/", acts(IN_A, MANAGE, 302), method="post",
        body=lambda w: {"version": Survey.objects.get(pk=w["survey_a"]).version, "title": "Edited",
                        "status": "live", "allowed_origins": "", "rate_limit_per_minute": "30"}),
]


test_read_matrix = read_matrix_test(READS)
test_write_matrix = write_matrix_test(WRITES, state)


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_lists_hold_only_the_scope(world, actor):
    client = client_as(world, actor)
    assert {s["id"] for s in client.get("/api/feedback/surveys").json()} == in_scope(world, actor, "survey")
    services = {r["service_id"] for r in client.get("/api/feedback/responses").json()}
    assert services == in_scope(world, actor, "svc")
