"""Synthetic answer fact rows with a realistic shape, generated with numpy in bulk: for benchmarks at national
volume and for tests of the aggregates. Not demo data (that goes through the survey models).

The shape: a few hundred services owned by a few dozen organisations in a handful of regions, popularity
skewed (a few services take most responses), each response answering the overall question, the five drivers
of the Russian public-service quality rating (Decree No. 1284), trust, and NPS. Each service has its own
level of satisfaction, which the drivers and NPS follow with noise; one service improves quarter by quarter
and another gets worse, so trends have something to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from govcx.analytics.schema import ANSWER_SCHEMA, CHANNELS

RATING_QUESTIONS = (
    "overall",
    "r1284_time",
    "r1284_queue",
    "r1284_courtesy",
    "r1284_comfort",
    "r1284_info",
    "a11_trust",
)
NPS_QUESTION = "nps"
REGIONS = ("RU-MOW", "RU-SPE", "RU-TUL", "RU-NVS", "RU-SVE", "RU-TA", "RU-KDA", "RU-NIZ", "RU-SAM", "RU-BA")
CLIENT_CATEGORIES = ("citizens", "businesses", "")
CLIENT_CATEGORY_WEIGHTS = (0.8, 0.15, 0.05)
CHANNEL_WEIGHTS = (0.35, 0.2, 0.25, 0.1, 0.05, 0.04, 0.01)
SUBMITTED_AT_TYPE = ANSWER_SCHEMA.field("submitted_at").type
# Each driver skipped by this share of responses, so driver counts differ from the overall count.
DRIVER_SKIP_RATE = 0.05


@dataclass(frozen=True)
class Shape:
    services: int = 300
    organisations: int = 30
    regions: int = 10
    quarters: int = 8
    first_quarter_start: datetime = datetime(2023, 1, 1, tzinfo=UTC)
    seed: int = 0


def quarter_starts(shape: Shape) -> np.ndarray:
    year, month = shape.first_quarter_start.year, shape.first_quarter_start.month
    starts = []
    for index in range(shape.quarters + 1):
        total = (month - 1) + 3 * index
        starts.append(datetime(year + total // 12, total % 12 + 1, 1, tzinfo=UTC))
    return np.array([int(start.timestamp() * 1_000_000) for start in starts], dtype=np.int64)


def string_column(codes: tuple[str, ...], indices: np.ndarray) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(indices, pa.int32()), pa.array(codes)).cast(pa.string())


def to_scale(latent: np.ndarray, low: int, high: int) -> np.ndarray:
    scaled: np.ndarray = np.clip(np.rint(latent), low, high).astype(np.float64)
    return scaled


def synthetic_answers(
    rows: int, *, shape: Shape | None = None, chunk_rows: int = 1_000_000
) -> Iterator[pa.Table]:
    """Tables of about `chunk_rows` answers each (whole responses), `rows` answers in all, in the fact-table
    schema, response and answer ids increasing from 1. The same shape and seed give the same rows."""
    shape = shape or Shape()
    generator = np.random.default_rng(shape.seed)
    service_organisation = generator.integers(0, shape.organisations, shape.services)
    organisation_region = generator.integers(0, min(shape.regions, len(REGIONS)), shape.organisations)
    popularity = generator.lognormal(0.0, 1.2, shape.services)
    popularity /= popularity.sum()
    service_level = generator.normal(0.0, 0.45, shape.services)
    service_slope = np.zeros(shape.services)
    service_slope[0], service_slope[1] = 0.12, -0.12  # one improving, one getting worse
    driver_offsets = generator.normal(0.0, 0.25, (shape.services, len(RATING_QUESTIONS) - 1))
    bounds = quarter_starts(shape)
    region_codes = REGIONS[: max(1, min(shape.regions, len(REGIONS)))]
    questions = (*RATING_QUESTIONS, NPS_QUESTION)
    per_response = len(questions)
    # Sized so a chunk usually holds the rows wanted after skips; the loop tops up if it falls short.
    answers_per_response = per_response - (len(RATING_QUESTIONS) - 1) * DRIVER_SKIP_RATE * 1.1

    produced = 0
    next_response = 1
    next_answer = 1
    while produced < rows:
        responses = int(np.ceil(min(chunk_rows, rows - produced) / answers_per_response))
        service = generator.choice(shape.services, responses, p=popularity)
        quarter = generator.integers(0, shape.quarters, responses)
        submitted = bounds[quarter] + (generator.random(responses) * (bounds[quarter + 1] - bounds[quarter]))
        latent = service_level[service] + service_slope[service] * (quarter - (shape.quarters - 1) / 2)
        latent = latent + generator.normal(0.0, 0.8, responses)
        values = np.empty((responses, per_response))
        values[:, 0] = to_scale(4.0 + latent, 1, 5)
        noise = generator.normal(0.0, 0.7, (responses, len(RATING_QUESTIONS) - 1))
        values[:, 1 : len(RATING_QUESTIONS)] = to_scale(3.9 + latent[:, None] + driver_offsets[service] + noise, 1, 5)
        values[:, -1] = to_scale(7.6 + 2.2 * latent + generator.normal(0.0, 1.2, responses), 0, 10)
        answered = np.ones((responses, per_response), dtype=bool)
        skipped = generator.random((responses, len(RATING_QUESTIONS) - 1)) < DRIVER_SKIP_RATE
        answered[:, 1 : len(RATING_QUESTIONS)] = ~skipped

        response_index, question_index = np.nonzero(answered)
        take = min(len(response_index), rows - produced)
        response_index, question_index = response_index[:take], question_index[:take]
        is_nps = question_index == per_response - 1
        organisation = service_organisation[service]
        category = generator.choice(len(CLIENT_CATEGORIES), responses, p=CLIENT_CATEGORY_WEIGHTS)
        channel = generator.choice(len(CHANNELS), responses, p=CHANNEL_WEIGHTS)
        # Each survey was revised half-way through the period; answers keep the version they were given to.
        version = np.where(quarter >= shape.quarters // 2, 2, 1)
        yield pa.Table.from_arrays(
            [
                pa.array(next_response + response_index, pa.int64()),
                pa.array(np.arange(next_answer, next_answer + take), pa.int64()),
                pa.array(1 + service[response_index], pa.int64()),
                pa.array(version[response_index], pa.int32()),
                pa.array(1 + service[response_index], pa.int64()),
                pa.array(1 + organisation[response_index], pa.int64()),
                string_column(region_codes, organisation_region[organisation[response_index]]),
                string_column(CLIENT_CATEGORIES, category[response_index]),
                string_column(CHANNELS, channel[response_index]),
                pa.array(submitted[response_index].astype(np.int64), SUBMITTED_AT_TYPE),
                string_column(questions, question_index),
                string_column(("rating", "nps"), is_nps.astype(np.int32)),
                pa.array(np.where(is_nps, 0, 1), pa.int16()),
                pa.array(np.where(is_nps, 10, 5), pa.int16()),
                pa.array(values[response_index, question_index], pa.float64()),
            ],
            schema=ANSWER_SCHEMA,
        )
        produced += take
        next_response += responses
        next_answer += take
