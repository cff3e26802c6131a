"""The feedback widget embedded in a plain page on another origin under a strict CSP, answered from the keyboard;
and the public survey page on a phone, in English and Russian."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from django.core.cache import cache

import govcx.urls  # noqa: F401  (loaded here, not inside the widget's first request to the live server)
from govcx.feedback import selectors
from govcx.feedback import services as feedback_services
from govcx.feedback.models import Response

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]



@pytest.fixture
def live_survey(services, users, visit_survey_definition):
    admin = users["admin"]
    survey = feedback_services.survey_create(service=services["a"], title="Visit survey",
                                             definition=visit_survey_definition,
                                             actor=admin)
    survey = feedback_services.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                             status="live")
    selectors.public_surveys.forget()
    return survey


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.fixture(autouse=True)
def empty_rate_limits():
    """Rate-limit counters live in the cache, which outlives each test's database (and reuses survey ids)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def host_site(live_server, live_survey) -> Iterator[Callable[[str], str]]:
    """host_site(lang) -> the address of a ministry's page on another origin that embeds the widget and whose
    Content-Security-Policy allows nothing but the govcx origin."""
    govcx = origin_of(live_server.url)
    policy = (f"default-src 'none'; script-src {govcx}; style-src {govcx}; connect-src {govcx}; "
              f"img-src {govcx}")

    class HostPage(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            lang = "ru" if self.path.startswith("/ru/") else "en"
            body = (
                f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>Ministry of Examples</title>'
                '</head><body><main><h1>Register a birth</h1><p>Tell us how it went.</p>'
                f'<script src="{govcx}/static/govcx/feedback-widget.js" data-survey="{live_survey.public_key}" '
                'data-office="MFC-7" async></script></main></body></html>'
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), HostPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield lambda lang: f"http://127.0.0.1:{server.server_address[1]}/{lang}/services/birth"
    server.shutdown()
    server.server_close()


@pytest.fixture
def csp_violations(page) -> list[str]:
    """Every Content-Security-Policy violation the page reports, from the DOM event and from the console."""
    found: list[str] = []
    page.expose_function("reportViolation", lambda violation: found.append(violation))
    page.add_init_script("document.addEventListener('securitypolicyviolation', "
                         "e => window.reportViolation(e.violatedDirective + ' ' + e.blockedURI));")
    page.on("console", lambda m: found.append(m.text) if "Content Security Policy" in m.text else None)
    return found


def focused(page) -> str:
    """What has the keyboard focus: the control's type and value, or its text for a button."""
    return page.evaluate("(() => { const e = document.activeElement; "
                         "return e.tagName === 'BUTTON' ? 'button ' + e.textContent : e.type + ' ' + e.value; })()")


def press(page, key: str, expect_focus: str) -> None:
    page.keyboard.press(key)
    assert focused(page) == expect_focus, f"after {key}"


def test_widget_is_answered_from_the_keyboard_under_a_strict_csp(page, host_site, csp_violations, assert_accessible):
    page.goto(host_site("en"))
    page.wait_for_selector(".gcxw[data-state=ready]")
    assert_accessible(page)

    press(page, "Tab", "radio 1")
    press(page, "ArrowRight", "radio 2")  # arrows move and select within the scale: 2 shows "what went wrong"
    page.get_by_text("Your rating is saved.").wait_for()  # the chosen rating is stored at once, as a partial
    tapped = Response.objects.get()
    assert tapped.is_partial and list(tapped.answers.values_list("question_key", "value")) == [("overall", 2.0)]
    press(page, "Tab", "textarea ")
    page.keyboard.type("The queue was long")
    press(page, "Tab", "radio online")
    press(page, "ArrowDown", "radio office")  # "In an office" shows the thumbs question
    press(page, "Tab", "checkbox passport")
    page.keyboard.press("Space")
    press(page, "Tab", "checkbox certificate")
    press(page, "Tab", "checkbox none")
    press(page, "Tab", "radio yes")
    press(page, "Tab", "radio up")
    press(page, "Tab", "button Send")
    page.keyboard.press("Enter")  # "did you get what you needed?" is required and unanswered

    error = page.get_by_text("Answer this question.")
    error.wait_for()
    assert focused(page) == "radio yes"  # focus moves to the first question to fix
    described_by = page.evaluate("document.activeElement.getAttribute('aria-describedby')")
    assert error.get_attribute("id") in described_by.split()
    assert page.locator(".gcxw-status").inner_text() == "Some answers need your attention."
    assert_accessible(page)

    page.keyboard.press("Space")
    press(page, "Tab", "radio up")
    page.keyboard.press("Space")
    press(page, "Tab", "button Send")
    page.keyboard.press("Enter")
    page.wait_for_selector(".gcxw[data-state=sent]")
    assert page.evaluate("document.activeElement.textContent") == "Thank you!"
    assert_accessible(page)

    stored = Response.objects.get()  # the Send completed the partial response: one response, counted once
    assert stored.pk == tapped.pk and not stored.is_partial
    assert stored.channel == "widget"
    assert stored.context == {"channel": "widget", "page": "/en/services/birth", "office": "MFC-7"}
    assert stored.language == "en"
    answers = {a.question_key: (a.value, a.text) for a in stored.answers.all()}
    assert answers["overall"][0] == 2 and answers["got_result"][0] == 1 and answers["staff_helpful"][0] == 1
    assert "The queue was long" in answers["what_went_wrong"][1]
    assert not csp_violations


def test_a_lost_answer_is_retried_with_the_same_key_and_stored_once(page, host_site, csp_violations):
    sent_keys: list[str] = []

    def lose_the_first_answer(route):
        if route.request.method != "POST" or route.request.post_data_json.get("partial"):
            return route.continue_()  # the rating stored at the tap; this test loses the Send
        sent_keys.append(route.request.post_data_json["idempotency_key"])
        if len(sent_keys) == 1:
            route.fetch()  # the server stores it ...
            return route.abort("connectionreset")  # ... but the browser never hears back
        return route.continue_()

    page.route("**/api/feedback/public/responses", lose_the_first_answer)
    page.goto(host_site("ru"))  # the page's language chooses the widget's
    page.wait_for_selector(".gcxw[data-state=ready]")
    page.get_by_label("5 — Очень доволен", exact=True).check()
    page.get_by_label("Да", exact=True).check()
    page.get_by_role("button", name="Отправить").click()
    page.wait_for_selector(".gcxw[data-state=sent]", timeout=20000)

    assert page.get_by_role("heading", name="Спасибо!").is_visible()
    assert len(sent_keys) == 2 and sent_keys[0] == sent_keys[1]
    stored = Response.objects.get()
    assert stored.language == "ru" and stored.idempotency_key == sent_keys[0]
    assert not csp_violations


@pytest.mark.parametrize("language", ["English", "Русский"])
def test_public_survey_page_on_a_phone_is_accessible(browser, live_server, live_survey, assert_accessible, language):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True,
                                  locale="en-GB")
    phone = context.new_page()
    try:
        phone.goto(f"{live_server.url}/feedback/s/{live_survey.public_key}/?office=MFC-7&channel=office")
        phone.get_by_role("button", name=language).click()
        phone.wait_for_load_state()
        expected = "ru" if language == "Русский" else "en"
        assert phone.locator("html").get_attribute("lang") == expected
        assert_accessible(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375  # no sideways scrolling

        phone.locator("#q-overall-4").click()  # one tap on the rating stores it and opens the next step
        phone.wait_for_load_state()
        assert "5" in phone.locator("#q-overall").inner_text() and Response.objects.get().is_partial
        phone.locator(".gcxw-send").click()  # the required question left unanswered: its error next to it
        phone.wait_for_load_state()
        assert phone.locator(".gcxw-error").count() == 1
        assert_accessible(phone)
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375

        phone.locator("label[for=q-got_result-0]").click()
        phone.locator(".gcxw-send").click()
        phone.wait_for_url("**/thanks/")
        assert_accessible(phone)
        assert Response.objects.get().context["office"] == "MFC-7"
    finally:
        context.close()


def test_office_poster_is_accessible(page, live_server, live_survey, assert_accessible):
    page.goto(f"{live_server.url}/feedback/s/{live_survey.public_key}/poster/?office=MFC-7")
    assert page.locator("img.poster-qr").evaluate("img => img.complete && img.naturalWidth > 0")
    assert_accessible(page)
