"""Organisation scoping, as a permission matrix (NetBox style).

Each row of a table is one page or API call on a record of a known authority; each column is an actor;
each cell the status code expected. The tests are generated from the tables, so adding a page or an
endpoint means adding one row. Rules under test (accounts/scoping.py, accounts/roles.py):

* an authority's staff see their organisation's records and those of its subordinates (min-a → agency-a1);
* another authority's record is a 404, never a 403 (its existence is not revealed), in pages and API alike;
* the central office (central analyst, admin) sees everything;
* a role that may see a record but not do the thing asked gets 403;
* anonymous users are sent to the login page (pages) or get 401 (API);
* a refused request changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.registry.models import Organisation, Service
from govcx.registry.selectors import passport_dict
from govcx.registry.services import service_create
from govcx.standards.loader import PACKS_DIR, read_pack
from govcx.standards.models import Adjustment, AdjustmentStatus, Assessment, RequirementOutcome
from govcx.standards.services import adjustment_create, assessment_create, pack_load

pytestmark = pytest.mark.django_db

ACTORS = ("viewer_a", "owner_a", "assessor_a", "owner_b", "assessor_b", "analyst", "admin", "anon")



# --- the world ----------------------------------------------------------------------------------------------


@pytest.fixture
def world(users, services, make_passport) -> dict[str, Any]:
    """Ids of the records the tables refer to, by name: svc_a, svc_a1, svc_b, spare_a (deletable), asm_a (with a
    previous assessment, so it has a comparison), asm_a1, asm_b, adj_a, adj_b; plus the users."""
    admin = users["admin"]
    pack, _ = pack_load(loaded=read_pack(PACKS_DIR / "govcx-model-standard.yaml"))
    spare = service_create(actor=admin, passport=make_passport("svc-a-spare", "min-a"))
    first_a = assessment_create(actor=admin, service=services["a"], pack=pack)
    asm_a = assessment_create(actor=admin, service=services["a"], pack=pack)
    asm_a1 = assessment_create(actor=admin, service=services["a1"], pack=pack)
    asm_b = assessment_create(actor=admin, service=services["b"], pack=pack)
    due = dt.date(2020, 1, 1)  # overdue, so it shows on the home page
    adj_a = adjustment_create(actor=admin, assessment=asm_a, requirement_id="cit-proactive", action="Act A",
                              owner="Team A", due_date=due)
    adj_b = adjustment_create(actor=admin, assessment=asm_b, requirement_id="cit-proactive", action="Act B",
                              owner="Team B", due_date=due)
    return {
        "users": users, "pack": pack.pk,
        "svc_a": services["a"].pk, "svc_a1": services["a1"].pk, "svc_b": services["b"].pk, "spare_a": spare.pk,
        "first_a": first_a.pk, "asm_a": asm_a.pk, "asm_a1": asm_a1.pk, "asm_b": asm_b.pk,
        "adj_a": adj_a.pk, "adj_b": adj_b.pk,
    }


def client_as(world: dict[str, Any], actor: str) -> Client:
    client = Client()
    if actor != "anon":
        client.force_login(world["users"][actor])
    return client


def state() -> dict[str, Any]:
    """Everything a refused request must leave alone."""
    return {
        "services": sorted(Service.objects.values_list("code", "version", "name_en", "owner_id")),
        "assessments": sorted(Assessment.objects.values_list("id", "version")),
        "outcomes": sorted(RequirementOutcome.objects.values_list("id", "version", "status")),
        "adjustments": sorted(Adjustment.objects.values_list("id", "version", "status")),
    }


# --- the tables ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    name: str
    kind: str  # "page" or "api"
    method: str
    url: str  # formatted with the world's ids
    expect: dict[str, int]
    body: Callable[[dict[str, Any]], dict[str, Any]] | None = field(default=None, compare=False)

    def run(self, world: dict[str, Any], actor: str):
        client = client_as(world, actor)
        url = self.url.format(**world)
        kwargs: dict[str, Any] = {}
        if self.body is not None:
            data = self.body(world)
            if self.kind == "api":
                kwargs = {"data": json.dumps(data, default=str), "content_type": "application/json"}
            else:
                kwargs = {"data": data}
        return getattr(client, self.method)(url, **kwargs)


def matrix(*, page: bool, **cells: int) -> dict[str, int]:
    """A full row: every actor must have a cell; anonymous is implied by the kind of call."""
    row = {**cells, "anon": 302 if page else 401}
    assert set(row) == set(ACTORS), sorted(set(ACTORS) ^ set(row))
    return row


# Reads of a record of authority A (min-a or its subordinate agency-a1) ...
SEE_A = dict(viewer_a=200, owner_a=200, assessor_a=200, owner_b=404, assessor_b=404, analyst=200, admin=200)
# ... and of authority B (region-b).
SEE_B = dict(viewer_a=404, owner_a=404, assessor_a=404, owner_b=200, assessor_b=200, analyst=200, admin=200)


def reads(kind: str, name: str, url: str, who: dict[str, int]) -> Call:
    return Call(name, kind, "get", url, matrix(page=kind == "page", **who))


READS = [
    *[
        reads("page", f"{name} of {side}", url.replace("X", side), see)
        for side, see in (("a", SEE_A), ("a1", SEE_A), ("b", SEE_B))
        for name, url in (
            ("service page", "/registry/services/{svc_X}/"),
            ("assessment page", "/standards/assessments/{asm_X}/"),
            ("report", "/reports/assessments/{asm_X}/"),
            ("report csv", "/reports/assessments/{asm_X}/results.csv"),
            ("report xlsx", "/reports/assessments/{asm_X}/results.xlsx"),
        )
    ],
    reads("page", "report pdf of a", "/reports/assessments/{asm_a}/report.pdf", SEE_A),
    reads("page", "report pdf of b", "/reports/assessments/{asm_b}/report.pdf", SEE_B),
    *[
        reads("api", f"{name} of {side}", url.replace("X", side), see)
        for side, see in (("a", SEE_A), ("a1", SEE_A), ("b", SEE_B))
        for name, url in (
            ("service", "/api/registry/services/{svc_X}"),
            ("service history", "/api/registry/services/{svc_X}/history"),
            ("assessment", "/api/standards/assessments/{asm_X}"),
            ("adjustments", "/api/standards/assessments/{asm_X}/adjustments"),
        )
    ],
    reads("api", "comparison of a", "/api/standards/assessments/{asm_a}/comparison", SEE_A),
    # Lists and reference data: everyone signed in; the contents are scoped (tested below).
    reads("page", "service list", "/registry/services/", {a: 200 for a in ACTORS if a != "anon"}),
    reads("page", "assessment list", "/standards/assessments/", {a: 200 for a in ACTORS if a != "anon"}),
    reads("page", "home", "/", {a: 200 for a in ACTORS if a != "anon"}),
    reads("page", "pack list", "/standards/packs/", {a: 200 for a in ACTORS if a != "anon"}),
    reads("api", "service list", "/api/registry/services", {a: 200 for a in ACTORS if a != "anon"}),
    reads("api", "assessment list", "/api/standards/assessments", {a: 200 for a in ACTORS if a != "anon"}),
    reads("api", "pack list", "/api/standards/packs", {a: 200 for a in ACTORS if a != "anon"}),
]


def service_body(code: str, owner: str, **changes) -> Callable[[dict[str, Any]], dict[str, Any]]:
    def body(world: dict[str, Any]) -> dict[str, Any]:
        service = Service.objects.get(code=code)
        return {**passport_dict(service), "owner": owner, **changes, "version": service.version}

    return body


def outcome_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"status": "met", "expected_version": None}


def adjustment_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"requirement_id": "cit-proactive", "action": "Do it", "owner": "Team", "due_date": "2027-01-01"}


def status_body(world: dict[str, Any]) -> dict[str, Any]:
    return {"status": "done", "expected_version": Adjustment.objects.get(pk=world["adj_a"]).version}


WRITES = [
    # --- API
    Call("edit passport", "api", "put", "/api/registry/services/{svc_a}", matrix(
        page=False, owner_a=200, admin=200, viewer_a=403, assessor_a=403, analyst=403, owner_b=404, assessor_b=404,
    ), body=service_body("svc-a", "min-a", name_en="Edited")),
    Call("edit subordinate's passport", "api", "put", "/api/registry/services/{svc_a1}", matrix(
        page=False, owner_a=200, admin=200, viewer_a=403, assessor_a=403, analyst=403, owner_b=404, assessor_b=404,
    ), body=service_body("svc-a1", "agency-a1", name_en="Edited")),
    Call("delete service", "api", "delete", "/api/registry/services/{spare_a}", matrix(
        page=False, owner_a=204, admin=204, viewer_a=403, assessor_a=403, analyst=403, owner_b=404, assessor_b=404,
    )),
    Call("create assessment", "api", "post", "/api/standards/assessments", matrix(
        page=False, assessor_a=201, analyst=201, admin=201, viewer_a=403, owner_a=403, owner_b=404, assessor_b=404,
    ), body=lambda w: {"service_id": w["svc_a"], "pack_id": w["pack"]}),
    Call("rerun checks", "api", "post", "/api/standards/assessments/{asm_a}/checks", matrix(
        page=False, assessor_a=200, analyst=200, admin=200, viewer_a=403, owner_a=403, owner_b=404, assessor_b=404,
    ), body=lambda w: {}),
    Call("record outcome", "api", "put", "/api/standards/assessments/{asm_a}/outcomes/bus-single-window", matrix(
        page=False, assessor_a=200, analyst=200, admin=200, viewer_a=403, owner_a=403, owner_b=404, assessor_b=404,
    ), body=outcome_body),
    Call("create adjustment", "api", "post", "/api/standards/assessments/{asm_a}/adjustments", matrix(
        page=False, owner_a=201, assessor_a=201, analyst=201, admin=201, viewer_a=403, owner_b=404, assessor_b=404,
    ), body=adjustment_body),
    Call("change adjustment", "api", "patch", "/api/standards/adjustments/{adj_a}", matrix(
        page=False, owner_a=200, assessor_a=200, analyst=200, admin=200, viewer_a=403, owner_b=404, assessor_b=404,
    ), body=status_body),
    # --- pages
    Call("passport edit form", "page", "get", "/registry/services/{svc_a}/edit/", matrix(
        page=True, owner_a=200, admin=200, viewer_a=403, assessor_a=403, analyst=403, owner_b=404, assessor_b=404,
    )),
    Call("passport edit post", "page", "post", "/registry/services/{svc_a}/edit/", matrix(
        page=True, owner_a=302, admin=302, viewer_a=403, assessor_a=403, analyst=403, owner_b=404, assessor_b=404,
    ), body=lambda w: {
        "code": "svc-a", "name_en": "Edited", "owner": "min-a", "client_categories": ["citizens"],
        "stage": "beta", "deadline_kind": "working", "fee": "0", "version": Service.objects.get(code="svc-a").version,
    }),
    Call("new service form", "page", "get", "/registry/services/new/", matrix(
        page=True, owner_a=200, owner_b=200, admin=200, viewer_a=403, assessor_a=403, assessor_b=403, analyst=403,
    )),
    Call("create assessment page", "page", "post", "/standards/assessments/new/", matrix(
        page=True, assessor_a=302, analyst=302, admin=302, viewer_a=403, owner_a=403, owner_b=404, assessor_b=404,
    ), body=lambda w: {"service_id": w["svc_a"], "pack_id": w["pack"]}),
    Call("rerun checks page", "page", "post", "/standards/assessments/{asm_a}/checks/", matrix(
        page=True, assessor_a=302, analyst=302, admin=302, viewer_a=403, owner_a=403, owner_b=404, assessor_b=404,
    ), body=lambda w: {}),
    Call("record outcome page", "page", "post", "/standards/assessments/{asm_a}/outcomes/bus-single-window/", matrix(
        page=True, assessor_a=302, analyst=302, admin=302, viewer_a=403, owner_a=403, owner_b=404, assessor_b=404,
    ), body=lambda w: {"status": "met"}),
    Call("create adjustment page", "page", "post", "/standards/assessments/{asm_a}/adjustments/", matrix(
        page=True, owner_a=302, assessor_a=302, analyst=302, admin=302, viewer_a=403, owner_b=404, assessor_b=404,
    ), body=adjustment_body),
    Call("change adjustment page", "page", "post", "/standards/adjustments/{adj_a}/status/", matrix(
        page=True, owner_a=302, assessor_a=302, analyst=302, admin=302, viewer_a=403, owner_b=404, assessor_b=404,
    ), body=status_body),
]


def cells(calls: list[Call]):
    return [
        pytest.param(call, actor, expected, id=f"{call.kind}:{call.method}:{call.name}[{actor}]")
        for call in calls
        for actor, expected in call.expect.items()
    ]


def test_every_row_is_complete():
    names = [(c.kind, c.method, c.name) for c in READS + WRITES]
    assert len(names) == len(set(names))
    for call in READS + WRITES:
        assert set(call.expect) == set(ACTORS)


@pytest.mark.parametrize(("call", "actor", "expected"), cells(READS))
def test_read_matrix(world, call: Call, actor: str, expected: int):
    response = call.run(world, actor)
    assert response.status_code == expected, (call.url.format(**world), response.content[:300])
    if expected == 302:  # only anonymous users are redirected on reads
        assert response["Location"].startswith("/login/?next=")
    if call.kind == "api" and expected == 404:
        assert response.json()["error"] == "not_found"
    if expected == 200 and call.url.endswith(".pdf"):
        assert response["Content-Type"] == "application/pdf" and response.getvalue().startswith(b"%PDF")
    if expected == 200 and call.url.endswith(".csv"):
        assert response["Content-Type"].startswith("text/csv")
        body = response.getvalue()
        assert b"requirement_id" in body and b"cit-once-only" in body


@pytest.mark.parametrize(("call", "actor", "expected"), cells(WRITES))
def test_write_matrix(world, call: Call, actor: str, expected: int):
    before = state()
    response = call.run(world, actor)
    assert response.status_code == expected, (call.url.format(**world), response.content[:500])
    if actor == "anon" and call.kind == "page":
        assert response["Location"].startswith("/login/?next=")
    refused = expected >= 400 or actor == "anon"
    if refused or call.method == "get":
        assert state() == before, "a refused request (or a form) changed something"
    else:
        assert state() != before, "an accepted request changed nothing"
    if expected >= 400 and call.kind == "api":
        body = response.json()
        assert body["error"] in {"forbidden", "not_found", "unauthenticated"}


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


VISIBLE_SERVICES = {
    "viewer_a": {"svc-a", "svc-a1", "svc-a-spare"},
    "owner_a": {"svc-a", "svc-a1", "svc-a-spare"},
    "owner_b": {"svc-b"},
    "assessor_b": {"svc-b"},
    "analyst": {"svc-a", "svc-a1", "svc-a-spare", "svc-b"},
    "admin": {"svc-a", "svc-a1", "svc-a-spare", "svc-b"},
}


@pytest.mark.parametrize(("actor", "codes"), VISIBLE_SERVICES.items())
def test_api_lists_are_scoped(world, actor, codes):
    client = client_as(world, actor)
    assert {s["code"] for s in client.get("/api/registry/services").json()} == codes
    assessed = {a["service_code"] for a in client.get("/api/standards/assessments").json()}
    assert assessed == codes - {"svc-a-spare"}
    # Filtering by another authority's owner code finds nothing rather than leaking.
    if actor.endswith("_a"):
        assert client.get("/api/registry/services?owner=region-b").json() == []
        assert client.get("/api/standards/assessments?service_id={svc_b}".format(**world)).json() == []


@pytest.mark.parametrize(("actor", "codes"), VISIBLE_SERVICES.items())
def test_organisation_list_is_scoped(world, actor, codes):
    expected = {
        "viewer_a": {"min-a", "agency-a1"}, "owner_a": {"min-a", "agency-a1"},
        "owner_b": {"region-b"}, "assessor_b": {"region-b"},
        "analyst": {"central-office", "min-a", "agency-a1", "region-b"},
        "admin": {"central-office", "min-a", "agency-a1", "region-b"},
    }[actor]
    response = client_as(world, actor).get("/api/registry/organisations")
    assert {o["code"] for o in response.json()} == expected


@pytest.mark.parametrize(("actor", "codes"), VISIBLE_SERVICES.items())
def test_html_lists_are_scoped(world, actor, codes):
    client = client_as(world, actor)
    ids = {code: Service.objects.get(code=code).pk for code in VISIBLE_SERVICES["admin"]}
    page = client.get("/registry/services/").content.decode()
    for code, pk in ids.items():
        assert (f'href="/registry/services/{pk}/"' in page) == (code in codes), code

    page = client.get("/standards/assessments/").content.decode()
    for key, code in (("asm_a", "svc-a"), ("asm_a1", "svc-a1"), ("asm_b", "svc-b")):
        assert (f'href="/standards/assessments/{world[key]}/"' in page) == (code in codes), key


@pytest.mark.parametrize(("actor", "codes"), VISIBLE_SERVICES.items())
def test_home_dashboard_is_scoped(world, actor, codes):
    context = client_as(world, actor).get("/").context
    assert context["service_count"] == len(codes)
    blocked = [row[0] if isinstance(row, tuple) else row for row in context["blocked"]]  # (assessment, gaps)
    assert {a.service.code for a in blocked} == codes & {"svc-b"}  # svc-b fails once-only
    assert {adj.assessment.service.code for adj in context["overdue"]} == codes & {"svc-a", "svc-b"}


def test_html_service_list_owner_filter_only_offers_own_organisations(world):
    owners = client_as(world, "owner_b").get("/registry/services/").context["owners"]
    assert {o.code for o in owners} == {"region-b"}


def test_scope_goes_down_the_hierarchy_not_up(world, reference_data):
    agency_viewer = User.objects.create_user(username="viewer-a1", password="x", role=Role.VIEWER,
                                             organisation=reference_data["agency"])
    client = Client()
    client.force_login(agency_viewer)
    assert {s["code"] for s in client.get("/api/registry/services").json()} == {"svc-a1"}
    assert client.get("/registry/services/{svc_a1}/".format(**world)).status_code == 200
    assert client.get("/registry/services/{svc_a}/".format(**world)).status_code == 404
    assert client.get("/api/standards/assessments/{asm_a}".format(**world)).status_code == 404


def test_scope_follows_a_deeper_hierarchy(world, reference_data, users, make_passport):
    office = Organisation.objects.create(code="office-a1x", name_en="Office", level="federal",
                                         parent=reference_data["agency"])
    service_create(actor=users["admin"], passport=make_passport("svc-deep", office.code))
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
    user = world["users"]["viewer_a"]
    user.is_active = False
    user.save()
    response = client.get("/registry/services/{svc_a}/".format(**world))
    assert response.status_code == 302  # the session no longer authenticates
    assert client.get("/api/registry/services").status_code == 401


# --- owners and organisations ---------------------------------------------------------------------------------


def new_passport(make_passport, code: str, owner: str) -> dict[str, Any]:
    return make_passport(code, owner).model_dump(mode="json")


def test_an_owner_cannot_create_a_service_for_another_authority(world, make_passport):
    client = client_as(world, "owner_a")
    response = client.post("/api/registry/services", data=json.dumps(new_passport(make_passport, "svc-x", "region-b")),
                           content_type="application/json")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert not Service.objects.filter(code="svc-x").exists()

    # ... but may for its own organisation and its subordinates.
    for code, owner in (("svc-own", "min-a"), ("svc-sub", "agency-a1")):
        response = client.post("/api/registry/services", data=json.dumps(new_passport(make_passport, code, owner)),
                               content_type="application/json")
        assert response.status_code == 201, response.content
        assert Service.objects.get(code=code).owner.code == owner


def test_a_subordinate_owner_cannot_create_for_its_parent(world, reference_data, make_passport):
    agency_owner = User.objects.create_user(username="owner-a1", password="x", role=Role.SERVICE_OWNER,
                                            organisation=reference_data["agency"])
    client = Client()
    client.force_login(agency_owner)
    response = client.post("/api/registry/services", data=json.dumps(new_passport(make_passport, "svc-up", "min-a")),
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
