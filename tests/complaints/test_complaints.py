"""Complaint use cases: deadlines through the service, routing, the handlers' actions with optimistic locking,
overdue status, reminders once a day, the standards check and the command line."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core import mail
from django.core.management import call_command

from govcx.accounts.services import audit_history
from govcx.complaints.models import Complaint, RoutingRule
from govcx.complaints.selectors import complaint_by_token, complaint_route, complaint_status, reminders_due
from govcx.complaints.services import (
    complaint_answer,
    complaint_extend,
    complaint_take,
    reminders_send,
    routing_rule_delete,
    routing_rule_save,
)
from govcx.errors import Conflict, Invalid, NotFound
from govcx.registry.models import Organisation
from govcx.standards.checks import CheckContext, param_errors, run_check
from govcx.standards.scoring import OutcomeStatus
from govcx.standards.selectors import service_facts

TODAY = dt.date(2025, 5, 2)  # a Friday; 30 calendar days later is Sunday 1 June 2025


# --- deadlines, through the service ---


def test_calendar_deadline_on_a_sunday_moves_to_monday(submit):
    complaint, _token = submit(received_on=TODAY)
    assert complaint.day_kind == "calendar"
    assert complaint.due_on == dt.date(2025, 6, 2)


def test_working_day_deadline_skips_the_new_year_holidays(submit, settings):
    settings.COMPLAINT_DAY_KIND = "working"
    settings.COMPLAINT_RESPONSE_DAYS = 10
    # Received Thu 26 Dec 2024: working days are 27 Dec, Sat 28 Dec (a working Saturday by the 2024 decree), then
    # 9, 10, 13, 14, 15, 16, 17 and 20 January 2025, after the holidays of 29 December to 8 January.
    complaint, _token = submit(received_on=dt.date(2024, 12, 26))
    assert complaint.day_kind == "working"
    assert complaint.due_on == dt.date(2025, 1, 20)


def test_an_unknown_day_kind_setting_is_refused(submit, settings):
    settings.COMPLAINT_DAY_KIND = "lunar"
    with pytest.raises(Invalid):
        submit(received_on=TODAY)


def test_extension_adds_thirty_days_once_and_needs_a_reason(submit, handlers, monkeypatch):
    complaint, _token = submit(received_on=TODAY)
    monkeypatch.setattr("govcx.complaints.services.timezone.localdate", lambda: dt.date(2025, 5, 20))
    with pytest.raises(Invalid):
        complaint_extend(complaint=complaint, reason="  ", actor=handlers["a"], expected_version=1)
    extended = complaint_extend(complaint=complaint, reason="We asked the archive for the file.",
                                actor=handlers["a"], expected_version=1)
    assert extended.due_on == dt.date(2025, 7, 2)  # 2 June + 30 days, a Wednesday
    assert extended.extended and extended.version == 2
    with pytest.raises(Invalid, match="already been extended"):
        complaint_extend(complaint=extended, reason="Again", actor=handlers["a"], expected_version=2)


def test_a_deadline_that_has_passed_cannot_be_extended(submit, handlers, monkeypatch):
    complaint, _token = submit(received_on=TODAY)
    monkeypatch.setattr("govcx.complaints.services.timezone.localdate", lambda: dt.date(2025, 6, 3))
    with pytest.raises(Invalid, match="already passed"):
        complaint_extend(complaint=complaint, reason="Late", actor=handlers["a"], expected_version=1)


# --- what is stored ---


def test_personal_data_is_masked_in_the_text_and_the_contact_is_kept(submit):
    complaint, token = submit(text="Call me on +7 916 123-45-67 or write to ivan@mail.ru, passport 4506 123456.",
                              contact="ivan@mail.ru")
    stored = Complaint.objects.get(pk=complaint.pk)
    assert "916" not in stored.text and "ivan@mail.ru" not in stored.text and "123456" not in stored.text
    assert "[PHONE]" in stored.text and "[EMAIL]" in stored.text
    assert stored.contact == "ivan@mail.ru"
    assert stored.status_token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert not Complaint.objects.filter(status_token_hash=token).exists()


def test_the_topic_is_found_from_the_text_unless_given(submit):
    found, _token = submit(text="Я прождала в очереди три часа, талон не вызывали.", topic=None)
    assert found.topic == "queues"
    unknown, _token = submit(text="Thank you for nothing in particular.", topic=None)
    assert unknown.topic == ""
    given, _token = submit(text="I waited in the queue for hours.", topic="staff")
    assert given.topic == "staff"
    with pytest.raises(Invalid, match="unknown topic"):
        submit(topic="weather")


def test_an_empty_complaint_is_refused(submit):
    with pytest.raises(Invalid):
        submit(text="   ")


def test_the_status_token_finds_only_its_complaint(submit):
    first, token = submit()
    submit(text="Another complaint")
    assert complaint_by_token(token=token) == first
    for wrong in ("", "short", token[:-1] + ("A" if token[-1] != "A" else "B")):
        with pytest.raises(NotFound):
            complaint_by_token(token=wrong)


def test_the_submission_is_in_the_audit_trail_without_the_text_or_contact(submit):
    complaint, _token = submit(contact="secret@example.org")
    (event,) = audit_history(obj=complaint)
    assert event.action == "complaint.submit" and event.actor is None
    assert "secret@example.org" not in str(event.changes) and "lost my application" not in str(event.changes)


# --- routing ---


@pytest.fixture
def handler_orgs(reference_data):
    """Handling bodies under Ministry A: within its handlers' scope, so they may be a rule's target."""
    return {
        name: Organisation.objects.create(code=f"handler-{name}", name_en=f"Handler {name}", level="federal",
                                          parent=reference_data["ministry"])
        for name in ("owner", "owner_topic", "service", "service_topic")
    }


def test_the_most_specific_routing_rule_wins(services, handler_orgs, reference_data):
    ministry, service = reference_data["ministry"], services["a"]
    RoutingRule.objects.create(owner=ministry, handler=handler_orgs["owner"])
    assert complaint_route(service=service, topic="queues") == handler_orgs["owner"]
    RoutingRule.objects.create(owner=ministry, topic="queues", handler=handler_orgs["owner_topic"])
    assert complaint_route(service=service, topic="queues") == handler_orgs["owner_topic"]
    assert complaint_route(service=service, topic="staff") == handler_orgs["owner"]
    RoutingRule.objects.create(owner=ministry, service=service, handler=handler_orgs["service"])
    assert complaint_route(service=service, topic="queues") == handler_orgs["service"]
    RoutingRule.objects.create(owner=ministry, service=service, topic="queues", handler=handler_orgs["service_topic"])
    assert complaint_route(service=service, topic="queues") == handler_orgs["service_topic"]
    assert complaint_route(service=service, topic="staff") == handler_orgs["service"]
    assert complaint_route(service=services["a1"], topic="queues") == services["a1"].owner


def test_without_a_rule_the_owner_answers_and_rules_of_other_owners_do_not_apply(submit, services, handler_orgs,
                                                                                  reference_data):
    RoutingRule.objects.create(owner=reference_data["region"], handler=handler_orgs["owner"])
    complaint, _token = submit("a")
    assert complaint.organisation == reference_data["ministry"]


def test_routing_rules_are_saved_within_the_actors_scope_once_per_service_and_topic(services, handlers,
                                                                                   handler_orgs, reference_data):
    ministry = reference_data["ministry"]
    rule = routing_rule_save(actor=handlers["a"], owner=ministry, service=services["a"], topic="",
                             handler=handler_orgs["service"])
    with pytest.raises(Conflict):
        routing_rule_save(actor=handlers["a"], owner=ministry, service=services["a"], topic="",
                          handler=handler_orgs["owner"])
    with pytest.raises(Invalid, match="another organisation"):
        routing_rule_save(actor=handlers["a"], owner=ministry, service=services["b"],
                          handler=handler_orgs["owner"])
    with pytest.raises(NotFound):
        routing_rule_save(actor=handlers["b"], owner=ministry, handler=handler_orgs["owner"])
    with pytest.raises(NotFound):
        routing_rule_delete(rule=rule, actor=handlers["b"])
    routing_rule_delete(rule=rule, actor=handlers["a"])
    assert not RoutingRule.objects.exists()


# --- the handlers' actions ---


def test_take_then_answer(submit, handlers):
    complaint, _token = submit()
    taken = complaint_take(complaint=complaint, actor=handlers["a"], expected_version=1)
    assert (taken.status, taken.assignee, taken.version) == ("in_work", handlers["a"], 2)
    answered = complaint_answer(complaint=taken, answer="We found it; it is approved.",
                                actor=handlers["a"], expected_version=2)
    assert answered.status == "answered" and answered.answered_at is not None
    with pytest.raises(Invalid, match="already answered"):
        complaint_answer(complaint=answered, answer="Again", actor=handlers["a"], expected_version=3)
    assert [e.action for e in audit_history(obj=complaint)] == [
        "complaint.answer", "complaint.take", "complaint.submit"]


def test_a_stale_version_is_a_conflict(submit, users, handlers):
    complaint, _token = submit()
    complaint_take(complaint=complaint, actor=users["owner_a"], expected_version=1)
    with pytest.raises(Conflict):
        complaint_take(complaint=complaint, actor=handlers["a"], expected_version=1)
    with pytest.raises(Conflict):
        complaint_answer(complaint=complaint, answer="Done", actor=handlers["a"], expected_version=1)
    assert Complaint.objects.get(pk=complaint.pk).assignee == users["owner_a"]


@pytest.mark.parametrize("who", ["b", "viewer_a", "assessor_a"])
def test_only_handlers_in_scope_may_act(submit, users, handlers, who):
    complaint, _token = submit("a")
    actor = handlers.get(who) or users[who]
    with pytest.raises(NotFound):
        complaint_take(complaint=complaint, actor=actor, expected_version=1)


def test_overdue_is_unanswered_after_the_due_date(submit, handlers):
    complaint, _token = submit(received_on=TODAY)
    assert complaint_status(complaint=complaint, today=dt.date(2025, 6, 2)) == "received"  # the due day is in time
    assert complaint_status(complaint=complaint, today=dt.date(2025, 6, 3)) == "overdue"
    answered = complaint_answer(complaint=complaint, answer="Answered late", actor=handlers["a"],
                                expected_version=1)
    assert complaint_status(complaint=answered, today=dt.date(2025, 7, 1)) == "answered"


# --- reminders ---


def test_reminders_five_and_one_working_days_before_and_daily_when_overdue(submit, users, handlers):
    users["owner_a"].email = "owner@example.gov"
    users["owner_a"].save()
    users["viewer_a"].email = "viewer@example.gov"  # may not handle complaints: no reminder
    users["viewer_a"].save()
    complaint, _token = submit(received_on=TODAY)  # due Monday 2 June 2025
    sent_by_day = {}
    for day in ("2025-05-23", "2025-05-26", "2025-05-26", "2025-05-27", "2025-05-30", "2025-06-02", "2025-06-03",
                "2025-06-03", "2025-06-04"):
        before = len(mail.outbox)
        reminders_send(today=dt.date.fromisoformat(day))
        sent_by_day.setdefault(day, []).append(len(mail.outbox) - before)
    assert sent_by_day == {"2025-05-23": [0], "2025-05-26": [1, 0], "2025-05-27": [0], "2025-05-30": [1],
                           "2025-06-02": [0], "2025-06-03": [1, 0], "2025-06-04": [1]}
    assert sorted(mail.outbox[0].to) == ["cx-a@example.gov", "owner@example.gov"]
    assert f"/complaints/{complaint.pk}/" in mail.outbox[0].body
    assert "anna@example.org" not in mail.outbox[0].body
    assert Complaint.objects.get(pk=complaint.pk).last_reminder_on == dt.date(2025, 6, 4)


def test_a_missed_reminder_day_is_caught_up_and_answered_complaints_are_left_alone(submit, handlers):
    late, _token = submit(received_on=TODAY)
    answered, _token = submit(received_on=TODAY, text="Answered already")
    complaint_answer(complaint=answered, answer="Done", actor=handlers["a"], expected_version=1)
    due = reminders_due(today=dt.date(2025, 5, 28))  # the run of 26 May did not happen
    assert [r.complaint for r in due] == [late]
    assert due[0].status == "received" and due[0].days_left == 5


def test_an_organisation_without_handlers_is_reported(submit):
    submit("a1", received_on=TODAY)  # Agency A1 has no staff
    report = reminders_send(today=dt.date(2025, 6, 10))
    assert report.complaints == 1 and report.emails == 0
    assert report.organisations_without_recipients == ("agency-a1",)
    assert reminders_send(today=dt.date(2025, 6, 10)).complaints == 0


# --- the standards check and the command line ---


def test_no_overdue_complaints_check(submit, services, handlers, monkeypatch):
    facts = service_facts(services["a"])
    assert param_errors("feedback.no_overdue_complaints", {"max_overdue": 1}) == []
    assert run_check("feedback.no_overdue_complaints", CheckContext(facts)).status == OutcomeStatus.MET
    submit(received_on=dt.date(2025, 1, 9))
    submit(received_on=dt.date(2025, 1, 9), text="Second")
    result = run_check("feedback.no_overdue_complaints", CheckContext(facts))
    assert result.status == OutcomeStatus.NOT_MET
    assert result.value.startswith("2 overdue of 2")
    assert f"service={services['a'].pk}" in result.evidence_url and "status=overdue" in result.evidence_url
    relaxed = run_check("feedback.no_overdue_complaints", CheckContext(facts, params={"max_overdue": 2}))
    assert relaxed.status == OutcomeStatus.MET
    other = run_check("feedback.no_overdue_complaints", CheckContext(service_facts(services["b"])))
    assert other.status == OutcomeStatus.MET


def test_command_line_remind_and_overdue(submit, handlers, capsys):
    complaint, _token = submit(received_on=TODAY)
    call_command("complaints", "remind", "--today", "2025-06-03")
    call_command("complaints", "remind", "--today", "2025-06-03")
    output = capsys.readouterr().out
    assert "1 complaint(s) reminded of in 1 e-mail(s)" in output
    assert "0 complaint(s) reminded of in 0 e-mail(s)" in output
    call_command("complaints", "overdue", "--today", "2025-06-05")
    output = capsys.readouterr().out
    assert str(complaint.pk) in output and "svc-a" in output and "2025-06-02" in output
    call_command("complaints", "overdue", "--today", "2025-05-05")
    assert "no complaints are overdue" in capsys.readouterr().out
