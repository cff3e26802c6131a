"""A synthetic register of persons in households, reproducible from a seed, for tests, the demo and benchmarks.

Columns follow the register extract format (docs/proactive.md): `person_id`, `household_id`, `household_role`
(adult/child), `birth`, `salary` (monthly), `region`, `disabled` and `disability_group`; households carry `rent`,
`accommodation_size`, `housing_occupancy_status` and `region`. Built with numpy in column chunks, never per-person
Python objects, so ten million persons fit in memory.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

REGIONS = ("RU-MOW", "RU-LIP", "RU-TUL")
STATUSES = ("owner", "tenant", "free_lodger", "homeless")


def register(households: int, *, seed: int = 0, as_of: str = "2025-01-01") -> tuple[pa.Table, pa.Table]:
    """(persons, households) for `households` households of 1 to 5 persons: up to two adults, then children."""
    rng = np.random.default_rng(seed)
    sizes = rng.choice(np.arange(1, 6), size=households, p=[0.3, 0.3, 0.2, 0.15, 0.05])
    household_id = np.repeat(np.arange(households, dtype=np.int64), sizes)
    count = len(household_id)
    starts = np.repeat(np.cumsum(sizes) - sizes, sizes)
    position = np.arange(count) - starts
    adult = position < 2
    today = np.datetime64(as_of, "D")
    age_days = np.where(adult, rng.integers(18 * 365, 90 * 365, count), rng.integers(0, 18 * 365, count))
    birth = today - age_days.astype("timedelta64[D]")
    working = adult & (rng.random(count) < 0.65)
    salary = np.where(working, np.round(rng.lognormal(7.3, 0.8, count), 2), 0.0)
    region_of_household = rng.integers(0, len(REGIONS), households)
    region = np.asarray(REGIONS)[region_of_household]
    disabled = rng.random(count) < 0.04
    persons = pa.table({
        "person_id": np.arange(count, dtype=np.int64),
        "household_id": household_id,
        "household_role": pa.array(np.where(adult, "adult", "child")),
        "birth": pa.array(birth),
        "salary": salary,
        "region": pa.array(region[household_id]),
        "disabled": disabled,
        "disability_group": np.where(disabled, rng.integers(1, 4, count), 0).astype(np.int64),
    })
    group = pa.table({
        "household_id": np.arange(households, dtype=np.int64),
        "rent": np.round(rng.uniform(0, 900, households), 2),
        "accommodation_size": rng.integers(15, 200, households).astype(np.float64),
        "housing_occupancy_status": pa.array(np.asarray(STATUSES)[rng.integers(0, 4, households)]),
        "region": pa.array(region),
    })
    return persons, group
