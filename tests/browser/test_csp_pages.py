"""Pages that load htmx break no Content-Security-Policy rule: htmx's inline indicator styles are turned off
(base.html) and served from app.css instead."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]


def test_the_sign_in_page_loads_htmx_without_a_csp_violation(page, live_server):
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_server.url}/login/")
    page.wait_for_function("window.htmx !== undefined")
    assert page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert page.evaluate(
        "getComputedStyle(Object.assign(document.body.appendChild(document.createElement('span')),"
        " {className: 'htmx-indicator'})).opacity") == "0"
    assert violations == []
