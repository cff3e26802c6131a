"""The coverage tallies stay equal to a count over the roster through every writer: roster imports (joiners,
leavers, moves), completion files, attendance sheets, xAPI completions and voiding, and a new requirement."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone
from tests.training.conftest import HOME, roster_csv

from govcx.training.models import CoverageTally, Person
from govcx.training.selectors import coverage
from govcx.training.services.completions import attendance_record, completions_import
from govcx.training.services.programme import course_create
from govcx.training.services.roster_imports import roster_import

COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
GROUP = ("organisation_id", "region_code", "position_category")


def assert_tallies_counted(programme):
    kept = {tuple(t[c] for c in GROUP): (t["people"], t["trained"]) for t in
            CoverageTally.objects.filter(programme=programme).values(*GROUP, "people", "trained") if t["people"]}
    counted = {tuple(p[c] for c in GROUP): (p["people"], p["trained"]) for p in
               Person.objects.filter(programme=programme, left_on__isnull=True).order_by().values(*GROUP)
               .annotate(people=Count("id"), trained=Count("id", filter=Q(trained_on__isnull=False)))}
    assert kept == counted


def test_tallies_follow_every_writer(programme, officer, staff, lrs):
    assert_tallies_counted(programme)
    completions_import(actor=officer, programme=programme, file_name="lms.csv",
                       data=b"person_id,course,completed_on\np004,basics,2025-01-10\np005,basics,2025-02-01\n")
    assert_tallies_counted(programme)
    attendance_record(actor=officer, course=programme.courses.get(code="leading"), person_keys=["p000", "p001"],
                      held_on=dt.date(2025, 3, 3))
    completions_import(actor=officer, programme=programme, file_name="lms.csv",
                       data=b"person_id,course,completed_on\np000,basics,2025-01-10\n")
    assert Person.objects.get(person_key="p000").trained_on is not None
    assert_tallies_counted(programme)
    statement = {"actor": {"account": {"homePage": HOME, "name": "p006"}}, "verb": {"id": COMPLETED},
                 "object": {"id": "https://lms.example.gov/course/basics"}}
    sent = lrs.post(statement).json()[0]
    assert Person.objects.get(person_key="p006").trained_on is not None
    assert_tallies_counted(programme)
    voiding = {"actor": statement["actor"], "verb": {"id": VOIDED}, "object": {"objectType": "StatementRef",
                                                                                "id": sent}}
    assert lrs.post(voiding).status_code == 200
    assert Person.objects.get(person_key="p006").trained_on is None
    assert_tallies_counted(programme)
    course_create(actor=officer, programme=programme, code="later", name="Added later", kind="elearning",
                  activity_id="https://lms.example.gov/course/later", position_categories=["specialist"])
    assert_tallies_counted(programme)
    rows = [f"p{i:03d},{'agency-a1' if i % 2 else 'min-a'},{'manager' if i < 3 else 'specialist'},RU-TUL,"
            f"2020-01-01,,," for i in range(1, 12)]  # p000 left, everybody moved region
    rows[0] = "p001,agency-a1,specialist,RU-MOW,2020-01-01,,,"  # moved
    rows.append("p100,min-a,support,,2021-05-01,,,")  # joined
    roster_import(actor=officer, programme=programme, data=roster_csv(rows), file_name="staff2.csv")
    assert_tallies_counted(programme)


def test_coverage_reads_tallies_and_the_recent_window(programme, officer, staff):
    today = timezone.localdate()
    recent, old = today - dt.timedelta(days=10), today - dt.timedelta(days=200)
    completions_import(actor=officer, programme=programme, file_name="lms.csv", data=(
        f"person_id,course,completed_on\np004,basics,{recent}\np005,basics,{old}\np006,basics,{recent}\n").encode())
    rows = {r.key: r.forecast for r in coverage(programme, by="position_category", today=today)}
    assert (rows["specialist"].people, rows["specialist"].trained, rows["specialist"].trained_in_window) == (9, 3, 2)
    assert (rows["manager"].people, rows["manager"].trained) == (3, 0)


def test_the_people_still_to_train_are_counted_from_the_tallies(programme, officer, staff, client):
    from govcx.registry.models import Organisation
    from govcx.training.selectors import people_to_train, people_to_train_count

    completions_import(actor=officer, programme=programme, file_name="lms.csv",
                       data=b"person_id,course,completed_on\np004,basics,2025-01-10\np005,basics,2025-02-01\n")
    agency = Organisation.objects.get(code="agency-a1")
    for organisation_id in (None, programme.organisation_id, agency.pk):
        assert people_to_train_count(programme, organisation_id=organisation_id) == \
            people_to_train(programme, organisation_id=organisation_id).count()
    client.force_login(officer)
    page = client.get(f"/training/{programme.pk}/people/")
    assert page.status_code == 200 and page.context["page"].paginator.count == 10
