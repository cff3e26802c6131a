"""A citizen's whole path, signed in as nobody, in real Chromium on a phone (390 px) and a desktop (1366 px), in
English and Russian: the one-tap survey and its optional follow-ups, the thank-you page, the complaint form (with
its errors, and the service found by typing), the page with the complaint's number, the status page and the
look-up by number and e-mail. Each page passes axe (no serious or critical violation), is in the citizen's
language, and never scrolls sideways, even with a long service name."""

from __future__ import annotations

import pytest
from django.core.cache import cache

import govcx.urls  # noqa: F401  (loaded here, not inside the first request to the live server)
from govcx.complaints.models import Complaint
from govcx.feedback import selectors
from govcx.feedback import services as feedback_services
from govcx.feedback.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]

EMAIL = "anna.petrova@example.org"
LONG_WORD = "Межрегиональноавтоматизированнаяинформационнаясистемаучётаобращений"
WORDS = {
    "en": {"survey": "Rate the service", "thanks": "Thank you!", "form": "Write a complaint or request",
           "received": "Your complaint is received", "status": "Your complaint about", "find": "Follow a complaint",
           "tap": "2 — Bad", "send": "Send", "complain": "Send a complaint", "show": "Show the status"},
    "ru": {"survey": "Оцените услугу", "thanks": "Спасибо!", "form": "Подать обращение",
           "received": "Ваше обращение получено", "status": "Ваше обращение по услуге",
           "find": "Узнать о ходе обращения", "tap": "2 — Плохо", "send": "Отправить",
           "complain": "Подать обращение", "show": "Показать статус"},
}


@pytest.fixture(autouse=True)
def empty_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def quick_survey(services, users):
    service = services["a"]
    service.name_en = f"Registering a birth in the {LONG_WORD}"
    service.name_ru = f"Регистрация рождения в системе {LONG_WORD}"
    service.save()
    admin = users["admin"]
    survey = feedback_services.survey_create(service=service, title="Quick", template="quick", actor=admin)
    survey = feedback_services.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                             status="live")
    selectors.public_surveys.forget()
    return survey


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("lang", ["en", "ru"])
def test_a_citizen_walks_the_survey_and_a_complaint(browser, live_server, quick_survey, assert_accessible, lang,
                                                    width):
    words = WORDS[lang]
    context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                  has_touch=width < 500, locale="ru-RU" if lang == "ru" else "en-GB")
    context.add_cookies([{"name": "django_language", "value": lang, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(30000)
    seen: list[str] = []

    def looks_right(heading: str) -> None:
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("lang") == lang, page.url
        assert heading in page.locator("h1").inner_text(), (page.url, page.locator("h1").inner_text())
        assert_accessible(page)
        overflow = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().left + e.scrollWidth > document.documentElement.clientWidth + 1)
            .slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + e.scrollWidth)""")
        assert overflow[0] <= overflow[1], f"{page.url} scrolls sideways at {width} px: {overflow} {wide}"
        seen.append(page.url)

    try:
        page.goto(f"{live_server.url}/feedback/s/{quick_survey.public_key}/")
        looks_right(words["survey"])
        assert page.locator("button.gcxw-tap").count() == 5  # one tap answers the first step
        page.get_by_role("button", name=words["tap"]).click()
        looks_right(words["survey"])  # a low rating brings "what went wrong?", optional
        assert Response.objects.get().is_partial  # the tap is stored even if the citizen leaves now
        page.locator("#q-what_went_wrong").fill("The queue took two hours.")
        page.get_by_role("button", name=words["send"], exact=True).click()
        page.wait_for_url("**/thanks/")
        looks_right(words["thanks"])
        completed = Response.objects.get()  # the Send completed the tapped response: one response
        assert not completed.is_partial and completed.answers.filter(question_key="what_went_wrong").exists()

        page.get_by_role("link", name=words["complain"]).click()
        looks_right(words["form"])
        page.get_by_role("button", name=words["send"], exact=True).click()  # nothing filled in: every error shown
        looks_right(words["form"])
        assert page.locator(".error-summary li").count() == 4  # text, name, an address, consent
        page.locator("#text").fill(f"I waited two hours; nobody explained why. {LONG_WORD}")
        page.locator("#name").fill("Анна Петрова")
        page.locator("#email").fill(EMAIL)
        page.locator("#consent").check()
        page.get_by_role("button", name=words["send"], exact=True).click()
        page.wait_for_url("**/complaints/received/**")
        looks_right(words["received"])
        number = Complaint.objects.get().number
        assert number in page.locator(".complaint-number").inner_text()

        page.locator(".private-link a").click()
        page.wait_for_url("**/complaints/status/**")
        looks_right(words["status"])

        page.goto(f"{live_server.url}/complaints/find/")
        looks_right(words["find"])
        page.locator("#number").fill(number.lower())
        page.locator("#email").fill(EMAIL)
        page.get_by_role("button", name=words["show"]).click()
        looks_right(words["status"])
        assert number in page.content()

        page.goto(f"{live_server.url}/complaints/new/")  # no survey: find the service by typing
        page.locator("#service_query").fill("svc")
        page.get_by_role("button", name=words["send"], exact=True).click()
        looks_right(words["form"])
        assert page.locator("input[name=service][type=radio]").count() >= 2  # several match: pick one
    finally:
        context.close()
    assert len(seen) == 10
