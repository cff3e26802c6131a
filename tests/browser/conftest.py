"""Real Chromium for UI tests: Playwright drives the system Chromium (or Playwright's own, where installed)."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

from govcx.audit.engine.launcher import launch_failure, launch_options  # one way to start Chromium, sandboxed


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import Error, sync_playwright

    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(**launch_options())
        except Error as exc:
            pytest.fail(str(launch_failure(exc)))
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core (WCAG 2.0/2.1/2.2 A and AA rules) on the page; fail on serious or critical violations."""

    def check(page) -> None:
        results = axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}},
        )
        bad = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        summary = "\n".join(
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in bad
        )
        assert not bad, f"axe found serious/critical violations on {page.url}:\n{summary}"

    return check


@pytest.fixture
def signed_in_page(browser, live_server, password):
    """Open a page at a width (a phone below 500 px), signed in as `username`; closed after the test."""
    contexts = []

    def open_page(username: str, width: int):
        context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                      has_touch=width < 500)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(30000)
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def assert_pages_fit(live_server, assert_accessible):
    """Visit `paths` in English, then in Russian (switched as a person does, by the language button): each page is
    in that language, has one h1, passes axe, and does not scroll sideways (the widest elements are named)."""

    def check(page, paths: list[str]) -> None:
        width = page.viewport_size["width"]
        for language in ("en", "ru"):
            if language == "ru":
                page.get_by_role("button", name="Русский").click()
                page.wait_for_load_state()
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == language, path
                assert page.locator("h1").count() == 1, path
                assert_accessible(page)
                overflow = page.evaluate(
                    "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
                wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth)""")
                assert overflow[0] <= overflow[1], f"{path} scrolls sideways at {width} px: {overflow} {wide}"

    return check
