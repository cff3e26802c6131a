"""Demo event logs: a year of cases for a few demo services, written to the delivery event store.

Generated vectorised with NumPy from one seed (about 300,000 events in a second or two). Each service has a main
path, a few variants and a rework loop (documents asked for again, then checked again); cases are spread over
offices, regions and channels, with waits drawn from log-normal distributions. Two services tell a story:
`foreign-passport` breaches its term in one region (waits there are about twice as long), and
`retirement-online` gets faster after its lab re-test (cases begun in the last four months wait about half as
long). Cases begun shortly before today are cut at today, so some are still open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from django.conf import settings

from govcx.delivery import store
from govcx.delivery.eventlog import TIMESTAMP_TYPE
from govcx.delivery.models import EventLog, EventLogSource
from govcx.delivery.services import delivery_summary_refresh
from govcx.registry.models import Service

HOUR_US = 3_600 * 1_000_000
DAY_US = 24 * HOUR_US
HISTORY_DAYS = 365
BREACHING_SERVICE = "foreign-passport"
BREACHING_REGION = "RU-TUL"
IMPROVING_SERVICE = "retirement-online"  # its lab re-test showed the fixes worked
IMPROVED_FROM_DAYS_AGO = 120


@dataclass(frozen=True)
class LogSpec:
    """One demo service's process: its variants (activities in order, with their weights), the mean wait in
    hours before each activity, and where its cases come from."""

    service: str
    prefix: str
    cases: int
    variants: tuple[tuple[tuple[str, ...], float], ...]
    waits: dict[str, float]
    regions: tuple[str, ...]
    channels: tuple[str, ...]
    offices_per_region: int = 3
    staff_per_office: int = 6
    slower: dict[str, float] = field(default_factory=dict)  # region -> factor on every wait


RECEIVED, CHECKED, ASKED, SUPPLIED, DECIDED, ISSUED, REFUSED = (
    "Заявление принято", "Документы проверены", "Запрошены документы", "Документы представлены",
    "Решение принято", "Результат выдан", "Отказ направлен")
REQUESTED = "Межведомственный запрос"
ANSWERED = "Ответ на запрос получен"

SPECS = (
    LogSpec(
        service="foreign-passport", prefix="ЗП", cases=14_000,
        variants=(
            ((RECEIVED, CHECKED, REQUESTED, ANSWERED, DECIDED, ISSUED), 0.62),
            ((RECEIVED, CHECKED, ASKED, SUPPLIED, CHECKED, REQUESTED, ANSWERED, DECIDED, ISSUED), 0.18),
            ((RECEIVED, REQUESTED, CHECKED, ANSWERED, DECIDED, ISSUED), 0.12),
            ((RECEIVED, CHECKED, DECIDED, REFUSED), 0.05),
            ((RECEIVED, CHECKED, REQUESTED, ANSWERED, REQUESTED, ANSWERED, DECIDED, ISSUED), 0.03),
        ),
        waits={CHECKED: 30, REQUESTED: 6, ANSWERED: 140, ASKED: 20, SUPPLIED: 90, DECIDED: 60, ISSUED: 70,
               REFUSED: 24},
        regions=("RU-MOW", "RU-LIP", "RU-TUL", "RU-SPE"), channels=("portal", "office"),
        slower={BREACHING_REGION: 2.3},
    ),
    LogSpec(
        service="retirement-online", prefix="ПН", cases=12_000,
        variants=(
            ((RECEIVED, REQUESTED, ANSWERED, DECIDED, ISSUED), 0.7),
            ((RECEIVED, REQUESTED, ANSWERED, ASKED, SUPPLIED, DECIDED, ISSUED), 0.2),
            ((RECEIVED, DECIDED, ISSUED), 0.07),
            ((RECEIVED, REQUESTED, ANSWERED, DECIDED, REFUSED), 0.03),
        ),
        waits={REQUESTED: 4, ANSWERED: 60, ASKED: 12, SUPPLIED: 40, DECIDED: 36, ISSUED: 8, REFUSED: 8},
        regions=("RU-MOW", "RU-LIP", "RU-TUL", "RU-SPE", "RU-NVS"), channels=("proactive", "portal", "mobile_app"),
    ),
    LogSpec(
        service="unified-allowance", prefix="ЕП", cases=16_000,
        variants=(
            ((RECEIVED, REQUESTED, ANSWERED, CHECKED, DECIDED, ISSUED), 0.6),
            ((RECEIVED, REQUESTED, ANSWERED, CHECKED, ASKED, SUPPLIED, CHECKED, DECIDED, ISSUED), 0.22),
            ((RECEIVED, REQUESTED, ANSWERED, CHECKED, DECIDED, REFUSED), 0.15),
            ((RECEIVED, CHECKED, DECIDED, ISSUED), 0.03),
        ),
        waits={REQUESTED: 3, ANSWERED: 50, CHECKED: 30, ASKED: 10, SUPPLIED: 70, DECIDED: 40, ISSUED: 12,
               REFUSED: 12},
        regions=("RU-MOW", "RU-LIP", "RU-TUL", "RU-SPE", "RU-NVS", "RU-TA"),
        channels=("portal", "office", "mobile_app"),
    ),
    LogSpec(
        service="property-rights-registration", prefix="РП", cases=9_000,
        variants=(
            ((RECEIVED, CHECKED, REQUESTED, ANSWERED, DECIDED, ISSUED), 0.66),
            ((RECEIVED, CHECKED, ASKED, SUPPLIED, CHECKED, REQUESTED, ANSWERED, DECIDED, ISSUED), 0.2),
            ((RECEIVED, CHECKED, DECIDED, REFUSED), 0.14),
        ),
        waits={CHECKED: 20, REQUESTED: 4, ANSWERED: 40, ASKED: 8, SUPPLIED: 80, DECIDED: 30, ISSUED: 20,
               REFUSED: 10},
        regions=("RU-MOW", "RU-LIP", "RU-TUL"), channels=("portal", "office"),
    ),
)


def _strings(codes: np.ndarray, names: list[str]) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(codes, pa.int32()), pa.array(names, pa.string())).cast(pa.string())


def demo_log(spec: LogSpec, *, rng: np.random.Generator, now_us: int) -> pa.Table:
    """The events of one demo service in the canonical layout of `delivery.eventlog` plus `event_key`."""
    templates = [list(activities) for activities, _ in spec.variants]
    weights = np.array([weight for _, weight in spec.variants])
    names = sorted({activity for template in templates for activity in template})
    code = {name: i for i, name in enumerate(names)}
    mean_wait = np.array([spec.waits.get(name, 24.0) for name in names])

    variant = rng.choice(len(templates), size=spec.cases, p=weights / weights.sum())
    lengths = np.array([len(t) for t in templates])[variant]
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    case_of_event = np.repeat(np.arange(spec.cases), lengths)
    step = np.arange(int(lengths.sum())) - offsets[case_of_event]
    flat = np.full((len(templates), int(lengths.max())), -1)
    for i, template in enumerate(templates):
        flat[i, :len(template)] = [code[name] for name in template]
    activity = flat[variant[case_of_event], step]

    region = rng.integers(0, len(spec.regions), size=spec.cases)
    office = region * spec.offices_per_region + rng.integers(0, spec.offices_per_region, size=spec.cases)
    channel = rng.integers(0, len(spec.channels), size=spec.cases)
    start_us = now_us - (rng.random(spec.cases) * HISTORY_DAYS * DAY_US).astype(np.int64)

    factor = np.ones(spec.cases)
    for region_code, slower in spec.slower.items():
        if region_code in spec.regions:
            factor[region == spec.regions.index(region_code)] = slower
    if spec.service == IMPROVING_SERVICE:
        factor[start_us > now_us - IMPROVED_FROM_DAYS_AGO * DAY_US] = 0.45
    wait_hours = mean_wait[activity] * rng.lognormal(-0.18, 0.6, size=activity.size) * factor[case_of_event]
    wait_us = (wait_hours * HOUR_US).astype(np.int64)
    wait_us[offsets] = 0
    elapsed = np.cumsum(wait_us)
    ts_us = start_us[case_of_event] + elapsed - elapsed[offsets][case_of_event]

    kept = ts_us <= now_us  # cases begun lately are still open
    ts_us, activity, case_of_event = ts_us[kept], activity[kept], case_of_event[kept]
    staff = office[case_of_event] * spec.staff_per_office + rng.integers(0, spec.staff_per_office, size=ts_us.size)
    office_names = [f"{region_code} · офис {n + 1}" for region_code in spec.regions
                    for n in range(spec.offices_per_region)]
    case_ids = pc.binary_join_element_wise(spec.prefix + "-", pc.cast(pa.array(case_of_event + 100_000), pa.string()),
                                           "")
    index = np.arange(ts_us.size, dtype=np.int64)
    return pa.table({
        "event_key": pc.binary_join_element_wise("demo-", pc.cast(pa.array(index), pa.string()), ""),
        "case": case_ids,
        "activity": _strings(activity, names),
        "timestamp": pa.array(ts_us, pa.int64()).cast(TIMESTAMP_TYPE),
        "ts_us": pa.array(ts_us, pa.int64()),
        "event_index": pa.array(index),
        "lifecycle": pa.array(["complete"] * ts_us.size, pa.string()),
        "resource": pc.binary_join_element_wise("сотрудник ", pc.cast(pa.array(staff + 1), pa.string()), ""),
        "office": _strings(office[case_of_event], office_names),
        "region": _strings(region[case_of_event], list(spec.regions)),
        "channel": _strings(channel[case_of_event], list(spec.channels)),
    })


def build_delivery_demo(*, services: dict[str, Service], actor: Any, today: dt.date,
                        report: Callable[[str, int, int], None]) -> int:
    """Write the demo event logs of the services in `services` that have a spec; returns the events written."""
    rng = np.random.default_rng(2026)
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    now_us = int(now.timestamp()) * 1_000_000
    written = 0
    chosen = [spec for spec in SPECS if spec.service in services]
    for done, spec in enumerate(chosen):
        report("delivery event logs", done, len(chosen))
        service = services[spec.service]
        store.delete_service_events(settings.ANALYTICS_DIR, service.pk)
        events = demo_log(spec, rng=rng, now_us=now_us)
        added, _ = store.append_new(settings.ANALYTICS_DIR, service.pk, events)
        EventLog.objects.create(
            service=service, source=EventLogSource.FILE, file_name=f"demo-{spec.service}.parquet",
            file_format="parquet", events_read=events.num_rows, events_added=added,
            imported_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        delivery_summary_refresh(service=service)
        written += added
    report("delivery event logs", len(chosen), len(chosen))
    return written
