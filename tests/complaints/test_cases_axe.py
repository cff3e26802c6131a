"""The pages of closing the loop (the cases list and a case with its actions), the passport with its latest
figures and the quarterly report with its subscription form have no serious or critical accessibility violations
(axe-core in Chromium, through govcx's own audit engine), in English and in Russian."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.staff_journeys import audit_steps, serious_violations, sign_in_steps, switch_to_russian

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
        *sign_in_steps("admin", password),
    ]
    steps += audit_steps(base, pages) + switch_to_russian() + audit_steps(base, pages)
    results = audit_journey(f"{base}/login/", steps, AuditOptions(
        parallel=1, screenshots=False, allowed_hosts=(base.removeprefix("http://"),)))
    assert [r.ok for r in results] == [True] * (2 * len(pages)), [(r.url, r.error) for r in results if not r.ok]
    bad = serious_violations(results)
    assert not bad, "\n".join(bad)
