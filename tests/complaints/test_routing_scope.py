"""A routing rule sends citizens' complaints and contacts to its target: both ends must be in the creator's scope.

A rule created by a region once sent complaints to a federal body. Now a handler may only route complaints of
organisations they handle to organisations they can see; any other id is a 404 (like every out-of-scope id), and
nothing changes. Central roles may route anywhere.
"""

from __future__ import annotations

import json

import pytest

from govcx.complaints.models import RoutingRule
from govcx.complaints.services import routing_rule_save
from govcx.errors import NotFound
from govcx.registry.models import Organisation

pytestmark = pytest.mark.django_db

API = "/api/feedback/complaints/routing-rules"


@pytest.fixture
def region_body(reference_data):
    """An organisation under the Tula region: a target the region's handler may use."""
    return Organisation.objects.create(code="tula-mfc", name_en="Tula MFC", level="regional",
                                       parent=reference_data["region"])


@pytest.fixture
def region_rule(handlers, reference_data, region_body):
    return routing_rule_save(actor=handlers["b"], owner=reference_data["region"], handler=region_body)


def _targets(reference_data, services):
    """(owner, service, handler) triples a regional handler must not use: another authority at either end."""
    region, ministry, agency, central = (reference_data[k] for k in ("region", "ministry", "agency", "central"))
    return {
        "target: federal ministry": (region, None, ministry),
        "target: federal agency": (region, None, agency),
        "target: central office": (region, None, central),
        "source: ministry's organisation": (ministry, None, region),
        "source: ministry's service": (ministry, services["a"], region),
    }


CASES = ["target: federal ministry", "target: federal agency", "target: central office",
         "source: ministry's organisation", "source: ministry's service"]


def _body(owner, service, handler):
    return {"owner_id": owner.pk, "service_id": service.pk if service else None, "topic": "", "handler_id": handler.pk}


@pytest.mark.parametrize("case", CASES)
def test_service_refuses_a_rule_outside_the_creators_scope(handlers, reference_data, services, region_rule, case):
    owner, service, handler = _targets(reference_data, services)[case]
    with pytest.raises(NotFound):
        routing_rule_save(actor=handlers["b"], owner=owner, service=service, handler=handler)
    with pytest.raises(NotFound):
        routing_rule_save(actor=handlers["b"], owner=owner, service=service, handler=handler, rule=region_rule)
    assert list(RoutingRule.objects.values_list("owner_id", "service_id", "handler_id")) == [
        (reference_data["region"].pk, None, region_rule.handler_id)]


@pytest.mark.parametrize("case", CASES)
def test_api_create_and_edit_outside_the_scope_are_404_and_change_nothing(client_for, handlers, reference_data,
                                                                          services, region_rule, case):
    client = client_for(handlers["b"])
    body = json.dumps(_body(*_targets(reference_data, services)[case]))
    created = client.post(API, body, content_type="application/json")
    edited = client.put(f"{API}/{region_rule.pk}", body, content_type="application/json")
    assert (created.status_code, edited.status_code) == (404, 404), (created.content, edited.content)
    assert created.json()["error"] == "not_found"
    region_rule.refresh_from_db()
    assert RoutingRule.objects.count() == 1 and region_rule.handler.code == "tula-mfc"


@pytest.mark.parametrize("case", CASES)
def test_page_refuses_a_rule_outside_the_scope(client_for, handlers, reference_data, services, region_rule, case):
    owner, service, handler = _targets(reference_data, services)[case]
    client = client_for(handlers["b"])
    page = client.post("/complaints/routing/", {"owner": owner.pk, "service": service.pk if service else "",
                                                "topic": "", "handler": handler.pk})
    assert page.status_code in (404, 422)
    assert RoutingRule.objects.count() == 1


def test_page_offers_only_targets_in_scope(client_for, handlers, reference_data, region_body):
    html = client_for(handlers["b"]).get("/complaints/routing/").content.decode()
    assert "Tula MFC" in html and "Ministry A" not in html


def test_a_regional_handler_may_route_within_the_region(client_for, handlers, reference_data, region_body):
    client = client_for(handlers["b"])
    created = client.post(API, json.dumps(_body(reference_data["region"], None, region_body)),
                          content_type="application/json")
    assert created.status_code == 201, created.content


def test_central_roles_may_route_to_any_organisation(client_for, users, reference_data):
    client = client_for(users["admin"])
    created = client.post(API, json.dumps(_body(reference_data["region"], None, reference_data["ministry"])),
                          content_type="application/json")
    assert created.status_code == 201, created.content
