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
import uuid as uuidlib
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from govcx.errors import Conflict
from govcx.training import xapi, xapi_lookups
from govcx.training.models import Completion, LearningPlatform, Person, Statement, StatementKey, XapiActivity
from govcx.training.services.completions import completion_store, course_for
from govcx.training.services.trained import trained_refresh


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
                existing = {str(s.pk): s for s in Statement.objects.select_for_update().filter(pk__in=ids)}
                fresh = []
                for statement in checked:
                    known = existing.get(statement["id"].lower())
                    if known is None:
                        fresh.append(_normalise(statement, platform, stored))
                    elif not xapi.same_statement(known.body, statement):
                        raise Conflict(f"statement {statement['id']} is stored already with different content")
                _void_checks(fresh)
                _insert(platform, fresh, stored)
            break
        except IntegrityError:
            if attempt == 2:
                raise Conflict("a statement with one of these ids was stored at the same time") from None
    return ids


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


def _insert(platform: LearningPlatform, fresh: list[dict[str, Any]], stored: str) -> None:
    if not fresh:
        return
    moment = dt.datetime.fromisoformat(stored.replace("Z", "+00:00"))
    targets = {t for t in (_void_target(b) for b in fresh) if t}
    already_voided = set(Statement.objects.filter(is_voiding=True, ref_target__in=[b["id"] for b in fresh])
                         .values_list("ref_target", flat=True))
    rows: list[Statement] = []
    keys: list[StatementKey] = []
    for body in fresh:
        target = body["object"]
        registration = body.get("context", {}).get("registration")
        is_voiding = _void_target(body) is not None
        row = Statement(
            id=body["id"], platform=platform, body=body, stored=moment, verb_id=body["verb"]["id"],
            registration=registration, is_voiding=is_voiding,
            ref_target=target["id"] if target.get("objectType") == "StatementRef" else None,
            voided=not is_voiding and (uuidlib.UUID(body["id"]) in already_voided or body["id"] in targets),
        )
        rows.append(row)
        agents, related_agents, activities, related_activities = xapi.filter_keys(body)
        for kind, values in (("a", agents), ("ra", related_agents), ("o", activities), ("ro", related_activities)):
            keys.extend(StatementKey(statement=row, kind=kind, key=value[:500]) for value in values)
    Statement.objects.bulk_create(rows)
    StatementKey.objects.bulk_create(keys, batch_size=2000)
    _keep_definitions(platform, fresh)
    if targets:
        Statement.objects.filter(pk__in=targets, is_voiding=False).update(voided=True)
        _withdraw_completions(targets)
    for body, row in zip(fresh, rows, strict=True):
        if not row.voided and not row.is_voiding and xapi.is_completion(body):
            _complete(platform, body)


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


def _person_for(platform: LearningPlatform, actor: dict[str, Any]) -> Person | None:
    people = Person.objects.filter(programme_id=platform.programme_id)
    account = actor.get("account")
    if account and account["homePage"].rstrip("/") == platform.home_page.rstrip("/"):
        return people.filter(person_key=account["name"]).first()
    if "mbox_sha1sum" in actor:
        return people.filter(email_sha1=actor["mbox_sha1sum"].lower()).exclude(email_sha1="").first()
    if "mbox" in actor:
        return people.filter(email_sha1=xapi.mbox_sha1(actor["mbox"][len("mailto:"):])).exclude(email_sha1="").first()
    return None


def _complete(platform: LearningPlatform, body: dict[str, Any]) -> None:
    target = body["object"]
    if target.get("objectType", "Activity") != "Activity":
        return
    person = _person_for(platform, body["actor"])
    course = course_for(platform.programme, target["id"])
    if person is None or course is None:
        return
    moment = xapi.timestamp(body["timestamp"], "timestamp")
    completion_store(person=person, course=course, completed_on=timezone.localtime(moment).date(), source="xapi",
                     statement_id=body["id"])


def _withdraw_completions(targets: set[str]) -> None:
    withdrawn = list(Completion.objects.filter(statement_id__in=targets).select_related("course__programme"))
    for completion in withdrawn:
        completion.delete()
        trained_refresh(programme=completion.course.programme, person_ids=[completion.person_id])
