"""Closing the loop from feedback: a low rating (each survey's rule) or a comment flagged as a problem opens one
case per response for the service's team, with an owner from the organisation's staff and a due date; the case
goes open → in progress → closed with a note, on its pages and through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govcx.complaints import case_services
from govcx.complaints.jobs import open_cases_from_low_ratings
from govcx.complaints.models import Case, CaseReason, CaseStatus
from govcx.errors import Conflict, Invalid, NotFound
from govcx.feedback import services as feedback
from govcx.feedback.models import Response, SurveyStatus
from govcx.feedback.selectors import public_surveys

pytestmark = pytest.mark.django_db


def live_survey(service, actor, **rule):
    survey = feedback.survey_create(service=service, title="CSAT", template="csat", actor=actor)
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=actor,
                                    status=SurveyStatus.LIVE, opened_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
                                    **rule)
    public_surveys.forget()
    return survey


def rate(survey, key, rating, comment=""):
    answers = {"overall": rating}
    if comment:
        answers["comment"] = comment
    return feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key=f"case-test-{key}", answers=answers, elapsed_seconds=60)).response


@pytest.fixture
def survey_a(services, users):
    return live_survey(services["a"], users["admin"])


def test_low_ratings_open_one_case_each_for_the_teams_least_busy_handler(survey_a, handlers, users):
    low, middle, high = rate(survey_a, "k1", 1), rate(survey_a, "k2", 3), rate(survey_a, "k3", 5)
    two = rate(survey_a, "k4", 2)
    assert open_cases_from_low_ratings(None) == {"cases_opened": 2}
    assert open_cases_from_low_ratings(None) == {"cases_opened": 0}  # one case per response, however often it runs
    cases = {c.response_id: c for c in Case.objects.all()}
    assert set(cases) == {low.pk, two.pk} and middle.pk not in cases and high.pk not in cases
    first, second = cases[low.pk], cases[two.pk]
    assert first.reason == CaseReason.LOW_RATING and first.rating == 1 and first.status == CaseStatus.OPEN
    assert first.organisation_id == survey_a.service.owner_id and first.opened_by is None
    # owners come from the service's organisation, the least busy first: the CX analyst and the service owner
    assert {first.owner, second.owner} == {handlers["a"], users["owner_a"]}
    assert first.due_on > timezone.localdate()


def test_the_rule_is_per_survey_and_can_be_switched_off(services, users):
    strict = live_survey(services["a"], users["admin"], case_rating_at_most=3)
    off = live_survey(services["b"], users["admin"], case_rating_at_most=0)
    rate(strict, "s1", 3)
    rate(off, "o1", 1)
    assert case_services.cases_open_from_ratings() == 1
    assert Case.objects.get().service_id == services["a"].pk
    with pytest.raises(Invalid):
        feedback.survey_update(survey=strict, expected_version=strict.version, actor=users["admin"],
                               case_rating_at_most=5)


def test_old_and_spam_ratings_open_no_case(survey_a):
    rate(survey_a, "old", 1)
    Response.objects.update(received_at=timezone.now() - dt.timedelta(days=30))
    spam = rate(survey_a, "spam", 1)
    Response.objects.filter(pk=spam.pk).update(is_spam=True)
    assert case_services.cases_open_from_ratings() == 0


def test_a_flagged_comment_opens_a_case_once_and_only_in_scope(survey_a, handlers):
    response = rate(survey_a, "c1", 4, comment="Очередь два часа, никто не помог.")
    case, opened = case_services.case_open_flagged(response_id=response.pk, actor=handlers["a"])
    assert opened and case.reason == CaseReason.FLAGGED_COMMENT and case.opened_by == handlers["a"]
    again, opened = case_services.case_open_flagged(response_id=response.pk, actor=handlers["a"])
    assert again.pk == case.pk and not opened
    with pytest.raises(NotFound):
        case_services.case_open_flagged(response_id=response.pk, actor=handlers["b"])


def test_a_case_goes_open_in_progress_closed_with_a_note(survey_a, handlers, users):
    rate(survey_a, "k1", 1)
    case_services.cases_open_from_ratings()
    case = Case.objects.get()
    with pytest.raises(Invalid):  # the owner must be one of the organisation's staff who handle cases
        case_services.case_plan(case=case, owner_id=users["owner_b"].pk, due_on=None, actor=handlers["a"],
                                expected_version=case.version)
    with pytest.raises(Invalid):
        case_services.case_plan(case=case, owner_id=None, due_on=timezone.localdate() - dt.timedelta(days=1),
                                actor=handlers["a"], expected_version=case.version)
    due = timezone.localdate() + dt.timedelta(days=3)
    case = case_services.case_plan(case=case, owner_id=users["owner_a"].pk, due_on=due, actor=handlers["a"],
                                   expected_version=case.version)
    assert case.owner == users["owner_a"] and case.due_on == due
    case = case_services.case_start(case=case, actor=handlers["a"], expected_version=case.version)
    assert case.status == CaseStatus.IN_PROGRESS
    with pytest.raises(Conflict):
        case_services.case_close(case=case, note="Called back.", actor=handlers["a"], expected_version=1)
    with pytest.raises(Invalid):
        case_services.case_close(case=case, note="  ", actor=handlers["a"], expected_version=case.version)
    case = case_services.case_close(case=case, note="Called the citizen back; the slot is booked.",
                                    actor=handlers["a"], expected_version=case.version)
    assert case.status == CaseStatus.CLOSED and case.closed_at is not None


def test_the_pages_show_the_response_in_words_and_take_the_actions(survey_a, handlers, client_for):
    rate(survey_a, "k1", 1, comment="Never again.")
    case_services.cases_open_from_ratings()
    case = Case.objects.get()
    client = client_for(handlers["a"])
    listing = client.get("/complaints/cases/").content.decode()
    assert f"/complaints/cases/{case.pk}/" in listing and "Low rating" in listing
    page = client.get(f"/complaints/cases/{case.pk}/").content.decode()
    assert "Never again." in page and "overall=" not in page and "Very dissatisfied" in page, page
    assert client.post(f"/complaints/cases/{case.pk}/start/", {"version": case.version}).status_code == 302
    refused = client.post(f"/complaints/cases/{case.pk}/close/", {"version": case.version, "note": "Done."})
    assert refused.status_code == 409 and "Done." in refused.content.decode()
    done = client.post(f"/complaints/cases/{case.pk}/close/", {"version": case.version + 1, "note": "Done."})
    assert done.status_code == 302 and Case.objects.get().status == CaseStatus.CLOSED
    ru = client.get(f"/complaints/cases/{case.pk}/", headers={"accept-language": "ru"}).content.decode()
    assert "Завершено" in ru and "Дело №" in ru


def test_the_comments_page_flags_a_comment(survey_a, handlers, client_for):
    response = rate(survey_a, "c1", 4, comment="The form lost my documents.")
    client = client_for(handlers["a"])
    assert "Flag as a problem" in client.get("/feedback/comments/").content.decode()
    answer = client.post("/complaints/cases/flag/", {"response": response.pk})
    case = Case.objects.get(response=response)
    assert answer.status_code == 302 and answer["Location"] == f"/complaints/cases/{case.pk}/"


def test_the_api_lists_flags_plans_and_closes(survey_a, handlers, client_for, users):
    response = rate(survey_a, "c1", 2, comment="Slow.")
    client = client_for(handlers["a"])
    created = client.post("/api/cases", {"response_id": response.pk}, content_type="application/json")
    assert created.status_code == 201, created.content
    case = created.json()
    assert case["reason"] == "flagged_comment" and case["comment"] == "Slow." and case["status"] == "open"
    again = client.post("/api/cases", {"response_id": response.pk}, content_type="application/json")
    assert again.status_code == 200 and again.json()["id"] == case["id"]
    assert case_services.cases_open_from_ratings() == 0  # the response has its case already
    planned = client.post(f"/api/cases/{case['id']}/plan", {"version": case["version"], "owner_id":
                          users["owner_a"].pk}, content_type="application/json").json()
    assert planned["owner"] == users["owner_a"].username
    closed = client.post(f"/api/cases/{case['id']}/close", {"version": planned["version"], "note": "Fixed."},
                         content_type="application/json").json()
    assert closed["status"] == "closed"
    assert [c["id"] for c in client.get("/api/cases?status=closed").json()["items"]] == [case["id"]]
    assert client_for(handlers["b"]).get(f"/api/cases/{case['id']}").status_code == 404


def test_a_case_nobody_owns_yet_shows_a_dash_on_its_pages(survey_a, handlers, client_for):
    rate(survey_a, "k-unowned", 1, comment="Nobody called.")
    case_services.cases_open_from_ratings()
    case = Case.objects.get()
    Case.objects.filter(pk=case.pk).update(owner=None)  # its owner left the organisation
    client = client_for(handlers["a"])
    listing = client.get("/complaints/cases/")
    assert listing.status_code == 200 and f"/complaints/cases/{case.pk}/" in listing.content.decode()
    page = client.get(f"/complaints/cases/{case.pk}/")
    assert page.status_code == 200 and "Nobody called." in page.content.decode()
