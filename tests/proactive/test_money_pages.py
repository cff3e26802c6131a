"""Payment batches (made from the page, totals by benefit and region, the treasury's files, each export audited)
and a draft's what-if over a whole snapshot (a background job with progress; families gaining and losing)."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pytest
from tests.proactive.test_offers_flow import HOUSEHOLDS, persons, write

from govcx.accounts.models import AuditEvent
from govcx.jobs.models import Job
from govcx.proactive import services
from govcx.proactive.models import DraftWhatIf, Offer, PaymentBatch, Snapshot
from govcx.proactive.rules.catalogue import PACKS_DIR
from govcx.proactive.rules.pack import parse_pack, read_pack
from govcx.proactive.rules.periods import parse_period
from govcx.proactive.rules.register import household_chunks
from govcx.proactive.rules.whatif import draft_effect

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot(tmp_path, reference_data):
    return services.snapshot_load(organisation=reference_data["region"], taken_on=dt.date(2025, 3, 1),
                                  persons_file=write(tmp_path, "p", persons()),
                                  households_file=write(tmp_path, "h", HOUSEHOLDS))


def accepted_offers(snapshot):
    run = services.run_execute(run=services.run_create(organisation=snapshot.organisation, snapshot=snapshot,
                                                       period="2025-03", full=True))
    offers = list(Offer.objects.filter(run=run).order_by("pk"))
    for offer in offers:
        services.offer_notify(offer=offer)
        services.offer_move(offer=offer, state="accepted")
    return offers


def test_offers_record_their_region_and_a_batch_shows_totals(client_for, officers, users, snapshot):
    offers = accepted_offers(snapshot)
    assert offers and all(o.region in ("RU-LIP", "RU-TUL") for o in offers)
    client = client_for(officers["b"])
    listed = client.get("/proactive/payments/")
    assert listed.status_code == 200 and b"Make a payment batch" in listed.content
    made = client.post("/proactive/payments/")
    batch = PaymentBatch.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/proactive/payments/{batch.pk}/"
    page = client.get(f"/proactive/payments/{batch.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert page.status_code == 200
    for offer in offers:
        assert offer.benefit not in text.split("<h2>")[2]  # benefits by their names, never a code
    assert "Липецкая область" in text or "Тульская область" in text
    assert client.post("/proactive/payments/").status_code == 409 and PaymentBatch.objects.count() == 1
    csv = client.get(f"/proactive/payments/{batch.pk}/csv/")
    assert csv.status_code == 200 and csv["Content-Disposition"].endswith(f'payment-batch-{batch.pk}.csv"')
    assert csv.content.decode().count("\n") == len(offers) + 1
    xml = client.get(f"/proactive/payments/{batch.pk}/xml/")
    assert xml.status_code == 200 and xml.content.startswith(b"<?xml")
    assert AuditEvent.objects.filter(action="proactive.payment_batch_export").count() == 2
    assert client.get(f"/proactive/payments/{batch.pk}/pdf/").status_code == 404
    # viewers of the authority see the totals, not the treasury's files; another authority sees nothing
    assert client_for(officers["a"]).get(f"/proactive/payments/{batch.pk}/").status_code == 404
    assert client_for(officers["a"]).get(f"/proactive/payments/{batch.pk}/csv/").status_code == 404


def test_batch_totals_add_up_by_benefit_and_region(snapshot):
    offers = accepted_offers(snapshot)
    batch = services.payment_batch_create(organisation=snapshot.organisation)
    from govcx.proactive.selectors import payment_batch_totals

    totals = payment_batch_totals(batch=batch)
    assert sum(r["total"] for r in totals["benefit"]) == batch.total == sum(r["total"] for r in totals["region"])
    assert sum(r["offers"] for r in totals["benefit_region"]) == len(offers)


def draft_text(threshold: str) -> str:
    text = (PACKS_DIR / "unified_allowance.yaml").read_text(encoding="utf-8")
    return text.replace('version: "2026.1"', 'version: "2026.9"').replace(
        "2025-01-01: {value: 16146.0,", f"2025-01-01: {{value: {threshold},")


def test_a_drafts_whatif_runs_as_a_job_and_shows_who_gains_and_loses(client_for, officers, users, snapshot):
    draft = services.pack_version_create(organisation=snapshot.organisation, content=draft_text("1000.0"))
    client = client_for(officers["b"])
    assert b"2026.9" in client.get("/proactive/drafts/").content
    started = client.post("/proactive/drafts/", {"draft": draft.pk, "snapshot": snapshot.pk, "period": "2025-03"})
    whatif = DraftWhatIf.objects.get()
    assert started.status_code == 302 and started["Location"] == f"/proactive/drafts/whatif/{whatif.pk}/"
    assert Job.objects.filter(kind="proactive.whatif", subject=f"proactive.whatif:{whatif.pk}").exists()
    whatif.refresh_from_db()
    if whatif.status == "queued":  # the worker computes it (in tests the queue may run jobs at once)
        services.draft_whatif_execute(whatif=whatif)
    DraftWhatIf.objects.filter(pk=whatif.pk).update(status="running")
    running = client.get(f"/proactive/drafts/whatif/{whatif.pk}/")
    assert running.status_code == 200 and b"Families who would get less" not in running.content
    DraftWhatIf.objects.filter(pk=whatif.pk).update(status="done")
    page = client.get(f"/proactive/drafts/whatif/{whatif.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    text = page.content.decode()
    assert page.status_code == 200 and "unified_allowance" not in text and "Единое пособие" in text
    whatif.refresh_from_db()
    assert whatif.totals["families_losing"] == 1 and whatif.totals["cost_change"] < 0
    assert whatif.compared_with == "2026.1"
    # viewers read the totals; only proactive officers start one; another authority sees neither
    assert client_for(users["viewer_a"]).get(f"/proactive/drafts/whatif/{whatif.pk}/").status_code == 404
    assert client_for(officers["a"]).post("/proactive/drafts/", {"draft": draft.pk, "snapshot": snapshot.pk,
                                                                 "period": "2025-03"}).status_code == 404
    assert client.post("/proactive/drafts/", {"draft": draft.pk, "snapshot": snapshot.pk,
                                              "period": "March"}).status_code == 422


def test_a_published_version_gets_no_whatif(snapshot):
    from govcx.errors import Conflict

    draft = services.pack_version_create(organisation=snapshot.organisation, content=draft_text("1000.0"))
    services.pack_version_publish(version=draft)
    with pytest.raises(Conflict):
        services.draft_whatif_create(version=draft, snapshot=snapshot, period="2025-03")


def test_the_effect_is_the_same_in_slices_and_counts_families(tmp_path):
    """Slicing the register changes nothing, and a family counts once however many of its benefits change."""
    people = persons()
    rows = []
    for i in range(30):
        for p in people:
            rows.append({**p, "person_id": f"{p['person_id']}-{i}", "household_id": f"{p['household_id']}-{i}",
                         "salary": p["salary"] * (i % 4)})
    households = pa.Table.from_pylist([{**h, "household_id": f"{h['household_id']}-{i}"} for i in range(30)
                                       for h in HOUSEHOLDS])
    persons_table = pa.Table.from_pylist(rows)
    current = read_pack(PACKS_DIR / "unified_allowance.yaml")
    draft = parse_pack(draft_text("30000.0"), "draft")
    period = parse_period("2025-03")
    seen = []
    whole = draft_effect(current, draft, household_chunks(persons_table, households, households_per_chunk=60),
                         period, total=60)
    sliced = draft_effect(current, draft, household_chunks(persons_table, households, households_per_chunk=7),
                          period, total=60, progress=lambda done, total: seen.append((done, total)))
    assert whole.as_dict() == sliced.as_dict()
    assert seen[-1] == (60, 60) and len(seen) == 9
    totals = whole.as_dict()
    assert totals["families_gaining"] > 0 and totals["families_losing"] == 0 and totals["cost_change"] > 0
    assert totals["households"] == 60
    new_pack = draft_effect(None, draft, household_chunks(persons_table, households, households_per_chunk=60),
                            period, total=60).as_dict()
    assert new_pack["cost_before"] == 0 and new_pack["families_gaining"] == new_pack["benefits"][0]["entitled_after"]
    assert not Snapshot.objects.exists()


def test_the_whatif_job_computes_with_progress_and_the_page_follows_it(client_for, officers, snapshot):
    from govcx.jobs.models import JobState
    from govcx.jobs.runner import job_execute

    draft = services.pack_version_create(organisation=snapshot.organisation, content=draft_text("1000.0"))
    whatif = services.draft_whatif_create(version=draft, snapshot=snapshot, period="2025-03", actor=officers["b"])
    job = Job.objects.get(subject=services.draft_whatif_subject(whatif))
    queued = client_for(officers["b"]).get(f"/proactive/drafts/whatif/{whatif.pk}/")
    if job.state == JobState.QUEUED:
        assert b"<progress" in queued.content  # the job's status, polled without a reload where scripts run
        job = job_execute(job_id=job.pk)
    assert job.state == JobState.SUCCEEDED and job.progress_done == job.progress_total == 2
    assert job.step == "households computed" and job.result["families_losing"] == 1
    whatif.refresh_from_db()
    page = client_for(officers["b"]).get(f"/proactive/drafts/whatif/{whatif.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Семей, которые получат меньше" in page.content.decode() and b"<progress" not in page.content
