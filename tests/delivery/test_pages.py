"""The delivery page's process views, background uploads and exports, the pure process module and the demo logs."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from types import SimpleNamespace

import ibis
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from tests.conftest import passport

from govcx.accounts.models import User
from govcx.delivery import process, risk, selectors, services, store
from govcx.delivery.eventlog import TIMESTAMP_TYPE
from govcx.demo.delivery import BREACHING_REGION, DAY_US, IMPROVED_FROM_DAYS_AGO, SPECS, demo_log
from govcx.jobs.models import Job
from govcx.registry.models import ClientCategory, LifeSituation, Organisation
from govcx.registry.services import service_create

LOG = ("case,activity,time,resource,office,region,channel\n"
       "1,apply,2024-01-01 10:00:00,ann,north,RU-TUL,portal\n"
       "1,check,2024-01-02 10:00:00,bob,north,RU-TUL,portal\n"
       "1,decide,2024-01-03 10:00:00,bob,south,RU-TUL,portal\n"
       "2,apply,2024-01-02 09:00:00,ann,south,RU-MOW,office\n"
       "2,decide,2024-03-02 09:00:00,cat,south,RU-MOW,office\n")
MAPPING = {"case": "case", "activity": "activity", "timestamp": "time", "resource": "resource", "office": "office",
           "region": "region", "channel": "channel"}
ARCS = [
    {"source": "apply", "target": "check", "count": 60, "mean_seconds": 3600.0, "total_seconds": 216000.0},
    {"source": "check", "target": "decide", "count": 30, "mean_seconds": 86400.0, "total_seconds": 2592000.0},
    {"source": "check", "target": "apply", "count": 10, "mean_seconds": 7200.0, "total_seconds": 72000.0},
]


def test_kept_paths_cover_the_share_asked_most_frequent_first():
    assert [a["target"] for a in process.kept_paths(ARCS, 0.5)] == ["check"]
    assert len(process.kept_paths(ARCS, 0.9)) == 2
    assert len(process.kept_paths(ARCS, 1.0)) == 3
    assert len(process.kept_paths(ARCS, 0.0)) == 1


def test_bottlenecks_rank_arcs_by_the_time_they_hold_cases():
    assert [(a["source"], a["target"]) for a in process.bottlenecks(ARCS)][:2] == [("check", "decide"),
                                                                                  ("apply", "check")]


def test_the_map_is_an_svg_with_a_name_and_escaped_text():
    svg = process.process_map_svg([*ARCS, {"source": "<b>", "target": "apply", "count": 1, "mean_seconds": None}],
                                  {"apply": 70}, performance=True, title="Map & co", description="d")
    assert svg.startswith("<svg") and 'role="img"' in svg and "Map &amp; co" in svg
    assert "<b>" not in svg and "&lt;b&gt;" in svg
    assert process.node_order(ARCS, {"apply": 70}) == ["apply", "check", "decide"]


def _events() -> ibis.Table:
    ts = [0, 3600, 7200, 0, 86400 * 40]
    ts_us = pa.array([t * 1_000_000 for t in ts], pa.int64())
    return ibis.memtable(pa.table({
        "case": ["1", "1", "1", "2", "2"], "activity": ["a", "b", "c", "a", "c"],
        "timestamp": ts_us.cast(TIMESTAMP_TYPE), "ts_us": ts_us, "event_index": pa.array(range(5), pa.int64()),
        "resource": ["ann", "bob", "bob", "ann", "cat"], "office": ["n", "n", "s", "s", "s"],
        "region": ["RU-TUL"] * 3 + ["RU-MOW"] * 2, "channel": ["portal"] * 3 + ["office"] * 2,
    }))


def test_handovers_and_compliance_by_group():
    events = _events()
    moved = process.handovers(events).to_pyarrow().to_pylist()
    assert moved == [{"source": "ann", "target": "bob", "count": 1}, {"source": "ann", "target": "cat", "count": 1}]
    cases = process.case_table(events)
    due = ibis.memtable(pa.table({"start_day": pa.array([0], pa.int64()),
                                  "due_us": pa.array([10 * DAY_US], pa.int64())}))
    by_region = process.compliance_by(cases, due, "region").to_pyarrow().to_pylist()
    assert by_region == [{"value": "RU-MOW", "cases": 1, "on_time": 0}, {"value": "RU-TUL", "cases": 1, "on_time": 1}]
    assert process.compliance_by(cases, due, "month").to_pyarrow().to_pylist()[0]["value"] == "1970-01"


def test_demo_logs_breach_in_one_region_and_improve_after_the_retest():
    now_us = int(dt.datetime(2026, 6, 1, tzinfo=dt.UTC).timestamp()) * 1_000_000
    rng = np.random.default_rng(1)
    spans = {}
    for spec in SPECS:
        table = demo_log(spec, rng=rng, now_us=now_us)
        assert table.num_rows > spec.cases * 3 and pa.compute.max(table["ts_us"]).as_py() <= now_us
        frame = table.to_pandas().groupby("case").agg(first=("ts_us", "min"), last=("ts_us", "max"),
                                                       region=("region", "first"))
        frame["days"] = (frame["last"] - frame["first"]) / DAY_US
        spans[spec.service] = frame
    passport_cases = spans["foreign-passport"]
    slow = passport_cases[passport_cases.region == BREACHING_REGION].days.median()
    assert slow > 1.8 * passport_cases[passport_cases.region != BREACHING_REGION].days.median()
    retirement = spans["retirement-online"]
    recent = retirement["first"] > now_us - (IMPROVED_FROM_DAYS_AGO - 30) * DAY_US
    before = retirement["first"] < now_us - (IMPROVED_FROM_DAYS_AGO + 10) * DAY_US
    assert retirement[recent].days.median() < 0.7 * retirement[before].days.median()


@pytest.fixture
def page_world(settings, tmp_path, client):
    settings.ANALYTICS_DIR = tmp_path / "analytics"
    settings.VAR_DIR = tmp_path
    central = Organisation.objects.create(code="central-office", name_en="Central office", level="federal",
                                          is_central_office=True)
    Organisation.objects.create(code="min-a", name_en="Ministry A", level="federal")
    ClientCategory.objects.create(code="citizens", name_en="Citizens", name_ru="Граждане")
    LifeSituation.objects.create(code="birth", name_en="Birth of a child", name_ru="Рождение ребёнка")
    admin = User.objects.create_user(username="admin", role="admin", organisation=central)
    service = service_create(actor=admin, passport=passport("svc-a", "min-a"))
    client.force_login(admin)
    return {"admin": admin, "service": service}


@pytest.mark.django_db
def test_an_upload_is_imported_by_a_job_and_the_page_shows_the_views(page_world, client, settings):
    url = f"/delivery/services/{page_world['service'].pk}/"
    reply = client.post(url, {"file": SimpleUploadedFile("log.csv", LOG.encode()), **MAPPING})
    assert reply.status_code == 302
    job = Job.objects.get(kind="delivery.import")
    assert job.state == "succeeded" and job.result["events_added"] == 5
    assert not any(services.upload_folder().iterdir())  # the kept upload is gone once imported
    html = client.get(url + "?paths=40&map=performance&split=2024-01-02").content.decode()
    assert 'value="2024-01-02"' in html and "Got faster" in html
    assert 'class="process-map"' in html and 'value="40"' in html and "ann" in html
    assert "Tula Oblast" in html and "RU-TUL" not in html  # regions by name, not by code
    svg = b"".join(client.get(f"{url}map.svg?paths=100").streaming_content)
    assert svg.startswith(b"<svg")
    book = client.get(f"{url}export.parquet")
    with zipfile.ZipFile(io.BytesIO(b"".join(book.streaming_content))) as archive:
        assert pq.read_table(io.BytesIO(archive.read("transitions.parquet"))).num_rows == 3
    assert client.get(f"{url}export.pdf").status_code == 404


@pytest.mark.django_db
def test_an_upload_over_the_limit_is_refused_before_it_is_kept(page_world, client, settings):
    settings.DELIVERY_MAX_FILE_BYTES = 10
    reply = client.post(f"/delivery/services/{page_world['service'].pk}/",
                        {"file": SimpleUploadedFile("log.csv", LOG.encode()), **MAPPING})
    assert reply.status_code == 422 and "above the limit" in reply.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_the_ranking_lists_services_with_logs_and_links_to_them(page_world, client):
    service = page_world["service"]
    path = services.upload_folder() / "ranked.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LOG)
    services.eventlog_import(actor=page_world["admin"], service_id=service.pk, path=path, mapping=MAPPING)
    html = client.get("/delivery/ranking/").content.decode()
    assert f'href="/delivery/services/{service.pk}/"' in html and "Ministry A" in html
    assert "50 %" in html  # one of two cases on time


def test_kaplan_meier_without_censoring_is_the_empirical_survival():
    curve = risk.fit_curve(np.array([1.0, 2.0, 3.0, 4.0]), np.ones(4, bool))
    assert curve.at(np.array([0.5, 1.0, 2.5, 4.0])).tolist() == [1.0, 0.75, 0.5, 0.0]
    model = risk.fit(np.zeros(4, int), np.array([1.0, 2.0, 3.0, 4.0]) * 3600 * 24, np.ones(4, bool))
    # At the activity for 1 day (one of four ends by then), 2 days left: 2 of the 3 remaining end by day 3.
    probability = model.finish_probability(np.array([0]), np.array([86400.0]), np.array([2 * 86400.0]))
    assert probability[0] == pytest.approx(2 / 3)
    assert model.finish_probability(np.array([0]), np.array([0.0]), np.array([-1.0]))[0] == 0.0


@pytest.mark.django_db
def test_open_case_risk_beats_the_base_rate_on_held_out_cases(settings, tmp_path):
    settings.ANALYTICS_DIR = tmp_path
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    events = demo_log(SPECS[1], rng=np.random.default_rng(5), now_us=int(now.timestamp()) * 1_000_000)
    store.append_new(tmp_path, 1, events)
    service = SimpleNamespace(pk=1, deadline_days=5, deadline_kind="working")
    found = selectors.open_case_risk(service=service, now=now)
    assert found["open"] > 0 and found["held_out"] > 100
    assert found["brier"] < found["brier_reference"]
    probabilities = [case["probability"] for case in found["at_risk"]]
    assert probabilities == sorted(probabilities) and all(0 <= p <= 1 for p in probabilities)


@pytest.mark.django_db
def test_the_period_comparison_finds_what_got_faster_after_the_retest(settings, tmp_path):
    settings.ANALYTICS_DIR = tmp_path
    now = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
    events = demo_log(SPECS[1], rng=np.random.default_rng(5), now_us=int(now.timestamp()) * 1_000_000)
    store.append_new(tmp_path, 1, events)
    service = SimpleNamespace(pk=1, deadline_days=5, deadline_kind="working")
    split = now.date() - dt.timedelta(days=IMPROVED_FROM_DAYS_AGO)
    found = selectors.period_comparison(service=service, split=split)
    (_, before), (_, after) = found["periods"]
    assert after["median_days"] < 0.7 * before["median_days"]
    assert after["on_time"]["share"] > before["on_time"]["share"]
    assert found["faster"] and not found["slower"]
    assert selectors.period_comparison(service=service)["split"] < now.date()  # the default: the middle


def test_compare_arcs_keeps_arcs_seen_in_both_periods():
    rows = [{"period": "before", "source": "a", "target": "b", "count": 9, "mean_seconds": 10.0},
            {"period": "after", "source": "a", "target": "b", "count": 9, "mean_seconds": 30.0},
            {"period": "after", "source": "b", "target": "c", "count": 9, "mean_seconds": 30.0},
            {"period": "before", "source": "c", "target": "d", "count": 2, "mean_seconds": 1.0},
            {"period": "after", "source": "c", "target": "d", "count": 9, "mean_seconds": 1.0}]
    assert process.compare_arcs(rows) == [{"source": "a", "target": "b", "before": 10.0, "after": 30.0,
                                          "change": 20.0}]


def test_the_upload_form_maps_every_role_the_reader_knows():
    """The page's columns come from the labels table (so the URL map does not load the Arrow reader); they must
    be the reader's roles, in its order."""
    from govcx.delivery import eventlog, views

    assert views.MAPPED_ROLES == ("case", "activity", "timestamp", *eventlog.OPTIONAL_ROLES)
