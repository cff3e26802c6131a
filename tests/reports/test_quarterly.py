"""The cross-service quarterly report (page, PDF, spreadsheet) and the e-mail subscription the worker sends."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from govcx.complaints.services import Author, complaint_submit
from govcx.feedback import services as feedback
from govcx.feedback.models import SurveyStatus
from govcx.outbox.models import Message
from govcx.outbox.services import messages_send
from govcx.reports.jobs import send_subscribed_reports
from govcx.reports.models import ReportAttachment, Subscription
from govcx.reports.services import subscriptions_send

QUARTER_DAY = dt.date(2026, 8, 15)  # 2026 Q3


@pytest.fixture
def quarter(services, users):
    admin = users["admin"]
    moment = dt.datetime(2026, 8, 15, 10, tzinfo=dt.UTC)
    for side, ratings in (("a", (5, 4, 3)), ("b", (2, 1))):
        survey = feedback.survey_create(service=services[side], title="CSAT", template="csat", actor=admin)
        survey = feedback.survey_update(survey=survey, expected_version=survey.version, actor=admin,
                                        status=SurveyStatus.LIVE, opened_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        for i, rating in enumerate(ratings):
            feedback.response_submit(survey=survey, submission=feedback.Submission(
                idempotency_key=f"q-{side}-{i:04d}", answers={"overall": rating}, submitted_at=moment,
                elapsed_seconds=60))
        complaint_submit(service=services[side], text="Slow.", received_on=QUARTER_DAY,
                         author=Author(name="Анна", email="anna@example.org", consent=True))
    return "2026Q3"


def test_the_report_lists_every_service_of_an_authority_with_its_figures(client_for, users, services, quarter,
                                                                        reference_data):
    client = client_for(users["admin"])
    page = client.get(f"/reports/quarterly/?quarter={quarter}").content.decode()
    assert "Quarterly report: all services, Q3 2026" in page
    assert "Service svc-a" in page and "Service svc-b" in page and "4.00" in page and "1.50" in page
    ministry = reference_data["ministry"].pk
    page = client.get(f"/reports/quarterly/?quarter={quarter}&organisation={ministry}").content.decode()
    assert "Service svc-a" in page and "Service svc-b" not in page


def test_an_owner_sees_only_its_own_services(client_for, users, quarter):
    page = client_for(users["owner_b"]).get(f"/reports/quarterly/?quarter={quarter}").content.decode()
    assert "Service svc-b" in page and "Service svc-a" not in page


def test_pdf_and_spreadsheet(client_for, users, quarter, pdf_text):
    client = client_for(users["admin"])
    pdf = client.get(f"/reports/quarterly/report.pdf?quarter={quarter}")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Service svc-a" in pdf_text(b"".join(pdf.streaming_content))
    xlsx = client.get(f"/reports/quarterly/report.xlsx?quarter={quarter}")
    rows = list(load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active.values)
    assert rows[0][:4] == ("service_code", "service", "responses", "mean_overall_rating")
    assert ("svc-a", 3, 4.0) == (rows[1][0], rows[1][2], rows[1][3])


def test_a_subscription_is_sent_through_the_outbox_weekly(client_for, users, quarter):
    admin = users["admin"]
    admin.email = "admin@example.gov"
    admin.save()
    client = client_for(admin)
    assert client.post("/reports/quarterly/subscribe/", {"organisation": "", "frequency": "weekly"}).status_code == 302
    monday = dt.date(2026, 11, 30)
    assert subscriptions_send(today=monday) == 1
    assert subscriptions_send(today=monday + dt.timedelta(days=2)) == 0  # once a week
    assert subscriptions_send(today=monday + dt.timedelta(days=7)) == 1
    message = Message.objects.filter(recipient="admin@example.gov").first()
    assert "/reports/quarterly/report.pdf?quarter=" in message.body and "Survey responses" in message.body
    assert client.post("/reports/quarterly/subscribe/", {"organisation": "", "frequency": ""}).status_code == 302
    assert not Subscription.objects.exists()


def test_the_job_sends_monthly_subscriptions_once_a_month(users, quarter, monkeypatch):
    owner = users["owner_a"]
    owner.email = "owner@example.gov"
    owner.save()
    Subscription.objects.create(user=owner, frequency="monthly")
    assert send_subscribed_reports(None) == {"reports": 1}
    assert send_subscribed_reports(None) == {"reports": 0}
    assert Message.objects.filter(recipient="owner@example.gov").count() == 1
    assert Subscription.objects.get().last_sent_on == timezone.localdate()


def test_a_user_without_e_mail_cannot_subscribe(client_for, users, quarter):
    reply = client_for(users["owner_a"]).post("/reports/quarterly/subscribe/", {"organisation": "",
                                                                                "frequency": "monthly"}, follow=True)
    assert "no e-mail address" in reply.content.decode() and not Subscription.objects.exists()


def test_each_subscriber_reads_the_e_mail_and_its_pdf_in_their_own_language(client_for, users, quarter, pdf_text,
                                                                            mailoutbox):
    english, russian = users["admin"], users["owner_b"]
    for user, address in ((english, "admin@example.gov"), (russian, "owner-b@example.gov")):
        user.email = address
        user.save()
    # the language of the page when subscribing is kept (the site's own language is English)
    client_for(english).post("/reports/quarterly/subscribe/", {"organisation": "", "frequency": "quarterly"})
    client_for(russian).post("/reports/quarterly/subscribe/", {"organisation": "", "frequency": "weekly"},
                             headers={"accept-language": "ru"})
    assert dict(Subscription.objects.values_list("user__username", "language")) == {"admin": "en", "owner-b": "ru"}
    first_of_quarter = dt.date(2026, 10, 1)
    assert subscriptions_send(today=first_of_quarter) == 2
    assert subscriptions_send(today=first_of_quarter + dt.timedelta(days=5)) == 1  # a Monday: only the weekly
    assert subscriptions_send(today=dt.date(2027, 1, 1)) == 2  # the next quarter
    Message.objects.exclude(key__endswith=first_of_quarter.isoformat()).delete()
    assert messages_send().sent == 2
    mails = {mail.to[0]: mail for mail in mailoutbox}
    en, ru = mails["admin@example.gov"], mails["owner-b@example.gov"]
    assert en.subject.startswith("Quarterly report, Q3 2026") and "Survey responses: 5" in en.body
    assert ru.subject.startswith("Квартальный отчёт") and "Ответов на опросы: 2" in ru.body
    assert "Survey responses" not in ru.body
    (en_name, en_pdf, en_type), = en.attachments
    (ru_name, ru_pdf, ru_type), = ru.attachments
    assert en_type == ru_type == "application/pdf" and en_name.endswith(".pdf")
    assert "Quarterly report: all services" in pdf_text(en_pdf) and "Service svc-a" in pdf_text(en_pdf)
    ru_text = pdf_text(ru_pdf)
    assert "Квартальный отчёт: все услуги" in ru_text and "Услуга svc-b" in ru_text and "Service svc-a" not in ru_text
    assert ReportAttachment.objects.count() == 5  # kept for the outbox's retries, erased after ATTACHMENT_DAYS
