"""Scoping matrix of the registry and the standards: services, passports, assessments, outcomes, adjustments,
reports and exports, the home page and organisations.

Rules under test (accounts/scoping.py, accounts/roles.py):

* an authority's staff see their organisation's records and those of its subordinates (min-a → agency-a1);
* another authority's record is a 404, never a 403 (its existence is not revealed), in pages and API alike;
* the central office (central analyst, admin) and superusers see everything;
* a role that may see a record but not do the thing asked gets 403;
* anonymous users are sent to the login page (pages) or get 401 (API);
* a refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
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
from tests.conftest import passport

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.registry.models import Organisation, Service
from govcx.registry.selectors import passport_dict
from govcx.registry.services import service_create
from govcx.standards.loader import PACKS_DIR, read_pack
from govcx.standards.models import Adjustment, AdjustmentStatus, Assessment, RequirementOutcome
from govcx.standards.services import adjustment_create, assessment_create, pack_load

pytestmark = pytest.mark.django_db

CHANGE_SERVICE = {"admin", "owner_a", "owner_b", "superuser", "superuser_researcher_b"}
ASSESS = {"admin", "analyst", "assessor_a", "superuser", "superuser_researcher_b"}
ADJUST = ASSESS | {"owner_a", "owner_b"}


def build(base: dict[str, Any]) -> dict[str, Any]:
    """svc_a gets a spare sibling (deletable) and two assessments (so the second has a comparison); svc_a1 and
    svc_b one each; the assessments of svc_a and svc_b an overdue adjustment each, so they show on the home page."""
    admin, services = base["users"]["admin"], base["services"]
    pack, _ = pack_load(loaded=read_pack(PACKS_DIR / "govcx-model-standard.yaml"))
    spare = service_create(actor=admin, passport=passport("svc-a-spare", "min-a"))
    first_a = assessment_create(actor=admin, service=services["a"], pack=pack)
    asm_a = assessment_create(actor=admin, service=services["a"], pack=pack)
    asm_a1 = assessment_create(actor=admin, service=services["a1"], pack=pack)
    asm_b = assessment_create(actor=admin, service=services["b"], pack=pack)
    adj_a = adjustment_create(actor=admin, assessment=asm_a, requirement_id="cit-proactive", action="Act A",
                              owner=base["users"]["owner_a"], due_date=dt.date.today())
    adj_b = adjustment_create(actor=admin, assessment=asm_b, requirement_id="cit-proactive", action="Act B",
                              owner=base["users"]["owner_b"], due_date=dt.date.today())
    Adjustment.objects.filter(pk__in=[adj_a.pk, adj_b.pk]).update(due_date=dt.date(2020, 1, 1))  # now overdue
    return {
        "pack": pack.pk, "spare_a": spare.pk, "first_a": first_a.pk, "asm_a": asm_a.pk, "asm_a1": asm_a1.pk,
        "asm_b": asm_b.pk, "adj_a": adj_a.pk, "adj_b": adj_b.pk, "person_a": base["users"]["owner_a"].pk,
    }


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    """Everything a refused request must leave alone."""
    return {
        "services": sorted(Service.objects.values_list("code", "version", "name_en", "owner_id")),
        "assessments": sorted(Assessment.objects.values_list("id", "version")),
        "outcomes": sorted(RequirementOutcome.objects.values_list("id", "version", "status")),
        "adjustments": sorted(Adjustment.objects.values_list("id", "version", "status")),
    }


READS = [
    *[
        row(kind, f"{name} of {side}", url.replace("X", side), sees(scope))
        for side, scope in (("a", IN_A), ("a1", IN_A), ("b", IN_B))
        for kind, name, url in (
            ("page", "service page", "/registry/services/{svc_X}/"),
            ("page", "assessment page", "/standards/assessments/{asm_X}/"),
            ("page", "report", "/reports/assessments/{asm_X}/"),
            ("page", "report csv", "/reports/assessments/{asm_X}/results.csv"),
            ("page", "report xlsx", "/reports/assessments/{asm_X}/results.xlsx"),
            ("api", "service", "/api/registry/services/{svc_X}"),
            ("api", "service history", "/api/registry/services/{svc_X}/history"),
            ("api", "assessment", "/api/standards/assessments/{asm_X}"),
            ("api", "adjustments", "/api/standards/assessments/{asm_X}/adjustments"),
        )
    ],
    row("page", "report pdf of a", "/reports/assessments/{asm_a}/report.pdf", sees(IN_A)),
    row("page", "report pdf of b", "/reports/assessments/{asm_b}/report.pdf", sees(IN_B)),
    row("api", "comparison of a", "/api/standards/assessments/{asm_a}/comparison", sees(IN_A)),
    # Lists and reference data: everyone signed in; the contents are scoped (tested below).
    row("page", "service list", "/registry/services/", everyone()),
    row("page", "assessment list", "/standards/assessments/", everyone()),
    row("page", "home", "/", everyone()),
    row("page", "pack list", "/standards/packs/", everyone()),
    row("api", "service list", "/api/registry/services", everyone()),
    row("api", "assessment list", "/api/standards/assessments", everyone()),
    row("api", "pack list", "/api/standards/packs", everyone()),
    row("api", "organisation list", "/api/registry/organisations", everyone()),
]


def exports_are_whole(call, response, expected: int):
    if expected == 200 and call.url.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf" and response.getvalue().startswith(b"%PDF")
    if expected == 200 and call.url.endswith(".csv"):
        assert response["Content-Type"].startswith("text/csv")
        body = response.getvalue()
        assert b"requirement_id" in body and b"cit-once-only" in body


def service_body(code: str, owner: str, **changes) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def body(world: dict[str, Any]) -> dict[str, Any]:
        service = Service.objects.get(code=code)
        return {**passport_dict(service), "owner": owner, **changes, "version": service.version}

    return body


def outcome_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"status": "met", "expected_version": None}


def adjustment_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"requirement_id": "cit-proactive", "action": "Do it", "owner_id": world["person_a"],
            "due_date": (dt.date.today() + dt.timedelta(days=30)).isoformat()}


def adjustment_page_body(world: dict[str, Any]) -> dict[str, Any]:
    """The page picks the owner from the people of the service's authority."""
    return {**adjustment_body(world), "owner": world["person_a"]}


def status_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"status": "done", "expected_version": Adjustment.objects.get(pk=world["adj_a"]).version}


WRITES = [
    row("api", "edit passport", "/api/registry/services/{svc_a}", acts(IN_A, CHANGE_SERVICE, 200), method="put",
        body=service_body("svc-a", "min-a", name_en="Edited")),
    row("api", "edit subordinate's passport", "/api/registry/services/{svc_a1}", acts(IN_A, CHANGE_SERVICE, 200),
        method="put", body=service_body("svc-a1", "agency-a1", name_en="Edited")),
    row("api", "edit passport of b", "/api/registry/services/{svc_b}", acts(IN_B, CHANGE_SERVICE, 200),
        method="put", body=service_body("svc-b", "region-b", name_en="Edited")),
    row("api", "delete service", "/api/registry/services/{spare_a}", acts(IN_A, CHANGE_SERVICE, 204),
        method="delete"),
    row("api", "create assessment", "/api/standards/assessments", acts(IN_A, ASSESS, 201), method="post",
        body=lambda w: {"service_id": w["svc_a"], "pack_id": w["pack"]}),
    row("api", "rerun checks", "/api/standards/assessments/{asm_a}/checks", acts(IN_A, ASSESS, 200),
        method="post", body=lambda w: {}),
    row("api", "record outcome", "/api/standards/assessments/{asm_a}/outcomes/bus-single-window",
        acts(IN_A, ASSESS, 200), method="put", body=outcome_body),
    row("api", "create adjustment", "/api/standards/assessments/{asm_a}/adjustments", acts(IN_A, ADJUST, 201),
        method="post", body=adjustment_body),
    row("api", "adjustment owners of a", "/api/standards/assessments/{asm_a}/adjustment-owners",
        acts(IN_A, ADJUST, 200)),
    row("api", "change adjustment", "/api/standards/adjustments/{adj_a}", acts(IN_A, ADJUST, 200),
        method="patch", body=status_body),
    row("page", "passport edit form", "/registry/services/{svc_a}/edit/", acts(IN_A, CHANGE_SERVICE, 200)),
    row("page", "passport edit post", "/registry/services/{svc_a}/edit/", acts(IN_A, CHANGE_SERVICE, 302),
        method="post", body=lambda w: {
            "code": "svc-a", "name_en": "Edited", "owner": "min-a", "client_categories": ["citizens"],
            "stage": "beta", "deadline_kind": "working", "fee": "0",
            "version": Service.objects.get(code="svc-a").version,
        }),
    # No record yet, so no scope: a role without the right is refused, whatever its organisation.
    row("page", "new service form", "/registry/services/new/",
        {actor: 200 if actor in CHANGE_SERVICE else 403 for actor in SIGNED_IN}),
    row("page", "create assessment page", "/standards/assessments/new/", acts(IN_A, ASSESS, 302), method="post",
        body=lambda w: {"service_id": w["svc_a"], "pack_id": w["pack"]}),
    row("page", "rerun checks page", "/standards/assessments/{asm_a}/checks/", acts(IN_A, ASSESS, 302),
        method="post", body=lambda w: {}),
    row("page", "record outcome page", "/standards/assessments/{asm_a}/outcomes/bus-single-window/",
        acts(IN_A, ASSESS, 302), method="post", body=lambda w: {"status": "met"}),
    row("page", "create adjustment page", "/standards/assessments/{asm_a}/adjustments/", acts(IN_A, ADJUST, 302),
        method="post", body=adjustment_page_body),
    row("page", "change adjustment page", "/standards/adjustments/{adj_a}/status/", acts(IN_A, ADJUST, 302),
        method="post", body=status_body),
]

test_read_matrix = read_matrix_test(READS, then=exports_are_whole)
test_write_matrix = write_matrix_test(WRITES, state)


# --- the pages refuse out-of-scope records as 404, also for POSTs whose target is in the body ----------------


def test_out_of_scope_ids_are_404_not_403_even_for_roles_without_the_right(world):
    """A viewer of min-a asking to change region-b's service learns nothing: 404, as for an absent id."""
    viewer = client_as(world, "viewer_a")
    assert viewer.get("/registry/services/{svc_b}/edit/".format(**world)).status_code == 404
    assert viewer.get("/registry/services/999999/edit/").status_code == 404
    assert viewer.post("/standards/assessments/{asm_b}/checks/".format(**world)).status_code == 404
    api = client_as(world, "viewer_a")
    assert api.delete("/api/registry/services/{svc_b}".format(**world)).status_code == 404


# --- lists never include other authorities' records -----------------------------------------------------------


SERVICES_OF = {"a": {"svc-a", "svc-a1", "svc-a-spare"}, "b": {"svc-b"}}
ALL_ORGANISATIONS = {"central-office", "min-a", "agency-a1", "region-b", "lab-centre"}


def visible_services(actor: str) -> set[str]:
    return (SERVICES_OF["a"] if actor in IN_A else set()) | (SERVICES_OF["b"] if actor in IN_B else set())


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_api_lists_are_scoped(world, actor):
    client = client_as(world, actor)
    codes = visible_services(actor)
    assert {s["code"] for s in client.get("/api/registry/services").json()} == codes
    assessed = {a["service_code"] for a in client.get("/api/standards/assessments").json()}
    assert assessed == codes - {"svc-a-spare"}
    # Filtering by another authority's owner code finds nothing rather than leaking.
    if actor in IN_A - IN_B:
        assert client.get("/api/registry/services?owner=region-b").json() == []
        assert client.get("/api/standards/assessments?service_id={svc_b}".format(**world)).json() == []


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_organisation_list_is_scoped(world, actor):
    expected = (ALL_ORGANISATIONS if actor in IN_A & IN_B
                else {"min-a", "agency-a1"} if actor in IN_A
                else {"region-b"} if actor in IN_B
                else {"lab-centre"})
    response = client_as(world, actor).get("/api/registry/organisations")
    assert {o["code"] for o in response.json()} == expected


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_html_lists_are_scoped(world, actor):
    client = client_as(world, actor)
    codes = visible_services(actor)
    page = client.get("/registry/services/").content.decode()
    for code in SERVICES_OF["a"] | SERVICES_OF["b"]:
        pk = Service.objects.get(code=code).pk
        assert (f'href="/registry/services/{pk}/"' in page) == (code in codes), code

    page = client.get("/standards/assessments/").content.decode()
    for key, code in (("asm_a", "svc-a"), ("asm_a1", "svc-a1"), ("asm_b", "svc-b")):
        assert (f'href="/standards/assessments/{world[key]}/"' in page) == (code in codes), key


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_home_dashboard_is_scoped(world, actor):
    codes = visible_services(actor)
    context = client_as(world, actor).get("/").context
    assert context["service_count"] == len(codes)
    blocked = [row[0] if isinstance(row, tuple) else row for row in context["blocked"]]  # (assessment, gaps)
    assert {a.service.code for a in blocked} == codes & {"svc-b"}  # svc-b fails once-only
    assert {adj.assessment.service.code for adj in context["overdue"]} == codes & {"svc-a", "svc-b"}


def test_html_service_list_owner_filter_only_offers_own_organisations(world):
    owners = client_as(world, "owner_b").get("/registry/services/").context["owners"]
    assert {o.code for o in owners} == {"region-b"}


def test_scope_goes_down_the_hierarchy_not_up(world):
    agency_viewer = User.objects.create_user(username="viewer-a1", password="x", role=Role.VIEWER,
                                             organisation=world["orgs"]["agency-a1"])
    client = Client()
    client.force_login(agency_viewer)
    assert {s["code"] for s in client.get("/api/registry/services").json()} == {"svc-a1"}
    assert client.get("/registry/services/{svc_a1}/".format(**world)).status_code == 200
    assert client.get("/registry/services/{svc_a}/".format(**world)).status_code == 404
    assert client.get("/api/standards/assessments/{asm_a}".format(**world)).status_code == 404


def test_scope_follows_a_deeper_hierarchy(world):
    office = Organisation.objects.create(code="office-a1x", name_en="Office", level="federal",
                                         parent=world["orgs"]["agency-a1"])
    service_create(actor=world["users"]["admin"], passport=passport("svc-deep", office.code))
    client = client_as(world, "viewer_a")
    assert "svc-deep" in {s["code"] for s in client.get("/api/registry/services").json()}


def test_a_non_central_user_without_an_organisation_sees_nothing(world):
    orphan = User.objects.create_user(username="orphan", password="x", role=Role.SERVICE_OWNER)
    client = Client()
    client.force_login(orphan)
    assert client.get("/api/registry/services").json() == []
    assert client.get("/api/standards/assessments").json() == []
    assert client.get("/registry/services/{svc_a}/".format(**world)).status_code == 404


def test_a_deactivated_user_loses_access(world):
    client = client_as(world, "viewer_a")
    User.objects.filter(pk=world["users"]["viewer_a"].pk).update(is_active=False)  # the world's users stay as built
    response = client.get("/registry/services/{svc_a}/".format(**world))
    assert response.status_code == 302  # the session no longer authenticates
    assert client.get("/api/registry/services").status_code == 401


# --- owners and organisations ---------------------------------------------------------------------------------


def new_passport(code: str, owner: str) -> str:
    return json.dumps(passport(code, owner).model_dump(mode="json"))


def test_an_owner_cannot_create_a_service_for_another_authority(world):
    client = client_as(world, "owner_a")
    response = client.post("/api/registry/services", data=new_passport("svc-x", "region-b"),
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert not Service.objects.filter(code="svc-x").exists()

    # ... but may for its own organisation and its subordinates.
    for code, owner in (("svc-own", "min-a"), ("svc-sub", "agency-a1")):
        response = client.post("/api/registry/services", data=new_passport(code, owner),
                               content_type="application/json")
        assert response.status_code == 201, response.content
        assert Service.objects.get(code=code).owner.code == owner


def test_a_subordinate_owner_cannot_create_for_its_parent(world):
    agency_owner = User.objects.create_user(username="owner-a1", password="x", role=Role.SERVICE_OWNER,
                                            organisation=world["orgs"]["agency-a1"])
    client = Client()
    client.force_login(agency_owner)
    response = client.post("/api/registry/services", data=new_passport("svc-up", "min-a"),
                           content_type="application/json")
    assert response.status_code == 403
    assert not Service.objects.filter(code="svc-up").exists()


def test_an_owner_cannot_hand_a_service_to_another_authority(world):
    client = client_as(world, "owner_a")
    body = service_body("svc-a", "region-b")(world)
    response = client.put("/api/registry/services/{svc_a}".format(**world), data=json.dumps(body, default=str),
                          content_type="application/json")
    assert response.status_code == 403
    assert Service.objects.get(code="svc-a").owner.code == "min-a"


def test_the_html_form_offers_only_organisations_in_scope(world):
    client = client_as(world, "owner_a")
    form = client.get("/registry/services/new/").context["form"]
    assert {code for code, _ in form.fields["owner"].choices} == {"min-a", "agency-a1"}
    response = client.post("/registry/services/new/", data={
        "code": "svc-html", "name_en": "X", "owner": "region-b", "client_categories": ["citizens"],
        "stage": "beta", "deadline_kind": "working", "fee": "0",
    })
    assert response.status_code == 200  # the form again, with an error
    assert "owner" in response.context["form"].errors
    assert not Service.objects.filter(code="svc-html").exists()


def test_an_assessor_cannot_edit_a_passport(world):
    client = client_as(world, "assessor_a")
    assert client.get("/registry/services/{svc_a}/edit/".format(**world)).status_code == 403
    body = service_body("svc-a", "min-a", name_en="Assessor's edit")(world)
    response = client.put("/api/registry/services/{svc_a}".format(**world), data=json.dumps(body, default=str),
                          content_type="application/json")
    assert response.status_code == 403
    assert Service.objects.get(code="svc-a").name_en == "Service svc-a"


def test_a_viewer_gets_403_for_changes_to_what_it_can_see(world):
    client = client_as(world, "viewer_a")
    assert client.get("/registry/services/{svc_a}/".format(**world)).status_code == 200
    assert client.get("/registry/services/{svc_a}/edit/".format(**world)).status_code == 403
    response = client.patch("/api/standards/adjustments/{adj_a}".format(**world),
                            data=json.dumps({"status": "done", "expected_version": 1}), content_type="application/json")
    assert response.status_code == 403
    assert Adjustment.objects.get(pk=world["adj_a"]).status == AdjustmentStatus.OPEN


def test_pages_do_not_offer_actions_the_role_cannot_take(world):
    viewer = client_as(world, "viewer_a").get("/registry/services/{svc_a}/".format(**world))
    owner = client_as(world, "owner_a").get("/registry/services/{svc_a}/".format(**world))
    edit = "/registry/services/{svc_a}/edit/".format(**world)
    assert viewer.context["can_change"] is False and edit not in viewer.content.decode()
    assert owner.context["can_change"] is True and edit in owner.content.decode()
