"""From two register snapshots to paid offers: events, runs, one offer per entitlement, lifecycle, outbox, batches."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.test import override_settings

from govcx.accounts.models import AuditEvent
from govcx.errors import Conflict, InvalidInput
from govcx.outbox.models import Message
from govcx.proactive import services
from govcx.proactive.models import Decision, LifeEvent, Offer

pytestmark = pytest.mark.django_db

PORTAL = "https://portal.example.gov/govcx-offers"


def write(tmp_path, name, rows):
    path = tmp_path / f"{name}.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def persons(*extra):
    base = [
        {"person_id": "m1", "household_id": "h1", "household_role": "adult", "birth": dt.date(1994, 3, 1),
         "salary": 20000.0, "disabled": False, "disability_group": 0},
        {"person_id": "c1", "household_id": "h1", "household_role": "child", "birth": dt.date(2019, 5, 1),
         "salary": 0.0, "disabled": False, "disability_group": 0},
        {"person_id": "p2", "household_id": "h2", "household_role": "adult", "birth": dt.date(1970, 1, 1),
         "salary": 0.0, "disabled": False, "disability_group": 0},
    ]
    return base + list(extra)


HOUSEHOLDS = [{"household_id": "h1", "region": "RU-LIP", "maternity_capital_granted": False},
              {"household_id": "h2", "region": "RU-TUL", "maternity_capital_granted": False}]


@pytest.fixture
def two_snapshots(tmp_path, reference_data):
    org = reference_data["region"]
    first = services.snapshot_load(organisation=org, taken_on=dt.date(2025, 2, 1),
                                   persons_file=write(tmp_path, "p1", persons()),
                                   households_file=write(tmp_path, "h1", HOUSEHOLDS))
    later = persons({"person_id": "b1", "household_id": "h1", "household_role": "child", "birth": dt.date(2025, 2, 10),
                     "salary": 0.0, "disabled": False, "disability_group": 0})
    later[2] = {**later[2], "disabled": True, "disability_group": 2}
    (tmp_path / "b").mkdir()
    second = services.snapshot_load(organisation=org, taken_on=dt.date(2025, 3, 1),
                                    persons_file=write(tmp_path / "b", "p2", later),
                                    households_file=write(tmp_path / "b", "h2", HOUSEHOLDS))
    return org, first, second


def test_events_are_the_differences_between_snapshots(two_snapshots):
    org, _, _ = two_snapshots
    kinds = {(e.kind, e.person_id) for e in LifeEvent.objects.filter(organisation=org)}
    assert kinds == {("birth_registered", "b1"), ("disability_granted", "p2")}


def test_a_pushed_event_is_received_once(reference_data):
    org = reference_data["region"]
    kwargs = dict(organisation=org, event_id="zags-42", kind="birth_registered", person_id="x",
                  occurred_on=dt.date(2025, 3, 2))
    event, created = services.event_push(**kwargs)
    again, created_again = services.event_push(**kwargs)
    assert created and not created_again and event.pk == again.pk


def test_a_run_offers_once_whatever_the_repeats(two_snapshots):
    org, _, second = two_snapshots
    run = services.run_create(organisation=org, snapshot=second, period="2025-02")
    services.run_start(run=run)
    run.refresh_from_db()
    assert run.status == "done", run.error
    offers = {(o.benefit, o.beneficiary_id): o for o in Offer.objects.filter(organisation=org)}
    assert offers[("maternity_capital", "h1")].amount == Decimal("912162.09")  # a second child, 2025 amount
    assert offers[("maternity_capital", "h1")].entitlement_key == "birth_registered:b1:2025-02-10"
    assert ("unified_allowance", "h1") in offers
    assert offers[("disability_pension", "p2")].amount == Decimal("7689.83")  # group II before April 2025
    rerun = services.run_execute(run=services.run_create(organisation=org, snapshot=second, period="2025-02",
                                                         full=True))
    assert rerun.status == "done" and rerun.offers_created == 0
    assert Offer.objects.filter(benefit="maternity_capital").count() == 1
    no = Decision.objects.filter(run=rerun, entitled=False, benefit="unified_allowance").first()
    assert no is not None and no.reasons and all(r["value"] is False for r in no.reasons)


def test_lifecycle_outbox_and_payment_batch(two_snapshots):
    org, _, second = two_snapshots
    services.run_execute(run=services.run_create(organisation=org, snapshot=second, period="2025-02"))
    offer = Offer.objects.get(benefit="maternity_capital")
    with override_settings(PROACTIVE_PORTAL_WEBHOOK_URL=PORTAL):
        services.offer_notify(offer=offer)
    call = Message.objects.get(key=f"proactive.offer_notified:{offer.pk}")
    assert (call.channel, call.recipient) == ("webhook", PORTAL) and f'"offer_id": {offer.pk}' in call.body
    with pytest.raises(Conflict):
        services.offer_move(offer=offer, state="paid")
    services.offer_move(offer=offer, state="accepted")
    batch = services.payment_batch_create(organisation=org)
    assert batch.offers_count == 1 and "912162.09" in batch.csv and "<payment offer=" in batch.xml
    assert services.payment_batch_create(organisation=org) is None  # each offer once
    services.offer_move(offer=Offer.objects.get(pk=offer.pk), state="paid")
    steps = list(Offer.objects.get(pk=offer.pk).steps.values_list("state", flat=True))
    assert steps == ["proposed", "notified", "accepted", "payment_instructed", "paid"]
    moves = AuditEvent.objects.filter(action="proactive.offer_move", object_id=str(offer.pk)).order_by("pk")
    assert [event.changes["state"][1] for event in moves][-1] == "paid"


def test_a_bad_extract_loads_nothing(tmp_path, reference_data):
    org = reference_data["region"]
    rows = persons() + [{**persons()[0]}]  # a duplicate person
    rows.append({"person_id": "z", "household_id": "nowhere", "household_role": "adult",
                 "birth": dt.date(2030, 1, 1), "salary": 0.0, "disabled": False, "disability_group": 0})
    with pytest.raises(InvalidInput) as caught:
        services.snapshot_load(organisation=org, taken_on=dt.date(2025, 3, 1),
                               persons_file=write(tmp_path, "p", rows),
                               households_file=write(tmp_path, "h", HOUSEHOLDS))
    text = str(caught.value)
    assert "duplicate person_id" in text and "dangling" in text and "impossible birth" in text
    from govcx.proactive.models import Snapshot

    assert not Snapshot.objects.exists()


def test_published_versions_are_immutable_and_a_draft_shows_its_effect(two_snapshots):
    org, _, second = two_snapshots
    from govcx.proactive.rules.catalogue import PACKS_DIR

    text = (PACKS_DIR / "unified_allowance.yaml").read_text(encoding="utf-8")
    draft = services.pack_version_create(organisation=org, content=text.replace('version: "2026.1"',
                                                                                 'version: "2026.2"').replace(
        "2025-01-01: {value: 16146.0,", "2025-01-01: {value: 1000.0,"))
    whatif = services.draft_whatif_execute(whatif=services.draft_whatif_create(version=draft, snapshot=second,
                                                                               period="2025-02"))
    [effect] = whatif.totals["benefits"]
    assert effect["entitled_change"] == -1 and effect["cost_change"] < 0
    assert whatif.totals["families_losing"] == 1 and whatif.totals["families_gaining"] == 0
    services.pack_version_publish(version=draft)
    draft.refresh_from_db()
    draft.content = "changed"
    with pytest.raises(Conflict):
        draft.save()
