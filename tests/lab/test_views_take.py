"""The participant's own page of an unmoderated session: no sign-in, one step at a time, timed by the server,
and a clear page (404/410) for a link that cannot be used."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from govcx.lab.models import Attempt, QuestionnaireResponse, Session, SessionStatus
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services

pytestmark = pytest.mark.django_db


def unmoderated(study, researcher, code=""):
    person = participant_services.participant_recruit(actor=researcher, study=study, code=code,
                                                      screener_answers={"applied_before": "no"},
                                                      full_name=f"Person {code}")
    session = session_services.session_schedule(actor=researcher, study=study, participant=person, mode="unmoderated")
    return session_services.session_link_issue(actor=researcher, session=session, valid_days=7)


def text(response) -> str:
    return response.content.decode()


def test_participant_walks_through_consent_tasks_ease_and_questionnaire(study, researchers):
    session, token = unmoderated(study, researchers["lab"])
    url = f"/lab/take/{token}/"
    browser = Client()  # no sign-in
    welcome = browser.get(url)
    assert welcome.status_code == 200 and "agree to take part" in text(welcome)
    assert "Person" not in text(welcome)  # the page never shows who the link belongs to
    assert browser.post(url, {"action": "consent"}).status_code == 422  # the box must be ticked
    assert not hasattr(session.participant, "consent")
    browser.post(url, {"action": "consent", "agree": "on"})
    session.refresh_from_db()
    assert session.status == SessionStatus.IN_PROGRESS
    session.participant.refresh_from_db()
    assert session.participant.consent.text_version == "online-v1"  # recorded, with the text's version

    for index, task in enumerate(study.tasks.all()):
        page = text(browser.get(url))
        assert task.title in page and f"Task {index + 1} of 3" in page
        browser.post(url, {"action": "start"})
        # The server keeps the start; pretend the participant worked for 42 seconds.
        key = f"lab-take:{session.pk}:{task.key}"
        store = browser.session
        store[key] = (timezone.now() - timedelta(seconds=42)).isoformat()
        store.save()
        assert "I gave up" in text(browser.get(url))
        browser.post(url, {"action": "done" if index < 2 else "gave_up"})
        assert "how difficult or easy" in text(browser.get(url))
        browser.post(url, {"action": "seq", "seq": str(5 + index % 2)})

    attempts = list(Attempt.objects.filter(session=session).order_by("task__order"))
    assert [a.outcome for a in attempts] == ["success", "success", "abandoned"]
    assert all(41.5 <= a.seconds <= 60 for a in attempts) and [a.seq for a in attempts] == [5, 6, 5]

    questionnaire = browser.get(url)
    assert "I thought the system was easy to use." in text(questionnaire)
    incomplete = browser.post(url, {"action": "questionnaire", "sus_1": "4"})
    assert incomplete.status_code == 422 and "There is a problem" in text(incomplete)
    answers = {f"sus_{i}": str(4 if i % 2 else 2) for i in range(1, 11)}
    done = browser.post(url, {"action": "questionnaire", **answers})
    assert done.status_code == 302 and done["Location"] == "/lab/take/thanks/"
    assert QuestionnaireResponse.objects.get(session=session).answers == [4, 2] * 5
    session.refresh_from_db()
    assert session.status == SessionStatus.COMPLETED
    again = browser.get(url)
    assert again.status_code == 410 and "already taken part" in text(again)


def test_time_is_measured_by_the_server_not_posted(study, researchers):
    session, token = unmoderated(study, researchers["lab"])
    url = f"/lab/take/{token}/"
    browser = Client()
    browser.post(url, {"action": "consent", "agree": "on"})
    browser.post(url, {"action": "start"})
    browser.post(url, {"action": "done", "seconds": "1"})
    assert Attempt.objects.get(session=session).seconds < 5  # the posted "1" is ignored; no time has passed


def test_a_step_out_of_order_changes_nothing(study, researchers):
    session, token = unmoderated(study, researchers["lab"])
    url = f"/lab/take/{token}/"
    browser = Client()
    assert browser.post(url, {"action": "done"}).status_code == 302  # not started: shown the current step
    assert not Attempt.objects.exists()
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_unknown_expired_and_closed_links_get_a_clear_page(study, researchers):
    browser = Client()
    unknown = browser.get("/lab/take/not-a-real-token-at-all-0123456789abcdefghij/")
    assert unknown.status_code == 404 and "does not work" in text(unknown)
    session, token = unmoderated(study, researchers["lab"])
    Session.objects.filter(pk=session.pk).update(link_expires_at=timezone.now() - timedelta(minutes=1))
    expired = browser.get(f"/lab/take/{token}/")
    assert expired.status_code == 410 and "has expired" in text(expired)
    assert browser.post(f"/lab/take/{token}/", {"action": "consent", "agree": "on"}).status_code == 410
    Session.objects.filter(pk=session.pk).update(link_expires_at=timezone.now() + timedelta(days=1))
    study_services.study_close(actor=researchers["lab"], study=study)
    closed = browser.get(f"/lab/take/{token}/")
    assert closed.status_code == 410 and "has closed" in text(closed)


def test_a_link_reaches_its_own_session_only(study, researchers):
    first, first_token = unmoderated(study, researchers["lab"], code="P01")
    second, _ = unmoderated(study, researchers["lab"], code="P02")
    browser = Client()
    url = f"/lab/take/{first_token}/"
    browser.post(url, {"action": "consent", "agree": "on"})
    browser.post(url, {"action": "start"})
    browser.post(url, {"action": "done"})
    assert Attempt.objects.filter(session=first).count() == 1
    assert not Attempt.objects.filter(session=second).exists()
    second.refresh_from_db()
    assert second.status == SessionStatus.PLANNED


def test_the_page_speaks_russian(study, researchers):
    _, token = unmoderated(study, researchers["lab"])
    browser = Client()
    browser.post("/i18n/setlang/", {"language": "ru", "next": f"/lab/take/{token}/"})
    page = browser.get(f"/lab/take/{token}/")
    assert '<html lang="ru">' in text(page)


def test_guessing_personal_links_is_throttled_per_address_with_retry_after(study, researchers):
    from govcx.lab.take_views import UNKNOWN_LINKS_PER_WINDOW

    _session, token = unmoderated(study, researchers["lab"])
    guesser, other = Client(REMOTE_ADDR="203.0.113.7"), Client(REMOTE_ADDR="203.0.113.8")
    for attempt in range(UNKNOWN_LINKS_PER_WINDOW):
        assert guesser.get(f"/lab/take/guess-{attempt}/").status_code == 404
    refused = guesser.get("/lab/take/guess-next/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many attempts" in text(refused)
    # once over the limit, even a real link is not answered from that address: guessing cannot confirm a hit
    real = guesser.get(f"/lab/take/{token}/")
    assert real.status_code == 429 and "Person" not in text(real)
    assert guesser.post(f"/lab/take/{token}/", {"action": "consent", "agree": "on"}).status_code == 429
    # another address, and a participant who opens a real link, are not affected
    assert other.get(f"/lab/take/{token}/").status_code == 200
    assert other.get("/lab/take/guess-x/").status_code == 404


def test_real_links_do_not_use_up_the_allowance(study, researchers):
    from govcx.lab.take_views import UNKNOWN_LINKS_PER_WINDOW

    _session, token = unmoderated(study, researchers["lab"])
    participant = Client(REMOTE_ADDR="198.51.100.5")
    for _ in range(UNKNOWN_LINKS_PER_WINDOW * 2):
        assert participant.get(f"/lab/take/{token}/").status_code == 200
