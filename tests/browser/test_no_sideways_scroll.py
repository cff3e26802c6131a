"""No page scrolls sideways on a phone (390 px) or a desktop (1366 px), with the demo data and with hostile data:
words longer than a phone is wide, long addresses, a survey with 20 questions (20 columns of answers).

Every URL pattern of tests/pages.py is loaded once at each width in one browser, reusing one tab; the page is in
Russian, whose words are the longer.
"""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from tests import pages

from govcx.accounts.models import User
from govcx.complaints.models import Complaint
from govcx.demo import build_demo
from govcx.feedback import services as feedback
from govcx.feedback.models import Response, SurveyStatus
from govcx.lab.models import Finding, Study
from govcx.registry.models import Organisation, Service
from govcx.standards.models import Adjustment

pytestmark = [pytest.mark.browser, pytest.mark.one_database, pytest.mark.django_db(transaction=True)]

WIDTHS = (390, 1366)
LONG_WORD = "Государственнаяинформационнаясистемаобеспеченияпредоставлениягосударственныхуслуг" * 2
LONG_URL = "https://portal.example.gov.ru/services/" + "very-long-path-segment/" * 12 + "?q=" + "x" * 120


#: The element reaching furthest right, to name in a failure.
WIDEST = """() => { let worst = null, right = window.innerWidth;
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect().right;
    if (r > right) { right = r; worst = el; } }
  return worst ? worst.tagName + '.' + worst.className + ' ' + Math.round(right) : ''; }"""


def make_hostile(values: dict[str, object], admin: User) -> str:
    """Long words and addresses in the records the pages show; returns the URL of a survey with 20 questions."""
    service = Service.objects.get(pk=values["service_id"])
    Service.objects.filter(pk=service.pk).update(
        name_ru=f"Услуга {LONG_WORD}", name_en=f"Service {LONG_WORD}", description_ru=f"{LONG_WORD} {LONG_URL}",
        page_urls=[LONG_URL], feedback_url=LONG_URL, legal_basis=LONG_WORD)
    Organisation.objects.filter(pk=service.owner_id).update(name_ru=f"Ведомство {LONG_WORD}")
    Study.objects.filter(pk=values["study_id"]).update(title=f"Исследование {LONG_WORD}")
    Finding.objects.filter(pk=values["finding_id"]).update(title=LONG_WORD, recommendation=LONG_URL)
    Complaint.objects.filter(pk=values["complaint_id"]).update(text=f"{LONG_WORD} {LONG_URL}")
    Response.objects.filter(case__pk=values["case_id"]).update(comment=f"{LONG_WORD} {LONG_URL}")
    Adjustment.objects.filter(pk=values["adjustment_id"]).update(action=f"{LONG_WORD} {LONG_URL}")
    questions = [{"key": f"q{i:02d}", "type": "rating", "required": False, "scale_min": 1, "scale_max": 5,
                  "label": {"en": f"Question {i} {LONG_WORD}", "ru": f"Вопрос {i} {LONG_WORD}"}} for i in range(20)]
    survey = feedback.survey_create(service=service, title=LONG_WORD, actor=admin, definition={
        "title": {"en": LONG_WORD, "ru": LONG_WORD}, "questions": questions})
    survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                    status=SurveyStatus.LIVE)
    feedback.response_submit(survey=survey, submission=feedback.Submission(
        idempotency_key="wide-0001", answers={q["key"]: 3 for q in questions}, elapsed_seconds=30,
        submitted_at=timezone.now()))
    return f"/feedback/surveys/{survey.pk}/"


def test_no_page_scrolls_sideways(browser, live_server):
    with override_settings(DEMO_FEEDBACK_RESPONSES=200):
        build_demo()
    admin = User.objects.get(username="admin")
    values = pages.page_values(admin)
    wide_survey = make_hostile(values, admin)
    urls = [url.replace(str(values["token"]), str(values["take_token"])) if name == "lab:take" else url
            for name, url in pages.page_urls(values)[0]] + [wide_survey]
    readers = pages.readers(admin)
    clients = []
    for user in readers:
        clients.append(Client())
        clients[-1].force_login(user)
    by_reader: dict[int, list[str]] = {}
    for url in urls:
        statuses = []
        for index, client in enumerate(clients):  # noqa: B007 - the reader found is used after the loop
            statuses.append(client.get(url).status_code)
            if statuses[-1] not in (403, 404):
                break
        assert statuses[-1] in (200, 405), f"{url}: HTTP {statuses}"
        if statuses[-1] == 200:  # not an action answering POST only
            by_reader.setdefault(index, []).append(url)
    overflowing = []
    for index, reader_urls in by_reader.items():
        context = browser.new_context(locale="ru-RU")
        context.add_cookies([{"name": "sessionid", "value": clients[index].cookies["sessionid"].value,
                              "url": live_server.url}])
        page = context.new_page()
        page.set_default_timeout(20000)
        try:
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                for url in reader_urls:
                    page.goto(f"{live_server.url}{url}")
                    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
                    if sizes[0] > sizes[1]:
                        overflowing.append(f"{width}px {url}: {sizes[0]} > {sizes[1]} ({page.evaluate(WIDEST)})")
        finally:
            context.close()
    assert overflowing == [], "\n".join(overflowing)
