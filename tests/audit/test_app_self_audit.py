"""govcx audits itself: its own main pages, signed in, through the audit engine; the build fails on any
serious or critical violation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from govcx.audit.engine import AuditOptions, JourneyStep, audit_journey
from govcx.standards.services import assessment_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_govcx_main_pages_have_no_serious_or_critical_violations(live_server, users, services, packs, password):
    assessment = assessment_create(actor=users["assessor_a"], service=services["a"], pack=packs["govcx-model-standard"])
    base = live_server.url
    pages = [
        "/", "/registry/services/", f"/registry/services/{services['a'].pk}/",
        f"/registry/services/{services['a'].pk}/edit/", "/registry/services/import/",
        f"/standards/assessments/{assessment.pk}/", "/standards/assessments/", "/standards/packs/",
        f"/standards/packs/{packs['uk-service-standard'].pk}/", f"/reports/assessments/{assessment.pk}/",
        f"/audit/services/{services['a'].pk}/", f"/audit/services/{services['a'].pk}/new/",
    ]
    steps = [
        JourneyStep("goto", value=f"{base}/login/"),
        JourneyStep("audit"),
        JourneyStep("fill", "#id_username", "admin"),
        JourneyStep("fill", "#id_password", password),
        JourneyStep("click", "main button[type=submit]"),
        JourneyStep("expect", "h1"),
    ]
    for path in pages:
        steps += [JourneyStep("goto", value=f"{base}{path}"), JourneyStep("audit")]
    served = urlsplit(base)
    options = AuditOptions(parallel=1, screenshots=False, allowed_hosts=(f"{served.hostname}:{served.port}",))
    results = audit_journey(f"{base}/login/", steps, options)
    assert [r.ok for r in results] == [True] * (len(pages) + 1), [(r.url, r.error) for r in results if not r.ok]
    assert results[1].final_url == f"{base}/"  # signed in: the journey reached the dashboard
    bad = [
        f"{r.url}: {i.rule} ({i.impact}) at {list(i.targets)[:3]}"
        for r in results
        for i in r.issues
        if i.kind == "violation" and i.impact in ("serious", "critical")
    ]
    assert not bad, "\n".join(bad)
