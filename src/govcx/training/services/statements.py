"""Storing xAPI statements sent by learning platforms (the statement resource's PUT and POST), voiding, and the
completions statements report.

A request is all or nothing (xAPI-Communication 2.1.2): every statement is validated first; a statement whose id
is stored already is skipped when it is the same statement (xAPI-Data 2.3.1 comparison) and makes the whole
request a 409 Conflict when it differs. The LRS sets `stored`, `authority` (the platform's own account),
`version` (1.0.0 when absent) and `timestamp` (= stored when absent). A voiding statement marks its target voided
(a target sent later is stored voided); a voiding statement cannot itself be voided (400).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid as uuidlib
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Field
from django.utils import timezone

from govcx.common.rows import values_statements
from govcx.errors import Conflict
from govcx.training import xapi, xapi_lookups
from govcx.training.models import Completion, LearningPlatform, Statement, XapiActivity
from govcx.training.services.trained import Write, run_writes, trained_refresh, trained_refresh_writes


def stored_text(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def platform_authority(platform: LearningPlatform) -> dict[str, Any]:
    return {"objectType": "Agent", "name": platform.name,
            "account": {"homePage": platform.home_page, "name": platform.username}}


def _normalise(statement: dict[str, Any], platform: LearningPlatform, stored: str) -> dict[str, Any]:
    body = dict(statement)
    body["id"] = body["id"].lower()
    body["stored"] = stored
    body["authority"] = platform_authority(platform)
    body.setdefault("version", "1.0.0")
    body.setdefault("timestamp", stored)

    def arrays(part: dict[str, Any]) -> None:
        context = part.get("context")
        if context and "contextActivities" in context:
            part["context"] = {**context, "contextActivities": {
                k: v if isinstance(v, list) else [v] for k, v in context["contextActivities"].items()}}
        target = part.get("object", {})
        if target.get("objectType") == "SubStatement":
            part["object"] = dict(target)
            arrays(part["object"])

    arrays(body)
    return body


def statements_store(*, platform: LearningPlatform, statements: list[Any], put_id: str | None = None) -> list[str]:
    """Store the statements of one request; their ids in order. Raises XapiInvalid (400) or Conflict (409)."""
    if put_id is not None:
        put_id = xapi.uuid(put_id, "statementId")
    if not statements:
        raise xapi.XapiInvalid("the request holds no statement")
    checked = []
    for index, statement in enumerate(statements):
        path = "statement" if put_id is not None else f"statements[{index}]"
        xapi.validate_statement(statement, path)
        if put_id is not None:
            if "id" in statement and statement["id"].lower() != put_id:
                raise xapi.XapiInvalid("the statement's id differs from the statementId parameter")
            statement = {**statement, "id": put_id}
        elif "id" not in statement:
            statement = {**statement, "id": str(uuidlib.uuid4())}
        checked.append(statement)
    ids = [s["id"].lower() for s in checked]
    if len(set(ids)) != len(ids):
        raise xapi.XapiInvalid("two statements of the request share an id")
    stored = stored_text(timezone.now())
    for attempt in (1, 2):  # a statement with one of these ids stored meanwhile: compare again with it
        try:
            with transaction.atomic():
                existing, already_voided = _known(ids)
                fresh = []
                for statement in checked:
                    known = existing.get(statement["id"].lower())
                    if known is None:
                        fresh.append(_normalise(statement, platform, stored))
                    elif not xapi.same_statement(known, statement):
                        raise Conflict(f"statement {statement['id']} is stored already with different content")
                _void_checks(fresh)
                _insert(platform, fresh, stored, already_voided)
            break
        except IntegrityError:
            if attempt == 2:
                raise Conflict("a statement with one of these ids was stored at the same time") from None
    return ids


def _prep(name: str, value: Any) -> Any:
    field = Statement._meta.get_field(name)
    assert isinstance(field, Field)
    return field.get_db_prep_save(value, connection)


def _uuid_text(value: Any) -> str:
    return str(value if isinstance(value, uuidlib.UUID) else uuidlib.UUID(str(value)))


def _known(ids: list[str]) -> tuple[dict[str, dict[str, Any]], set[str]]:
    """The bodies of the statements stored under these ids, and which of the ids a stored statement voids: one
    query (statements are immutable, so nothing needs locking; a racing insert of the same id fails the insert)."""
    marks = ", ".join(["%s"] * len(ids))
    keys = [_prep("id", value) for value in ids]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, body, is_voiding, ref_target FROM training_statement WHERE id IN ({marks}) "
                       f"OR (is_voiding AND ref_target IN ({marks}))", [*keys, *keys])
        rows = cursor.fetchall()
    wanted = set(ids)
    existing, voided = {}, set()
    for row_id, body, is_voiding, ref_target in rows:
        if _uuid_text(row_id) in wanted:
            existing[_uuid_text(row_id)] = body if isinstance(body, dict) else json.loads(body)
        if is_voiding and ref_target is not None and _uuid_text(ref_target) in wanted:
            voided.add(_uuid_text(ref_target))
    return existing, voided


def _void_target(body: dict[str, Any]) -> str | None:
    if body["verb"]["id"] == xapi.VOIDED:
        return str(body["object"]["id"]).lower()
    return None


def _void_checks(fresh: list[dict[str, Any]]) -> None:
    targets = {t for t in (_void_target(b) for b in fresh) if t}
    if not targets:
        return
    voiding_in_request = {b["id"] for b in fresh if _void_target(b)}
    if targets & voiding_in_request or Statement.objects.filter(pk__in=targets, is_voiding=True).exists():
        raise xapi.XapiInvalid("a voiding statement cannot be voided")


def _insert(platform: LearningPlatform, fresh: list[dict[str, Any]], stored: str, already_voided: set[str]) -> None:
    """The statements and their filter keys as plain INSERTs, then what they change: voided targets, activity
    definitions and completions. Without voiding, a completion statement is written in one round trip."""
    if not fresh:
        return
    moment = _prep("stored", dt.datetime.fromisoformat(stored.replace("Z", "+00:00")))
    targets = {t for t in (_void_target(b) for b in fresh) if t}
    statement_rows: list[list[Any]] = []
    key_rows: list[list[Any]] = []
    completions: list[Write] = []
    for body in fresh:
        target = body["object"]
        is_voiding = _void_target(body) is not None
        voided = not is_voiding and (body["id"] in already_voided or body["id"] in targets)
        row_id = _prep("id", body["id"])
        ref_target = target["id"] if target.get("objectType") == "StatementRef" else None
        statement_rows.append([row_id, platform.pk, _prep("body", body), moment, body["verb"]["id"],
                               _prep("registration", body.get("context", {}).get("registration")),
                               _prep("ref_target", ref_target), voided, is_voiding])
        agents, related_agents, activities, related_activities = xapi.filter_keys(body)
        for kind, values in (("a", agents), ("ra", related_agents), ("o", activities), ("ro", related_activities)):
            key_rows.extend([row_id, kind, value[:500]] for value in values)
        if not voided and not is_voiding and xapi.is_completion(body):
            completions.extend(_completion_writes(platform, body))
    writes: list[Write] = values_statements(
        "INSERT INTO training_statement (id, platform_id, body, stored, verb_id, registration, ref_target, voided, "
        "is_voiding) VALUES ", 9, statement_rows)
    writes += values_statements('INSERT INTO training_statementkey (statement_id, kind, "key") VALUES ', 3, key_rows)
    if targets:
        run_writes(writes)
        Statement.objects.filter(pk__in=targets, is_voiding=False).update(voided=True)
        _withdraw_completions(targets)
        writes = []
    _keep_definitions(platform, fresh)
    if writes or completions:
        run_writes(writes + completions)


_COURSE = (
    "SELECT id FROM (SELECT id, 0 AS rank, 0 AS tie FROM training_course WHERE programme_id = %s AND activity_id = %s"
    " UNION ALL SELECT id, 1, 0 FROM training_course WHERE programme_id = %s AND code = %s"
    " UNION ALL SELECT e.course_id, 2, e.id FROM training_equivalence e JOIN training_course c ON c.id = e.course_id"
    " WHERE c.programme_id = %s AND e.identifier = %s) AS found ORDER BY rank, tie LIMIT 1"
)
_COMPLETE = (
    "INSERT INTO training_completion (person_id, course_id, completed_on, source, statement_id) "
    "SELECT person.id, course.id, %s, 'xapi', %s FROM ({person}) AS person, ({course}) AS course WHERE true "
    "ON CONFLICT (person_id, course_id) DO UPDATE SET completed_on = excluded.completed_on, source = excluded.source, "
    "statement_id = excluded.statement_id WHERE excluded.completed_on < training_completion.completed_on"
)


def _person_query(platform: LearningPlatform, actor: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The roster person a statement's actor is (by the platform's account, or the e-mail's SHA-1), as a query."""
    account = actor.get("account")
    if account and account["homePage"].rstrip("/") == platform.home_page.rstrip("/"):
        return ("SELECT id FROM training_person WHERE programme_id = %s AND person_key = %s",
                [platform.programme_id, account["name"]])
    if "mbox_sha1sum" in actor:
        sha1 = actor["mbox_sha1sum"].lower()
    elif "mbox" in actor:
        sha1 = xapi.mbox_sha1(actor["mbox"][len("mailto:"):])
    else:
        return None
    return ("SELECT id FROM training_person WHERE programme_id = %s AND email_sha1 = %s ORDER BY person_key LIMIT 1",
            [platform.programme_id, sha1])


def _completion_writes(platform: LearningPlatform, body: dict[str, Any]) -> list[Write]:
    """The completion a statement reports (the earliest counts) and the refresh of its person's `trained_on` and
    coverage tally, as statements that find the person and the course themselves: nothing is read first."""
    target = body["object"]
    person = _person_query(platform, body["actor"])
    if target.get("objectType", "Activity") != "Activity" or person is None:
        return []
    person_sql, person_params = person
    programme_id, activity = platform.programme_id, target["id"]
    completed_on = timezone.localtime(xapi.timestamp(body["timestamp"], "timestamp")).date()
    complete = (_COMPLETE.format(person=person_sql, course=_COURSE),
                [connection.ops.adapt_datefield_value(completed_on), _prep("id", body["id"]), *person_params,
                 programme_id, activity, programme_id, activity, programme_id, activity])
    return [complete, *trained_refresh_writes(programme_id=programme_id, people=person)]


def _keep_definitions(platform: LearningPlatform, fresh: list[dict[str, Any]]) -> None:
    """Update the canonical definitions of the activities the statements define (written only when they change,
    so a platform sending the same definition every time costs one read)."""
    given: dict[str, dict[str, Any]] = {}
    for body in fresh:
        for activity_id, definition in xapi_lookups.definitions(body).items():
            if len(activity_id) <= XapiActivity.ID_LENGTH:
                given[activity_id] = xapi_lookups.merge_definition(given.get(activity_id), definition)
    if not given:
        return
    known = dict(XapiActivity.objects.filter(programme_id=platform.programme_id, activity_id__in=given)
                 .values_list("activity_id", "definition"))
    changed = []
    for activity_id, definition in given.items():
        merged = xapi_lookups.merge_definition(known.get(activity_id), definition)
        if merged != known.get(activity_id):
            changed.append(XapiActivity(programme_id=platform.programme_id, activity_id=activity_id,
                                        definition=merged))
    XapiActivity.objects.bulk_create(changed, update_conflicts=True, unique_fields=["programme", "activity_id"],
                                     update_fields=["definition"])


def _withdraw_completions(targets: set[str]) -> None:
    withdrawn = list(Completion.objects.filter(statement_id__in=targets).select_related("course__programme"))
    for completion in withdrawn:
        completion.delete()
        trained_refresh(programme=completion.course.programme, person_ids=[completion.person_id])
