"""`Person.trained_on`: the day a person completed the last course their position requires (None until then), and
the coverage tallies (`CoverageTally`) counted from it.

Every writer of completions, requirements or positions calls `trained_refresh` for the people it touched, so that
coverage is a sum of tallies and never a count over the roster nor a join with the completions. For a few people
the tallies are adjusted around the refresh (their trained people taken out of their groups' counts before, put
back after); a refresh of a whole programme, and every roster import, counts the programme's tallies again.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection

from govcx.training.models import Programme, RosterImport

Write = tuple[str, list[Any]]

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
_SAME_GROUP = ("p.organisation_id = training_coveragetally.organisation_id AND p.region_code = "
               "training_coveragetally.region_code AND p.position_category = training_coveragetally.position_category")
_TALLY_ADJUST = (
    "UPDATE training_coveragetally SET trained = trained + %s * (SELECT COUNT(*) FROM training_person p "
    "WHERE p.id IN ({people}) AND p.trained_on IS NOT NULL AND p.left_on IS NULL AND " + _SAME_GROUP + ") "
    "WHERE programme_id = %s AND (organisation_id, region_code, position_category) IN (SELECT p.organisation_id, "
    "p.region_code, p.position_category FROM training_person p WHERE p.id IN ({people}))"
)
_TALLY_COUNT = (
    "INSERT INTO training_coveragetally (programme_id, organisation_id, region_code, position_category, people, "
    "trained) SELECT programme_id, organisation_id, region_code, position_category, COUNT(*), COUNT(trained_on) "
    "FROM training_person WHERE programme_id = %s AND left_on IS NULL "
    "GROUP BY programme_id, organisation_id, region_code, position_category"
)


def run_writes(writes: list[Write]) -> None:
    """The writes in order; on PostgreSQL with client-side binding (Django's default) in one round trip."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.settings_dict["OPTIONS"].get(
                "server_side_binding") is not True:
            cursor.execute("; ".join(sql for sql, _ in writes), [p for _, params in writes for p in params])
            return
        for sql, params in writes:
            cursor.execute(sql, params)


def trained_refresh_writes(*, programme_id: int, people: Write) -> list[Write]:
    """`trained_refresh` for the people a query selects (their id), with their tallies kept, as statements to run
    with others in one round trip."""
    people_sql, people_params = people

    def adjust(sign: int) -> Write:
        return _TALLY_ADJUST.format(people=people_sql), [sign, *people_params, programme_id, *people_params]

    return [adjust(-1), (_TRAINED_ON + f" AND id IN ({people_sql})", [programme_id, *people_params]), adjust(1)]


def coverage_tally_count(*, programme: Programme) -> None:
    """Count the programme's coverage tallies again from its roster (one grouped scan)."""
    run_writes([("DELETE FROM training_coveragetally WHERE programme_id = %s", [programme.pk]),
                (_TALLY_COUNT, [programme.pk])])


def trained_refresh(*, programme: Programme, person_ids: Iterable[int] | None = None,
                    moved_in: RosterImport | None = None) -> None:
    """Recompute `trained_on` for some people of the programme (all when neither selection is given)."""
    if person_ids is not None:
        ids = list(person_ids)
        if ids:
            people = ("SELECT id FROM training_person WHERE id IN (" + ", ".join(["%s"] * len(ids)) + ")", ids)
            run_writes(trained_refresh_writes(programme_id=programme.pk, people=people))
        return
    sql, params = _TRAINED_ON, [programme.pk]
    if moved_in is not None:
        sql += (" AND person_key IN (SELECT person_key FROM training_rosterchange WHERE roster_import_id = %s"
                " AND kind = 'move')")
        params.append(moved_in.pk)
    run_writes([(sql, params)])
    coverage_tally_count(programme=programme)
