"""Dashboard aggregates over the answer fact table, against worked examples and a computation by hand in plain
Python over a small generated table; scoping, date ranges, periods, ranking and the driver sample."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta, timezone

import pyarrow as pa
import pytest

from govcx.analytics import engines, store
from govcx.analytics.schema import from_records
from govcx.analytics.synthetic import Shape, synthetic_answers
from govcx.feedback.dashboards import aggregates
from govcx.feedback.dashboards.aggregates import AnswerFilter

MOSCOW = timezone(timedelta(hours=3))
DEFAULTS = {
    "survey_id": 1, "survey_version": 1, "service_id": 10, "organisation_id": 1, "region": "RU-MOW",
    "client_category": "citizens", "channel": "web", "submitted_at": datetime(2024, 2, 10, tzinfo=UTC),
    "question_key": "overall", "measure": "rating", "scale_min": 1, "scale_max": 5,
}


def answers(*rows: dict) -> list[dict]:
    """Records with every column filled: ids numbered in order, other fields from DEFAULTS unless given."""
    return [{**DEFAULTS, "response_id": i, "answer_id": i, **row} for i, row in enumerate(rows, start=1)]


@pytest.fixture
def answers_of(tmp_path):
    """answers_of(records) -> the Ibis table (DuckDB) of a store holding them."""
    backend = engines.connect()

    def make(records: list[dict]):
        path = tmp_path / f"store-{len(list(tmp_path.iterdir()))}"
        store.append(path, from_records(records))
        return engines.answers_table(backend, path)

    return make


def rows_of(expression) -> list[dict]:
    return expression.to_pyarrow().to_pylist()


# Worked examples -------------------------------------------------------------------------------------------

def test_moments_of_a_worked_example(answers_of):
    table = answers_of(answers({"value": 5}, {"value": 4}, {"value": 2}, {"value": 3, "service_id": 11}))
    result = {row["service_id"]: row for row in rows_of(aggregates.rating_moments(table, by=["service_id"]))}
    # Service 10: 5 + 4 + 2 = 11; 25 + 16 + 4 = 45; the top two boxes of 1-5 are 4 and 5.
    assert result[10] == {"service_id": 10, "question_key": "overall", "scale_min": 1, "scale_max": 5,
                          "n": 3, "sum_value": 11.0, "sum_squares": 45.0, "top_box": 2}
    assert (result[11]["n"], result[11]["sum_value"], result[11]["top_box"]) == (1, 3.0, 0)


def test_top_box_follows_each_answers_own_scale_and_the_configured_threshold(answers_of):
    table = answers_of(answers(
        {"value": 4}, {"value": 5}, {"value": 3},
        {"value": 6, "scale_max": 7}, {"value": 5, "scale_max": 7}, {"value": 7, "scale_max": 7},
    ))
    by_scale = {row["scale_max"]: row["top_box"] for row in rows_of(aggregates.rating_moments(table))}
    assert by_scale == {5: 2, 7: 2}  # 4, 5 of 1-5; 6, 7 of 1-7, in separate groups
    top_one = {row["scale_max"]: row["top_box"] for row in rows_of(aggregates.rating_moments(table, top_box_size=1))}
    assert top_one == {5: 1, 7: 1}
    # Decree 1284 settings may count 3 and above as positive on the 1-5 scale.
    absolute = {row["scale_max"]: row["top_box"]
                for row in rows_of(aggregates.rating_moments(table, positive_from=3))}
    assert absolute == {5: 3, 7: 3}
    with pytest.raises(ValueError):
        aggregates.rating_moments(table, top_box_size=0)


def test_nps_bands_at_their_boundaries(answers_of):
    values = [0, 6, 7, 8, 9, 10, 10]
    table = answers_of(answers(*[
        {"value": v, "question_key": "nps", "measure": "nps", "scale_min": 0, "scale_max": 10} for v in values
    ], {"value": 5}))
    (row,) = rows_of(aggregates.nps_counts(table))
    assert (row["n"], row["promoters"], row["passives"], row["detractors"]) == (7, 3, 2, 2)


def test_yes_no_answers_give_the_share_of_yes(answers_of):
    table = answers_of(answers(*[
        {"value": v, "question_key": "resolved", "measure": "yes_no", "scale_min": 0, "scale_max": 1}
        for v in (1, 1, 0, 1)
    ], {"value": 5}))
    (row,) = rows_of(aggregates.rating_moments(table, measure="yes_no", top_box_size=1))
    assert (row["n"], row["sum_value"], row["top_box"]) == (4, 3.0, 3)


def test_periods_are_calendar_months_quarters_and_years_in_utc(answers_of):
    late_march_utc = datetime(2024, 3, 31, 23, 30, tzinfo=UTC)  # already April in Moscow
    table = answers_of(answers(
        {"value": 5, "submitted_at": late_march_utc},
        {"value": 3, "submitted_at": datetime(2024, 4, 1, 0, 0, tzinfo=UTC)},
        {"value": 4, "submitted_at": datetime(2023, 12, 31, 12, 0, tzinfo=UTC)},
    ))
    for period, expected in (
        ("month", {date(2024, 3, 1): 1, date(2024, 4, 1): 1, date(2023, 12, 1): 1}),
        ("quarter", {date(2024, 1, 1): 1, date(2024, 4, 1): 1, date(2023, 10, 1): 1}),
        ("year", {date(2024, 1, 1): 2, date(2023, 1, 1): 1}),
    ):
        result = rows_of(aggregates.rating_moments(table, by=[period]))
        assert {row[period]: row["n"] for row in result} == expected, period


def test_an_unknown_dimension_is_refused(answers_of):
    table = answers_of(answers({"value": 5}))
    with pytest.raises(ValueError, match="cannot group"):
        aggregates.rating_moments(table, by=["comment"])
    with pytest.raises(ValueError):
        aggregates.trend(table, period="week")


# Filters ---------------------------------------------------------------------------------------------------

def test_scoping_shows_an_authority_only_its_own_services(answers_of):
    table = answers_of(answers(
        {"value": 5, "organisation_id": 1, "service_id": 10},
        {"value": 1, "organisation_id": 2, "service_id": 20},
        {"value": 2, "organisation_id": 3, "service_id": 30},
    ))

    def services_seen(organisation_ids):
        where = AnswerFilter(organisation_ids=organisation_ids)
        return sorted(row["service_id"] for row in rows_of(aggregates.rating_moments(table, by=["service_id"],
                                                                                    where=where)))

    assert services_seen([1]) == [10]
    assert services_seen([2, 3]) == [20, 30]
    assert services_seen(None) == [10, 20, 30]  # the central office
    assert services_seen([]) == []  # no organisation in scope sees nothing, not everything
    ranked = rows_of(aggregates.ranking(table, where=AnswerFilter(organisation_ids=[2]), min_responses=1))
    assert [row["service_id"] for row in ranked] == [20]


def test_date_range_includes_its_start_excludes_its_end_and_respects_time_zones(answers_of):
    table = answers_of(answers(
        {"value": 1, "submitted_at": datetime(2024, 1, 1, 0, 0, tzinfo=UTC)},
        {"value": 2, "submitted_at": datetime(2024, 3, 31, 23, 30, tzinfo=UTC)},
        {"value": 4, "submitted_at": datetime(2024, 4, 1, 0, 0, tzinfo=UTC)},
    ))

    def total(where):
        return sum(row["sum_value"] for row in rows_of(aggregates.rating_moments(table, where=where)))

    quarter = AnswerFilter(submitted_from=datetime(2024, 1, 1, tzinfo=UTC), submitted_before=datetime(2024, 4, 1,
                                                                                                      tzinfo=UTC))
    assert total(quarter) == 3
    # 02:30 in Moscow is 23:30 UTC: the answer submitted at that instant is outside "before".
    moscow = AnswerFilter(submitted_before=datetime(2024, 4, 1, 2, 30, tzinfo=MOSCOW))
    assert total(moscow) == 1
    assert total(AnswerFilter(submitted_from=datetime(2024, 4, 1, 2, 30, tzinfo=MOSCOW))) == 6


def test_filters_by_question_region_channel_and_category(answers_of):
    table = answers_of(answers(
        {"value": 5, "region": "RU-TUL", "channel": "office"},
        {"value": 4, "region": "RU-MOW", "channel": "web", "client_category": "businesses"},
        {"value": 3, "question_key": "r1284_queue"},
    ))

    def count(where):
        return sum(row["n"] for row in rows_of(aggregates.rating_moments(table, where=where)))

    assert count(AnswerFilter(question_keys=["overall"])) == 2
    assert count(AnswerFilter(regions=["RU-TUL"])) == 1
    assert count(AnswerFilter(channels=["web"])) == 2
    assert count(AnswerFilter(client_categories=["businesses"])) == 1
    assert count(AnswerFilter(question_keys=["r1284_queue"], regions=["RU-TUL"])) == 0


# Against a computation by hand on a generated table ---------------------------------------------------------

SHAPE = Shape(services=12, organisations=4, regions=3, quarters=4, seed=3)


@pytest.fixture
def generated(tmp_path):
    """(Ibis table, the same answers as Python dicts) for 6,000 generated answers."""
    chunks = list(synthetic_answers(6000, shape=SHAPE, chunk_rows=2000))
    for chunk in chunks:
        store.append(tmp_path, chunk)
    return engines.answers_table(engines.connect(), tmp_path), pa.concat_tables(chunks).to_pylist()


def quarter_start(moment: datetime) -> date:
    return date(moment.year, 3 * ((moment.month - 1) // 3) + 1, 1)


def test_moments_per_organisation_and_quarter_match_a_hand_computation(generated):
    table, records = generated
    since = datetime(2023, 4, 1, tzinfo=UTC)
    where = AnswerFilter(organisation_ids=[1, 3], submitted_from=since)
    expected: dict[tuple, list[float]] = defaultdict(lambda: [0, 0.0, 0.0, 0])
    for record in records:
        if record["measure"] != "rating" or record["organisation_id"] not in (1, 3):
            continue
        if record["submitted_at"] < since:
            continue
        key = (record["organisation_id"], quarter_start(record["submitted_at"]), record["question_key"])
        moments = expected[key]
        moments[0] += 1
        moments[1] += record["value"]
        moments[2] += record["value"] ** 2
        moments[3] += record["value"] >= record["scale_max"] - 1
    result = rows_of(aggregates.rating_moments(table, by=["organisation_id", "quarter"], where=where))
    got = {(r["organisation_id"], r["quarter"], r["question_key"]): [r["n"], r["sum_value"], r["sum_squares"],
                                                                     r["top_box"]] for r in result}
    assert got == dict(expected)
    assert len(got) > 20


def test_nps_per_region_matches_a_hand_computation(generated):
    table, records = generated
    expected: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for record in records:
        if record["measure"] == "nps":
            counts = expected[record["region"]]
            counts[0] += 1
            counts[1] += record["value"] >= 9
            counts[2] += 7 <= record["value"] <= 8
            counts[3] += record["value"] <= 6
    result = rows_of(aggregates.nps_counts(table, by=["region"]))
    got = {r["region"]: [r["n"], r["promoters"], r["passives"], r["detractors"]] for r in result}
    assert got == dict(expected)


def test_trend_runs_oldest_period_first_per_service(generated):
    table, records = generated
    result = rows_of(aggregates.trend(table, period="quarter", by=["service_id"],
                                      where=AnswerFilter(question_keys=["overall"], service_ids=[1])))
    assert [row["quarter"] for row in result] == sorted({quarter_start(r["submitted_at"]) for r in records
                                                        if r["service_id"] == 1 and r["question_key"] == "overall"})
    assert sum(row["n"] for row in result) == sum(1 for r in records
                                                  if r["service_id"] == 1 and r["question_key"] == "overall")


def test_ranking_orders_by_mean_and_leaves_out_small_groups(generated):
    table, records = generated
    sums: dict[int, list[float]] = defaultdict(lambda: [0, 0.0])
    for record in records:
        if record["question_key"] == "overall":
            sums[record["organisation_id"]][0] += 1
            sums[record["organisation_id"]][1] += record["value"]
    threshold = sorted(n for n, _ in sums.values())[1]  # leaves out the smallest authority
    eligible = {org: total / n for org, (n, total) in sums.items() if n >= threshold}
    result = rows_of(aggregates.ranking(table, level="organisation_id", min_responses=threshold))
    assert [row["organisation_id"] for row in result] == sorted(eligible, key=lambda org: -eligible[org])
    assert [row["rank"] for row in result] == list(range(1, len(eligible) + 1))
    assert [row["mean"] for row in result] == pytest.approx([eligible[row["organisation_id"]] for row in result])
    with pytest.raises(ValueError):
        aggregates.ranking(table, level="channel")


def test_ranking_ties_share_a_rank(answers_of):
    table = answers_of(answers(
        {"value": 5, "service_id": 1}, {"value": 3, "service_id": 2}, {"value": 5, "service_id": 3},
    ))
    result = rows_of(aggregates.ranking(table, min_responses=1))
    assert [(row["service_id"], row["rank"]) for row in result] == [(1, 1), (3, 1), (2, 3)]


# Driver analysis input -------------------------------------------------------------------------------------

def test_driver_pivot_has_one_row_per_response_that_rated_the_outcome(answers_of):
    records = answers(
        {"response_id": 1, "question_key": "overall", "value": 4},
        {"response_id": 1, "question_key": "r1284_time", "value": 5},
        {"response_id": 1, "question_key": "r1284_queue", "value": 2},
        {"response_id": 2, "question_key": "overall", "value": 2},
        {"response_id": 2, "question_key": "r1284_queue", "value": 1},
        {"response_id": 3, "question_key": "r1284_time", "value": 5},  # no overall: left out
    )
    table = answers_of(records)
    pivot = aggregates.driver_pivot(table, drivers=["r1284_time", "r1284_queue"]).order_by("response_id")
    assert rows_of(pivot) == [
        {"response_id": 1, "overall": 4.0, "r1284_time": 5.0, "r1284_queue": 2.0},
        {"response_id": 2, "overall": 2.0, "r1284_time": None, "r1284_queue": 1.0},
    ]


def test_driver_sample_is_capped_deterministic_and_spread_over_all_responses(generated):
    table, records = generated
    drivers = ["r1284_time", "r1284_queue", "r1284_courtesy"]
    rated = sorted({r["response_id"] for r in records if r["question_key"] == "overall"})
    full = aggregates.driver_sample(table, drivers=drivers, max_rows=len(rated) + 1)
    assert (full.responses, full.rows.num_rows, full.sampled) == (len(rated), len(rated), False)

    cap = len(rated) // 5
    sample = aggregates.driver_sample(table, drivers=drivers, max_rows=cap)
    assert (sample.responses, sample.rows.num_rows, sample.sampled) == (len(rated), cap, True)
    assert sample.rows.equals(aggregates.driver_sample(table, drivers=drivers, max_rows=cap).rows)
    full_rows = {row["response_id"]: row for row in full.rows.to_pylist()}
    assert all(full_rows[row["response_id"]] == row for row in sample.rows.to_pylist())
    # Not the first or last responses: each half of the id range gives roughly its share of the sample.
    middle = rated[len(rated) // 2]
    early = sum(1 for row in sample.rows.to_pylist() if row["response_id"] < middle)
    assert 0.35 * cap < early < 0.65 * cap
