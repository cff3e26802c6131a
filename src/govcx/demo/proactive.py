"""Demo proactive services: a synthetic register for Moscow, Lipetsk and Tula (about 2,700 persons in 1,200
households), two snapshots a month apart with births, disabilities and 18th birthdays between them, one run per
region's social protection authority, offers in every state, one citizen login for the inbox, and a draft of the
unified allowance for Tula with its what-if totals over the register.

The register is as of fixed days in 2025, so the rule packs' dated amounts and the offers stay the same every
time the demo is built.
"""

from __future__ import annotations

import datetime as dt
import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.proactive import services
from govcx.proactive.models import (
    CitizenLink,
    DraftWhatIf,
    LifeEvent,
    Offer,
    PackVersion,
    PaymentBatch,
    Run,
    Snapshot,
)
from govcx.proactive.synthetic import register

FIRST, SECOND = dt.date(2025, 2, 1), dt.date(2025, 3, 1)
PERIOD = "2025-02"  # the month between the two snapshots: its births are offered maternity capital
HOUSEHOLDS = 1200
BIRTHS, DISABILITIES = 12, 6  # a region's, between the two snapshots
# region: the authority that makes its offers
AUTHORITIES = {"RU-MOW": "moscow-dtszn", "RU-LIP": "lipetsk-social", "RU-TUL": "tula-social"}
CITIZEN = ("citizen.tula", "Ольга", "Миронова")  # a Tula mother of a newborn, for the inbox


def wipe_proactive() -> None:
    """Offers protect their runs and payment batches: delete them first."""
    CitizenLink.objects.all().delete()
    DraftWhatIf.objects.all().delete()
    Offer.objects.all().delete()
    PaymentBatch.objects.all().delete()
    LifeEvent.objects.all().delete()
    Run.objects.all().delete()
    Snapshot.objects.all().delete()
    PackVersion.objects.all().delete()


def _tables(rng: random.Random) -> tuple[pa.Table, pa.Table, pa.Table]:
    """(persons as of FIRST, persons as of SECOND, households): ids as text, persons `p…`, households `h…`."""
    persons, households = register(HOUSEHOLDS, seed=14, as_of=FIRST.isoformat())
    persons = persons.set_column(0, "person_id", pc.binary_join_element_wise("p", pc.cast(persons["person_id"],
                                                                                          pa.string()), ""))
    persons = persons.set_column(1, "household_id", pc.binary_join_element_wise(
        "h", pc.cast(persons["household_id"], pa.string()), ""))
    households = households.set_column(0, "household_id", pc.binary_join_element_wise(
        "h", pc.cast(households["household_id"], pa.string()), ""))
    households = households.append_column("maternity_capital_granted", pa.array([False] * households.num_rows))
    first = persons.to_pylist()
    later = [dict(person) for person in first]
    for region in AUTHORITIES:
        in_region = [p for p in later if p["region"] == region]
        mothers = [p for p in in_region if p["household_role"] == "adult"
                   and 20 <= (FIRST - p["birth"]).days // 365 <= 40]
        for i, mother in enumerate(sorted(rng.sample(mothers, BIRTHS), key=lambda p: p["person_id"])):
            later.append({**mother, "person_id": f"b{region[-3:].lower()}{i}", "household_role": "child",
                          "birth": FIRST + dt.timedelta(days=1 + rng.randrange(27)), "salary": 0.0,
                          "disabled": False, "disability_group": 0})
        for person in rng.sample([p for p in in_region if not p["disabled"]], DISABILITIES):
            person["disabled"], person["disability_group"] = True, rng.choice((1, 2, 3))
    return pa.Table.from_pylist(first), pa.Table.from_pylist(later), households


def _move_through_every_state(offers: list[Offer], actor: Any, keep_open: set[int]) -> None:
    """Leave a share of the region's offers in each state of the lifecycle; `keep_open` stay notified (the
    citizen's inbox). Payment comes first, so that the offers accepted afterwards wait for the next batch."""
    states = ("proposed", "notified", "accepted", "declined", "expired", "payment_instructed", "paid")
    plan = {o.pk: "notified" if o.pk in keep_open else states[i % len(states)] for i, o in enumerate(offers)}
    paying = [o for o in offers if plan[o.pk] in ("payment_instructed", "paid")]
    for offer in paying:
        services.offer_notify(offer=offer, actor=actor)
        services.offer_move(offer=offer, state="accepted", actor=actor, note="consent given by the citizen")
    batch = services.payment_batch_create(organisation=offers[0].organisation, actor=actor)
    for offer in paying:
        if batch is not None and plan[offer.pk] == "paid":
            services.offer_move(offer=offer, state="paid", actor=actor, note=f"paid by the treasury, batch {batch.pk}")
    for i, offer in enumerate(o for o in offers if plan[o.pk] in ("notified", "accepted", "declined", "expired")):
        if plan[offer.pk] == "expired" and i % 2:
            services.offer_move(offer=offer, state="expired", actor=actor, note="not notified in time")
            continue
        services.offer_notify(offer=offer, actor=actor)
        if plan[offer.pk] == "accepted":
            services.offer_move(offer=offer, state="accepted", actor=actor, note="consent given by the citizen")
        elif plan[offer.pk] in ("declined", "expired"):
            services.offer_move(offer=offer, state=plan[offer.pk], actor=actor)


def build_proactive_demo(*, orgs: dict[str, Any], actor: Any, password_hash: str,
                         report: Callable[[str, int, int], None]) -> None:
    rng = random.Random(1414)
    first, later, households = _tables(rng)
    folder = Path(tempfile.mkdtemp(prefix="govcx-demo-register-"))
    for step, (region, code) in enumerate(AUTHORITIES.items(), start=1):
        organisation = orgs[code]
        region_households = households.filter(pc.equal(households["region"], region))
        snapshots = []
        for taken_on, persons in ((FIRST, first), (SECOND, later)):
            persons_file = folder / f"{region}-{taken_on}-persons.parquet"
            households_file = folder / f"{region}-{taken_on}-households.parquet"
            pq.write_table(persons.filter(pc.equal(persons["region"], region)), persons_file)
            pq.write_table(region_households, households_file)
            snapshots.append(services.snapshot_load(
                organisation=organisation, taken_on=taken_on, persons_file=persons_file,
                households_file=households_file, actor=actor,
                label=f"регистры ЗАГС и соцзащиты на {taken_on:%d.%m.%Y}"))
        run = services.run_execute(run=services.run_create(organisation=organisation, snapshot=snapshots[-1],
                                                           period=PERIOD, actor=actor))
        offers = list(Offer.objects.filter(organisation=organisation).order_by("benefit", "beneficiary_id"))
        keep_open: set[int] = set()
        if region == "RU-TUL":
            keep_open = _citizen(organisation, offers, password_hash)
        if offers:
            _move_through_every_state(offers, actor, keep_open)
        if region == "RU-TUL":
            _draft_whatif(organisation, snapshots[-1], actor)
        report(f"proactive services ({run.offers_created} offers)", step, len(AUTHORITIES))


def _citizen(organisation: Any, offers: list[Offer], password_hash: str) -> set[int]:
    """A mother whose newborn's maternity capital and family allowance wait in her inbox."""
    birth = LifeEvent.objects.filter(organisation=organisation, kind="birth_registered").order_by("person_id").first()
    assert birth is not None, "the demo register has births in every region"
    household = birth.household_id
    snapshot = Snapshot.objects.filter(organisation=organisation).order_by("-taken_on").first()
    assert snapshot is not None
    persons, _ = services.snapshot_tables(snapshot)
    family = persons.filter(pc.equal(persons["household_id"], household)).to_pylist()
    mother = next(p for p in family if p["household_role"] == "adult")
    username, first_name, last_name = CITIZEN
    user = User.objects.create(username=username, password=password_hash, role=Role.CITIZEN, is_demo=True,
                               first_name=first_name, last_name=last_name, email=f"{username}@demo.example.ru")
    CitizenLink.objects.create(user=user, organisation=organisation, person_id=mother["person_id"],
                               household_id=household,
                               children_ids=[p["person_id"] for p in family if p["household_role"] == "child"])
    return {o.pk for o in offers if o.beneficiary_id in {household, mother["person_id"]}}


def _draft_whatif(organisation: Any, snapshot: Snapshot, actor: Any) -> None:
    """A draft of the unified allowance that raises Tula's per-capita threshold by a tenth, and its totals over
    the region's register (computed here, not queued, so that the demo's figures are there at once)."""
    from govcx.proactive.rules.catalogue import PACKS_DIR

    text = (PACKS_DIR / "unified_allowance.yaml").read_text(encoding="utf-8")
    content = text.replace('version: "2026.1"', 'version: "2026.2"').replace(
        "2025-01-01: {value: 17733.0,", "2025-01-01: {value: 19506.0,")
    draft = services.pack_version_create(organisation=organisation, content=content, actor=actor)
    services.draft_whatif_execute(whatif=services.draft_whatif_create(version=draft, snapshot=snapshot,
                                                                      period=PERIOD, actor=actor, queue=False))
