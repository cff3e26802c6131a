"""Roster import: all or nothing with problems by row, joiners/leavers/moves on a later import, and trained_on."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone
from tests.training.conftest import roster_csv

from govcx.errors import InvalidInput
from govcx.training.models import Person, RosterChange
from govcx.training.services import roster_imports
from govcx.training.services.completions import attendance_record, completions_import
from govcx.training.services.roster_imports import roster_import


def test_a_bad_file_imports_nothing_and_names_every_row(programme, officer):
    future = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    rows = ["p1,min-a,manager,RU-MOW,2020-01-01,,,", "p1,min-a,manager,,2020-01-01,,,",
            "p2,nowhere,manager,,2020-01-01,,,", f"p3,min-a,manager,,{future},,,", "p4,min-a,janitor,,2020-01-01,,,",
            "p5,min-a,manager,,2020-01-01,2019-01-01,,", "p6,min-a,manager,,2020-01-01,,not-an-email,",
            "p7,region-b,manager,,2020-01-01,,,"]
    with pytest.raises(InvalidInput) as refused:
        roster_import(actor=officer, programme=programme, data=roster_csv(rows), file_name="staff.csv")
    assert {(p.row, p.field) for p in refused.value.problems} == {
        (3, "person_id"), (4, "organisation"), (5, "started_on"), (6, "position_category"), (7, "left_on"),
        (8, "work_email"), (9, "organisation")}
    assert Person.objects.count() == 0


def test_a_later_import_records_joiners_leavers_and_moves(programme, officer, staff):
    assert staff.joiners == 12 and staff.rows == 12 and Person.objects.filter(left_on__isnull=True).count() == 12
    rows = [f"p{i:03d},{'agency-a1' if i % 2 else 'min-a'},{'manager' if i < 3 else 'specialist'},RU-MOW,"
            f"2020-01-01,,," for i in range(1, 12)]  # p000 left
    rows[0] = "p001,min-a,manager,RU-MOW,2020-01-01,,,"  # moved
    rows.append("p100,min-a,support,,2021-05-01,,,")  # joined
    later = roster_import(actor=officer, programme=programme, data=roster_csv(rows), file_name="staff2.csv")
    assert (later.joiners, later.leavers, later.moves) == (1, 1, 1)
    assert set(RosterChange.objects.filter(roster_import=later).values_list("kind", "person_key")) == {
        ("joiner", "p100"), ("leaver", "p000"), ("move", "p001")}
    assert Person.objects.get(person_key="p000").left_on == timezone.localdate()


def test_completions_file_and_attendance_make_people_trained(programme, officer, staff):
    data = b"person_id,course,completed_on\np000,basics,2025-01-10\np005,basics,2025-02-01\n"
    assert completions_import(actor=officer, programme=programme, data=data, file_name="lms.csv") == 2
    assert Person.objects.get(person_key="p005").trained_on == dt.date(2025, 2, 1)
    assert Person.objects.get(person_key="p000").trained_on is None  # a manager needs the leading course too
    leading = programme.courses.get(code="leading")
    attendance_record(actor=officer, course=leading, person_keys=["p000"], held_on=dt.date(2025, 3, 3))
    assert Person.objects.get(person_key="p000").trained_on == dt.date(2025, 3, 3)
    with pytest.raises(InvalidInput):
        completions_import(actor=officer, programme=programme, file_name="lms.csv",
                           data=b"person_id,course,completed_on\nnobody,basics,2025-01-10\np001,nothing,x\n")


def test_course_coverage_counts_trained_and_partly_trained_people(programme, officer, staff):
    from govcx.training.selectors import course_coverage
    from govcx.training.services.programme import course_create

    data = b"person_id,course,completed_on\np000,basics,2025-01-10\np001,basics,2025-01-10\np001,leading,2025-01-11\n" \
           b"p005,basics,2025-02-01\n"
    completions_import(actor=officer, programme=programme, data=data, file_name="lms.csv")
    counts = {course.code: (required, done) for course, required, done in course_coverage(programme)}
    # managers p000-p002 take both courses (p001 trained, p000 partly), specialists p003-p011 basics only
    assert counts == {"basics": (12, 3), "leading": (3, 1)}
    course_create(actor=officer, programme=programme, code="later", name="Added later", kind="elearning",
                  activity_id="https://lms.example.gov/course/later", position_categories=["specialist"])
    assert Person.objects.get(person_key="p005").trained_on is None  # one more course to take now
    counts = {course.code: (required, done) for course, required, done in course_coverage(programme)}
    assert counts == {"basics": (12, 3), "leading": (3, 1), "later": (9, 0)}


def test_roster_files_as_hr_writes_them(programme, officer):
    text = ("\ufeffPerson_ID;Organisation;Position_Category;Started_On;Left_On\n"
            " p1 ;min-a;manager;01.02.2020;\n\n;;;;\np2;min-a;support;2020-02-29;31.12.2024\n")
    record = roster_import(actor=officer, programme=programme, data=text.encode(), file_name="hr.csv")
    assert record.rows == 2
    assert Person.objects.get(person_key="p1").started_on == dt.date(2020, 2, 1)
    assert Person.objects.get(person_key="p2").left_on == dt.date(2024, 12, 31)
    short = "person_id,organisation,position_category,started_on,region\np3,min-a,manager,2020-02-30\np4,min-a\n"
    with pytest.raises(InvalidInput) as refused:
        roster_import(actor=officer, programme=programme, data=short.encode(), file_name="hr2.csv")
    assert [(p.row, p.field) for p in refused.value.problems] == [
        (2, "started_on"), (3, "position_category"), (3, "started_on")]


def test_a_workbook_roster(programme, officer):
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["person_id", "organisation", "position_category", "started_on"])
    sheet.append(["x1", "min-a", "adviser", dt.datetime(2021, 3, 4)])
    sheet.append(["x2", "min-a", "adviser", "2021-03-05"])
    buffer = io.BytesIO()
    book.save(buffer)
    record = roster_import(actor=officer, programme=programme, data=buffer.getvalue(), file_name="hr.xlsx")
    assert record.rows == 2 and Person.objects.get(person_key="x1").started_on == dt.date(2021, 3, 4)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the index rebuild is PostgreSQL's path")
def test_a_big_first_import_rebuilds_the_roster_indexes_and_stays_all_or_nothing(programme, officer, monkeypatch):
    monkeypatch.setattr(roster_imports, "BIG_FIRST_IMPORT", 1)
    with connection.cursor() as cursor:
        indexes = roster_imports._secondary_indexes(cursor)
    assert {constraint for _, _, constraint in indexes} >= {"training_person_unique"}
    rows = [f"q{i},min-a,{'manager' if i % 3 else 'support'},RU-MOW,2020-01-01,,q{i}@example.gov," for i in range(30)]

    def refuse(**kwargs):
        raise RuntimeError("the audit trail is down")

    monkeypatch.setattr(roster_imports, "audit_record", refuse)
    with pytest.raises(RuntimeError):
        roster_import(actor=officer, programme=programme, data=roster_csv(rows), file_name="staff.csv")
    assert Person.objects.count() == 0
    with connection.cursor() as cursor:
        assert roster_imports._secondary_indexes(cursor) == indexes  # the failed import's DDL is rolled back too
    monkeypatch.undo()
    monkeypatch.setattr(roster_imports, "BIG_FIRST_IMPORT", 1)
    record = roster_import(actor=officer, programme=programme, data=roster_csv(rows), file_name="staff.csv")
    assert record.joiners == 30 and Person.objects.filter(programme=programme).count() == 30
    with connection.cursor() as cursor:
        assert roster_imports._secondary_indexes(cursor) == indexes
    person = Person.objects.get(person_key="q1")
    assert (person.organisation.code, person.position_category, person.courses_done, person.trained_on) == (
        "min-a", "manager", 0, None)
    assert person.email_sha1 and person.work_email == "q1@example.gov"
    again = roster_import(actor=officer, programme=programme, data=roster_csv(rows[:29]), file_name="staff.csv")
    assert again.leavers == 1  # a later import compares with the roster through the staging table


def test_the_roster_keeps_the_xapi_hash_of_each_work_email(programme, officer):
    from govcx.training.xapi import mbox_sha1

    rows = ["e1,min-a,manager,,2020-01-01,,Anna@Example.gov,", "e2,min-a,manager,,2020-01-01,,,",
            "e3,min-a,support,,2020-01-01,,e3@example.gov,"]
    roster_import(actor=officer, programme=programme, data=roster_csv(rows), file_name="staff.csv")
    hashes = dict(Person.objects.values_list("person_key", "email_sha1"))
    assert hashes == {"e1": mbox_sha1("anna@example.gov"), "e2": "", "e3": mbox_sha1("e3@example.gov")}
