"""The lab in real Chromium: a researcher runs moderated sessions for two participants from the keyboard, a
participant completes an unmoderated session on a phone, and the report shows the verdict; every lab page
visited passes axe, in English and in Russian."""

from __future__ import annotations

import re

import pytest

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.lab.models import Attempt, Observation, QuestionnaireResponse, SessionStatus
from govcx.lab.services import finding as finding_services
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.registry.models import Organisation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def researcher(users, password):
    organisation = Organisation.objects.create(code="lab-centre", name_en="Usability Lab", name_ru="Лаборатория",
                                               level="federal")
    return User.objects.create_user(username="researcher", password=password, role=Role.LAB_RESEARCHER,
                                    organisation=organisation)


@pytest.fixture
def study(services, researcher, users):
    study = study_services.study_create(actor=researcher, service=services["a"], lab=researcher.organisation,
                                        title="Birth allowance, beta", use_sus=True, use_seq=True)
    study = study_services.study_owner_consent(actor=users["owner_a"], study=study, give=True)  # min-a's service
    study_services.task_create(actor=researcher, study=study, key="find", title="Find the application", order=1,
                               critical_path=True, scenario="Your child was born last week. Find where to apply.",
                               success_criteria="Reaches the form")
    study_services.task_create(actor=researcher, study=study, key="apply", title="Fill in the application", order=2,
                               critical_path=True, scenario="Apply for the allowance.",
                               success_criteria="Submits the form")
    return study


def participant(study, researcher, name, mode="moderated"):
    person = participant_services.participant_recruit(actor=researcher, study=study, full_name=name)
    participant_services.consent_record(actor=researcher, participant=person, text_version="v1",
                                        recording_allowed=True)
    return session_services.session_schedule(actor=researcher, study=study, participant=person, mode=mode,
                                             moderator=researcher if mode == "moderated" else None)


def sign_in(page, live_server, username, password):
    page.set_default_timeout(30000)  # the machine running the suite may be busy; a real hang still fails
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def run_task_from_the_keyboard(page, outcome_key: str, observation: str) -> None:
    keyboard = page.keyboard
    keyboard.press("Space")  # start the timer
    page.wait_for_timeout(600)
    keyboard.press("Space")  # stop it
    assert page.locator("#seconds").input_value() not in ("", "0.0")
    keyboard.press("e")  # one error
    keyboard.press("o")  # write an observation
    assert page.evaluate("document.activeElement.id") == "observation-text"
    keyboard.type(observation)  # its letters (n, e, a, p, 1 …) must not act as shortcuts while typing
    keyboard.press("Enter")
    page.locator("#observation-list li", has_text=observation).wait_for()
    page.keyboard.press("Escape")
    keyboard.press(outcome_key)  # the outcome, saved at once
    page.locator("#save-status [data-version]").wait_for()


def test_moderated_sessions_from_the_keyboard_then_a_phone_participant_then_the_verdict(
        browser, page, live_server, researcher, study, password, assert_accessible):
    sessions = [participant(study, researcher, "Anna Ivanova"), participant(study, researcher, "John Smith")]
    sign_in(page, live_server, "researcher", password)
    page.get_by_role("link", name="Lab", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name=study.title).click()
    assert_accessible(page)

    for number, session in enumerate(sessions):
        page.goto(f"{live_server.url}/lab/sessions/{session.pk}/")
        assert_accessible(page)
        page.get_by_role("button", name="Start session").focus()
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        page.locator("#main").focus()  # where the page puts a keyboard user after a reload
        run_task_from_the_keyboard(page, "1", f"P0{number + 1} scrolled past the link")
        assert_accessible(page)
        page.keyboard.press("n")
        page.wait_for_url(re.compile(r"\?task=\d+$"))
        page.locator("#main").focus()
        run_task_from_the_keyboard(page, "3" if number == 0 else "1", "Typed the date in the wrong format")
        page.get_by_role("button", name="Finish session").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(f"**/lab/studies/{study.pk}/#sessions")

    attempts = Attempt.objects.filter(session__in=sessions).order_by("session_id", "task__order")
    assert [a.outcome for a in attempts] == ["success", "failure", "success", "success"]
    assert all(a.seconds > 0 and a.errors == 1 for a in attempts)
    assert Observation.objects.filter(session__in=sessions, at_seconds__isnull=False).count() == 4
    assert all(s.status == SessionStatus.COMPLETED for s in type(sessions[0]).objects.filter(study=study))

    # A participant takes the unmoderated session by a personal link on a phone, without signing in.
    remote = participant(study, researcher, "Olga Petrova", mode="unmoderated")
    _, token = session_services.session_link_issue(actor=researcher, session=remote, valid_days=7)
    phone = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    take = phone.new_page()
    take.set_default_timeout(30000)
    take.goto(f"{live_server.url}/lab/take/{token}/")
    assert_accessible(take)
    take.get_by_label("I have read the above and agree to take part").check()
    take.get_by_role("button", name="Begin").click()
    for _ in range(2):
        take.get_by_role("button", name="Start").wait_for()
        assert_accessible(take)
        take.get_by_role("button", name="Start").click()
        take.get_by_role("button", name="I've done it").click()
        take.get_by_role("group", name="Overall, how difficult or easy was the task to complete?").wait_for()
        assert_accessible(take)
        take.get_by_label("6", exact=True).check()
        take.get_by_role("button", name="Next").click()
    take.get_by_role("heading", name="A few last questions").wait_for()
    assert_accessible(take)
    assert take.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    for item in take.get_by_role("group").all():
        item.get_by_label("4", exact=True).check()
    take.get_by_role("button", name="Send my answers").click()
    take.get_by_role("heading", name="Thank you").wait_for()
    assert_accessible(take)
    phone.close()
    remote.refresh_from_db()
    assert remote.status == SessionStatus.COMPLETED
    assert QuestionnaireResponse.objects.get(session=remote).answers == [4] * 10
    assert Attempt.objects.filter(session=remote, outcome="success", seq=6).count() == 2

    # The report: 3 of 3 found the application, 2 of 3 filled it in; both tasks are on the critical path with the
    # 78 % benchmark, so the lower bounds (90 %, adjusted Wald) fall below it: not ready.
    page.goto(f"{live_server.url}/lab/studies/{study.pk}/report/")
    assert page.locator("#verdict-label").inner_text() == "Not ready"
    assert page.locator("#verdict li").count() == 2
    assert page.locator("figure.chart svg").count() == 2  # completion and times (SUS needs two answers)
    assert_accessible(page)


def test_lab_pages_are_accessible_in_russian(page, live_server, researcher, study, password, assert_accessible):
    moderated = participant(study, researcher, "Анна Иванова")
    session_services.session_start(actor=researcher, session=moderated)
    observation = finding_services.observation_add(actor=researcher, session=moderated, text="Не нашла кнопку",
                                                   at_seconds=30,
                                                   task=study.tasks.first(), tags=["навигация"])
    finding = finding_services.observation_merge(actor=researcher, observations=[observation], title="Кнопку не видно",
                                                 severity=3)
    remote = participant(study, researcher, "Пётр Петров", mode="unmoderated")
    _, token = session_services.session_link_issue(actor=researcher, session=remote, valid_days=7)
    sign_in(page, live_server, "researcher", password)
    page.get_by_role("button", name="Русский").click()
    page.wait_for_load_state()
    person = moderated.participant_id
    for path in ("/lab/", f"/lab/studies/{study.pk}/", f"/lab/studies/{study.pk}/edit/", "/lab/studies/new/",
                 f"/lab/studies/{study.pk}/tasks/new/", f"/lab/studies/{study.pk}/participants/new/",
                 f"/lab/participants/{person}/", f"/lab/participants/{person}/withdraw/",
                 f"/lab/participants/{person}/consent/", f"/lab/participants/{person}/incentives/",
                 f"/lab/sessions/{moderated.pk}/", f"/lab/sessions/{remote.pk}/",
                 f"/lab/studies/{study.pk}/findings/", f"/lab/findings/{finding.pk}/",
                 f"/lab/findings/{finding.pk}/edit/", f"/lab/studies/{study.pk}/report/",
                 f"/lab/studies/{study.pk}/import/", f"/lab/take/{token}/", "/lab/take/thanks/",
                 "/lab/take/unknown-link-0123456789-abcdefghijklmnopqrstuv/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == "ru"
        assert_accessible(page)
