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
def test_delivery_pages_are_accessible_and_fit_the_screen(signed_in_page, assert_pages_fit, live_server, logged,
                                                          width):
    page = signed_in_page("admin", width)
    assert_pages_fit(page, ["/delivery/", "/delivery/ranking/", f"/delivery/services/{logged.pk}/",
                            f"/delivery/services/{logged.pk}/?paths=30&map=performance"])
    page.goto(f"{live_server.url}/delivery/services/{logged.pk}/?paths=30")
    assert page.locator("svg.process-map").count() == 1
    assert page.locator("#map-paths").input_value() == "30"
