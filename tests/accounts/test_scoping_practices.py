"""Scoping matrix of the self-assessment of management practices: the list, one assessment, its review page, and
the API's reads and writes (start, answer, submit, review, delete).

Ministry A and the Tula region each have a submitted assessment and a draft. Rules under test: an authority sees its
own (and its subordinates'), the central office and superusers see all; another authority's assessment is a 404;
filling needs FILL_SELF_ASSESSMENT (the authority's service owner, the administrator), reviewing
REVIEW_SELF_ASSESSMENT (the central analyst, the administrator); a refused write changes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest
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

from govcx.practices.models import PracticeAnswer, ReviewerScore, SelfAssessment
from govcx.practices.services import self_assessment_answer, self_assessment_create, self_assessment_submit

pytestmark = pytest.mark.django_db

PERIOD = "2026Q2"
FUNCTIONS = ("measurement", "culture", "customer_research", "service_design", "governance")
FILL = {"admin", "owner_a", "owner_b", "superuser", "superuser_researcher_b"}
REVIEW = {"admin", "analyst", "superuser", "superuser_researcher_b"}
# starting one for Ministry A: a filler whose scope reaches it; another authority's filler gets a 404, the rest 403
START_A = {actor: (201 if actor in IN_A else 404) if actor in FILL else 403 for actor in SIGNED_IN}


def answers(level: int = 3) -> list[dict[str, Any]]:
    return [{"function": code, "level": level} for code in FUNCTIONS]


def build(base: dict[str, Any]) -> dict[str, Any]:
    world: dict[str, Any] = {}
    owners = {"a": base["users"]["owner_a"], "b": base["users"]["owner_b"]}
    for side, org in (("a", base["org_a"]), ("b", base["org_b"])):
        submitted = self_assessment_create(actor=owners[side], organisation_id=org, period=PERIOD)
        self_assessment_answer(actor=owners[side], assessment=submitted, answers=answers())
        self_assessment_submit(actor=owners[side], assessment=submitted)
        draft = self_assessment_create(actor=owners[side], organisation_id=org, period="2026Q3")
        world[f"sa_{side}"], world[f"draft_{side}"] = submitted.pk, draft.pk
    world["org_a1"] = base["orgs"]["agency-a1"].pk
    return world


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    return {
        "assessments": sorted(SelfAssessment.objects.values_list("id", "organisation_id", "period", "status",
                                                                 "version")),
        "answers": sorted(PracticeAnswer.objects.values_list("assessment_id", "function", "level")),
        "reviews": sorted(ReviewerScore.objects.values_list("assessment_id", "function", "level")),
    }


READS = [
    row("page", "practices list", "/practices/", everyone()),
    row("page", "practices list of a quarter", f"/practices/?period={PERIOD}", everyone()),
    row("page", "assessment of a", "/practices/{sa_a}/", sees(IN_A)),
    row("page", "assessment of b", "/practices/{sa_b}/", sees(IN_B)),
    row("page", "draft of a", "/practices/{draft_a}/", sees(IN_A)),
    row("page", "review of a", "/practices/{sa_a}/review/", sees(IN_A)),
    row("page", "review of b", "/practices/{sa_b}/review/", sees(IN_B)),
    row("api", "questionnaire", "/api/practices/questionnaire", everyone()),
    row("api", "assessments", "/api/practices/self-assessments", everyone()),
    row("api", "assessment of a", "/api/practices/self-assessments/{sa_a}", sees(IN_A)),
    row("api", "assessment of b", "/api/practices/self-assessments/{sa_b}", sees(IN_B)),
    row("api", "scores", f"/api/practices/scores?period={PERIOD}", everyone()),
]


def review(decision: str = "reviewed"):
    return lambda w: {"decision": decision, "comment": "Посмотрите данные опросов",
                      "scores": [{"function": "measurement", "level": 2, "reason": "нет опросов"}]}


WRITES = [
    row("api", "start for a", "/api/practices/self-assessments", START_A, method="post",
        body=lambda w: {"organisation_id": w["org_a"], "period": "2026Q4"}),
    row("api", "start for a's agency", "/api/practices/self-assessments",
        {**START_A, "owner_a": 201, "assessor_a": 403, "viewer_a": 403},
        method="post", body=lambda w: {"organisation_id": w["org_a1"], "period": "2026Q4"}),
    row("api", "answer draft of a", "/api/practices/self-assessments/{draft_a}/answers",
        acts(IN_A, FILL, 200), method="put", body=lambda w: {"answers": answers(4)}),
    row("api", "answer draft of b", "/api/practices/self-assessments/{draft_b}/answers",
        acts(IN_B, FILL, 200), method="put", body=lambda w: {"answers": answers(4)}),
    row("api", "answer submitted a", "/api/practices/self-assessments/{sa_a}/answers",
        acts(IN_A, FILL, 409), method="put", body=lambda w: {"answers": answers(4)}),
    row("api", "submit incomplete draft of a", "/api/practices/self-assessments/{draft_a}/submit",
        acts(IN_A, FILL, 422), method="post", body=lambda w: {}),
    row("api", "review a", "/api/practices/self-assessments/{sa_a}/review", acts(IN_A, REVIEW, 200),
        method="post", body=review()),
    row("api", "return b", "/api/practices/self-assessments/{sa_b}/review", acts(IN_B, REVIEW, 200),
        method="post", body=review("returned")),
    row("api", "review the draft of a", "/api/practices/self-assessments/{draft_a}/review",
        acts(IN_A, REVIEW, 409), method="post", body=review()),
    row("api", "delete draft of b", "/api/practices/self-assessments/{draft_b}", acts(IN_B, FILL, 204),
        method="delete"),
    row("page", "save answers of a", "/practices/{draft_a}/", acts(IN_A, FILL, 302), method="post",
        body=lambda w: {f"level-{code}": "4" for code in FUNCTIONS}),
    row("page", "review a on its page", "/practices/{sa_a}/review/", acts(IN_A, REVIEW, 302), method="post",
        body=lambda w: {"decision": "reviewed", "comment": "ok"}),
]

test_read_matrix = read_matrix_test(READS)
test_write_matrix = write_matrix_test(WRITES, state)


@pytest.mark.parametrize("actor", sorted(START_A))
def test_start_on_the_list_page_creates_only_for_an_allowed_filler(world, actor):
    """The list page's form: 403 for a role that may not fill; otherwise a redirect, a refusal (another
    authority) told as a message."""
    before = SelfAssessment.objects.count()
    response = client_as(world, actor).post("/practices/", {"organisation": world["org_a"], "period": "2026Q4"})
    assert response.status_code == (403 if START_A[actor] == 403 else 302)
    assert SelfAssessment.objects.count() - before == (1 if START_A[actor] == 201 else 0)


def test_lists_hold_only_the_assessments_in_scope(world):
    for actor in ("admin", "analyst", "owner_a", "viewer_a", "owner_b", "lab"):
        found = {a["id"] for a in client_as(world, actor).get("/api/practices/self-assessments").json()}
        assert found == in_scope(world, actor, "sa", "draft"), actor
