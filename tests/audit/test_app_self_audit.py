"""govcx audits itself: its own main pages, signed in, through the audit engine; the build fails on any
serious or critical violation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from tests.staff_journeys import audit_steps, serious_violations, sign_in_steps

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
        *sign_in_steps("admin", password),
    ]
    steps += audit_steps(base, pages)
    served = urlsplit(base)
    options = AuditOptions(parallel=1, screenshots=False, allowed_hosts=(f"{served.hostname}:{served.port}",))
    results = audit_journey(f"{base}/login/", steps, options)
    assert [r.ok for r in results] == [True] * (len(pages) + 1), [(r.url, r.error) for r in results if not r.ok]
    assert results[1].final_url == f"{base}/"  # signed in: the journey reached the dashboard
    bad = serious_violations(results)
    assert not bad, "\n".join(bad)
