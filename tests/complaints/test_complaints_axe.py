"""The complaint pages, the handlers' and the citizen's, have no serious or critical accessibility violations
(axe-core in Chromium, through govcx's own audit engine)."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.staff_journeys import audit_steps, serious_violations, sign_in_steps

from govcx.audit.engine import AuditOptions, JourneyStep, audit_journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_complaint_pages_pass_axe(live_server, users, submit, password):
    overdue, _token = submit("a", received_on=dt.date(2025, 1, 9), topic="queues")
    _fresh, token = submit("a", contact="anna@example.org")
    base = live_server.url
    pages = ["/complaints/", "/complaints/?status=overdue", f"/complaints/{overdue.pk}/", "/complaints/routing/"]
    steps = [
        JourneyStep("goto", value=f"{base}/complaints/new/?service=svc-a"),
        JourneyStep("audit"),
        JourneyStep("goto", value=f"{base}/complaints/status/{token}/"),
        JourneyStep("audit"),
        JourneyStep("goto", value=f"{base}/login/"),
        *sign_in_steps("admin", password),
    ]
    steps += audit_steps(base, pages)
    results = audit_journey(f"{base}/complaints/new/", steps, AuditOptions(
        parallel=1, screenshots=False, allowed_hosts=(base.removeprefix("http://"),)))
    assert [r.ok for r in results] == [True] * (len(pages) + 2), [(r.url, r.error) for r in results if not r.ok]
    assert results[-2].final_url == f"{base}/complaints/{overdue.pk}/"  # signed in: the handler's page
    bad = serious_violations(results)
    assert not bad, "\n".join(bad)
