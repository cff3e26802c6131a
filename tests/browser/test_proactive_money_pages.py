"""The payment batch pages (list, a batch's totals by benefit and region) and a draft's what-if over a register
(the list with its form, the totals) in real Chromium at 390 px and 1366 px, in English and Russian: axe finds no
serious or critical violation and no page scrolls sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.conftest import make_user
from tests.proactive.test_money_pages import accepted_offers, draft_text
from tests.proactive.test_offers_flow import HOUSEHOLDS, persons, write

import govcx.urls  # noqa: F401  (loaded here, not inside the first request to the live server)
from govcx.accounts.roles import Role
from govcx.proactive import services

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def money(reference_data, tmp_path):
    organisation = reference_data["region"]
    officer = make_user("proactive-browser", Role.PROACTIVE_OFFICER, organisation)
    snapshot = services.snapshot_load(organisation=organisation, taken_on=dt.date(2025, 3, 1),
                                      persons_file=write(tmp_path, "p", persons()),
                                      households_file=write(tmp_path, "h", HOUSEHOLDS))
    accepted_offers(snapshot)
    batch = services.payment_batch_create(organisation=organisation, actor=officer)
    draft = services.pack_version_create(organisation=organisation, content=draft_text("1000.0"))
    whatif = services.draft_whatif_execute(whatif=services.draft_whatif_create(
        version=draft, snapshot=snapshot, period="2025-03", queue=False))
    return {"officer": officer, "batch": batch.pk, "whatif": whatif.pk}


@pytest.mark.parametrize("width", [390, 1366])
def test_payment_and_draft_pages_are_accessible_and_fit_the_screen(signed_in_page, assert_pages_fit, money,
                                                                   width):
    page = signed_in_page(money["officer"].username, width)
    assert_pages_fit(page, ["/proactive/payments/", f"/proactive/payments/{money['batch']}/", "/proactive/drafts/",
                            f"/proactive/drafts/whatif/{money['whatif']}/"])
