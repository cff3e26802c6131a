"""`Person.trained_on`: the day a person completed the last course their position requires (None until then).

Every writer of completions, requirements or positions calls `trained_refresh` for the people it touched, so that
coverage is a count over the roster and never a join with the completions.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from govcx.training.models import Programme, RosterImport

_TRAINED_ON = (
    "UPDATE training_person SET trained_on = ("
    " SELECT CASE WHEN COUNT(c.course_id) > 0 AND COUNT(c.course_id) = ("
    "   SELECT COUNT(*) FROM training_requirement r2 WHERE r2.programme_id = training_person.programme_id"
    "   AND r2.position_category = training_person.position_category)"
    "  THEN MAX(c.completed_on) END"
    " FROM training_completion c JOIN training_requirement r ON r.course_id = c.course_id"
    "  AND r.position_category = training_person.position_category"
    " WHERE c.person_id = training_person.id), courses_done = ("
    " SELECT COUNT(c.course_id) FROM training_completion c JOIN training_requirement r ON r.course_id = c.course_id"
    "  AND r.position_category = training_person.position_category"
    " WHERE c.person_id = training_person.id) WHERE programme_id = %s"
)


def trained_refresh(*, programme: Programme, person_ids: Iterable[int] | None = None,
                    moved_in: RosterImport | None = None) -> None:
    """Recompute `trained_on` for some people of the programme (all when neither selection is given)."""
    sql, params = _TRAINED_ON, [programme.pk]
    if person_ids is not None:
        ids = list(person_ids)
        if not ids:
            return
        sql += " AND id IN (" + ", ".join(["%s"] * len(ids)) + ")"
        params += ids
    elif moved_in is not None:
        sql += (" AND person_key IN (SELECT person_key FROM training_rosterchange WHERE roster_import_id = %s"
                " AND kind = 'move')")
        params.append(moved_in.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)




def trained_refresh_write(*, programme_id: int, people: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
    """`trained_refresh` for the people a query selects, as a statement to run with others in one round trip."""
    people_sql, people_params = people
    return _TRAINED_ON + f" AND id IN ({people_sql})", [programme_id, *people_params]
