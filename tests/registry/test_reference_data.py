"""Organisations, client categories and life situations through the API: who may change them, validation,
audit trail."""

from __future__ import annotations

import pytest

from govcx.accounts.models import AuditEvent
from govcx.registry.models import ClientCategory, LifeSituation, Organisation

pytestmark = pytest.mark.django_db

NEW_BODY = {
    "code": "tula-education", "name_en": "Tula Region Ministry of Education",
    "name_ru": "Министерство образования Тульской области", "level": "regional", "parent": "region-b",
    "region_code": "RU-TUL",
}


def test_admin_creates_and_updates_an_organisation(client_for, users, reference_data):
    admin = client_for(users["admin"])
    response = admin.post("/api/registry/organisations", NEW_BODY, content_type="application/json")
    assert response.status_code == 201, response.content
    created = Organisation.objects.get(code="tula-education")
    assert created.parent.code == "region-b" and created.region_code == "RU-TUL"
    changed = {**NEW_BODY, "name_en": "Ministry of Education of the Tula Region"}
    response = admin.put(f"/api/registry/organisations/{created.pk}", changed, content_type="application/json")
    assert response.status_code == 200
    event = AuditEvent.objects.filter(object_type="registry.organisation", object_id=str(created.pk)).first()
    assert event.actor == users["admin"] and event.changes["name_en"][1] == "Ministry of Education of the Tula Region"
    # The regional government's own users now see the new body as a subordinate.
    codes = {o["code"] for o in client_for(users["owner_b"]).get("/api/registry/organisations").json()}
    assert codes == {"region-b", "tula-education"}


def test_invalid_organisation_is_422_naming_each_field(client_for, users, reference_data):
    body = {**NEW_BODY, "parent": "nowhere", "region_code": "RU-XXX"}
    response = client_for(users["admin"]).post("/api/registry/organisations", body, content_type="application/json")
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["details"]} == {"parent", "region_code"}
    assert not Organisation.objects.filter(code="tula-education").exists()


def test_an_organisation_cannot_be_placed_under_its_own_subordinate(client_for, users, reference_data):
    ministry = reference_data["ministry"]
    body = {"code": "min-a", "name_en": "Ministry A", "level": "federal", "parent": "agency-a1"}
    response = client_for(users["admin"]).put(f"/api/registry/organisations/{ministry.pk}", body,
                                              content_type="application/json")
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "parent"
    ministry.refresh_from_db()
    assert ministry.parent is None


@pytest.mark.parametrize("who", ["owner_a", "assessor_a", "viewer_a", "analyst"])
def test_only_administrators_change_reference_data(client_for, users, reference_data, who):
    client = client_for(users[who])
    assert client.post("/api/registry/organisations", NEW_BODY, content_type="application/json").status_code == 403
    body = {"code": "pensioners", "name_en": "Pensioners"}
    assert client.put("/api/registry/client-categories/pensioners", body,
                      content_type="application/json").status_code == 403
    assert not ClientCategory.objects.filter(code="pensioners").exists()


def test_categories_and_life_situations_are_created_or_updated_by_code(client_for, users, reference_data):
    admin = client_for(users["admin"])
    body = {"code": "pensioners", "name_en": "Pensioners", "name_ru": "Пенсионеры"}
    assert admin.put("/api/registry/client-categories/pensioners", body,
                     content_type="application/json").status_code == 200
    assert ClientCategory.objects.get(code="pensioners").name_ru == "Пенсионеры"
    body = {"code": "birth", "name_en": "Birth of a child", "name_ru": "Рождение ребёнка (обновлено)"}
    assert admin.put("/api/registry/life-situations/birth", body, content_type="application/json").status_code == 200
    assert LifeSituation.objects.get(code="birth").name_ru.endswith("(обновлено)")
    mismatch = admin.put("/api/registry/life-situations/other", body, content_type="application/json")
    assert mismatch.status_code == 422
