"""Runs and what-ifs read a snapshot a Parquet batch of whole households at a time: the same decisions, offers
and totals as over the whole register, none twice at a batch's edge, households without persons included."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from govcx.proactive import services
from govcx.proactive.models import Decision, Offer
from govcx.proactive.rules.catalogue import PACKS_DIR
from govcx.proactive.rules.pack import parse_pack, read_pack
from govcx.proactive.rules.periods import parse_period
from govcx.proactive.rules.register import evaluate_benefits, household_chunks, register_slices
from govcx.proactive.rules.simulation import EvaluationError
from govcx.proactive.rules.whatif import draft_effect
from govcx.proactive.synthetic import register

pytestmark = pytest.mark.django_db

PERIOD = "2025-03"


def extract(tmp_path, households: int = 160) -> tuple:
    """A synthetic register with three households that have no persons (one first, one inside, one last)."""
    persons, groups = register(households, seed=3, as_of="2025-01-01")
    persons = persons.append_column("receives_insurance_pension", pa.array(np.zeros(persons.num_rows, bool)))
    groups = groups.append_column("maternity_capital_granted", pa.array(np.zeros(groups.num_rows, bool)))
    empty = pa.Table.from_pylist([{**row, "household_id": row["household_id"] + offset}
                                  for offset, row in ((10_000, groups.slice(0, 1).to_pylist()[0]),
                                                      (10_001, groups.slice(5, 1).to_pylist()[0]),
                                                      (10_002, groups.slice(9, 1).to_pylist()[0]))],
                                 schema=groups.schema)
    groups = pa.concat_tables([empty.slice(0, 1), groups.slice(0, 80), empty.slice(1, 1), groups.slice(80),
                               empty.slice(2, 1)])
    pq.write_table(persons, tmp_path / "persons.parquet")
    pq.write_table(groups, tmp_path / "households.parquet")
    return tmp_path / "persons.parquet", tmp_path / "households.parquet"


@pytest.fixture
def snapshot(tmp_path, reference_data, monkeypatch):
    persons_file, households_file = extract(tmp_path)
    loaded = services.snapshot_load(organisation=reference_data["region"], taken_on=dt.date(2025, 3, 1),
                                    persons_file=persons_file, households_file=households_file)
    monkeypatch.setattr(services, "SLICE_PERSONS", 37)  # odd, so that batches cut households in two
    return loaded


def whole_register_rows(snapshot) -> list[dict]:
    persons, households = services.snapshot_tables(snapshot)
    period = parse_period(PERIOD)
    return [row for pack, _ in services.packs_in_force(snapshot.organisation)
            for row in evaluate_benefits(pack, persons, households, period)]


def test_the_snapshot_is_read_in_several_slices_of_whole_households(snapshot):
    persons, households = services.snapshot_tables(snapshot)
    slices = list(services.snapshot_slices(snapshot))
    assert len(slices) > 5
    assert sum(p.num_rows for p, _, _ in slices) == persons.num_rows
    assert sum(h.num_rows for _, h, _ in slices) == households.num_rows == snapshot.households
    seen: set[str] = set()
    for part, groups, members in slices:
        ids = groups["household_id"].to_pylist()
        assert not seen & set(ids)  # no household in two slices
        seen |= set(ids)
        assert [ids[m] for m in members] == part["household_id"].to_pylist()
    assert seen == set(households["household_id"].to_pylist())


def test_a_streamed_full_run_decides_as_the_whole_register_and_offers_once(snapshot):
    run = services.run_execute(run=services.run_create(organisation=snapshot.organisation, snapshot=snapshot,
                                                       period=PERIOD, full=True))
    assert run.status == "done", run.error
    want = whole_register_rows(snapshot)
    got = list(Decision.objects.filter(run=run).values_list("benefit", "beneficiary_id", "entitled", "amount",
                                                            "reasons"))
    assert Counter((b, i) for b, i, *_ in got).most_common(1)[0][1] == 1  # no one decided twice at an edge
    assert sorted(got, key=lambda r: r[:2]) == sorted(
        [(r["benefit"], r["beneficiary_id"], r["entitled"], Decimal(str(r["amount"])), r["reasons"]) for r in want],
        key=lambda r: r[:2])
    entitled = {(r["benefit"], r["beneficiary_id"]) for r in want if r["entitled"]}
    assert len(entitled) > 20 and run.entitled == len(entitled) and run.evaluated == len(want)
    offers = list(Offer.objects.filter(run=run).values_list("benefit", "beneficiary_id"))
    assert sorted(offers) == sorted(entitled) and run.offers_created == len(entitled)
    again = services.run_execute(run=services.run_create(organisation=snapshot.organisation, snapshot=snapshot,
                                                         period=PERIOD, full=True))
    assert again.status == "done" and again.offers_created == 0 and Offer.objects.count() == len(entitled)


def test_a_run_for_events_reads_only_the_touched_families_from_every_slice(snapshot):
    persons, _ = services.snapshot_tables(snapshot)
    ids = persons["person_id"].to_pylist()
    families = persons["household_id"].to_pylist()
    last = persons.num_rows - 1
    for n, (person, family) in enumerate([(ids[3], ""), ("", families[100]), (ids[last], families[last])]):
        services.event_push(organisation=snapshot.organisation, event_id=f"e{n}", kind="income_change",
                            person_id=person, household_id=family, occurred_on=dt.date(2025, 3, 1))
    touched = {families[3], families[100], families[last]}
    run = services.run_execute(run=services.run_create(organisation=snapshot.organisation, snapshot=snapshot,
                                                       period=PERIOD))
    assert run.status == "done", run.error
    members = {i for i, f in zip(ids, families, strict=True) if f in touched}
    want = {(r["benefit"], r["beneficiary_id"], r["entitled"]) for r in whole_register_rows(snapshot)
            if r["beneficiary_id"] in (touched if r["entity"] == "household" else members)}
    got = set(Decision.objects.filter(run=run).values_list("benefit", "beneficiary_id", "entitled"))
    assert got == want and run.evaluated == len(want)


def test_a_drafts_whatif_over_the_streamed_snapshot_equals_the_whole(snapshot):
    text = (PACKS_DIR / "unified_allowance.yaml").read_text(encoding="utf-8")
    content = text.replace('version: "2026.1"', 'version: "2026.5"').replace(
        "2025-01-01: {value: 17733.0,", "2025-01-01: {value: 9000.0,")
    draft = services.pack_version_create(organisation=snapshot.organisation, content=content)
    whatif = services.draft_whatif_execute(whatif=services.draft_whatif_create(
        version=draft, snapshot=snapshot, period=PERIOD, queue=False))
    assert whatif.status == "done", whatif.error
    persons, households = services.snapshot_tables(snapshot)
    whole = draft_effect(read_pack(PACKS_DIR / "unified_allowance.yaml"), parse_pack(content, "draft"),
                         household_chunks(persons, households, households_per_chunk=households.num_rows),
                         parse_period(PERIOD), total=households.num_rows)
    assert whatif.totals == whole.as_dict()
    assert whatif.totals["households"] == households.num_rows and whatif.totals["families_losing"] > 0


def test_one_familys_whatif_finds_it_in_its_slice(snapshot):
    persons, _ = services.snapshot_tables(snapshot)
    family = persons["household_id"].to_pylist()[-1]
    rows = services.household_whatif(snapshot=snapshot, household_id=family, period=PERIOD)
    members = {p for p, f in zip(persons["person_id"].to_pylist(), persons["household_id"].to_pylist(), strict=True)
               if f == family}
    assert {(r["entity"], r["beneficiary_id"]) for r in rows} == {("household", family)} | {
        ("person", m) for m in members}


def test_a_snapshot_stored_before_persons_were_kept_by_household_is_cut_in_memory(snapshot):
    from pathlib import Path

    directory = Path(snapshot.directory)
    persons = pq.read_table(directory / "persons.parquet")
    pq.write_table(persons.take(np.random.default_rng(2).permutation(persons.num_rows)),
                   directory / "persons.parquet")
    files = (pq.ParquetFile(directory / "persons.parquet"), pq.ParquetFile(directory / "households.parquet"))
    with pytest.raises(EvaluationError, match="not stored by household"):
        list(register_slices(*files, persons_per_slice=37))
    run = services.run_execute(run=services.run_create(organisation=snapshot.organisation, snapshot=snapshot,
                                                       period=PERIOD, full=True))
    assert run.status == "done", run.error
    assert run.evaluated == len(whole_register_rows(snapshot))
