"""After signing in, each role lands on the dashboard with what it needs first, scoped as the rest of the app."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.conftest import PASSWORD, make_user

from govcx.accounts.roles import Role
from govcx.complaints.services import Author, complaint_submit
from govcx.standards.services import adjustment_create, assessment_create


@pytest.fixture
def staff(users, reference_data):
    return {**users,
            "cx_a": make_user("cx-a", Role.CX_ANALYST, reference_data["ministry"]),
            "cx_b": make_user("cx-b", Role.CX_ANALYST, reference_data["region"]),
            "lab": make_user("lab-a", Role.LAB_RESEARCHER, reference_data["ministry"])}


@pytest.fixture
def work(staff, services, packs):
    admin = staff["admin"]
    pack = next(iter(packs.values()))
    requirement = next(iter(pack.parsed.requirements())).id
    done = {}
    for side in ("a", "b"):
        assessment = assessment_create(actor=admin, service=services[side], pack=pack)
        adjustment_create(actor=admin, assessment=assessment, requirement_id=requirement,
                          action=f"Fix the form of {side.upper()}", owner=staff[f"owner_{side}"],
                          due_date=timezone.localdate() + dt.timedelta(days=10))
        done[side] = complaint_submit(service=services[side], text=f"The queue at {side.upper()} was long",
                                      author=Author(name="Анна Петрова", email="anna@example.org", consent=True))[0]
    return done


def home(client, user) -> str:
    client.force_login(user)
    reply = client.get("/")
    assert reply.status_code == 200
    return reply.content.decode()


def test_sign_in_lands_on_the_home_page(client, staff):
    reply = client.post("/login/", {"username": "owner-a", "password": PASSWORD})
    assert reply.status_code == 302 and reply["Location"] == "/"


def test_a_service_owner_sees_its_open_adjustments_and_weakest_results_only(client, staff, work):
    page = home(client, staff["owner_a"])
    assert "Your work first" in page and "Open adjustments" in page and "Weakest assessment results" in page
    assert "Fix the form of A" in page and "Fix the form of B" not in page  # another authority's work is not shown
    assert "Satisfaction in the last 30 days" in page


def test_a_cx_analyst_sees_new_complaints_of_its_authority(client, staff, work):
    page = home(client, staff["cx_a"])
    assert "New complaints" in page and work["a"].number in page and work["b"].number not in page
    page = home(client, staff["cx_b"])
    assert work["b"].number in page and work["a"].number not in page


def test_the_teams_see_their_cases_from_feedback(client, staff, services):
    from govcx.complaints.case_services import cases_open_from_ratings
    from govcx.feedback import services as feedback
    from govcx.feedback.models import SurveyStatus

    survey = feedback.survey_create(service=services["a"], title="CSAT", template="csat", actor=staff["admin"])
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=staff["admin"],
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key="home-case-0001", answers={"overall": 1}, elapsed_seconds=60))
    assert cases_open_from_ratings() == 1
    for user in (staff["owner_a"], staff["cx_a"]):
        page = home(client, user)
        assert "Cases from feedback:" in page and "To do: 1" in page and "/complaints/cases/?status=open" in page
    assert "To do: 1" not in home(client, staff["cx_b"])


def test_an_assessor_sees_assessments_to_finish(client, staff, work):
    page = home(client, staff["assessor_a"])
    assert "Assessments to finish" in page and "requirements not assessed" in page
    assert "Service svc-a" in page and "Service svc-b" not in page


def test_a_lab_researcher_sees_this_weeks_sessions(client, staff):
    assert "Sessions this week" in home(client, staff["lab"])


def test_a_central_analyst_sees_the_country(client, staff, work):
    page = home(client, staff["analyst"])
    assert "The country at a glance" in page and "3 services in the register" in page


def test_the_role_home_is_in_russian(client, staff, work):
    client.cookies["django_language"] = "ru"
    page = home(client, staff["owner_a"])
    assert "Сначала ваша работа" in page and "Открытые доработки" in page


def test_the_administrator_starts_from_the_common_dashboard(client, staff):
    assert "Your work first" not in home(client, staff["admin"])
