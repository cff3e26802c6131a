"""The assessment and passport pages: two people editing the same record are told, nothing is lost."""

from __future__ import annotations

import datetime as dt

import pytest

from govcx.standards.services import assessment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(users, services, packs):
    return assessment_create(actor=users["assessor_a"], service=services["a"], pack=packs["uk-service-standard"])


def test_second_assessor_with_a_stale_page_is_told_and_the_first_answer_stays(client_for, users, assessment):
    requirement_id = assessment.pack.parsed.requirements()[0].id
    url = f"/standards/assessments/{assessment.pk}/outcomes/{requirement_id}/"
    first, second = client_for(users["assessor_a"]), client_for(users["assessor_a2"])
    # Both opened the page before anyone recorded this requirement (expected_version empty).
    assert first.post(url, {"rating": "met", "expected_version": ""}).status_code == 302
    response = second.post(url, {"rating": "not_met", "expected_version": ""}, follow=True)
    assert "was changed by assessor-a" in response.content.decode()
    outcome = assessment.outcomes.get(requirement_id=requirement_id)
    assert outcome.status == "met" and outcome.recorded_by == users["assessor_a"]


def test_an_outcome_recorded_with_htmx_comes_back_as_its_row_with_the_figures(client_for, users, assessment):
    client = client_for(users["assessor_a"])
    page = client.get(f"/standards/assessments/{assessment.pk}/").content.decode()
    requirement_id = next(r.id for r in assessment.pack.parsed.requirements() if f'id="req-{r.id}"' in page)
    assert f'hx-post="/standards/assessments/{assessment.pk}/outcomes/{requirement_id}/"' in page
    url = f"/standards/assessments/{assessment.pk}/outcomes/{requirement_id}/"
    response = client.post(url, {"rating": "met", "expected_version": ""}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200 and body.startswith(f'<tr id="req-{requirement_id}"')
    assert 'id="outcome-status"' in body and "saved." in body and 'id="figures" hx-swap-oob="true"' in body
    assert "<html" not in body and assessment.outcomes.get(requirement_id=requirement_id).status == "met"
    stale = client.post(url, {"rating": "not_met", "expected_version": ""}, HTTP_HX_REQUEST="true")
    assert "Not saved:" in stale.content.decode() and " open>" in stale.content.decode()


def test_adjustment_is_added_and_progressed_from_the_page(client_for, users, assessment):
    gap = assessment.result["non_blocking"][0]["requirement_id"]
    client = client_for(users["owner_a"])
    due = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    response = client.post(
        f"/standards/assessments/{assessment.pk}/adjustments/",
        {"requirement_id": gap, "action": "Publish the assisted-digital route", "owner": users["owner_a"].pk,
         "due_date": due},
        follow=True,
    )
    assert "Adjustment added." in response.content.decode()
    adjustment = assessment.adjustments.get()
    client.post(f"/standards/adjustments/{adjustment.pk}/status/", {"status": "done", "expected_version": "1"})
    adjustment.refresh_from_db()
    assert adjustment.status == "done" and adjustment.version == 2
    stale = client.post(
        f"/standards/adjustments/{adjustment.pk}/status/", {"status": "open", "expected_version": "1"}, follow=True
    )
    assert "changed by someone else" in stale.content.decode()
    adjustment.refresh_from_db()
    assert adjustment.status == "done"


def test_bad_due_date_is_explained(client_for, users, assessment):
    gap = assessment.result["non_blocking"][0]["requirement_id"]
    response = client_for(users["owner_a"]).post(
        f"/standards/assessments/{assessment.pk}/adjustments/",
        {"requirement_id": gap, "action": "x", "owner": users["owner_a"].pk, "due_date": "next week"},
        follow=True,
    )
    assert "Give the due date as a date" in response.content.decode()
    assert not assessment.adjustments.exists()


def test_a_past_due_date_and_an_owner_from_another_authority_are_refused(client_for, users, assessment):
    gap = assessment.result["non_blocking"][0]["requirement_id"]
    client = client_for(users["owner_a"])
    page = client.get(f"/standards/assessments/{assessment.pk}/").content.decode()
    today = dt.date.today()
    assert f'min="{today.isoformat()}"' in page and f'<option value="{users["owner_a"].pk}">' in page
    assert f'<option value="{users["owner_b"].pk}">' not in page
    yesterday = (today - dt.timedelta(days=1)).isoformat()
    past = client.post(f"/standards/assessments/{assessment.pk}/adjustments/", {
        "requirement_id": gap, "action": "x", "owner": users["owner_a"].pk, "due_date": yesterday}, follow=True)
    assert "The due date has passed" in past.content.decode()
    other = client.post(f"/standards/assessments/{assessment.pk}/adjustments/", {
        "requirement_id": gap, "action": "x", "owner": users["owner_b"].pk, "due_date": today.isoformat()},
        follow=True)
    assert "valid choice" in other.content.decode()
    assert not assessment.adjustments.exists()
    client.post(f"/standards/assessments/{assessment.pk}/adjustments/", {
        "requirement_id": gap, "action": "x", "owner": users["owner_a"].pk, "due_date": today.isoformat()})
    owner = users["owner_a"]
    assert assessment.adjustments.get().owner == (owner.get_full_name() or owner.username)


def test_passport_edit_with_a_stale_version_is_refused_on_the_form(client_for, users, services):
    service = services["a"]
    client = client_for(users["owner_a"])
    form = client.get(f"/registry/services/{service.pk}/edit/").context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["client_categories"] = data["client_categories"]
    data["name_en"] = "First edit"
    assert client.post(f"/registry/services/{service.pk}/edit/", data).status_code == 302
    data["name_en"] = "Second edit from an old page"  # still version 1
    response = client.post(f"/registry/services/{service.pk}/edit/", data)
    assert response.status_code == 200 and "changed by someone else" in response.content.decode()
    service.refresh_from_db()
    assert service.name_en == "First edit" and service.version == 2


def test_new_service_from_the_form(client_for, users, reference_data):
    response = client_for(users["owner_b"]).post(
        "/registry/services/new/",
        {
            "code": "tula-school-meals", "name_en": "Free school meals", "name_ru": "Бесплатное питание в школе",
            "owner": "region-b", "client_categories": ["citizens"], "channels": ["portal", "proactive"],
            "stage": "alpha", "deadline_days": "5", "deadline_kind": "working", "fee": "0",
            "steps": "Apply online / Подать заявление\nShow the certificate [visit]",
            "documents": "Birth certificate / Свидетельство о рождении | ЕГР ЗАГС",
        },
    )
    assert response.status_code == 302
    from govcx.registry.models import Service

    service = Service.objects.get(code="tula-school-meals")
    assert service.owner.code == "region-b" and service.channels == ["portal", "proactive"]
    assert [s.requires_visit for s in service.steps.all()] == [False, True]
    document = service.documents.get()
    assert document.held_in_registry and document.registry_name == "ЕГР ЗАГС" and document.name_ru
