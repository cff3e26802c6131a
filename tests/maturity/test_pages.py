"""Index pages, exports and API: the ranking, an authority's page, the drill-down to services and evidence."""

from __future__ import annotations

import pytest

from govcx.maturity.index_services import index_compute, index_publish
from govcx.maturity.models import IndexPublication, IndexValue, MeasureValue
from govcx.maturity.services import measures_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(evidence, users, reference_data):
    measures_recompute(periods=["2025Q1", "2025Q2"])
    at = MeasureValue.objects.first().computed_at
    MeasureValue.objects.create(organisation=users["owner_a"].organisation, period="2025Q2", measure="staff_trained",
                                value=0.9, n_services=0, computed_at=at)
    for organisation in reference_data.values():  # imported figures: enough coverage for an index
        for period in ("2025Q1", "2025Q2"):
            for measure, value in (("satisfaction_mean", 0.7), ("accessible", 0.8)):
                MeasureValue.objects.create(organisation=organisation, period=period, measure=measure, value=value,
                                            n_services=1, standard_error=0.05, computed_at=at, source="imported")
    for period in ("2025Q1", "2025Q2"):
        index_publish(actor=users["analyst"], publication=index_compute(actor=users["analyst"], model_id="govcx",
                                                                        period=period))
    return IndexPublication.objects.get(period="2025Q2")


def test_ranking_page_shows_both_peer_groups(published, users, client_for, reference_data):
    client = client_for(users["analyst"])
    page = client.get("/maturity/?model=govcx").content.decode()
    assert "Ministry A" in page and "2025Q2" in page and "<svg" in page
    regions = client.get("/maturity/?model=govcx&period=2025Q2&group=regional").content.decode()
    assert "Tula Region Government" in regions and "Ministry A" not in regions


def test_ranking_table_is_paged_while_the_chart_and_exports_keep_every_authority(published, users, client_for,
                                                                                  monkeypatch):
    from govcx.maturity import views

    monkeypatch.setattr(views, "RANKING_PAGE_ROWS", 1)
    client = client_for(users["analyst"])
    first = client.get("/maturity/?model=govcx&period=2025Q2&group=federal").content.decode()
    second = client.get("/maturity/?model=govcx&period=2025Q2&group=federal&page=2").content.decode()
    table = [page.split("<tbody>")[1].split("</tbody>")[0] for page in (first, second)]
    assert "Ministry A" in table[0] and "Agency A1" not in table[0]  # ranked first; A1 has too little evidence
    assert "Agency A1" in table[1] and "Ministry A" not in table[1]
    assert "page=2" in first and "1 / 3" in first and "page=1" in second
    assert "Ministry A" in second.split("<svg")[1].split("</svg>")[0]  # the chart shows the whole group
    csv = b"".join(client.get("/maturity/ranking.csv?model=govcx&period=2025Q2").streaming_content).decode()
    assert "Ministry A" in csv and "Agency A1" in csv


def test_authority_page_trend_dimensions_and_missing(published, users, client_for, reference_data):
    ministry = reference_data["ministry"]
    page = client_for(users["owner_a"]).get(f"/maturity/authorities/{ministry.pk}/").content.decode()
    assert "2025Q1" in page and "2025Q2" in page
    assert "Standards met" in page and "missing: no evidence" in page


def test_drill_down_reaches_the_assessment(published, users, client_for, reference_data, evidence):
    ministry = reference_data["ministry"]
    page = client_for(users["owner_a"]).get(
        f"/maturity/authorities/{ministry.pk}/dimensions/standards_met/?period=2025Q2").content.decode()
    assert "svc-a" in page or "Service svc-a" in page
    assert "/standards/assessments/" in page


def test_another_authority_sees_the_published_ranking_but_not_the_page(published, users, client_for,
                                                                       reference_data):
    client = client_for(users["owner_b"])
    assert "Ministry A" in client.get("/maturity/?model=govcx").content.decode()
    assert client.get(f"/maturity/authorities/{reference_data['ministry'].pk}/").status_code == 404
    assert client.get(f"/maturity/authorities/{reference_data['region'].pk}/").status_code == 200


def test_drafts_are_for_the_central_office_only(evidence, users, client_for):
    measures_recompute(periods=["2025Q2"])
    draft = index_compute(actor=users["analyst"], model_id="govcx", period="2025Q2")
    assert "2025Q2" in client_for(users["analyst"]).get("/maturity/").content.decode()
    owner = client_for(users["owner_a"])
    assert "No index has been published yet" in owner.get("/maturity/").content.decode()
    assert owner.get(f"/api/maturity/publications/{draft.pk}").status_code == 404
    assert owner.post(f"/maturity/publications/{draft.pk}/publish/").status_code == 404


def test_exports(published, users, client_for):
    client = client_for(users["analyst"])
    xlsx = client.get("/maturity/ranking.xlsx?model=govcx&period=2025Q2")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    csv = b"".join(client.get("/maturity/ranking.csv?model=govcx&period=2025Q2").streaming_content).decode()
    assert "Ministry A" in csv
    pdf = client.get("/maturity/ranking.pdf?model=govcx&period=2025Q2")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_central_actions_through_the_pages(evidence, users, client_for):
    client = client_for(users["analyst"])
    assert client.post("/maturity/recompute/", {"model": "govcx"}).status_code == 302
    assert MeasureValue.objects.exists()
    assert client.post("/maturity/compute/", {"model": "govcx", "period": "2025Q2"}).status_code == 302
    draft = IndexPublication.objects.get()
    assert client.post(f"/maturity/publications/{draft.pk}/publish/").status_code == 302
    draft.refresh_from_db()
    assert draft.is_frozen
    owner = client_for(users["owner_a"])
    owner.post("/maturity/compute/", {"model": "govcx", "period": "2025Q2"})
    assert IndexPublication.objects.count() == 1


def test_api_refuses_to_edit_a_published_value(published, users, client_for):
    client = client_for(users["analyst"])
    value = IndexValue.objects.filter(publication=published).first()
    response = client.patch(f"/api/maturity/values/{value.pk}", {"value": 50, "note": "x", "version": 1},
                            content_type="application/json")
    assert response.status_code == 409
    detail = client.get(f"/api/maturity/publications/{published.pk}").json()
    assert detail["status"] == "published" and detail["values"]
    rows = client.get("/api/maturity/measures?measure=standards_met").json()
    assert {r["period"] for r in rows} == {"2025Q1", "2025Q2"}


def test_drill_down_reaches_the_requirements_not_met(published, users, client_for, reference_data, evidence):
    from govcx.standards.models import Assessment, RequirementOutcome

    assessment = Assessment.objects.filter(service=evidence["a"]).order_by("-evaluated_at").first()
    requirement = assessment.pack.parsed.requirements()[0]
    RequirementOutcome.objects.create(assessment=assessment, requirement_id=requirement.id, source="assessor",
                                      status="not_met")
    page = client_for(users["owner_a"]).get(
        f"/maturity/authorities/{reference_data['ministry'].pk}/dimensions/standards_met/?period=2025Q2",
        HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Requirements not met" in page
    assert f"/standards/assessments/{assessment.pk}/#req-{requirement.id}" in page and requirement.title.en in page
