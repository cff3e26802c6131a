"""Use cases of proactive services: load register extracts into snapshots, find and receive life events, run
the rules, move offers through their lifecycle, notify through the outbox, export payment batches, what-ifs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from govcx.accounts.services import audit_record
from govcx.errors import Conflict, Invalid, InvalidInput
from govcx.outbox.services import webhook_enqueue
from govcx.proactive.models import (
    OFFER_MOVES,
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
from govcx.proactive.rules.catalogue import shipped_pack_files
from govcx.proactive.rules.pack import Pack, parse_pack, read_pack
from govcx.proactive.rules.periods import parse_period

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa

# The registers' engines (PyArrow, NumPy) are imported by the functions that run them, so the URL map does not
# load them.

ANSWER_DAYS = 30  # a notified offer the citizen has not answered within this many days expires
ONE_OFF_BENEFITS = {"maternity_capital": "birth_registered"}  # offered once per triggering event, not per period
EVENT_KINDS = ("birth_registered", "death", "disability_granted", "age_reached", "income_change")
SLICE_PERSONS = 65_536  # runs and what-ifs read a snapshot this many persons at a time (whole households)
DECISIONS_PER_INSERT = 2_000


def snapshots_dir() -> Path:
    return Path(settings.VAR_DIR) / "proactive" / "snapshots"


def snapshot_tables(snapshot: Snapshot) -> tuple[pa.Table, pa.Table]:
    import pyarrow.parquet as pq

    directory = Path(snapshot.directory)
    return pq.read_table(directory / "persons.parquet"), pq.read_table(directory / "households.parquet")


def snapshot_slices(snapshot: Snapshot) -> Iterator[tuple[pa.Table, pa.Table, np.ndarray]]:
    """The snapshot's register in slices of whole households, each with its members' household positions, read
    a Parquet batch of `SLICE_PERSONS` persons at a time (`register_slices`): a run or a what-if takes the memory
    of one slice whatever the register's size. A snapshot stored before persons were kept by household (its ids
    are checked first, reading that one column a batch at a time) is read whole and cut in memory instead."""
    import pyarrow.parquet as pq
    
    from govcx.proactive.rules.register import household_chunks, register_slices
    from govcx.proactive.rules.simulation import EvaluationError

    directory = Path(snapshot.directory)

    def files() -> tuple[pq.ParquetFile, pq.ParquetFile]:
        return pq.ParquetFile(directory / "persons.parquet"), pq.ParquetFile(directory / "households.parquet")

    try:
        for _ in register_slices(*files(), persons_per_slice=SLICE_PERSONS, person_columns=["household_id"],
                                 household_columns=["household_id"]):
            pass
    except EvaluationError:
        persons, households = snapshot_tables(snapshot)
        per_chunk = max(1, SLICE_PERSONS * households.num_rows // max(persons.num_rows, 1))
        yield from household_chunks(persons, households, households_per_chunk=per_chunk)
        return
    yield from register_slices(*files(), persons_per_slice=SLICE_PERSONS)


@transaction.atomic
def snapshot_load(*, organisation: Any, taken_on: dt.date, persons_file: Path, households_file: Path,
                  actor: Any = None, label: str = "") -> Snapshot:
    """Validate both extracts whole, store them, and record the life events since the previous snapshot."""
    import pyarrow.parquet as pq
    
    from govcx.proactive import events as life_events
    from govcx.proactive.extracts import read_table, validate

    persons, households = validate(read_table(persons_file), read_table(households_file), taken_on=taken_on,
                                   persons_file=persons_file.name, households_file=households_file.name)
    if Snapshot.objects.filter(organisation=organisation, taken_on=taken_on).exists():
        raise Conflict(f"a snapshot as of {taken_on} is already loaded")
    directory = snapshots_dir() / uuid.uuid4().hex
    directory.mkdir(parents=True)
    pq.write_table(persons, directory / "persons.parquet")
    pq.write_table(households, directory / "households.parquet")
    transaction.on_commit(lambda: None)
    snapshot = Snapshot.objects.create(organisation=organisation, taken_on=taken_on, label=label,
                                       directory=str(directory), persons=persons.num_rows,
                                       households=households.num_rows)
    previous = Snapshot.objects.filter(organisation=organisation, taken_on__lt=taken_on).order_by("-taken_on").first()
    if previous is not None:
        old_persons, _ = snapshot_tables(previous)
        found = life_events.differences(old_persons, persons, old_day=previous.taken_on, new_day=taken_on)
        LifeEvent.objects.bulk_create([
            LifeEvent(organisation=organisation, event_id=e.event_id, kind=e.kind, person_id=e.person_id,
                      household_id=e.household_id, occurred_on=e.occurred_on, snapshot=snapshot, payload=e.payload)
            for e in found], ignore_conflicts=True)
    audit_record(actor=actor, action="proactive.snapshot_load", obj=snapshot, organisation_id=organisation.pk,
                 changes={"persons": persons.num_rows, "households": households.num_rows})
    return snapshot


def event_push(*, organisation: Any, event_id: str, kind: str, person_id: str, occurred_on: dt.date,
               household_id: str = "", payload: dict[str, Any] | None = None, actor: Any = None
               ) -> tuple[LifeEvent, bool]:
    """Receive one life event from another system; the same event id again is the same event (no second one)."""
    if kind not in EVENT_KINDS:
        raise Invalid(f"unknown event kind {kind!r}; one of {', '.join(EVENT_KINDS)}")
    existing = LifeEvent.objects.filter(organisation=organisation, event_id=event_id).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            event = LifeEvent.objects.create(organisation=organisation, event_id=event_id, kind=kind,
                                             person_id=person_id, household_id=household_id,
                                             occurred_on=occurred_on, source="api", payload=payload or {})
    except IntegrityError:
        return LifeEvent.objects.get(organisation=organisation, event_id=event_id), False
    audit_record(actor=actor, action="proactive.event_push", obj=event, organisation_id=organisation.pk)
    return event, True


def packs_in_force(organisation: Any) -> list[tuple[Pack, str]]:
    """The latest published version of each pack the authority has, else the shipped pack."""
    found: dict[str, tuple[Pack, str]] = {}
    for path in shipped_pack_files():
        pack = read_pack(path)
        found[pack.name] = (pack, f"{pack.name} {pack.version} (shipped)")
    for version in PackVersion.objects.filter(organisation=organisation, status="published").order_by("published_at"):
        pack = parse_pack(version.content, f"{version.pack} {version.version}")
        found[pack.name] = (pack, f"{version.pack} {version.version}")
    return list(found.values())


def run_create(*, organisation: Any, snapshot: Snapshot, period: str, full: bool = False, actor: Any = None) -> Run:
    parse_period(period)
    run = Run.objects.create(organisation=organisation, snapshot=snapshot, period=period, full=full)
    audit_record(actor=actor, action="proactive.run_create", obj=run, organisation_id=organisation.pk,
                 changes={"period": period, "full": full})
    return run


def run_start(*, run: Run, actor: Any = None) -> Any:
    from govcx.jobs.services import job_enqueue

    return job_enqueue(kind="proactive.run", actor=actor, organisation=run.organisation, payload={"run_id": run.pk},
                       idempotency_key=f"proactive.run:{run.pk}", subject=str(run))


def _touched(persons: pa.Table, households: pa.Table, events: list[LifeEvent]) -> tuple[pa.Table, pa.Table]:
    """The households of a slice that unprocessed events touch (by household, or by a member), whole."""
    import pyarrow as pa
    import pyarrow.compute as pc

    by_household = pa.array(sorted({e.household_id for e in events if e.household_id}), pa.string())
    by_person = pa.array(sorted({e.person_id for e in events if e.person_id}), pa.string())
    person_ids = pc.cast(persons["person_id"], pa.string())
    member_of = pc.cast(persons["household_id"], pa.string())
    keep = pa.concat_arrays([by_household, pc.unique(member_of.filter(pc.is_in(person_ids, value_set=by_person)))])
    return (persons.filter(pc.is_in(member_of, value_set=keep)),
            households.filter(pc.is_in(pc.cast(households["household_id"], pa.string()), value_set=keep)))


def run_execute(*, run: Run) -> Run:
    """Evaluate every pack in force for the people the run covers; one offer per entitlement, ever. The snapshot
    is read and evaluated a slice of whole households at a time (`snapshot_slices`), and its decisions are
    written `DECISIONS_PER_INSERT` at a time as they are computed: the run holds one slice's arrays and one
    insert's rows, whatever the register's size."""
    from govcx.proactive.rules.register import iter_benefits

    run.status, run.started_at = "running", timezone.now()
    run.save(update_fields=["status", "started_at"])
    try:
        pending = list(LifeEvent.objects.filter(organisation=run.organisation, processed_by__isnull=True))
        period = parse_period(run.period)
        # A one-off benefit is keyed by the birth that triggered it, processed by this run or an earlier one.
        births = {e.household_id: e for e in LifeEvent.objects.filter(
            organisation=run.organisation, kind="birth_registered", occurred_on__gte=period.start,
            occurred_on__lte=period.stop).order_by("occurred_on", "pk")}
        packs = packs_in_force(run.organisation)
        used = {pack.name: label for pack, label in packs}
        evaluated = entitled = created = 0
        for persons, households, members in snapshot_slices(run.snapshot):
            chosen: np.ndarray | None = members
            if not run.full:
                persons, households = _touched(persons, households, pending)
                chosen = None  # the slice's positions no longer hold: found again by household id
            if households.num_rows == 0:
                continue
            for pack, label in packs:
                rows = iter_benefits(pack, persons, households, period, members=chosen)
                while chunk := list(islice(rows, DECISIONS_PER_INSERT)):
                    evaluated += len(chunk)
                    Decision.objects.bulk_create([
                        Decision(organisation=run.organisation, run=run, benefit=row["benefit"],
                                 beneficiary_id=row["beneficiary_id"], entitled=row["entitled"],
                                 amount=Decimal(str(row["amount"])), reasons=row["reasons"]) for row in chunk])
                    for row in chunk:
                        if not row["entitled"]:
                            continue
                        entitled += 1
                        key = run.period
                        event = None
                        if row["benefit"] in ONE_OFF_BENEFITS:
                            event = births.get(row["beneficiary_id"])
                            key = event.event_id if event else f"{row['benefit']}:{row['beneficiary_id']}"
                        created += _offer_once(run, row, key, label, event)
        run.evaluated, run.entitled, run.offers_created, run.packs = evaluated, entitled, created, used
        LifeEvent.objects.filter(pk__in=[e.pk for e in pending]).update(processed_by=run)
        run.status = "done"
    except Exception as exc:  # the run records why it failed; the job (and its log) keeps the traceback
        run.status, run.error, run.finished_at = "failed", str(exc)[:2000], timezone.now()
        run.save()
        if not isinstance(exc, (InvalidInput, Invalid, OSError, ValueError)):
            raise
        return run
    run.finished_at = timezone.now()
    run.save()
    return run


def _offer_once(run: Run, row: dict[str, Any], key: str, label: str, event: LifeEvent | None) -> int:
    try:
        with transaction.atomic():
            offer = Offer.objects.create(
                organisation=run.organisation, benefit=row["benefit"], beneficiary_id=row["beneficiary_id"],
                entitlement_key=key, amount=Decimal(str(row["amount"])), reasons=row["reasons"],
                reference=row["reference"][:500], region=str(row.get("region") or "")[:8], run=run,
                pack_version=label[:120],
                event_at=timezone.make_aware(dt.datetime.combine(event.occurred_on, dt.time())) if event else None)
    except IntegrityError:
        return 0  # offered before, by this or any earlier run or rule version
    OfferStep.objects.create(offer=offer, state="proposed", note=f"run {run.pk}")
    audit_record(actor=None, action="proactive.offer_propose", obj=offer, organisation_id=run.organisation_id)
    return 1


@transaction.atomic
def offer_move(*, offer: Offer, state: str, actor: Any = None, note: str = "") -> Offer:
    """One step of the lifecycle: proposed → notified → accepted/declined/expired → payment instructed → paid."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if state not in OFFER_MOVES.get(offer.state, set()):
        raise Conflict(f"an offer {offer.state} cannot become {state}")
    before, offer.state = offer.state, state
    offer.save(update_fields=["state", "updated_at"])
    OfferStep.objects.create(offer=offer, state=state, actor=actor if getattr(actor, "is_authenticated", False)
                             else None, note=note[:300])
    audit_record(actor=actor, action="proactive.offer_move", obj=offer, organisation_id=offer.organisation_id,
                 changes={"state": [before, state]})
    return offer


@transaction.atomic
def offer_notify(*, offer: Offer, actor: Any = None) -> Offer:
    """Mark the offer notified (the citizen's inbox shows it from now, with its answer-by day) and queue the
    portal adapter's signed webhook call in the shared outbox, once per offer."""
    offer = offer_move(offer=offer, state="notified", actor=actor)
    offer.respond_by = timezone.localdate() + dt.timedelta(days=ANSWER_DAYS)
    offer.save(update_fields=["respond_by", "updated_at"])
    url = settings.PROACTIVE_PORTAL_WEBHOOK_URL
    if url:
        webhook_enqueue(key=f"proactive.offer_notified:{offer.pk}", url=url, event="proactive.offer_notified",
                        payload=offer_payload(offer))
    return offer


def offer_payload(offer: Offer) -> dict[str, Any]:
    """What the portal adapter receives about an offer (docs/proactive.md, "Portal adapter")."""
    return {"offer_id": offer.pk, "benefit": offer.benefit, "amount": str(offer.amount),
            "beneficiary_id": offer.beneficiary_id, "person_ids": offer.person_ids,
            "entitlement": offer.entitlement_key, "respond_by": offer.respond_by.isoformat() if offer.respond_by
            else None, "reasons": offer.reasons, "reference": offer.reference}


def offers_expire(*, today: dt.date | None = None) -> int:
    """Expire the notified offers whose answer-by day has passed (the daily `proactive.expire` job)."""
    today = today or timezone.localdate()
    expired = 0
    for offer in Offer.objects.filter(state="notified", respond_by__lt=today).order_by("pk"):
        try:
            offer_move(offer=offer, state="expired", note=f"not answered by {offer.respond_by}")
        except Conflict:  # answered meanwhile
            continue
        expired += 1
    return expired


@transaction.atomic
def payment_batch_create(*, organisation: Any, actor: Any = None) -> PaymentBatch | None:
    """Every accepted offer not yet in a batch, once: CSV and XML for the treasury; the offers become
    payment instructed."""
    offers = list(Offer.objects.select_for_update().filter(organisation=organisation, state="accepted",
                                                           payment_batch__isnull=True).order_by("pk"))
    if not offers:
        return None
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(["offer_id", "benefit", "beneficiary_id", "entitlement", "amount"])
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', "<payments>"]
    for offer in offers:
        writer.writerow([offer.pk, offer.benefit, offer.beneficiary_id, offer.entitlement_key, offer.amount])
        lines.append(f'  <payment offer="{offer.pk}" benefit="{escape(offer.benefit)}" '
                     f'beneficiary="{escape(offer.beneficiary_id)}" entitlement="{escape(offer.entitlement_key)}" '
                     f'amount="{offer.amount}"/>')
    lines.append("</payments>")
    total = sum((o.amount for o in offers), Decimal(0))
    batch = PaymentBatch.objects.create(organisation=organisation, offers_count=len(offers), total=total,
                                        csv=text.getvalue(), xml="\n".join(lines))
    for offer in offers:
        offer.payment_batch = batch
        offer.save(update_fields=["payment_batch"])
        offer_move(offer=offer, state="payment_instructed", actor=actor, note=f"batch {batch.pk}")
    audit_record(actor=actor, action="proactive.payment_batch", obj=batch, organisation_id=organisation.pk,
                 changes={"offers": len(offers), "total": str(total)})
    return batch


def payment_batch_exported(*, batch: PaymentBatch, fmt: str, actor: Any) -> None:
    """A batch's file leaves govcx (beneficiaries and amounts): written to the audit trail."""
    audit_record(actor=actor, action="proactive.payment_batch_export", obj=batch,
                 organisation_id=batch.organisation_id, changes={"format": fmt})


def pack_version_create(*, organisation: Any, content: str, actor: Any = None) -> PackVersion:
    pack = parse_pack(content, "draft")
    version = PackVersion.objects.create(organisation=organisation, pack=pack.name, version=pack.version,
                                         content=content, sha256=pack.sha256)
    audit_record(actor=actor, action="proactive.pack_version_create", obj=version, organisation_id=organisation.pk)
    return version


def pack_version_publish(*, version: PackVersion, actor: Any = None) -> PackVersion:
    if version.status == "published":
        raise Conflict(f"{version} is already published")
    version.status, version.published_at = "published", timezone.now()
    super(PackVersion, version).save(update_fields=["status", "published_at"])
    audit_record(actor=actor, action="proactive.pack_version_publish", obj=version,
                 organisation_id=version.organisation_id)
    return version


def draft_whatif_subject(whatif: DraftWhatIf) -> str:
    """How the what-if's job names it (its page shows that job's progress)."""
    return f"proactive.whatif:{whatif.pk}"


def draft_whatif_create(*, version: PackVersion, snapshot: Snapshot, period: str, actor: Any = None,
                        queue: bool = True) -> DraftWhatIf:
    """A draft's totals over a whole snapshot, queued for the `proactive.whatif` job (`queue=False`: for a
    caller that computes them itself with `draft_whatif_execute`)."""
    from govcx.jobs.services import job_enqueue

    if version.status != "draft":
        raise Conflict(f"{version} is published: a what-if compares a draft with the version in force")
    if version.organisation_id != snapshot.organisation_id:
        raise Invalid("the draft and the snapshot belong to different authorities")
    parse_period(period)
    whatif = DraftWhatIf.objects.create(organisation=snapshot.organisation, version=version, snapshot=snapshot,
                                        period=period, created_by=actor if getattr(actor, "is_authenticated", False)
                                        else None)
    audit_record(actor=actor, action="proactive.draft_whatif_create", obj=whatif,
                 organisation_id=snapshot.organisation_id, changes={"version": str(version), "period": period})
    if not queue:
        return whatif
    subject = draft_whatif_subject(whatif)
    job_enqueue(kind="proactive.whatif", actor=actor, organisation=snapshot.organisation,
                payload={"whatif_id": whatif.pk}, idempotency_key=subject, subject=subject)
    return whatif


def draft_whatif_execute(*, whatif: DraftWhatIf, progress: Callable[[int, int], None] | None = None
                         ) -> DraftWhatIf:
    """How many families gain or lose, how many beneficiaries become or stop being entitled, and the cost,
    if the draft replaced the version in force, over every household of the snapshot."""
    from govcx.proactive.rules.whatif import draft_effect

    whatif.status = "running"
    whatif.save(update_fields=["status"])
    try:
        draft = parse_pack(whatif.version.content, str(whatif.version))
        current = next(((p, label) for p, label in packs_in_force(whatif.organisation) if p.name == draft.name),
                       None)
        effect = draft_effect(current[0] if current else None, draft, snapshot_slices(whatif.snapshot),
                              parse_period(whatif.period), total=whatif.snapshot.households, progress=progress)
    except (InvalidInput, Invalid, OSError, ValueError) as exc:
        whatif.status, whatif.error, whatif.finished_at = "failed", str(exc)[:2000], timezone.now()
        whatif.save(update_fields=["status", "error", "finished_at"])
        return whatif
    whatif.status, whatif.totals, whatif.finished_at = "done", effect.as_dict(), timezone.now()
    whatif.compared_with = current[0].version[:120] if current else ""
    whatif.save(update_fields=["status", "totals", "finished_at", "compared_with"])
    return whatif


def household_whatif(*, snapshot: Snapshot, household_id: str, period: str, version: PackVersion | None = None,
                     language: str = "en", actor: Any = None) -> list[dict[str, Any]]:
    """Every benefit's decision for one family of a snapshot (the family and each member) under the packs in force
    and, given a draft, under it instead of its pack, with every condition checked. Personal data: audited."""
    import pyarrow as pa
    import pyarrow.compute as pc
    
    from govcx.proactive.rules.register import evaluate_benefits

    persons: pa.Table | None = None
    households: pa.Table | None = None
    for persons_part, households_part, _ in snapshot_slices(snapshot):  # one family: read until its slice
        here = pc.equal(pc.cast(households_part["household_id"], pa.string()), household_id)
        if pc.any(here).as_py():
            persons = persons_part.filter(pc.equal(pc.cast(persons_part["household_id"], pa.string()), household_id))
            households = households_part.filter(here)
            break
    at = parse_period(period)
    packs = packs_in_force(snapshot.organisation)
    draft = parse_pack(version.content, str(version)) if version is not None else None
    found: list[dict[str, Any]] = []
    if persons is not None and households is not None and persons.num_rows:
        for pack, label in packs:
            rows = evaluate_benefits(pack, persons, households, at, language=language)
            drafted = ({(r["benefit"], r["beneficiary_id"]): r for r in
                        evaluate_benefits(draft, persons, households, at, language=language)}
                       if draft is not None and draft.name == pack.name else {})
            found += [{**row, "pack_version": label, "draft": drafted.get((row["benefit"], row["beneficiary_id"]))}
                      for row in rows]
    audit_record(actor=actor, action="proactive.household_whatif", obj=snapshot,
                 organisation_id=snapshot.organisation_id,
                 changes={"household_id": household_id, "period": period, "draft": str(version or "")})
    return found


def offer_citizen_answer(*, offer: Offer, user: Any, accept: bool) -> Offer:
    """The citizen consents to or declines an offer notified to them (their own, or their child's or family's)."""
    from govcx.proactive.selectors import citizen_offers

    if offer.pk not in {o.pk for o in citizen_offers(user=user)}:
        from govcx.errors import NotFound

        raise NotFound(f"offer {offer.pk} not found")
    return offer_move(offer=offer, state="accepted" if accept else "declined", actor=user,
                      note="consent given by the citizen" if accept else "declined by the citizen")
