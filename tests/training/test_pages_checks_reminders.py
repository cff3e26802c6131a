"""Training pages, exports, the attitude results with small-group suppression, the standards' checks and the
reminders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from govcx.outbox.models import Message
from govcx.training.models import AttitudeAnswer, AttitudeItem, Person, Reminder
from govcx.training.selectors import attitude_results, coverage
from govcx.training.services.completions import attendance_record
from govcx.training.services.programme import questionnaire_seed
from govcx.training.services.reminders import reminders_create


@pytest.fixture
def signed_in(officer):
    client = Client()
    client.force_login(officer)
    return client


def test_pages_and_exports(signed_in, programme, staff):
    for url in ("/training/", f"/training/{programme.pk}/", f"/training/{programme.pk}/?by=region",
                f"/training/{programme.pk}/?by=position_category", f"/training/{programme.pk}/people/",
                f"/training/{programme.pk}/courses/", f"/training/{programme.pk}/attitudes/",
                f"/training/{programme.pk}/roster/"):
        response = signed_in.get(url)
        assert response.status_code == 200, url
    csv = b"".join(signed_in.get(f"/training/{programme.pk}/coverage.csv").streaming_content).decode("utf-8-sig")
    assert "Ministry A" in csv and "Agency A1" in csv
    assert signed_in.get(f"/training/{programme.pk}/coverage.xlsx").status_code == 200
    assert signed_in.get(f"/training/{programme.pk}/coverage.doc").status_code == 404
    fragment = signed_in.get(f"/training/{programme.pk}/?by=region", HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content


def test_pdf_export(signed_in, programme, staff, pdf_text):
    response = signed_in.get(f"/training/{programme.pk}/coverage.pdf")
    assert response.status_code == 200
    assert "Ministry A" in pdf_text(b"".join(response.streaming_content))


def test_roster_and_attendance_forms(signed_in, programme, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("staff.csv", b"person_id,organisation,position_category,started_on\nx,nowhere,manager,"
                             b"2020-01-01\n")
    response = signed_in.post(f"/training/{programme.pk}/roster/", {"file": bad}, follow=True)
    assert "is not an organisation of this programme" in response.content.decode()
    course = programme.courses.get(code="basics")
    response = signed_in.post(f"/training/{programme.pk}/attendance/",
                              {"course": course.pk, "held_on": "2025-03-01", "people": "p003\np004"}, follow=True)
    assert response.status_code == 200
    assert Person.objects.get(person_key="p003").trained_on == dt.date(2025, 3, 1)


def test_coverage_groups_and_forecast(programme, officer, staff):
    attendance_record(actor=officer, course=programme.courses.get(code="basics"),
                      person_keys=[f"p{i:03d}" for i in range(3, 8)], held_on=timezone.localdate())
    rows = {r.key: r.forecast for r in coverage(programme, by="position_category", today=timezone.localdate())}
    assert rows["specialist"].people == 9 and rows["specialist"].trained == 5
    assert rows["specialist"].trained_in_window == 5 and rows["manager"].trained == 0


def test_attitudes_are_hidden_below_ten_people(programme, officer, staff):
    questionnaire_seed(actor=officer, programme=programme)
    item = AttitudeItem.objects.get(programme=programme, code="cf_needs")
    today = timezone.localdate()
    for i in range(12):
        AttitudeAnswer.objects.create(item=item, person_key=f"p{i:03d}", wave="pre", value=2, answered_on=today)
        if i < 9:
            AttitudeAnswer.objects.create(item=item, person_key=f"p{i:03d}", wave="post", value=4,
                                          answered_on=today)
    rows = {r.code: r for r in attitude_results(programme)}
    assert rows["cf_needs"].post is None  # nine pairs: never shown
    AttitudeAnswer.objects.create(item=item, person_key="p009", wave="post", value=3, answered_on=today)
    rows = {r.code: r for r in attitude_results(programme)}
    assert rows["cf_needs"].post is not None and rows["cf_needs"].post.n == 10
    assert rows["cf_needs"].post.share_improved == 1.0


def test_checks_feed_the_model_standard(programme, officer, staff, services):
    from govcx.standards.checks import CheckContext, ServiceFacts, run_check
    from govcx.standards.scoring import OutcomeStatus

    attendance_record(actor=officer, course=programme.courses.get(code="basics"),
                      person_keys=[f"p{i:03d}" for i in range(4, 12, 2)], held_on=timezone.localdate())
    service = services["a"]
    facts = ServiceFacts(id=service.pk, code=service.code, stage="live", channels=(), client_categories=(),
                         deadline_days=None, deadline_kind="", fee=0, legal_basis="", page_urls=(), feedback_url="")
    result = run_check("training.coverage", CheckContext(service=facts, params={"min_share": 0.9}))
    assert result.status == OutcomeStatus.NOT_MET and "of" in (result.value or "")
    on_track = run_check("training.on_track", CheckContext(service=facts))
    assert on_track.status in (OutcomeStatus.MET, OutcomeStatus.NOT_MET)


def test_reminders_before_the_deadline_and_on_mondays(programme, officer, staff):
    day = programme.deadline_on - dt.timedelta(days=30)
    report = reminders_create(today=day)
    assert report.people == 12 and report.managers == 1
    assert reminders_create(today=day).people == 12  # made again the same day: stored once
    assert Reminder.objects.filter(kind="person").count() == 12
    queued = Message.objects.filter(key__startswith=f"training:{programme.pk}:{day:%Y%m%d}:")
    assert queued.filter(key__contains=":person:").count() == 12
    assert queued.filter(key__contains=":manager:").count() == 1
    monday = dt.date(2026, 11, 30)
    assert monday.weekday() == 0
    assert reminders_create(today=monday).summaries == 1  # the officer has an e-mail
    assert Message.objects.filter(key__contains=":summary:").count() == 1
