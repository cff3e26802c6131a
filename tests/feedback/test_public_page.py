"""The public survey page: answered without JavaScript, in steps decided on the server (a one-tap rating first,
then the questions the answers make apply), once per form, with the survey's spam and rate limits."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from govcx.feedback import selectors
from govcx.feedback import services as feedback_services
from govcx.feedback.models import Response


@pytest.fixture
def make_survey(services, users, visit_survey_definition):
    def make(*, status: str = "live", **settings):
        admin = users["admin"]
        survey = feedback_services.survey_create(service=services["a"], title="Visit survey",
                                                 definition=visit_survey_definition, actor=admin)
        survey = feedback_services.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                                 status=status, **settings)
        selectors.public_surveys.forget()  # on_commit does not run inside a test's transaction
        return survey

    return make


@pytest.fixture
def live_survey(make_survey):
    return make_survey()


def page_url(survey, query: str = "") -> str:
    return f"/feedback/s/{survey.public_key}/{query}"


def hidden_value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name}"
    return found.group(1)


ASKED = "overall,what_went_wrong,channel_used,documents,got_result,staff_helpful"


def form_post(client: Client, survey, query: str = "", *, offered: str = ASKED, **answers) -> dict:
    """The form's own fields, as a browser would send them on the last step (every question offered)."""
    html = client.get(page_url(survey, query)).content.decode()
    data = {name: hidden_value(html, name) for name in ("csrfmiddlewaretoken", "idempotency_key", "started")}
    data["offered"] = offered
    data.update({name: hidden_value(html, name) for name in re.findall(r'name="(ctx_\w+)"', html)})
    data["website"] = ""
    data.update({f"q_{key}": value for key, value in answers.items()})
    return data


HAPPY = {"overall": "5", "channel_used": "online", "documents": ["passport", "certificate"], "got_result": "yes"}


def test_the_first_step_is_a_one_tap_rating_and_carries_the_hidden_context(client, live_survey, services):
    response = client.get(page_url(live_survey, "?office=MFC-7&stage=result&channel=office"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Rate the service “{services['a'].name_en}”" in html and services["a"].owner.name_en in html
    assert "Overall, how satisfied are you?" in html
    assert '<button type="submit" class="gcxw-tap" id="q-overall-0" name="q_overall" value="1">' in html
    for later in ("What went wrong?", "How did you apply?", "Which documents did you bring?", "Were the staff"):
        assert later not in html
    assert 'name="q_office"' not in html and 'name="q_channel"' not in html  # hidden fields are not asked
    assert hidden_value(html, "offered") == "overall"
    assert hidden_value(html, "ctx_office") == "MFC-7"
    assert hidden_value(html, "ctx_stage") == "result"
    assert hidden_value(html, "ctx_channel") == "office"
    assert len(hidden_value(html, "idempotency_key")) >= 16


def test_follow_up_questions_appear_only_when_their_condition_holds(client, live_survey):
    data = form_post(client, live_survey, offered="overall", overall="2")
    step = client.post(page_url(live_survey), data)
    html = step.content.decode()
    assert step.status_code == 200 and Response.objects.get().is_partial  # the tap is stored at once
    assert "What went wrong?" in html and "How did you apply?" in html and "Did you get what you needed?" in html
    assert "Were the staff helpful?" not in html  # only after "In an office"
    assert "Your rating: 2. It is saved." in html and hidden_value(html, "q_overall") == "2"
    assert hidden_value(html, "offered") == "overall,what_went_wrong,channel_used,documents,got_result"
    data.update(offered=hidden_value(html, "offered"), q_channel_used="office", q_got_result="yes")
    html = client.post(page_url(live_survey), data).content.decode()
    assert "Were the staff helpful?" in html and Response.objects.get().is_partial
    data.update(offered=hidden_value(html, "offered"), q_staff_helpful="up")
    assert client.post(page_url(live_survey), data).status_code == 302
    assert Response.objects.get().answers.filter(question_key="staff_helpful").exists()


def test_the_tap_is_stored_at_once_and_the_send_completes_it_without_counting_twice(client, live_survey):
    data = form_post(client, live_survey, "?office=MFC-7&channel=office", offered="overall", overall="2")
    client.post(page_url(live_survey), data)
    client.post(page_url(live_survey), data)  # the tap again (a double tap, a reload): still one response
    tapped = Response.objects.get()
    assert tapped.is_partial and tapped.channel == "office" and tapped.context["office"] == "MFC-7"
    assert list(tapped.answers.values_list("question_key", "value")) == [("overall", 2.0)]
    tap_answer = tapped.answers.get().pk
    data.update(offered="overall,what_went_wrong,channel_used,documents,got_result", q_got_result="no",
                q_what_went_wrong="The queue was long", q_channel_used="online")
    assert client.post(page_url(live_survey), data).status_code == 302
    assert client.post(page_url(live_survey), data).status_code == 302  # Send twice: a duplicate
    completed = Response.objects.get()
    assert not completed.is_partial and completed.comment == "The queue was long"
    assert completed.answers.filter(question_key="overall").get().pk == tap_answer  # kept, not counted again
    assert sorted(completed.answers.values_list("question_key", flat=True)) == [
        "channel_used", "got_result", "overall", "what_went_wrong"]


def test_a_rating_changed_in_a_crafted_send_keeps_the_tapped_one(client, live_survey):
    data = form_post(client, live_survey, offered="overall", overall="5")
    client.post(page_url(live_survey), data)
    data.update(offered=ASKED, q_overall="1", q_got_result="yes")
    assert client.post(page_url(live_survey), data).status_code == 302
    assert Response.objects.get().answers.get(question_key="overall").value == 5


def test_a_high_rating_never_asks_what_went_wrong(client, live_survey):
    html = client.post(page_url(live_survey), form_post(client, live_survey, offered="overall", overall="5")
                       ).content.decode()
    assert "What went wrong?" not in html and "How did you apply?" in html


def test_a_crafted_post_cannot_answer_questions_it_was_not_offered(client, live_survey):
    data = form_post(client, live_survey, offered="overall,got_result", overall="5", got_result="yes",
                     channel_used="office")
    html = client.post(page_url(live_survey), data).content.decode()
    assert "How did you apply?" in html and 'value="office" checked' not in html


def test_an_unknown_channel_in_the_address_falls_back_to_the_web(client, live_survey):
    html = client.get(page_url(live_survey, "?channel=fax")).content.decode()
    assert hidden_value(html, "ctx_channel") == "web"


def test_page_is_in_the_visitors_language(client, live_survey):
    html = client.get(page_url(live_survey), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="ru">' in html
    assert "Насколько вы довольны в целом?" in html and "Оцените услугу «" in html
    assert "How was your visit?" not in html and "Как прошёл ваш визит?" not in html  # the analysts' title


def test_submission_is_stored_once_with_its_context_and_without_answers_to_questions_it_hides(client, live_survey):
    data = form_post(client, live_survey, "?office=MFC-7&channel=office", **HAPPY,
                     what_went_wrong="Nothing, really", staff_helpful="up")  # both hidden by the other answers
    response = client.post(page_url(live_survey), data)
    assert response.status_code == 302
    assert response["Location"] == f"/feedback/s/{live_survey.public_key}/thanks/"
    stored = Response.objects.get(survey=live_survey)
    assert stored.channel == "office"
    assert stored.context["office"] == "MFC-7"
    assert stored.idempotency_key == data["idempotency_key"]
    assert stored.context["channel"] == "office"
    assert sorted(set(stored.answers.values_list("question_key", flat=True))) == [
        "channel_used", "documents", "got_result", "overall"]
    assert "Thank you!" in client.get(response["Location"]).content.decode()


def test_submitting_the_same_form_twice_stores_one_response(client, live_survey):
    data = form_post(client, live_survey, **HAPPY)
    first = client.post(page_url(live_survey), data)
    second = client.post(page_url(live_survey), data)
    assert first.status_code == second.status_code == 302
    assert Response.objects.filter(survey=live_survey).count() == 1


def test_a_missing_answer_is_shown_next_to_its_question_and_the_other_answers_are_kept(client, live_survey):
    data = form_post(client, live_survey, overall="2", what_went_wrong="The queue", documents=["passport"])
    response = client.post(page_url(live_survey), data)
    html = response.content.decode()
    assert response.status_code == 422
    assert '<p class="gcxw-error" id="q-got_result-error">Answer this question.</p>' in html
    assert 'aria-describedby="q-got_result-error"' in html
    assert '<a href="#q-got_result-0">Did you get what you needed? — Answer this question.</a>' in html
    assert hidden_value(html, "q_overall") == "2" and 'value="passport" checked' in html
    assert ">The queue</textarea>" in html
    assert hidden_value(html, "idempotency_key") == data["idempotency_key"]  # the same form, the same key
    assert not Response.objects.exists()


def test_too_many_options_are_refused_next_to_the_question(client, live_survey):
    data = form_post(client, live_survey, **{**HAPPY, "documents": ["passport", "certificate", "none"]})
    html = client.post(page_url(live_survey), data).content.decode()
    assert '<p class="gcxw-error" id="q-documents-error">Choose at most 2 options.</p>' in html
    assert not Response.objects.exists()


def test_a_filled_honeypot_is_never_counted_as_a_real_answer(client, live_survey):
    data = form_post(client, live_survey, **HAPPY)
    data["website"] = "http://cheap-pills.example"
    response = client.post(page_url(live_survey), data)
    assert response.status_code == 302  # a bot learns nothing
    assert not Response.objects.filter(survey=live_survey, is_spam=False).exists()


def test_posts_beyond_the_surveys_rate_limit_are_refused(client, make_survey):
    survey = make_survey(rate_limit_per_minute=2)
    replies = [client.post(page_url(survey), form_post(client, survey, **HAPPY)) for _ in range(3)]
    assert [r.status_code for r in replies] == [302, 302, 429]
    assert replies[2]["Retry-After"] == "30"  # one answer comes back every 60/2 s
    assert Response.objects.filter(survey=survey).count() == 2


def test_the_form_needs_its_csrf_token(live_survey):
    strict = Client(enforce_csrf_checks=True)
    data = form_post(strict, live_survey, **HAPPY)
    data.pop("csrfmiddlewaretoken")
    assert strict.post(page_url(live_survey), data).status_code == 403
    assert not Response.objects.exists()


@pytest.mark.parametrize(("status", "code", "text"), [("draft", 404, "not open yet"), ("closed", 410, "has closed")])
def test_a_survey_that_is_not_live_accepts_nothing(client, make_survey, status, code, text):
    survey = make_survey(status=status)
    response = client.get(page_url(survey))
    assert response.status_code == code and text in response.content.decode()
    assert client.post(page_url(survey), {"q_overall": "5", "q_got_result": "yes"}).status_code == code
    assert not Response.objects.exists()


def test_an_unknown_survey_is_not_found(client, db):
    assert client.get("/feedback/s/no-such-survey/").status_code == 404
    assert client.get("/feedback/s/no-such-survey/qr.svg").status_code == 404
