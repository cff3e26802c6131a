"""Forms for people in real Chromium: a long select narrowed by typing, screener rows added in place, a quota
picked by region name, at 390 px and 1366 px, axe clean and with no Content-Security-Policy error in the console
(htmx's inline indicator style is off)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

import govcx.urls  # noqa: F401  (loaded here, not inside the first request to the live server)
from govcx.lab.models import Study

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]


def open_signed_in(browser, live_server, password, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                  has_touch=width < 500, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(30000)
    csp: list[str] = []
    page.on("console", lambda m: csp.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill("admin")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    return context, page, csp


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [390, 1366])
def test_a_long_select_is_narrowed_by_typing_and_still_submits(browser, live_server, users, services, password,
                                                               assert_accessible, width):
    context, page, csp = open_signed_in(browser, live_server, password, width)
    try:
        page.goto(f"{live_server.url}/complaints/")
        box = page.get_by_role("searchbox", name="Type to narrow the list: Service")
        expect(box).to_be_visible()
        assert_accessible(page)
        assert fits(page)
        select = page.locator("select#service")
        before = select.locator("option").count()
        box.fill(services["b"].name_en)
        assert select.locator("option").count() == 2  # "All" and the one service
        assert page.get_by_role("status").filter(has_text="1 found").count() == 1
        box.press("Enter")
        assert select.input_value() == str(services["b"].pk)
        box.fill("")
        assert select.locator("option").count() == before
        page.get_by_role("button", name="Filter").click()
        page.wait_for_url(f"**service={services['b'].pk}**")
        assert csp == []
    finally:
        context.close()


@pytest.mark.parametrize("width", [390, 1366])
def test_screener_rows_are_added_in_place_and_saved(browser, live_server, users, services, reference_data, password,
                                                    assert_accessible, width):
    context, page, csp = open_signed_in(browser, live_server, password, width)
    try:
        page.goto(f"{live_server.url}/lab/studies/new/")
        page.get_by_label("Service", exact=True).select_option(str(services["a"].pk))
        page.get_by_label("Title (in Russian)").fill(f"Скрининг {width}")
        page.get_by_label("Question", exact=True).fill("Do you drive?")
        page.get_by_label("Answers offered, one per line").fill("yes\nno")
        page.evaluate("window.notReloaded = true")
        page.get_by_role("button", name="Add a question").click()
        assert page.evaluate("window.notReloaded") is True
        second = page.locator("fieldset.screener-row").nth(1)
        expect(second.locator("legend")).to_contain_text("2")
        assert page.evaluate("document.activeElement.name") == "screener-1-question"
        second.get_by_label("Question", exact=True).fill("Have you applied before?")
        second.get_by_label("Answers offered, one per line").fill("yes\nno")
        second.get_by_label("Answers that let a person take part, one per line").fill("no")
        assert_accessible(page)
        assert fits(page)
        page.get_by_role("button", name="Save").click()
        page.wait_for_url("**/lab/studies/*/")
        study = Study.objects.get(title=f"Скрининг {width}")
        assert study.screener == [
            {"key": "q1", "question": "Do you drive?", "options": ["yes", "no"], "accept": ["yes", "no"]},
            {"key": "q2", "question": "Have you applied before?", "options": ["yes", "no"], "accept": ["no"]}]
        page.get_by_role("searchbox", name="Type to narrow the list: Participants who are").fill("Tula")
        assert page.locator("select#quota-who optgroup").count() == 1  # the groups stay, narrowed to "Region"
        quota = page.get_by_label("Participants who are", exact=True)
        quota.select_option(label="Tula Oblast")
        page.get_by_label("Target").fill("3")
        page.get_by_role("button", name="Add quota").click()
        page.wait_for_load_state()
        expect(page.locator("#quotas")).to_contain_text("Tula Oblast")
        assert_accessible(page)
        assert fits(page)
        assert csp == []
    finally:
        context.close()
