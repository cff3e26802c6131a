"""The synthetic answer generator that the benchmarks rely on: schema, volume, ids and a consistent registry."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from govcx.analytics.schema import ANSWER_SCHEMA, conform
from govcx.analytics.synthetic import RATING_QUESTIONS, Shape, synthetic_answers

SHAPE = Shape(services=20, organisations=5, regions=3, quarters=8, seed=7)


def generated(rows: int, shape: Shape = SHAPE, chunk_rows: int = 4000) -> pa.Table:
    return pa.concat_tables(synthetic_answers(rows, shape=shape, chunk_rows=chunk_rows))


def test_rows_fit_the_schema_and_come_to_the_number_asked():
    table = generated(10_001)
    assert table.num_rows == 10_001
    assert table.schema == ANSWER_SCHEMA
    assert conform(table).num_rows == 10_001


def test_answer_ids_increase_and_each_response_is_one_service_at_one_moment():
    table = generated(5000)
    answer_ids = table["answer_id"].to_numpy()
    assert (np.diff(answer_ids) > 0).all()
    per_response = table.group_by("response_id").aggregate(
        [("service_id", "count_distinct"), ("submitted_at", "count_distinct"), ("question_key", "count")]
    )
    assert set(per_response["service_id_count_distinct"].to_pylist()) == {1}
    assert set(per_response["submitted_at_count_distinct"].to_pylist()) == {1}
    assert max(per_response["question_key_count"].to_pylist()) == len(RATING_QUESTIONS) + 1


def test_each_service_has_one_owner_and_each_owner_one_region():
    table = generated(20_000)
    owners = table.group_by("service_id").aggregate([("organisation_id", "count_distinct")])
    regions = table.group_by("organisation_id").aggregate([("region", "count_distinct")])
    assert set(owners["organisation_id_count_distinct"].to_pylist()) == {1}
    assert set(regions["region_count_distinct"].to_pylist()) == {1}


def test_values_stay_on_their_scales():
    table = generated(5000)
    values = table["value"].to_numpy()
    assert (values >= table["scale_min"].to_numpy()).all()
    assert (values <= table["scale_max"].to_numpy()).all()
    assert (values == np.rint(values)).all()


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    assert generated(3000).equals(generated(3000))
    assert not generated(3000).equals(generated(3000, shape=Shape(services=20, organisations=5, seed=8)))


def test_the_first_service_improves_and_the_second_gets_worse():
    table = generated(200_000, shape=Shape(services=20, organisations=5, regions=3, quarters=8, seed=1),
                      chunk_rows=100_000)
    overall = table.filter(pc.equal(table["question_key"], "overall"))
    submitted = overall["submitted_at"]
    quarter_of = (pc.year(submitted).to_numpy() * 4 + pc.quarter(submitted).to_numpy()).astype(int)
    services = overall["service_id"].to_numpy()
    values = overall["value"].to_numpy()
    for service, direction in ((1, 1), (2, -1)):
        mine = services == service
        early = values[mine & (quarter_of == quarter_of.min())].mean()
        late = values[mine & (quarter_of == quarter_of.max())].mean()
        assert direction * (late - early) > 0.3, (service, early, late)
