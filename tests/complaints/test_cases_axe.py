"""The pages of closing the loop (the cases list and a case with its actions), the passport with its latest
figures and the quarterly report with its subscription form have no serious or critical accessibility violations
(axe-core in Chromium, through govcx's own audit engine), in English and in Russian."""

from __future__ import annotations

import datetime as dt

import pytest

from govcx.audit.engine import AuditOptions, JourneyStep, audit_journey
from govcx.complaints.case_services import cases_open_from_ratings
from govcx.complaints.models import Case
from govcx.feedback import services as feedback
from govcx.feedback.models import SurveyStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_case_and_passport_pages_pass_axe(live_server, users, services, password):
    admin = users["admin"]
    survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=admin)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key="axe-case-0001", answers={"overall": 1, "comment": "Очередь два часа."}, elapsed_seconds=60))
    cases_open_from_ratings()
    case = Case.objects.get()
    base = live_server.url
    pages = ["/complaints/cases/", f"/complaints/cases/{case.pk}/", f"/registry/services/{services['a'].pk}/",
             f"/registry/services/{services['b'].pk}/", "/reports/quarterly/"]
    steps = [
        JourneyStep("goto", value=f"{base}/login/"),
        JourneyStep("fill", "#id_username", "admin"),
        JourneyStep("fill", "#id_password", password),
        JourneyStep("click", "main button[type=submit]"),
        JourneyStep("expect", "h1"),
    ]
    for path in pages:
        steps += [JourneyStep("goto", value=f"{base}{path}"), JourneyStep("audit")]
    results = audit_journey(f"{base}/login/", steps, AuditOptions(
        parallel=1, screenshots=False, allowed_hosts=(base.removeprefix("http://"),)))
    assert [r.ok for r in results] == [True] * len(pages), [(r.url, r.error) for r in results if not r.ok]
    bad = [f"{r.url}: {i.rule} ({i.impact}) at {list(i.targets)[:3]}" for r in results for i in r.issues
           if i.kind == "violation" and i.impact in ("serious", "critical")]
    assert not bad, "\n".join(bad)
