"""The delivery pages (list, ranking, a service's figures with its process map, risk and upload form) in real
Chromium at 390 px and 1366 px, in English and Russian: axe finds no serious or critical violation and no page
scrolls sideways."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pytest

import govcx.urls  # noqa: F401  (loaded here, not inside the first request to the live server)
from govcx.delivery import store
from govcx.demo.delivery import SPECS, demo_log

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def logged(services, settings, tmp_path):
    settings.ANALYTICS_DIR = tmp_path / "analytics"
    now = dt.datetime.now(dt.UTC)
    spec = dataclasses.replace(SPECS[0], cases=1500)
    store.append_new(settings.ANALYTICS_DIR, services["a"].pk,
                     demo_log(spec, rng=np.random.default_rng(7), now_us=int(now.timestamp()) * 1_000_000))
    return services["a"]


@pytest.mark.parametrize("width", [390, 1366])
def test_delivery_pages_are_accessible_and_fit_the_screen(browser, live_server, logged, password, assert_accessible,
                                                          width):
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                  has_touch=width < 500)
    page = context.new_page()
    page.set_default_timeout(30000)
    try:
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        paths = ["/delivery/", "/delivery/ranking/", f"/delivery/services/{logged.pk}/",
                 f"/delivery/services/{logged.pk}/?paths=30&map=performance"]
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
                wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
                    .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth)""")
                assert overflow[0] <= overflow[1], f"{path} scrolls sideways at {width} px: {overflow} {wide}"
        page.goto(f"{live_server.url}/delivery/services/{logged.pk}/?paths=30")
        assert page.locator("svg.process-map").count() == 1
        assert page.locator("#map-paths").input_value() == "30"
    finally:
        context.close()
