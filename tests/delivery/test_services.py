"""Importing event logs into a service's event store: all or nothing, only new events, pushed events by id."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.conftest import passport

from govcx.accounts.models import User
from govcx.delivery import selectors, services, store
from govcx.delivery.models import ColumnMapping, EventLog
from govcx.errors import InvalidInput
from govcx.registry.models import ClientCategory, LifeSituation, Organisation
from govcx.registry.services import service_create

pytestmark = pytest.mark.django_db

LOG = "case,activity,time\n1,apply,2024-01-01 10:00:00\n1,decide,2024-01-03 10:00:00\n2,apply,2024-01-02 09:00:00\n"
MAPPING = {"case": "case", "activity": "activity", "timestamp": "time"}


@pytest.fixture
def world(settings, tmp_path):
    settings.ANALYTICS_DIR = tmp_path / "analytics"
    central = Organisation.objects.create(code="central-office", name_en="Central office", level="federal",
                                          is_central_office=True)
    Organisation.objects.create(code="min-a", name_en="Ministry A", level="federal")
    ClientCategory.objects.create(code="citizens", name_en="Citizens", name_ru="Граждане")
    LifeSituation.objects.create(code="birth", name_en="Birth of a child", name_ru="Рождение ребёнка")
    admin = User.objects.create_user(username="admin", role="admin", organisation=central)
    service = service_create(actor=admin, passport=passport("svc-a", "min-a"))
    return {"admin": admin, "service": service, "dir": tmp_path}


def write(world, name, text):
    path = world["dir"] / name
    path.write_text(text)
    return path


def test_import_twice_and_an_overlap_add_only_new_events(world, settings):
    admin, service = world["admin"], world["service"]
    first = services.eventlog_import(actor=admin, service_id=service.pk, path=write(world, "a.csv", LOG),
                                     mapping=MAPPING)
    assert (first.events_read, first.events_added) == (3, 3)
    again = services.eventlog_import(actor=admin, service_id=service.pk, path=write(world, "a.csv", LOG))
    assert again.events_added == 0  # the mapping was remembered
    overlap = LOG + "2,decide,2024-01-04 09:00:00\n"
    third = services.eventlog_import(actor=admin, service_id=service.pk, path=write(world, "b.csv", overlap))
    assert third.events_added == 1
    assert store.event_count(settings.ANALYTICS_DIR, service.pk) == 4
    assert ColumnMapping.objects.get(service=service).mapping["timestamp"] == "time"
    figures = selectors.delivery_figures(service=service)
    assert figures["cases"] == 2 and figures["events"] == 4
    assert figures["case_duration_seconds"]["max"] == 2 * 86400


def test_a_bad_file_stores_nothing(world, settings):
    admin, service = world["admin"], world["service"]
    bad = LOG + "3,apply,someday\n"
    with pytest.raises(InvalidInput) as refused:
        services.eventlog_import(actor=admin, service_id=service.pk, path=write(world, "bad.csv", bad),
                                 mapping=MAPPING)
    assert refused.value.problems[0].row == 5
    assert not EventLog.objects.exists() and store.parts(settings.ANALYTICS_DIR, service.pk) == []


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.DELIVERY_MAX_FILE_BYTES = 10
    with pytest.raises(InvalidInput, match="above the limit"):
        services.eventlog_import(actor=world["admin"], service_id=world["service"].pk,
                                 path=write(world, "a.csv", LOG), mapping=MAPPING)
    assert not EventLog.objects.exists()


def test_pushed_events_are_idempotent_by_id(world):
    batch = [{"id": "x1", "case": "7", "activity": "apply", "timestamp": "2024-03-01T10:00:00+03:00"},
             {"id": "x2", "case": "7", "activity": "decide", "timestamp": "2024-03-02T10:00:00+03:00"}]
    first = services.events_push(actor=world["admin"], service_id=world["service"].pk, events=batch)
    second = services.events_push(actor=world["admin"], service_id=world["service"].pk, events=batch)
    assert (first.events_added, second.events_added) == (2, 0)
    assert selectors.delivery_figures(service=world["service"])["case_duration_seconds"]["max"] == 86400


def test_deadline_compliance_counts_working_days_of_the_russian_calendar(world):
    """svc-a's term is 10 working days. Begun Thu 2024-12-26, counted by hand from the government's 2024 and 2025
    decrees: 27 Dec, 28 Dec (a working Saturday; 30 and 31 Dec are days off), then after the New Year holidays
    (1-8 January) 9, 10, 13, 14, 15, 16, 17, 20 January 2025: due at the end of 20 January."""
    import holidays

    from govcx.delivery.selectors import due_instant_us

    calendar = holidays.country_holidays("RU")
    start = (dt.date(2024, 12, 26) - dt.date(1970, 1, 1)).days
    due = due_instant_us(start, days=10, working=True, calendar=calendar)
    assert dt.datetime.fromtimestamp(due / 1e6, dt.UTC) == dt.datetime(2025, 1, 21, tzinfo=dt.UTC)
    assert due_instant_us(start, days=10, working=False, calendar=calendar) == \
        ((dt.date(2025, 1, 5) - dt.date(1970, 1, 1)).days + 1) * 86_400_000_000
    log = "case,activity,time\n1,apply,2024-12-26 10:00\n1,done,2025-01-20 18:00\n2,apply,2024-12-26 10:00\n" \
          "2,done,2025-01-21 09:00\n"
    services.eventlog_import(actor=world["admin"], service_id=world["service"].pk, path=write(world, "d.csv", log),
                             mapping=MAPPING)
    figures = selectors.deadline_figures(service=world["service"])
    assert (figures["cases"], figures["on_time"]) == (2, 1)
    assert selectors.rework_figures(service=world["service"]) == {"cases": 2, "reworked": 0, "share": 0.0}


def test_cached_figures_are_computed_once_per_state_of_the_events(tmp_path):
    import pyarrow as pa

    from govcx.delivery.eventlog import TIMESTAMP_TYPE

    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert store.cached_figures(tmp_path, 7, "x", [1], compute) == {"n": 1}  # no events: nothing kept
    events = pa.table({"event_key": ["k1"], "case": ["1"], "activity": ["a"],
                       "timestamp": pa.array([0], TIMESTAMP_TYPE), "ts_us": [0], "event_index": [0]})
    store.append_new(tmp_path, 7, events)
    assert store.cached_figures(tmp_path, 7, "x", [1], compute) == {"n": 2}
    assert store.cached_figures(tmp_path, 7, "x", [1], compute) == {"n": 2}
    assert store.cached_figures(tmp_path, 7, "x", [2], compute) == {"n": 3}
    store.append_new(tmp_path, 7, events.set_column(0, "event_key", pa.array(["k2"])))
    assert store.cached_figures(tmp_path, 7, "x", [1], compute) == {"n": 4}
    assert len(list(store.service_folder(tmp_path, 7).glob("figures-*"))) == 1


@pytest.mark.parametrize("repeated", [False, True])
def test_event_keys_digest_the_identity_and_its_ordinal_among_identical_events(tmp_path, repeated):
    """The key of each event, recomputed here with hashlib: the identity's fields and how many identical events
    came before it in the file, plus one (a file without repeats takes the path without the window)."""
    import hashlib

    import pyarrow as pa

    from govcx.delivery import eventlog

    rows = [("1", "apply", 0, "complete", "r1"), ("1", "check", 60, None, None), ("2", "apply", 0, "complete", "r1")]
    if repeated:
        rows += [("1", "check", 60, None, None), ("1", "check", 60, None, None)]
    events = pa.table({
        "case": [row[0] for row in rows], "activity": [row[1] for row in rows],
        "timestamp": pa.array([row[2] * 1_000_000 for row in rows], eventlog.TIMESTAMP_TYPE),
        "ts_us": pa.array([row[2] * 1_000_000 for row in rows], pa.int64()),
        "event_index": pa.array(range(len(rows)), pa.int64()),
        "lifecycle": [row[3] for row in rows], "resource": [row[4] for row in rows],
    })
    seen: dict[tuple, int] = {}
    expected = {}
    for index, (case, activity, seconds, lifecycle, resource) in enumerate(rows):
        identity = (case, activity, seconds, lifecycle, resource)
        seen[identity] = seen.get(identity, 0) + 1
        text = "\x1f".join([case, activity, str(seconds * 1_000_000), lifecycle or "", resource or "",
                            str(seen[identity])])
        expected[index] = hashlib.md5(text.encode()).hexdigest()
    keyed = store.with_keys(events)
    assert dict(zip(keyed["event_index"].to_pylist(), keyed["event_key"].to_pylist(), strict=True)) == expected
    assert len(set(expected.values())) == len(rows)
