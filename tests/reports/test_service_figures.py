"""The passport's latest figures: each area's newest result for the service with a link to it, and, where an area
has none, the next step for those who may take it (and only for them)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.complaints.services import Author, complaint_answer, complaint_submit
from govcx.feedback import services as feedback
from govcx.feedback.models import SurveyStatus
from govcx.feedback.selectors import public_surveys
from govcx.standards.services import assessment_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def measured(services, users, packs):
    admin, service = users["admin"], services["a"]
    survey = feedback.survey_create(service=service, title="CSAT", template="csat", actor=admin)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    public_surveys.forget()
    for i, rating in enumerate((5, 4, 3)):
        feedback.response_submit(survey=survey, submission=feedback.Submission(
            idempotency_key=f"passport-{i:04d}", answers={"overall": rating}, elapsed_seconds=60))
    complaint, _token = complaint_submit(service=service, text="Slow.", received_on=timezone.localdate()
                                         - dt.timedelta(days=60), author=Author(name="Анна", email="a@example.org",
                                                                                consent=True))
    complaint_answer(complaint=complaint, answer="Fixed.", actor=admin, expected_version=complaint.version)
    assessment_create(actor=admin, service=service, pack=next(iter(packs.values())))
    return service


def test_each_area_shows_its_latest_figure_with_a_link(measured, users, client_for):
    page = client_for(users["owner_a"]).get(f"/registry/services/{measured.pk}/").content.decode()
    assert "Latest figures" in page
    assert "4.00 of 5" in page and "n = 3 responses in 90 days" in page
    assert f"/feedback/services/{measured.pk}/report/" in page
    assert "0 of 1 answered on time" in page  # answered today, 30 days after its deadline
    assert "/standards/assessments/" in page
    assert "No audit yet." in page and "No study yet." in page


def test_an_empty_area_offers_the_next_step_only_to_those_who_may_take_it(services, users, client_for,
                                                                            reference_data):
    service = services["b"]
    owner = client_for(users["owner_b"]).get(f"/registry/services/{service.pk}/").content.decode()
    assert "No survey yet." in owner and "Create a survey" not in owner  # a service owner manages no surveys
    assert "Plan a study" not in owner and "Start an audit" not in owner
    analyst = User.objects.create_user(username="cx-b", password="x", role=Role.CX_ANALYST,
                                       organisation=reference_data["region"])
    page = client_for(analyst).get(f"/registry/services/{service.pk}/").content.decode()
    assert f"/feedback/surveys/new/?service={service.pk}" in page
    assessor = client_for(users["assessor_b"]).get(f"/registry/services/{service.pk}/").content.decode()
    assert f"/audit/services/{service.pk}/new/" in assessor


def test_the_figures_read_in_russian(measured, users, client_for):
    page = client_for(users["owner_a"]).get(f"/registry/services/{measured.pk}/",
                                            headers={"accept-language": "ru"}).content.decode()
    assert "Последние показатели" in page and "4,00 из 5" in page and "n = 3 ответа за 90 дней" in page
