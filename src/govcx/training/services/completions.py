"""Completions (from xAPI, a learning platform's file, or an attendance sheet) and attitude answers.

A person is trained when they have completed every course their position category requires; `Person.trained_on`
keeps the date of the last of those completions (`trained.trained_refresh`), so coverage counts are one indexed scan
of the roster.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from govcx.accounts.services import audit_record
from govcx.common import tabular
from govcx.errors import Invalid, InvalidInput, Problem
from govcx.training.models import (
    WAVES,
    AttitudeAnswer,
    AttitudeItem,
    Completion,
    Course,
    Equivalence,
    Person,
    Programme,
)
from govcx.training.services.programme import _managed
from govcx.training.services.trained import trained_refresh


def course_for(programme: Programme, identifier: str) -> Course | None:
    """The programme's course an activity id or course code stands for, directly or by an equivalence."""
    courses = Course.objects.filter(programme=programme).select_related("programme")
    course = courses.filter(activity_id=identifier).first() or courses.filter(code=identifier).first()
    if course is None:
        equivalence = Equivalence.objects.filter(course__programme=programme, identifier=identifier) \
            .select_related("course__programme").first()
        course = equivalence.course if equivalence else None
    return course


def completions_import(*, actor: Any, programme: Programme, data: bytes, file_name: str) -> int:
    """A learning platform's completions file (person_id, course, completed_on), all or nothing; the number of
    completions it added."""
    fmt = tabular.format_for(file_name)
    if not fmt:
        raise Invalid(f"{file_name}: completions come as a .csv or .xlsx file", details=[{"field": "file"}])
    rows = tabular.read_rows(data, fmt, file_name, columns=("person_id", "course", "completed_on"),
                             required=("person_id", "course", "completed_on"))
    today = timezone.localdate()
    with transaction.atomic():
        programme = _managed(actor, programme)
        people = dict(Person.objects.filter(programme=programme, person_key__in=[
            tabular.cell_text(r["person_id"]) for _, r in rows]).values_list("person_key", "pk"))
        courses: dict[str, Course | None] = {}
        problems: list[Problem] = []
        found: list[tuple[int, Course, dt.date]] = []
        for number, row in rows:
            key, code = tabular.cell_text(row["person_id"]), tabular.cell_text(row["course"])
            if key not in people:
                problems.append(Problem("is not on the roster", file=file_name, row=number, field="person_id"))
            if code not in courses:
                courses[code] = course_for(programme, code)
            if courses[code] is None:
                problems.append(Problem("is not a course of the programme", file=file_name, row=number,
                                        field="course"))
            value = row["completed_on"]
            try:
                date = value.date() if isinstance(value, dt.datetime) else value if isinstance(value, dt.date) \
                    else tabular.parse_date(tabular.cell_text(value))
            except ValueError:
                problems.append(Problem("is not a date (YYYY-MM-DD)", file=file_name, row=number,
                                        field="completed_on"))
                continue
            if date > today:
                problems.append(Problem("is in the future", file=file_name, row=number, field="completed_on"))
            if key in people and courses[code] is not None:
                found.append((people[key], courses[code], date))  # type: ignore[arg-type]
        if problems:
            raise InvalidInput(problems)
        added = _store_many(found, "file")
        audit_record(actor=actor, action="completions.import", obj=programme,
                     organisation_id=programme.organisation_id, changes={"file": file_name, "added": added})
    return added


def _store_many(found: list[tuple[int, Course, dt.date]], source: str) -> int:
    added = 0
    touched: set[int] = set()
    by_person = {p.pk: p for p in Person.objects.filter(pk__in={person_id for person_id, _, _ in found})}
    for person_id, course, date in found:
        existing = Completion.objects.filter(person_id=person_id, course=course).first()
        if existing is None:
            Completion.objects.create(person=by_person[person_id], course=course, completed_on=date, source=source)
            added += 1
        elif date < existing.completed_on:
            existing.completed_on, existing.source = date, source
            existing.save(update_fields=["completed_on", "source"])
        else:
            continue
        touched.add(person_id)
    if found:
        trained_refresh(programme=found[0][1].programme, person_ids=touched)
    return added


def attendance_record(*, actor: Any, course: Course, person_keys: list[str], held_on: dt.date) -> int:
    """A classroom session's attendance sheet: everyone on it completed the course that day."""
    if held_on > timezone.localdate():
        raise Invalid("the session's date is in the future", details=[{"field": "held_on"}])
    keys = sorted({k.strip() for k in person_keys if k.strip()})
    if not keys:
        raise Invalid("list the people who attended", details=[{"field": "people"}])
    with transaction.atomic():
        programme = _managed(actor, course.programme)
        people = dict(Person.objects.filter(programme=programme, person_key__in=keys)
                      .values_list("person_key", "pk"))
        unknown = [k for k in keys if k not in people]
        if unknown:
            raise Invalid("not on the roster: " + ", ".join(unknown[:20]), details=[{"field": "people"}])
        added = _store_many([(people[k], course, held_on) for k in keys], "attendance")
        audit_record(actor=actor, action="attendance.record", obj=course, organisation_id=programme.organisation_id,
                     changes={"held_on": str(held_on), "people": len(keys), "added": added})
    return added


def answers_import(*, actor: Any, programme: Programme, data: bytes, file_name: str) -> int:
    """Questionnaire answers (person_id, item, wave, value 1–5, answered_on), all or nothing; stored by the
    pseudonymous id only. An answer given again for the same item and wave replaces the earlier one."""
    fmt = tabular.format_for(file_name)
    if not fmt:
        raise Invalid(f"{file_name}: answers come as a .csv or .xlsx file", details=[{"field": "file"}])
    columns = ("person_id", "item", "wave", "value", "answered_on")
    rows = tabular.read_rows(data, fmt, file_name, columns=columns, required=columns)
    today = timezone.localdate()
    with transaction.atomic():
        programme = _managed(actor, programme)
        items = {i.code: i for i in AttitudeItem.objects.filter(programme=programme)}
        problems: list[Problem] = []
        answers: list[AttitudeAnswer] = []
        for number, row in rows:
            cells = {c: tabular.cell_text(row[c]) for c in columns}
            item = items.get(cells["item"])
            if item is None:
                problems.append(Problem("is not an item of the questionnaire", file=file_name, row=number,
                                        field="item"))
            if cells["wave"] not in WAVES:
                problems.append(Problem("must be pre, post or follow_up", file=file_name, row=number, field="wave"))
            if cells["value"] not in {"1", "2", "3", "4", "5"}:
                problems.append(Problem("must be a whole number from 1 to 5", file=file_name, row=number,
                                        field="value"))
            try:
                answered = tabular.parse_date(cells["answered_on"])
                if answered > today:
                    raise ValueError
            except ValueError:
                problems.append(Problem("is not a past date", file=file_name, row=number, field="answered_on"))
                continue
            if item is not None and not problems:
                answers.append(AttitudeAnswer(item=item, person_key=cells["person_id"][:64], wave=cells["wave"],
                                              value=int(cells["value"]), answered_on=answered))
        if problems:
            raise InvalidInput(problems)
        AttitudeAnswer.objects.bulk_create(answers, update_conflicts=True,
                                           unique_fields=["item", "person_key", "wave"],
                                           update_fields=["value", "answered_on"], batch_size=2000)
        audit_record(actor=actor, action="answers.import", obj=programme, organisation_id=programme.organisation_id,
                     changes={"file": file_name, "answers": len(answers)})
    return len(answers)
