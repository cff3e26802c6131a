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
def test_payment_and_draft_pages_are_accessible_and_fit_the_screen(browser, live_server, money, password,
                                                                   assert_accessible, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                  has_touch=width < 500)
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(money["officer"].username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        paths = ["/proactive/payments/", f"/proactive/payments/{money['batch']}/", "/proactive/drafts/",
                 f"/proactive/drafts/whatif/{money['whatif']}/"]
        for language in ("en", "ru"):
            if language == "ru":
                page.get_by_role("button", name="Русский").click()
                page.wait_for_load_state()
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == language
                assert page.locator("h1").count() == 1, path
                assert_accessible(page)
                overflow = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                assert overflow[0] <= overflow[1], f"{path} scrolls sideways at {width} px: {overflow}"
    finally:
        context.close()
