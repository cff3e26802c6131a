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
