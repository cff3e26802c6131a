"""The documents learning platforms keep in the LRS (xAPI-Communication 2.3): activity state, activity profiles and
agent profiles. PUT replaces a document; POST merges a JSON object into a stored JSON object (top-level keys, the
new value winning) and refuses to merge anything else (400); DELETE removes one or, for the state, all of an
activity's and agent's. Profiles are guarded against lost updates (2.3.3 / 3.1 Concurrency): a PUT must carry
If-Match with the stored ETag or If-None-Match: * (412 when the condition fails, 409 when a stored document is
overwritten without either)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from govcx.errors import Conflict
from govcx.training import xapi
from govcx.training.models import Programme, XapiDocument


class PreconditionFailed(Conflict):
    """An If-Match or If-None-Match condition that does not hold: xAPI answers 412, not 409."""


@dataclass(frozen=True)
class DocumentKey:
    kind: str
    activity_id: str = ""
    agent_key: str = ""
    registration: str = ""

    def scope(self, programme: Programme) -> QuerySet[XapiDocument]:
        return XapiDocument.objects.filter(programme=programme, kind=self.kind, activity_id=self.activity_id,
                                           agent_key=self.agent_key, registration=self.registration)


def etag_of(content: bytes) -> str:
    return hashlib.sha1(content).hexdigest()  # noqa: S324 (the spec's ETag is the SHA-1 of the document)


def _json_object(content: bytes, content_type: str) -> dict[str, Any] | None:
    if content_type.split(";")[0].strip().lower() != "application/json":
        return None
    try:
        value = json.loads(content)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/").strip('"') for tag in header.split(",") if tag.strip()}


def _check_preconditions(found: XapiDocument | None, if_match: str | None, if_none_match: str | None,
                         *, required: bool) -> None:
    if if_match is not None and (found is None or (if_match.strip() != "*" and found.etag not in _etags(if_match))):
        raise PreconditionFailed("If-Match does not name the stored document's ETag")
    if if_none_match is not None and found is not None and (
            if_none_match.strip() == "*" or found.etag in _etags(if_none_match)):
        raise PreconditionFailed("the document exists (If-None-Match)")
    if required and found is not None and if_match is None and if_none_match is None:
        raise Conflict("the document exists: send If-Match with its ETag (or If-None-Match: *) to replace it")


def document_put(*, programme: Programme, key: DocumentKey, document_id: str, content: bytes, content_type: str,
                 merge: bool, if_match: str | None = None, if_none_match: str | None = None) -> XapiDocument:
    """Store (PUT) or merge (POST) one document."""
    with transaction.atomic():
        found = key.scope(programme).select_for_update().filter(document_id=document_id).first()
        _check_preconditions(found, if_match, if_none_match, required=key.kind != "state" and not merge)
        if merge and found is not None:
            old, new = _json_object(bytes(found.content), found.content_type), _json_object(content, content_type)
            if old is None or new is None:
                raise xapi.XapiInvalid("POST merges JSON objects only; PUT replaces any document")
            content, content_type = json.dumps({**old, **new}).encode(), "application/json"
        elif merge and _json_object(content, content_type) is None and content_type.startswith("application/json"):
            raise xapi.XapiInvalid("the document is not a JSON object")
        values = {"content": content, "content_type": content_type[:200], "etag": etag_of(content),
                  "updated": timezone.now()}
        if found is None:
            return XapiDocument.objects.create(programme=programme, kind=key.kind, activity_id=key.activity_id,
                                               agent_key=key.agent_key, registration=key.registration,
                                               document_id=document_id, **values)
        for name, value in values.items():
            setattr(found, name, value)
        found.save(update_fields=list(values))
        return found


def document_get(*, programme: Programme, key: DocumentKey, document_id: str) -> XapiDocument | None:
    return key.scope(programme).filter(document_id=document_id).first()


def document_ids(*, programme: Programme, key: DocumentKey, since: dt.datetime | None = None) -> list[str]:
    documents = key.scope(programme)
    if since is not None:
        documents = documents.filter(updated__gt=since)
    return list(documents.order_by("document_id").values_list("document_id", flat=True))


def document_delete(*, programme: Programme, key: DocumentKey, document_id: str | None,
                    if_match: str | None = None) -> None:
    """Delete one document, or (the state, without stateId) every document of the activity and agent."""
    with transaction.atomic():
        documents = key.scope(programme).select_for_update()
        if document_id is None:
            documents.delete()
            return
        found = documents.filter(document_id=document_id).first()
        if if_match is not None:
            _check_preconditions(found, if_match, None, required=False)
        if found is not None:
            found.delete()
