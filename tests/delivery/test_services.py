"""Importing event logs into a service's event store: all or nothing, only new events, pushed events by id."""

from __future__ import annotations

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
