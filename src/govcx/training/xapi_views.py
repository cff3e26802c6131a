"""The xAPI 1.0.3 statement resource and the about resource, for learning platforms (xAPI-Communication part).

`/xapi/statements`: PUT (statementId; 204), POST (one statement or an array; the ids), GET (statementId,
voidedStatementId, or the filters agent, verb, activity, registration, related_activities, related_agents, since,
until, limit, format, attachments, ascending; a StatementResult with a `more` link), HEAD like GET; the
alternate request syntax (POST with ?method=); multipart/mixed attachments. `/xapi/about`: the versions.
Every request but about needs the X-Experience-API-Version header (1.0.x) and HTTP Basic credentials of a learning
platform; every answer carries X-Experience-API-Version: 1.0.3. Errors are JSON {"error", "message"} with the
spec's codes: 400 malformed, 401 no or wrong credentials, 404 unknown statement, 405, 409 conflicting id.
"""

from __future__ import annotations

import base64
import binascii
import email.parser
import email.policy
import hashlib
import hmac
import json
import re
import uuid as uuidlib
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

from django.db.models import Exists, OuterRef, Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from govcx.common.tokens import token_hash
from govcx.errors import Conflict, DomainError
from govcx.training import xapi
from govcx.training.models import LearningPlatform, Statement, StatementAttachment, StatementKey
from govcx.training.services.statements import statements_store, stored_text
from govcx.training.services.xapi_documents import PreconditionFailed

VERSION_HEADER = "X-Experience-API-Version"
MAX_LIMIT = 500
GET_PARAMETERS = {"statementId", "voidedStatementId", "agent", "verb", "activity", "registration",
                  "related_activities", "related_agents", "since", "until", "limit", "format", "attachments",
                  "ascending", "from"}
SINGLE_PARAMETERS = {"statementId", "voidedStatementId", "format", "attachments"}
_VERSION = re.compile(r"^1\.0(\.\d+)?$")


class Unauthorised(Exception):
    pass


Handler = Callable[["XapiRequest", LearningPlatform], HttpResponse]


class XapiRequest:
    """The parts of a request the resource reads, from the real request or from the alternate request syntax."""

    def __init__(self, request: HttpRequest) -> None:
        self.method = request.method or "GET"
        self.params: dict[str, str] = {}
        self.headers = {k.lower(): v for k, v in request.headers.items()}
        self.body = request.body
        query = parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)
        if self.method == "POST" and any(k == "method" for k, _ in query):
            if len(query) != 1:
                raise xapi.XapiInvalid("with the alternate request syntax, method is the only query parameter")
            self.method = query[0][1].upper()
            if self.method not in ("GET", "PUT", "POST", "HEAD", "DELETE"):
                raise xapi.XapiInvalid("method must be GET, PUT, POST or DELETE")
            form = dict(parse_qsl(request.body.decode("utf-8", errors="replace"), keep_blank_values=True))
            for header in ("authorization", "x-experience-api-version", "content-type", "if-match", "if-none-match"):
                key = next((k for k in form if k.lower() == header), None)
                if key is not None:
                    self.headers[header] = form.pop(key)
            self.body = form.pop("content", "").encode()
            self.params = form
            if "content-type" not in self.headers or self.headers["content-type"].startswith(
                    "application/x-www-form-urlencoded"):
                self.headers["content-type"] = "application/json"
        else:
            for key, value in query:
                if key in self.params:
                    raise xapi.XapiInvalid(f"the parameter {key} is given twice")
                self.params[key] = value


def answer(response: HttpResponse) -> HttpResponse:
    response[VERSION_HEADER] = xapi.VERSION
    return response


def error(status: int, code: str, message: str) -> HttpResponse:
    response = answer(JsonResponse({"error": code, "message": message}, status=status))
    if status == 401:
        response["WWW-Authenticate"] = 'Basic realm="xAPI"'
    return response


def platform_of(headers: dict[str, str]) -> LearningPlatform:
    value = headers.get("authorization", "")
    if not value.lower().startswith("basic "):
        raise Unauthorised
    try:
        username, _, secret = base64.b64decode(value[6:].strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise Unauthorised from None
    platform = LearningPlatform.objects.select_related("programme").filter(username=username, active=True).first()
    if platform is None or not hmac.compare_digest(platform.secret_hash, token_hash(secret)):
        raise Unauthorised
    return platform


def check_version(headers: dict[str, str]) -> None:
    version = headers.get("x-experience-api-version")
    if version is None:
        raise xapi.XapiInvalid("the X-Experience-API-Version header is required")
    if not _VERSION.match(version.strip()):
        raise xapi.XapiInvalid(f"this LRS speaks xAPI 1.0.x, not {version}")


@csrf_exempt
def about(request: HttpRequest) -> HttpResponse:
    if request.method not in ("GET", "HEAD"):
        return error(405, "method_not_allowed", "the about resource answers GET")
    return answer(JsonResponse({"version": ["1.0.3", "1.0.2", "1.0.1", "1.0.0"], "extensions": {}}))


def serve(request: HttpRequest, handle: Handler) -> HttpResponse:
    """Every xAPI resource but about: the platform's credentials and the version header checked, `handle` called,
    the body dropped for HEAD, and the spec's error answers."""
    try:
        req = XapiRequest(request)
        platform = platform_of(req.headers)
        check_version(req.headers)
        response = handle(req, platform)
        if req.method == "HEAD":
            response.content = b""
        return answer(response)
    except Unauthorised:
        return error(401, "unauthorised", "send the learning platform's credentials (HTTP Basic)")
    except PreconditionFailed as exc:
        return error(412, "precondition_failed", exc.message)
    except Conflict as exc:
        return error(409, "conflict", exc.message)
    except xapi.XapiInvalid as exc:
        return error(400, "bad_request", exc.message)
    except DomainError as exc:
        return error(exc.status, str(exc.code), exc.message)


def _statements(req: XapiRequest, platform: LearningPlatform) -> HttpResponse:
    if req.method in ("GET", "HEAD"):
        return _get(req, platform)
    if req.method == "PUT":
        return _put(req, platform)
    if req.method == "POST":
        return _post(req, platform)
    return error(405, "method_not_allowed", "the statement resource answers GET, HEAD, PUT and POST")


@csrf_exempt
def statements(request: HttpRequest) -> HttpResponse:
    return serve(request, _statements)


# --- writing ---------------------------------------------------------------------------------------------------


def _content(req: XapiRequest) -> tuple[Any, dict[str, tuple[str, bytes]]]:
    """The JSON of the request and its attachments' parts by SHA-2 hash."""
    kind = req.headers.get("content-type", "").split(";")[0].strip().lower()
    parts: dict[str, tuple[str, bytes]] = {}
    if kind == "multipart/mixed":
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + req.headers["content-type"].encode() + b"\r\n\r\n" + req.body)
        if not message.is_multipart():
            raise xapi.XapiInvalid("a multipart/mixed request must hold parts")
        found = list(message.iter_parts())
        if not found or found[0].get_content_type() != "application/json":
            raise xapi.XapiInvalid("the first part must be the statements as application/json")
        raw = bytes(found[0].get_payload(decode=True) or b"")
        for part in found[1:]:
            sha2 = part.get("X-Experience-API-Hash")
            if not sha2:
                raise xapi.XapiInvalid("every attachment part needs an X-Experience-API-Hash header")
            if part.get("Content-Transfer-Encoding", "binary").lower() != "binary":
                raise xapi.XapiInvalid("attachment parts are sent with Content-Transfer-Encoding: binary")
            parts[str(sha2)] = (part.get_content_type(), bytes(part.get_payload(decode=True) or b""))
    elif kind == "application/json":
        raw = req.body
    else:
        raise xapi.XapiInvalid("statements are sent as application/json (or multipart/mixed with attachments)")
    try:
        return json.loads(raw), parts
    except ValueError:
        raise xapi.XapiInvalid("the body is not JSON") from None


def _check_attachments(items: list[Any], parts: dict[str, tuple[str, bytes]]) -> None:
    needed = set()
    for statement in items:
        for attachment in statement.get("attachments", []) if isinstance(statement, dict) else []:
            if isinstance(attachment, dict) and "fileUrl" not in attachment:
                needed.add(attachment.get("sha2"))
    if needed - parts.keys():
        raise xapi.XapiInvalid("an attachment without fileUrl has no part with its content")
    if parts.keys() - needed:
        raise xapi.XapiInvalid("a part matches no attachment of the statements")
    for sha2, (content_type, content) in parts.items():
        StatementAttachment.objects.get_or_create(sha2=sha2, defaults={"content_type": content_type,
                                                                      "content": content})


def _put(req: XapiRequest, platform: LearningPlatform) -> HttpResponse:
    if set(req.params) != {"statementId"}:
        raise xapi.XapiInvalid("PUT takes the statementId parameter and nothing else")
    body, parts = _content(req)
    if not isinstance(body, dict):
        raise xapi.XapiInvalid("PUT takes one statement")
    _check_attachments([body], parts)
    statements_store(platform=platform, statements=[body], put_id=req.params["statementId"])
    return HttpResponse(status=204)


def _post(req: XapiRequest, platform: LearningPlatform) -> HttpResponse:
    if req.params:
        raise xapi.XapiInvalid("POST takes no parameters")
    body, parts = _content(req)
    items = body if isinstance(body, list) else [body]
    _check_attachments(items, parts)
    ids = statements_store(platform=platform, statements=items)
    return JsonResponse(ids, safe=False)


# --- reading ---------------------------------------------------------------------------------------------------


def _flag(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in ("true", "false"):
        raise xapi.XapiInvalid(f"{name} must be true or false")
    return value == "true"


def _shape(body: dict[str, Any], fmt: str) -> dict[str, Any]:
    return xapi.ids_format(body) if fmt == "ids" else body


def _attachments_response(payload: Any, bodies: list[dict[str, Any]]) -> HttpResponse:
    boundary = uuidlib.uuid4().hex
    hashes = [a["sha2"] for b in bodies for a in b.get("attachments", []) if "fileUrl" not in a]
    chunks = [f"--{boundary}\r\nContent-Type: application/json\r\n\r\n".encode(), json.dumps(payload).encode()]
    for item in StatementAttachment.objects.filter(sha2__in=set(hashes)):
        chunks.append(f"\r\n--{boundary}\r\nContent-Type: {item.content_type}\r\nContent-Transfer-Encoding: binary"
                      f"\r\nX-Experience-API-Hash: {item.sha2}\r\n\r\n".encode())
        chunks.append(bytes(item.content))
    chunks.append(f"\r\n--{boundary}--\r\n".encode())
    return HttpResponse(b"".join(chunks), content_type=f"multipart/mixed; boundary={boundary}")


def _get(req: XapiRequest, platform: LearningPlatform) -> HttpResponse:
    params = req.params
    unknown = set(params) - GET_PARAMETERS
    if unknown:
        raise xapi.XapiInvalid(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    fmt = params.get("format", "exact")
    if fmt not in ("exact", "ids", "canonical"):
        raise xapi.XapiInvalid("format must be ids, exact or canonical")
    with_attachments = _flag(params, "attachments")
    consistent = stored_text(timezone.now())
    scope = Statement.objects.filter(platform__programme_id=platform.programme_id)
    single = {"statementId", "voidedStatementId"} & params.keys()
    if single:
        if len(single) > 1 or set(params) - SINGLE_PARAMETERS:
            raise xapi.XapiInvalid("statementId or voidedStatementId goes only with format and attachments")
        name = single.pop()
        wanted = xapi.uuid(params[name], name)
        found = scope.filter(pk=wanted, voided=(name == "voidedStatementId")).first()
        if found is None:
            return error(404, "not_found", f"no statement {wanted}")
        body = _shape(found.body, fmt)
        response = _attachments_response(body, [found.body]) if with_attachments else JsonResponse(body)
        response["Last-Modified"] = http_date(found.stored.timestamp())
        response["X-Experience-API-Consistent-Through"] = consistent
        return response
    matches = scope
    related_agents, related_activities = _flag(params, "related_agents"), _flag(params, "related_activities")
    if "agent" in params:
        key = xapi.parse_agent_parameter(params["agent"])
        matches = matches.filter(Exists(StatementKey.objects.filter(
            statement=OuterRef("pk"), kind="ra" if related_agents else "a", key=key)))
    if "verb" in params:
        matches = matches.filter(verb_id=xapi.iri(params["verb"], "verb"))
    if "activity" in params:
        matches = matches.filter(Exists(StatementKey.objects.filter(
            statement=OuterRef("pk"), kind="ro" if related_activities else "o",
            key=xapi.iri(params["activity"], "activity"))))
    if "registration" in params:
        matches = matches.filter(registration=xapi.uuid(params["registration"], "registration"))
    result = scope.filter(voided=False)
    if matches is not scope:
        result = result.filter(Q(pk__in=matches.values("pk")) | Q(ref_target__in=matches.values("pk")))
    if "since" in params:
        result = result.filter(stored__gt=xapi.timestamp(params["since"], "since"))
    until = params.get("until")
    if until:
        result = result.filter(stored__lte=xapi.timestamp(until, "until"))
    try:
        limit = int(params.get("limit", "0"))
        offset = int(params.get("from", "0"))
    except ValueError:
        raise xapi.XapiInvalid("limit must be a whole number") from None
    if limit < 0 or offset < 0:
        raise xapi.XapiInvalid("limit must not be negative")
    limit = MAX_LIMIT if limit == 0 else min(limit, MAX_LIMIT)
    ascending = _flag(params, "ascending")
    ordered = result.order_by(*(("stored", "id") if ascending else ("-stored", "-id")))
    page = list(ordered[offset:offset + limit + 1].values_list("body", "stored"))
    more = ""
    if len(page) > limit:
        page = page[:limit]
        following = {**params, "from": str(offset + limit), "until": until or consistent}
        more = "/xapi/statements?" + urlencode(following)
    bodies = [body for body, _ in page]
    payload = {"statements": [_shape(b, fmt) for b in bodies], "more": more}
    response = _attachments_response(payload, bodies) if with_attachments else JsonResponse(payload)
    latest = max((stored for _, stored in page), default=timezone.now())
    response["Last-Modified"] = http_date(latest.timestamp())
    response["X-Experience-API-Consistent-Through"] = consistent
    return response


def attachment_hash(content: bytes) -> str:
    """The SHA-256 a platform puts in an attachment's sha2 and X-Experience-API-Hash."""
    return hashlib.sha256(content).hexdigest()
