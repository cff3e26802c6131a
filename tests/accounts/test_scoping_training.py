"""Scoping matrix of training: programmes, coverage, the people still to train, attitudes, the roster, attendance
sheets and the API's imports.

Programme A belongs to Ministry A (its roster spans the ministry and its agency), programme B to the Tula region.
Rules under test: staff see their authority's programme (the central office and superusers every one); another
authority's programme is a 404; rosters, completions and attendance need MANAGE_TRAINING (training officers, the
administrator, superusers); work e-mails and managers reach only the organisation's own training officers, never
administrators or superusers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from tests.accounts.conftest import (
    ACTORS,
    IN_A,
    IN_B,
    SIDES,
    SIGNED_IN,
    acts,
    answers_read_by,
    client_as,
    everyone,
    read_matrix_test,
    row,
    sees,
    write_matrix_test,
)

from govcx.training.models import Completion, Person, Programme, RosterImport
from govcx.training.services.programme import course_create, programme_create
from govcx.training.services.roster_imports import roster_import

pytestmark = [pytest.mark.django_db]

MANAGE = {"admin", "training_a", "training_b", "superuser", "superuser_researcher_b"}
OFFICERS = {"a": {"training_a"}, "b": {"training_b"}}
EMAIL = {"a": "trainee.alpha@example.gov", "b": "trainee.beta@example.gov"}
HEADER = "person_id,organisation,position_category,region,started_on,left_on,work_email,manager_id\n"


def build(base: dict[str, Any]) -> dict[str, Any]:
    world: dict[str, Any] = {}
    today = timezone.localdate()
    for side, org, member in (("a", "min-a", "agency-a1"), ("b", "region-b", "region-b")):
        admin = base["users"]["admin"]
        programme = programme_create(actor=admin, organisation=base["orgs"][org], name=f"Programme {side}",
                                     starts_on=today - dt.timedelta(days=700))
        course = course_create(actor=admin, programme=programme, code="basics", name="Basics", kind="elearning",
                               activity_id=f"https://lms.example.gov/{side}/basics",
                               position_categories=["specialist"])
        csv = HEADER + f"{side}1,{member},specialist,,2020-01-01,,{EMAIL[side]},{side}2\n" \
            f"{side}2,{org},specialist,,2020-01-01,,,\n"
        roster_import(actor=admin, programme=programme, data=csv.encode(), file_name="staff.csv")
        world |= {f"programme_{side}": programme.pk, f"course_{side}": course.pk}
    return world


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    return {
        "people": sorted(Person.objects.values_list("programme_id", "person_key", "organisation_id", "left_on",
                                                    "trained_on")),
        "completions": sorted(Completion.objects.values_list("person_id", "course_id", "completed_on")),
        "imports": RosterImport.objects.count(),
        "programmes": sorted(Programme.objects.values_list("id", "version")),
    }


READS = [
    row("page", "programme list", "/training/", everyone()),
    row("api", "programme list", "/api/training/programmes", everyone()),
    *[
        row(kind, f"{name} of {side}", url.replace("X", side), sees(scope))
        for side, scope in (("a", IN_A), ("b", IN_B))
        for kind, name, url in (
            ("page", "coverage", "/training/{programme_X}/"),
            ("page", "coverage by region", "/training/{programme_X}/?by=region"),
            ("page", "coverage csv", "/training/{programme_X}/coverage.csv"),
            ("page", "coverage xlsx", "/training/{programme_X}/coverage.xlsx"),
            ("page", "still to train", "/training/{programme_X}/people/"),
            ("page", "coverage by course", "/training/{programme_X}/courses/"),
            ("page", "attitudes", "/training/{programme_X}/attitudes/"),
            ("page", "roster", "/training/{programme_X}/roster/"),
            ("api", "coverage", "/api/training/programmes/{programme_X}/coverage"),
            ("api", "still to train", "/api/training/programmes/{programme_X}/people"),
            ("api", "attitudes", "/api/training/programmes/{programme_X}/attitudes"),
        )
    ],
]


def roster_file(side: str, person: str) -> dict[str, Any]:
    org = "min-a" if side == "a" else "region-b"
    content = (HEADER + f"{side}1,{org},specialist,,2020-01-01,,,\n{person},{org},specialist,,2021-01-01,,,\n")
    return {"file": SimpleUploadedFile("staff.csv", content.encode(), content_type="text/csv")}


def completions_file(side: str) -> dict[str, Any]:
    content = f"person_id,course,completed_on\n{side}1,basics,2025-01-10\n"
    return {"file": SimpleUploadedFile("lms.csv", content.encode(), content_type="text/csv")}


WRITES = [
    row("api", "roster import", "/api/training/programmes/{programme_a}/roster", acts(IN_A, MANAGE, 200),
        method="post", body=lambda w: roster_file("a", "a9"), multipart=True),
    row("api", "roster import of b", "/api/training/programmes/{programme_b}/roster", acts(IN_B, MANAGE, 200),
        method="post", body=lambda w: roster_file("b", "b9"), multipart=True),
    row("api", "completions import", "/api/training/programmes/{programme_a}/completions",
        acts(IN_A, MANAGE, 200), method="post", body=lambda w: completions_file("a"), multipart=True),
    row("page", "roster import", "/training/{programme_a}/roster/", acts(IN_A, MANAGE, 302), method="post",
        body=lambda w: roster_file("a", "a8"), multipart=True),
    row("page", "attendance", "/training/{programme_a}/attendance/", acts(IN_A, MANAGE, 302), method="post",
        body=lambda w: {"course": w["course_a"], "held_on": "2025-02-02", "people": "a1\na2"}),
]


test_read_matrix = read_matrix_test(READS)
test_write_matrix = write_matrix_test(WRITES, state)


@pytest.mark.parametrize("actor", ACTORS)
def test_work_emails_reach_only_the_organisations_training_officers(world, actor):
    for call, body in answers_read_by(world, actor, READS):
        for side, _scope in SIDES:
            if EMAIL[side] in body:
                assert actor in OFFICERS[side], f"{call.name}: {actor} saw {side}'s work e-mail"


def test_the_training_officer_sees_the_contacts(world):
    body = client_as(world, "training_a").get(f"/training/{world['programme_a']}/people/").content.decode()
    assert EMAIL["a"] in body


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_the_list_holds_only_the_scope(world, actor):
    ids = {p["id"] for p in client_as(world, actor).get("/api/training/programmes").json()}
    expected = {world[f"programme_{side}"] for side, scope in SIDES if actor in scope}
    assert ids == expected
