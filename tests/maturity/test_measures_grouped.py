"""The measure families counted by the database (complaints, delivery, proactive offers, training), against
figures worked out by hand on small evidence."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from tests.maturity.conftest import complaint

from govcx.delivery.models import DeliverySummary, EventLog
from govcx.maturity import measures
from govcx.maturity.models import MeasureValue
from govcx.maturity.services import measures_recompute
from govcx.proactive.models import Offer, Run, Snapshot
from govcx.training.models import Course, Person, Programme, Requirement

pytestmark = pytest.mark.django_db


def _moment(text: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(text))


def test_complaints_count_the_answer_by_its_local_day_and_leave_out_those_still_in_term(services, reference_data):
    a = services["a"]
    complaint(a, "C-1", "2025-05-01", "2025-04-20")  # on time
    complaint(a, "C-2", "2025-05-02", "2025-05-20")  # late
    late = complaint(a, "C-3", "2025-05-03", None)  # unanswered past its term: late
    in_term = complaint(a, "C-4", "2025-06-30", None)  # unanswered, due after `today`: not counted yet
    # answered at 00:30 Moscow time the day after it was due (still the due day in UTC): late
    complaint(a, "C-5", "2025-05-04", None)
    from govcx.complaints.models import Complaint

    Complaint.objects.filter(number="C-5").update(answered_at=_moment("2025-05-05T00:30"), status="answered")
    figures = measures._complaints(["2025Q2"], {a.pk: a.owner_id}, today=dt.date(2025, 6, 15))
    assert [(f.service_id, f.period, f.cases) for f in figures] == [(a.pk, "2025Q2", 4)]
    assert figures[0].value == pytest.approx(1 / 4)
    assert late.pk and in_term.pk


def test_delivery_reads_the_summary_kept_at_import_and_files_it_under_the_last_import(services, monkeypatch):
    a, b = services["a"], services["b"]
    log = EventLog.objects.create(service=a, events_added=100)
    EventLog.objects.filter(pk=log.pk).update(created_at=_moment("2025-05-10T12:00"))
    DeliverySummary.objects.create(service=a, log_version=log.pk, deadline_days=a.deadline_days,
                                   deadline_kind=a.deadline_kind, cases=40, on_time=30)
    stale = EventLog.objects.create(service=b, events_added=5)
    EventLog.objects.filter(pk=stale.pk).update(created_at=_moment("2025-06-10T12:00"))
    DeliverySummary.objects.create(service=b, log_version=stale.pk, deadline_days=b.deadline_days + 5,
                                   deadline_kind=b.deadline_kind, cases=1, on_time=1)  # of a former term
    computed = []

    def from_events(*, service):
        computed.append(service.pk)
        return {"cases": 10, "on_time": 4, "share": 0.4}

    monkeypatch.setattr("govcx.delivery.selectors.deadline_figures", from_events)
    owners = {a.pk: a.owner_id, b.pk: b.owner_id}
    figures = {f.service_id: f for f in measures._delivery(["2025Q2"], owners)}
    assert computed == [b.pk]  # only the stale summary is computed from the events
    assert (figures[a.pk].period, figures[a.pk].value, figures[a.pk].cases) == ("2025Q2", 0.75, 40)
    assert figures[a.pk].standard_error == pytest.approx((0.75 * 0.25 / 40) ** 0.5)
    assert figures[b.pk].value == pytest.approx(0.4)
    assert measures._delivery(["2025Q1"], owners) == []


def test_proactive_share_counts_notified_offers_per_quarter_of_the_offer(reference_data):
    org = reference_data["region"]
    snapshot = Snapshot.objects.create(organisation=org, taken_on=dt.date(2025, 1, 1), directory="x")
    run = Run.objects.create(organisation=org, snapshot=snapshot, period="2025-03")
    states = ["notified", "accepted", "paid", "declined", "proposed", "accepted"]
    days = ["2025-03-31T23:30", "2025-03-02T10:00", "2025-02-01T10:00", "2025-01-05T10:00", "2025-02-02T10:00",
            "2025-04-01T00:30"]
    for i, (state, day) in enumerate(zip(states, days, strict=True)):
        offer = Offer.objects.create(organisation=org, benefit="b", beneficiary_id=f"p{i}", entitlement_key="k",
                                     amount=1, state=state, run=run, pack_version="1")
        Offer.objects.filter(pk=offer.pk).update(created_at=_moment(day))
    figures = {f.period: f for f in measures._proactive(["2025Q1", "2025Q2"])}
    assert figures["2025Q1"].value == pytest.approx(2 / 4)  # proposed is not counted; 31 March 23:30 local is Q1
    assert figures["2025Q2"].value == 1.0 and figures["2025Q2"].organisation_id == org.pk


def test_staff_trained_counts_the_roster_at_each_quarter_end(reference_data):
    org = reference_data["ministry"]
    programme = Programme.objects.create(organisation=reference_data["central"], name="P",
                                         starts_on=dt.date(2025, 1, 1), deadline_on=dt.date(2028, 1, 1))
    course = Course.objects.create(programme=programme, code="c", name="C", kind="elearning", activity_id="urn:c")
    Requirement.objects.create(programme=programme, position_category="manager", course=course)
    people = [("m1", "manager", "2024-01-01", None, "2025-02-01"), ("m2", "manager", "2024-01-01", None, "2025-05-01"),
              ("m3", "manager", "2025-04-15", None, None), ("s1", "specialist", "2024-01-01", None, "2025-01-10"),
              ("m4", "manager", "2024-01-01", "2025-01-20", "2024-12-01")]
    for key, category, started, left, trained in people:
        Person.objects.create(programme=programme, organisation=org, person_key=key, position_category=category,
                              started_on=dt.date.fromisoformat(started),
                              left_on=dt.date.fromisoformat(left) if left else None,
                              trained_on=dt.date.fromisoformat(trained) if trained else None)
    figures = {f.period: f.value for f in measures._training(["2025Q1", "2025Q2"])}
    # the specialist's position needs no course and m4 has left: Q1 m1, m2 (1 trained); Q2 m1, m2, m3 (2 trained)
    assert figures == {"2025Q1": pytest.approx(1 / 2), "2025Q2": pytest.approx(2 / 3)}
    measures_recompute(periods=["2025Q1", "2025Q2"])
    assert MeasureValue.objects.get(organisation=org, period="2025Q2", measure="staff_trained").value == \
        pytest.approx(2 / 3)


def test_the_worker_recomputes_the_measures_every_night():
    from govcx.jobs.registry import handler_for
    from govcx.jobs.schedule import SCHEDULE

    nightly = [entry for entry in SCHEDULE if entry.kind == "maturity.recompute"]
    assert [entry.daily_at for entry in nightly] == [dt.time(4, 30)]
    assert handler_for("maturity.recompute") is not None
