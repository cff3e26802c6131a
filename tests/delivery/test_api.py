"""The delivery API's views of one service (deadline, risk, process map data, comparison), the ranking and the
files (figures and map), on a small imported log."""

from __future__ import annotations

import io
import zipfile

import pytest
from tests.conftest import passport
from tests.delivery.test_pages import LOG, MAPPING

from govcx.accounts.models import User
from govcx.delivery import services
from govcx.delivery.models import DeliverySummary, EventLog
from govcx.jobs.models import Job
from govcx.registry.models import ClientCategory, LifeSituation, Organisation
from govcx.registry.services import service_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(settings, tmp_path, client):
    settings.ANALYTICS_DIR = tmp_path / "analytics"
    settings.VAR_DIR = tmp_path
    central = Organisation.objects.create(code="central-office", name_en="Central office", level="federal",
                                          is_central_office=True)
    Organisation.objects.create(code="min-a", name_en="Ministry A", level="federal")
    ClientCategory.objects.create(code="citizens", name_en="Citizens", name_ru="Граждане")
    LifeSituation.objects.create(code="birth", name_en="Birth of a child", name_ru="Рождение ребёнка")
    admin = User.objects.create_user(username="admin", role="admin", organisation=central)
    service = service_create(actor=admin, passport=passport("svc-a", "min-a"))
    empty = service_create(actor=admin, passport=passport("svc-b", "min-a"))
    path = tmp_path / "log.csv"
    path.write_text(LOG)
    services.eventlog_import(actor=admin, service_id=service.pk, path=path, mapping=MAPPING)
    client.force_login(admin)
    return {"url": f"/api/delivery/services/{service.pk}", "empty": f"/api/delivery/services/{empty.pk}",
            "service": service}


def test_deadline_risk_process_and_comparison_of_a_service(imported, client):
    url = imported["url"]
    deadline = client.get(f"{url}/deadline").json()
    assert deadline["cases"] == 2 and deadline["on_time"] == 1 and deadline["working"] is True
    assert deadline["low"] <= deadline["share"] <= deadline["high"]
    risk = client.get(f"{url}/risk?top=5").json()
    assert risk["open"] == 0 and risk["at_risk"] == []
    process = client.get(f"{url}/process?paths=100").json()
    assert {(arc["source"], arc["target"]) for arc in process["arcs"]} == {
        ("apply", "check"), ("check", "decide"), ("apply", "decide")}
    assert process["starts"] == {"apply": 2} and process["arcs_total"] == 3
    assert {row["value"] for row in process["compliance"]["region"]} == {"RU-TUL", "RU-MOW"}
    assert process["handovers"]["office"] == [{"source": "north", "target": "south", "count": 1}]
    comparison = client.get(f"{url}/comparison?split=2024-01-02").json()
    assert comparison["split"] == "2024-01-02"
    assert [(p["period"], p["cases"]) for p in comparison["periods"]] == [("before", 1), ("after", 1)]


def test_views_of_a_service_without_events_are_empty(imported, client):
    for view in ("figures", "deadline", "risk", "process", "comparison"):
        assert client.get(f"{imported['empty']}/{view}").status_code == 204
    assert client.get(f"{imported['empty']}/export/csv").status_code == 404


def test_the_ranking_lists_the_service_and_its_authority(imported, client):
    ranking = client.get("/api/delivery/ranking").json()
    (row,) = ranking["services"]
    assert row["code"] == "svc-a" and row["cases"] == 2 and row["on_time"]["share"] == 0.5
    assert ranking["authorities"][0]["name"] == "Ministry A"
    assert ranking["authorities"][0]["share"]["cases"] == 2


def test_figures_and_map_as_files(imported, client):
    url = imported["url"]
    archive = client.get(f"{url}/export/csv")
    assert archive["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(b"".join(archive.streaming_content))) as bundle:
        assert "transitions.csv" in bundle.namelist()
    svg = client.get(f"{url}/export/svg?paths=100&mode=performance")
    assert b"".join(svg.streaming_content).startswith(b"<svg")
    png = client.get(f"{url}/export/png")
    assert png["Content-Type"] == "image/png"
    assert b"".join(png.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"{url}/export/pdf").status_code == 422


def test_the_map_page_gives_a_png_too(imported, client):
    reply = client.get(f"/delivery/services/{imported['service'].pk}/map.png?paths=100")
    assert b"".join(reply.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/delivery/services/{imported['service'].pk}/map.gif").status_code == 404


def test_the_ranking_reads_the_summary_kept_at_import_and_pushes_refresh_it(imported, client):
    service = imported["service"]
    summary = DeliverySummary.objects.get(service=service)
    assert (summary.cases, summary.on_time, summary.reworked) == (2, 1, 0)
    assert summary.log_version == EventLog.objects.get(service=service).pk
    DeliverySummary.objects.filter(pk=summary.pk).update(on_time=0)  # a marker: the ranking reads what is kept
    assert client.get("/api/delivery/ranking").json()["services"][0]["on_time"]["on_time"] == 0
    pushed = {"service_id": service.pk, "events": [
        {"id": "p-1", "case": "3", "activity": "apply", "timestamp": "2024-02-01T10:00:00+03:00"}]}
    assert client.post("/api/delivery/events", pushed, content_type="application/json").status_code == 200
    summary.refresh_from_db()
    assert summary.cases == 3 and summary.on_time == 2  # the pushed case's one event closes it at once
    assert Job.objects.filter(kind="delivery.summary", state="succeeded").exists()


def test_a_stale_summary_is_not_used(imported, client):
    service = imported["service"]
    DeliverySummary.objects.filter(service=service).update(on_time=2, log_version=0)
    assert client.get("/api/delivery/ranking").json()["services"][0]["on_time"]["on_time"] == 1
    service.deadline_days = 100
    service.save(update_fields=["deadline_days"])
    DeliverySummary.objects.filter(service=service).update(on_time=0, log_version=EventLog.objects.get().pk)
    assert client.get("/api/delivery/ranking").json()["services"][0]["on_time"]["on_time"] == 2


def test_the_delivery_report_pdf_holds_the_figures_term_and_map(imported, client, pdf_text):
    reply = client.get(f"/delivery/services/{imported['service'].pk}/report.pdf")
    assert reply["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(reply.streaming_content))
    assert "Delivery of Service svc-a" in text and "1 of 2 cases closed within the term of 10 days" in text
    assert "apply → check → decide" in text and "Process map" in text
    assert client.get(f"/delivery/services/{imported['service'].pk + 1}/report.pdf").status_code == 404


def test_the_delivery_report_pdf_through_the_api_and_linked_from_the_page(imported, client, pdf_text):
    reply = client.get(f"{imported['url']}/report.pdf")
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"].endswith('filename="delivery-svc-a.pdf"')
    assert "Delivery of Service svc-a" in pdf_text(b"".join(reply.streaming_content))
    assert client.get(f"{imported['empty']}/report.pdf").status_code == 404
    page = client.get(f"/delivery/services/{imported['service'].pk}/").content.decode()
    assert f'href="/delivery/services/{imported["service"].pk}/report.pdf"' in page


def test_kept_figures_follow_the_events(imported, client, settings):
    url = imported["url"]
    assert client.get(f"{url}/figures").json()["cases"] == 2
    kept = list((settings.ANALYTICS_DIR / "delivery" / f"service-{imported['service'].pk}").glob("figures-*"))
    assert len(kept) == 1 and any(kept[0].iterdir())  # computed at import, read since
    pushed = {"service_id": imported["service"].pk, "events": [
        {"id": "p-1", "case": "3", "activity": "apply", "timestamp": "2024-02-01T10:00:00+03:00"}]}
    client.post("/api/delivery/events", pushed, content_type="application/json")
    assert client.get(f"{url}/figures").json()["cases"] == 3
    assert client.get(f"{url}/deadline").json()["cases"] == 3
    now_kept = list((settings.ANALYTICS_DIR / "delivery" / f"service-{imported['service'].pk}").glob("figures-*"))
    assert len(now_kept) == 1 and now_kept != kept  # the figures of the earlier events are gone
