"""Dashboard aggregates over the answer fact table (govcx.analytics.schema), as Ibis expressions.

Each function takes an Ibis table of answers (govcx.analytics.engines.answers_table) and returns an Ibis
expression, or a small pyarrow result, so the same code runs on DuckDB and on Spark and nothing national is
pulled into Python. They return sufficient statistics, not estimates: per group the count n, the sum and the
sum of squares of the values (from which the mean and its standard error follow), the top-box count, and the
NPS category counts. Turning them into intervals and tests is `govcx.feedback.stats`' job.

Groups are always split by question and scale (question_key, scale_min, scale_max): a mean over two
questions, or over a 1-5 and a 1-7 version of one question, means nothing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import ibis.expr.types as ir
    import pyarrow as pa

GROUP_COLUMNS = ("service_id", "organisation_id", "region", "client_category", "channel", "survey_id", "question_key")
# A period dimension is the first day of the period the answer was submitted in (UTC).
PERIODS = {"month": "M", "quarter": "Q", "year": "Y"}
QUESTION_COLUMNS = ("question_key", "scale_min", "scale_max")

# Net Promoter Score bands on the 0-10 scale (Reichheld, "The One Number You Need to Grow", HBR 2003).
NPS_PROMOTER_FROM = 9
NPS_DETRACTOR_TO = 6

# Deterministic pseudo-random order of responses for sampling, computed the same on every engine: the
# response id times a primitive-root power modulo the prime 2^31 - 1 (Park and Miller's MINSTD generator
# squared), which scatters consecutive ids over the whole range. Products stay below 2^62.
SAMPLE_MODULUS = 2_147_483_647
SAMPLE_MULTIPLIER = 48271 * 48271 % SAMPLE_MODULUS


@dataclass(frozen=True)
class AnswerFilter:
    """Which answers a figure covers. `None` means no restriction; an empty collection matches nothing, so an
    authority with no organisations in scope sees zeros, never the whole country.

    organisation_ids is the scoping filter: the caller passes the organisations the user may see, or None
    for the central office.
    """

    organisation_ids: Collection[int] | None = None
    service_ids: Collection[int] | None = None
    question_keys: Collection[str] | None = None
    regions: Collection[str] | None = None
    client_categories: Collection[str] | None = None
    channels: Collection[str] | None = None
    submitted_from: datetime | None = None  # inclusive
    submitted_before: datetime | None = None  # exclusive

    def but(self, **changes: Any) -> AnswerFilter:
        return dataclasses.replace(self, **changes)


def utc_naive(moment: datetime) -> datetime:
    """Engines present submitted_at as UTC wall-clock time without a zone (govcx.analytics.engines), so
    bounds are compared the same way; a bound without a zone is taken as UTC."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(UTC).replace(tzinfo=None)


def utc_wall_clock(table: ir.Table) -> ir.TimestampColumn:
    """submitted_at without a zone; answers_table already gives it so, a table from elsewhere may need a cast."""
    if table.submitted_at.type().timezone is None:
        return table.submitted_at
    return table.submitted_at.cast("timestamp")


def membership(column: ir.Column, allowed: Collection[object]) -> ir.BooleanValue:
    import ibis

    if not allowed:
        return ibis.literal(False)
    return column.isin(list(allowed))


def apply_filter(table: ir.Table, where: AnswerFilter | None) -> ir.Table:
    if where is None:
        return table
    conditions = []
    for column, allowed in (
        ("organisation_id", where.organisation_ids),
        ("service_id", where.service_ids),
        ("question_key", where.question_keys),
        ("region", where.regions),
        ("client_category", where.client_categories),
        ("channel", where.channels),
    ):
        if allowed is not None:
            conditions.append(membership(table[column], allowed))
    submitted_at = utc_wall_clock(table)
    if where.submitted_from is not None:
        conditions.append(submitted_at >= utc_naive(where.submitted_from))
    if where.submitted_before is not None:
        conditions.append(submitted_at < utc_naive(where.submitted_before))
    return table.filter(*conditions) if conditions else table


def group_keys(table: ir.Table, by: Sequence[str]) -> list[ir.Value]:
    """Columns for `by` (fact-table columns or period names), then the question and its scale."""
    keys: list[ir.Value] = []
    for name in by:
        if name in PERIODS:
            keys.append(utc_wall_clock(table).truncate(PERIODS[name]).cast("date").name(name))
        elif name in GROUP_COLUMNS:
            if name not in QUESTION_COLUMNS:
                keys.append(table[name])
        else:
            raise ValueError(f"cannot group answers by {name!r}: use {', '.join(GROUP_COLUMNS + tuple(PERIODS))}")
    keys.extend(table[name] for name in QUESTION_COLUMNS)
    return keys


def positive(table: ir.Table, top_box_size: int, positive_from: float | None) -> ir.BooleanColumn:
    """Top-box: the `top_box_size` highest points of each answer's own scale (value >= scale_max - size + 1),
    or every value at or above `positive_from` when the survey's owner set an absolute threshold."""
    if positive_from is not None:
        return table.value >= positive_from
    if top_box_size < 1:
        raise ValueError("top_box_size counts scale points from the top: at least 1")
    return table.value >= table.scale_max - (top_box_size - 1)


def count_where(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return condition.ifelse(1, 0).sum().cast("int64")


def rating_moments(
    table: ir.Table,
    *,
    by: Sequence[str] = (),
    where: AnswerFilter | None = None,
    measure: str = "rating",
    top_box_size: int = 2,
    positive_from: float | None = None,
) -> ir.Table:
    """Per group of `by` (+ question and scale): n, sum_value, sum_squares and top_box (positive answers).

    Mean = sum_value / n; variance = (sum_squares - n * mean^2) / (n - 1); top-box share = top_box / n.
    `measure` picks the answers: "rating" by default; "yes_no" gives the share of yes as the mean.
    """
    rows = apply_filter(table, where)
    rows = rows.filter(rows.measure == measure)
    return rows.group_by(group_keys(rows, by)).aggregate(
        n=rows.count().cast("int64"),
        sum_value=rows.value.sum(),
        sum_squares=(rows.value * rows.value).sum(),
        top_box=count_where(positive(rows, top_box_size, positive_from)),
    )


def nps_counts(table: ir.Table, *, by: Sequence[str] = (), where: AnswerFilter | None = None) -> ir.Table:
    """Per group of `by` (+ question and scale) over NPS answers: n, promoters (9-10), passives (7-8) and
    detractors (0-6). NPS = 100 * (promoters - detractors) / n."""
    rows = apply_filter(table, where)
    rows = rows.filter(rows.measure == "nps")
    return rows.group_by(group_keys(rows, by)).aggregate(
        n=rows.count().cast("int64"),
        promoters=count_where(rows.value >= NPS_PROMOTER_FROM),
        passives=count_where((rows.value > NPS_DETRACTOR_TO) & (rows.value < NPS_PROMOTER_FROM)),
        detractors=count_where(rows.value <= NPS_DETRACTOR_TO),
    )


def trend(
    table: ir.Table,
    *,
    period: str = "quarter",
    by: Sequence[str] = (),
    where: AnswerFilter | None = None,
    top_box_size: int = 2,
    positive_from: float | None = None,
) -> ir.Table:
    """rating_moments per period (month, quarter or year) and `by`, oldest period first."""
    if period not in PERIODS:
        raise ValueError(f"period must be one of {', '.join(PERIODS)}")
    moments = rating_moments(
        table, by=(*by, period), where=where, top_box_size=top_box_size, positive_from=positive_from
    )
    return moments.order_by([*by, *QUESTION_COLUMNS, period])


def ranking(
    table: ir.Table,
    *,
    level: str = "service_id",
    question_key: str = "overall",
    where: AnswerFilter | None = None,
    min_responses: int = 30,
    top_box_size: int = 2,
    positive_from: float | None = None,
) -> ir.Table:
    """The national ranking: rating_moments per `level` (service_id, organisation_id or region) for one
    question, for groups with at least `min_responses` answers, with the mean and its rank (1 = highest;
    ties share a rank) among groups answering on the same scale.

    The rank orders point estimates; whether two neighbours really differ is for govcx.feedback.stats.
    """
    import ibis

    if level not in ("service_id", "organisation_id", "region"):
        raise ValueError("rank services (service_id), authorities (organisation_id) or regions (region)")
    scoped = (where or AnswerFilter()).but(question_keys=[question_key])
    moments = rating_moments(
        table, by=(level,), where=scoped, top_box_size=top_box_size, positive_from=positive_from
    )
    eligible = moments.filter(moments.n >= min_responses)
    eligible = eligible.mutate(mean=eligible.sum_value / eligible.n)
    rank = ibis.rank().over(group_by=["scale_min", "scale_max"], order_by=ibis.desc("mean")) + 1
    return eligible.mutate(rank=rank.cast("int64")).order_by(["scale_min", "scale_max", "rank", level])


def driver_pivot(
    table: ir.Table,
    *,
    drivers: Sequence[str],
    outcome: str = "overall",
    where: AnswerFilter | None = None,
) -> ir.Table:
    """One row per response that rated the outcome: response_id, the outcome and each driver (null when the
    response skipped it). The input of a driver analysis (which driver moves the outcome most)."""
    keys = [outcome, *[driver for driver in drivers if driver != outcome]]
    if "response_id" in keys:
        raise ValueError("a question key cannot be 'response_id'")
    rows = apply_filter(table, (where or AnswerFilter()).but(question_keys=keys))
    rows = rows.filter(rows.measure == "rating")
    columns = {key: rows.value.max(where=rows.question_key == key) for key in keys}
    per_response = rows.group_by("response_id").aggregate(**columns)
    return per_response.filter(per_response[outcome].notnull())


@dataclass(frozen=True)
class DriverSample:
    rows: pa.Table  # driver_pivot's columns, at most the cap's number of rows
    responses: int  # responses in the filter that rated the outcome

    @property
    def sampled(self) -> bool:
        sampled_rows: int = self.rows.num_rows
        return sampled_rows < self.responses


def driver_sample(
    table: ir.Table,
    *,
    drivers: Sequence[str],
    outcome: str = "overall",
    where: AnswerFilter | None = None,
    max_rows: int = 50_000,
) -> DriverSample:
    """driver_pivot executed, bounded to `max_rows` responses: beyond the cap, a uniform sample that is the
    same on every engine and every run (responses ordered by a scrambled id, see SAMPLE_MULTIPLIER)."""
    pivot = driver_pivot(table, drivers=drivers, outcome=outcome, where=where)
    responses = int(pivot.count().to_pyarrow().as_py())
    scrambled = (pivot.response_id % SAMPLE_MODULUS) * SAMPLE_MULTIPLIER % SAMPLE_MODULUS
    bounded = pivot.order_by([scrambled, pivot.response_id]).limit(max_rows)
    return DriverSample(rows=bounded.to_pyarrow(), responses=responses)
