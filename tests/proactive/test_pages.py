"""Officials' pages and the citizen inbox (no JavaScript needed: plain forms)."""

from __future__ import annotations

import datetime as dt

import pytest

from govcx.accounts.models import AuditEvent
from govcx.accounts.roles import Role
from govcx.proactive import services
from govcx.proactive.models import CitizenLink, Offer, Run, Snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(users, reference_data, tmp_path):
    org = reference_data["region"]
    snapshot = Snapshot.objects.create(organisation=org, taken_on=dt.date(2025, 3, 1), directory=str(tmp_path))
    run = Run.objects.create(organisation=org, snapshot=snapshot, period="2025-03", status="done")
    reasons = [{"condition": "child_born_in_period", "value": True, "label": "A child was born", "reference": "256-FZ"}]
    offer = Offer.objects.create(organisation=org, benefit="maternity_capital", beneficiary_id="p1", amount=690266.95,
                                 entitlement_key="birth_registered:b1:2025-03-02", reasons=reasons, run=run,
                                 pack_version="maternity_capital 2025.1")
    return services.offer_notify(offer=offer)


def test_officials_see_offers_and_runs(client_for, officers, offer):
    page = client_for(officers["b"]).get("/proactive/")
    assert page.status_code == 200 and b"2025-03" in page.content
    notified = client_for(officers["b"]).get("/proactive/offers/?state=notified")
    assert offer.beneficiary_id.encode() in notified.content
    # another authority's officials see nothing of it
    elsewhere = client_for(officers["a"]).get("/proactive/offers/").content
    assert offer.entitlement_key.encode() not in elsewhere and b"<td>p1</td>" not in elsewhere
    assert b"<td>p1</td>" in notified.content  # the cell the check above looks for


def test_person_lookup_is_for_the_authority_and_audited(client_for, users, officers, offer):
    assert client_for(users["viewer_a"]).get("/proactive/people/?person_id=p1").status_code == 403
    assert client_for(officers["b"]).get("/proactive/people/?person_id=p1").status_code == 200
    assert AuditEvent.objects.filter(action="proactive.person_lookup").exists()


def test_the_citizen_accepts_in_the_inbox_without_javascript(client_for, reference_data, offer):
    from govcx.accounts.models import User

    citizen = User.objects.create_user(username="citizen", password="x" * 12, role=Role.CITIZEN)
    CitizenLink.objects.create(user=citizen, organisation=reference_data["region"], person_id="p1", household_id="h1")
    client = client_for(citizen)
    page = client.get("/proactive/inbox/", HTTP_ACCEPT_LANGUAGE="ru")
    assert page.status_code == 200 and b"690266,95" in page.content
    assert b'<form method="post"' in page.content and b'value="accept"' in page.content  # a plain form, no script
    client.post(f"/proactive/inbox/{offer.pk}/answer/", {"answer": "accept"})
    assert Offer.objects.get(pk=offer.pk).state == "accepted"


def test_a_citizen_cannot_answer_someone_elses_offer(client_for, reference_data, offer):
    from govcx.accounts.models import User

    stranger = User.objects.create_user(username="stranger", password="x" * 12, role=Role.VIEWER)
    CitizenLink.objects.create(user=stranger, organisation=reference_data["region"], person_id="zz")
    client_for(stranger).post(f"/proactive/inbox/{offer.pk}/answer/", {"answer": "accept"})
    assert Offer.objects.get(pk=offer.pk).state == "notified"
