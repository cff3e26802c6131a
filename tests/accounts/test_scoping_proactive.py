"""Scoping matrix of proactive services: the officials' pages, the rules' web API, offers, pushed life events and
one person's decisions; the citizen inbox.

Ministry A (min-a) and the Tula region (region-b) each hold a run with one entitled and one refused decision, a
proposed and a notified offer. Rules under test: staff see their authority's runs and offers (the central office
and superusers everyone's), another authority's run or offer is a 404; moving offers and pushing events needs
RUN_PROACTIVE (proactive officers, the administrator, superusers); one person's decisions are personal data
(VIEW_BENEFICIARIES): the authority's own proactive officers only, never the administrator or a superuser. Runs are
started and register extracts uploaded by proactive officers of the snapshot's authority (RUN_PROACTIVE); a
family's what-if is personal data like one person's decisions. Payment batches and a draft's what-if totals are
aggregates any official of the authority reads; making a batch, downloading the treasury's file and starting a
what-if need RUN_PROACTIVE.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
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

from govcx.accounts.models import AuditEvent, User
from govcx.accounts.roles import Role
from govcx.outbox.models import Message
from govcx.proactive.extracts import validate
from govcx.proactive.models import (
    CitizenLink,
    Decision,
    DraftWhatIf,
    LifeEvent,
    Offer,
    OfferStep,
    PackVersion,
    PaymentBatch,
    Run,
    Snapshot,
)
from govcx.proactive.synthetic import register

pytestmark = pytest.mark.django_db

RUN_PROACTIVE = {"admin", "proactive_a", "proactive_b", "superuser", "superuser_researcher_b"}
# Personal data: the role alone grants it, so neither the administrator nor a superuser has it.
BENEFICIARIES = {"proactive_a", "proactive_b"}
# A batch holds the accepted offers of the maker's own authority: the central office's have none to pay (409).
BATCHES = {"proactive_a", "proactive_b", "superuser_researcher_b"}
SITUATION = {
    "persons": {"mum": {"birth": {"ETERNITY": "1990-01-01"}, "salary": {"2025-03": 20000}},
                "kid": {"birth": {"ETERNITY": "2020-01-01"}}},
    "households": {"family": {"adults": ["mum"], "children": ["kid"], "region": {"2025-03": "RU-LIP"},
                              "unified_allowance": {"2025-03": None}}},
}
REASONS = [{"condition": "resident", "value": True, "label": "Resident", "reference": "Law 1"}]


def build(base: dict[str, Any]) -> dict[str, Any]:
    world: dict[str, Any] = {}
    for side, org in (("a", "min-a"), ("b", "region-b")):
        organisation = base["orgs"][org]
        folder = Path(tempfile.mkdtemp(prefix="govcx-matrix-register-"))
        persons, households = validate(*register(3, seed=side == "a", as_of="2025-03-01"),
                                       taken_on=dt.date(2025, 3, 1))
        pq.write_table(persons, folder / "persons.parquet")
        pq.write_table(households, folder / "households.parquet")
        snapshot = Snapshot.objects.create(organisation=organisation, taken_on=dt.date(2025, 3, 1),
                                           directory=str(folder))
        run = Run.objects.create(organisation=organisation, snapshot=snapshot, period="2025-03", status="done")
        person = f"person-{side}"
        Decision.objects.create(organisation=organisation, run=run, benefit="unified_allowance",
                                beneficiary_id=person, entitled=True, amount=15599, reasons=REASONS)
        Decision.objects.create(organisation=organisation, run=run, benefit="disability_pension",
                                beneficiary_id=person, entitled=False, amount=0, reasons=REASONS)
        offers = {
            state: Offer.objects.create(organisation=organisation, benefit="unified_allowance", beneficiary_id=person,
                                        entitlement_key=f"2025-0{month}", amount=15599, reasons=REASONS, run=run,
                                        pack_version="unified_allowance 2025.1", state=state)
            for state, month in (("proposed", 3), ("notified", 2), ("accepted", 1))
        }
        batch = PaymentBatch.objects.create(organisation=organisation, offers_count=0, total=0,
                                            csv="offer_id,benefit,beneficiary_id,entitlement,amount\n",
                                            xml='<?xml version="1.0" encoding="UTF-8"?>\n<payments>\n</payments>')
        draft = PackVersion.objects.create(organisation=organisation, pack="unified_allowance", version="2025.9",
                                           content="name: unified_allowance", sha256="0" * 64)
        whatif = DraftWhatIf.objects.create(organisation=organisation, version=draft, snapshot=snapshot,
                                            period="2025-03", status="done",
                                            totals={"households": 3, "families_gaining": 1, "families_losing": 0,
                                                    "cost_before": 0, "cost_after": 10, "cost_change": 10,
                                                    "benefits": []})
        world |= {f"batch_{side}": batch.pk, f"draft_{side}": draft.pk, f"whatif_{side}": whatif.pk}
        world |= {f"snapshot_{side}": snapshot.pk, f"household_{side}": str(households["household_id"][0]),
                  f"run_{side}": run.pk, f"person_{side}": person, f"proposed_{side}": offers["proposed"].pk,
                  f"notified_{side}": offers["notified"].pk, f"accepted_{side}": offers["accepted"].pk}
    citizen = User.objects.create_user(username="citizen-a", role=Role.CITIZEN)
    CitizenLink.objects.create(user=citizen, organisation=base["orgs"]["min-a"], person_id="person-a")
    world["citizen"] = citizen
    return world


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


def state() -> dict[str, Any]:
    return {
        "offers": sorted(Offer.objects.values_list("id", "state")),
        "steps": OfferStep.objects.count(),
        "outbox": Message.objects.count(),
        "events": sorted(LifeEvent.objects.values_list("organisation_id", "event_id")),
        "runs": Run.objects.count(),
        "snapshots": Snapshot.objects.count(),
        "batches": PaymentBatch.objects.count(),
        "whatifs": DraftWhatIf.objects.count(),
    }


def personal(cells: dict[str, int] | None = None) -> dict[str, int]:
    return {actor: 200 if actor in BENEFICIARIES else 403 for actor in SIGNED_IN} | (cells or {})


def runs_on(side: str, ok: int) -> dict[str, int]:
    """A write on side's snapshot: the proactive officers' right first (403 without it), then the scope (404)."""
    scope = IN_A if side == "a" else IN_B
    return {actor: (ok if actor in scope else 404) if actor in RUN_PROACTIVE else 403 for actor in SIGNED_IN}


def whatif_of(side: str) -> dict[str, int]:
    return {actor: (200 if actor.endswith(side) else 404) if actor in BENEFICIARIES else 403 for actor in SIGNED_IN}


def extract(world: dict[str, Any]) -> dict[str, Any]:
    persons = "person_id,household_id,household_role,birth\nx1,hx,adult,1990-01-01\n"
    return {"taken_on": "2025-04-01", "label": "",
            "persons": SimpleUploadedFile("persons.csv", persons.encode(), content_type="text/csv"),
            "households": SimpleUploadedFile("households.csv", b"household_id,region\nhx,RU-TUL\n",
                                             content_type="text/csv")}


def event(world: dict[str, Any]) -> dict[str, Any]:
    return {"event_id": "zags-1", "kind": "birth_registered", "person_id": "p-new", "household_id": "h-1",
            "occurred_on": "2025-03-02"}


READS = [
    row("page", "overview", "/proactive/", everyone()),
    row("page", "offers", "/proactive/offers/", everyone()),
    row("page", "notified offers", "/proactive/offers/?state=notified", everyone()),
    row("page", "run of a", "/proactive/runs/{run_a}/", sees(IN_A)),
    row("page", "run of b", "/proactive/runs/{run_b}/", sees(IN_B)),
    row("page", "runs", "/proactive/runs/", everyone()),
    row("page", "register extracts", "/proactive/snapshots/", everyone()),
    row("page", "what-if form", "/proactive/whatif/", personal()),
    row("page", "what-if of a family of a",
        "/proactive/whatif/?snapshot={snapshot_a}&household_id={household_a}&period=2025-03", whatif_of("a")),
    row("page", "what-if of a family of b",
        "/proactive/whatif/?snapshot={snapshot_b}&household_id={household_b}&period=2025-03", whatif_of("b")),
    row("page", "person form", "/proactive/people/", personal()),
    row("page", "person of a", "/proactive/people/?person_id={person_a}", personal()),
    row("page", "inbox", "/proactive/inbox/", everyone()),
    row("page", "payment batches", "/proactive/payments/", everyone()),
    row("page", "payment batch of a", "/proactive/payments/{batch_a}/", sees(IN_A)),
    row("page", "payment batch of b", "/proactive/payments/{batch_b}/", sees(IN_B)),
    # the treasury's file names beneficiaries: the officers who pay
    row("page", "payment file of a", "/proactive/payments/{batch_a}/csv/", acts(IN_A, RUN_PROACTIVE, 200)),
    row("page", "payment file of b", "/proactive/payments/{batch_b}/xml/", acts(IN_B, RUN_PROACTIVE, 200)),
    row("page", "draft rules", "/proactive/drafts/", everyone()),
    row("page", "draft what-if of a", "/proactive/drafts/whatif/{whatif_a}/", sees(IN_A)),
    row("page", "draft what-if of b", "/proactive/drafts/whatif/{whatif_b}/", sees(IN_B)),
    row("api", "offers", "/api/proactive/offers", everyone()),
    row("api", "proposed offers", "/api/proactive/offers?state=proposed", everyone()),
    row("api", "decisions of a person of a", "/api/proactive/people/{person_a}/decisions", personal()),
    row("api", "decisions of a person of b", "/api/proactive/people/{person_b}/decisions", personal()),
    # computing a situation given in full reads no register: any signed-in official
    row("api", "calculate", "/api/proactive/calculate?pack=unified_allowance", everyone(), method="post",
        body=lambda w: SITUATION),
    row("api", "trace", "/api/proactive/trace?pack=unified_allowance&language=ru", everyone(), method="post",
        body=lambda w: SITUATION),
]

WRITES = [
    row("api", "notify an offer of a", "/api/proactive/offers/{proposed_a}/move", acts(IN_A, RUN_PROACTIVE, 200),
        method="post", body=lambda w: {"state": "notified"}),
    row("api", "expire an offer of b", "/api/proactive/offers/{proposed_b}/move", acts(IN_B, RUN_PROACTIVE, 200),
        method="post", body=lambda w: {"state": "expired"}),
    row("api", "push an event", "/api/proactive/events",
        {actor: 201 if actor in RUN_PROACTIVE else 403 for actor in SIGNED_IN}, method="post", body=event),
    row("page", "start a run on a snapshot of a", "/proactive/runs/", runs_on("a", 302), method="post",
        body=lambda w: {"snapshot": w["snapshot_a"], "period": "2025-03"}),
    row("page", "start a run on a snapshot of b", "/proactive/runs/", runs_on("b", 302), method="post",
        body=lambda w: {"snapshot": w["snapshot_b"], "period": "2025-03"}),
    row("page", "upload a register extract", "/proactive/snapshots/",
        {actor: 302 if actor in RUN_PROACTIVE else 403 for actor in SIGNED_IN}, method="post", body=extract,
        multipart=True),
    row("page", "make a payment batch", "/proactive/payments/",
        {actor: (302 if actor in BATCHES else 409) if actor in RUN_PROACTIVE else 403 for actor in SIGNED_IN},
        method="post", body=lambda w: {}),
    row("page", "start a draft what-if of a", "/proactive/drafts/", runs_on("a", 302), method="post",
        body=lambda w: {"draft": w["draft_a"], "snapshot": w["snapshot_a"], "period": "2025-03"}),
    row("page", "start a draft what-if of b", "/proactive/drafts/", runs_on("b", 302), method="post",
        body=lambda w: {"draft": w["draft_b"], "snapshot": w["snapshot_b"], "period": "2025-03"}),
    # an official is no citizen: another person's offer is as good as absent
    row("page", "answer an offer of a", "/proactive/inbox/{notified_a}/answer/", everyone(404), method="post",
        body=lambda w: {"answer": "accept"}),
]


test_read_matrix = read_matrix_test(READS)
test_write_matrix = write_matrix_test(WRITES, state)


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_offers_listed_are_the_actors_authoritys(world, actor):
    listed = {offer["id"] for offer in client_as(world, actor).get("/api/proactive/offers").json()}
    assert listed == in_scope(world, actor, "proposed", "notified", "accepted")


@pytest.mark.parametrize("actor", sorted(BENEFICIARIES))
def test_one_person_is_found_only_in_the_officers_authority(world, actor):
    side = actor[-1]
    for other in ("a", "b"):
        decisions = client_as(world, actor).get(f"/api/proactive/people/person-{other}/decisions").json()
        assert bool(decisions) == (other == side)
    assert AuditEvent.objects.filter(action="proactive.person_lookup", actor=world["users"][actor]).exists()


def test_the_citizen_answers_their_own_offer_only(world):
    client = client_as(world, "anon")
    client.force_login(world["citizen"])
    before = state()
    assert client.post(f"/proactive/inbox/{world['notified_b']}/answer/", {"answer": "accept"}).status_code == 404
    assert state() == before
    assert client.post(f"/proactive/inbox/{world['notified_a']}/answer/", {"answer": "accept"}).status_code == 302
    assert Offer.objects.get(pk=world["notified_a"]).state == "accepted"
    # answered once: a second answer changes nothing
    answered = state()
    assert client.post(f"/proactive/inbox/{world['notified_a']}/answer/", {"answer": "decline"}).status_code == 302
    assert state() == answered
    # a citizen holds no official's view of the authority's offers or people
    assert client.get("/api/proactive/offers").json() == []
    assert client.get("/api/proactive/people/person-a/decisions").status_code == 403
