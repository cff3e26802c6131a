"""The xAPI 1.0.3 document resources (xAPI-Communication 2.3): `/xapi/activities/state`,
`/xapi/activities/profile` and `/xapi/agents/profile`, with PUT, POST (JSON merge), GET (one document with its
ETag, or the ids stored, optionally `since`) and DELETE. Credentials, the version header, the alternate request
syntax and the error answers are the statement resource's (`xapi_views`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from govcx.training import xapi
from govcx.training.models import LearningPlatform
from govcx.training.services.xapi_documents import (
    DocumentKey,
    document_delete,
    document_get,
    document_ids,
    document_put,
)
from govcx.training.xapi_views import XapiRequest, error, serve

# kind → (the parameters that name the document's place, the parameter that names the document)
RESOURCES = {
    "state": (("activityId", "agent", "registration"), "stateId"),
    "activity_profile": (("activityId",), "profileId"),
    "agent_profile": (("agent",), "profileId"),
}


def _key(kind: str, params: dict[str, str]) -> DocumentKey:
    places, _ = RESOURCES[kind]
    for name in places:
        if name != "registration" and name not in params:
            raise xapi.XapiInvalid(f"the {name} parameter is required")
    return DocumentKey(
        kind=kind,
        activity_id=xapi.iri(params["activityId"], "activityId") if "activityId" in places else "",
        agent_key=xapi.parse_agent_parameter(params["agent"]) if "agent" in places else "",
        registration=xapi.uuid(params["registration"], "registration") if "registration" in params else "",
    )


def _check_parameters(kind: str, params: dict[str, str]) -> None:
    places, name = RESOURCES[kind]
    unknown = set(params) - {*places, name, "since"}
    if unknown:
        raise xapi.XapiInvalid(f"unknown parameter(s): {', '.join(sorted(unknown))}")


def _serve(request: HttpRequest, kind: str) -> HttpResponse:
    def handle(req: XapiRequest, platform: LearningPlatform) -> HttpResponse:
        _check_parameters(kind, req.params)
        return _handle(req, platform, kind)

    return serve(request, handle)


def _handle(req: XapiRequest, platform: LearningPlatform, kind: str) -> HttpResponse:
    programme = platform.programme
    key = _key(kind, req.params)
    name = RESOURCES[kind][1]
    document_id: Any = req.params.get(name)
    headers = req.headers
    if req.method in ("PUT", "POST"):
        if document_id is None:
            raise xapi.XapiInvalid(f"the {name} parameter is required")
        document_put(programme=programme, key=key, document_id=document_id, content=req.body,
                     content_type=headers.get("content-type", "application/octet-stream"),
                     merge=req.method == "POST", if_match=headers.get("if-match"),
                     if_none_match=headers.get("if-none-match"))
        return HttpResponse(status=204)
    if req.method in ("GET", "HEAD"):
        if document_id is None:
            since = xapi.timestamp(req.params["since"], "since") if "since" in req.params else None
            return JsonResponse(document_ids(programme=programme, key=key, since=since), safe=False)
        found = document_get(programme=programme, key=key, document_id=document_id)
        if found is None:
            return error(404, "not_found", f"no document {document_id}")
        response = HttpResponse(b"" if req.method == "HEAD" else bytes(found.content),
                                content_type=found.content_type)
        response["ETag"] = f'"{found.etag}"'
        response["Last-Modified"] = http_date(found.updated.timestamp())
        return response
    if req.method == "DELETE":
        if document_id is None and kind != "state":
            raise xapi.XapiInvalid(f"the {name} parameter is required")
        document_delete(programme=programme, key=key, document_id=document_id, if_match=headers.get("if-match"))
        return HttpResponse(status=204)
    return error(405, "method_not_allowed", "document resources answer GET, HEAD, PUT, POST and DELETE")


@csrf_exempt
def state(request: HttpRequest) -> HttpResponse:
    return _serve(request, "state")


@csrf_exempt
def activity_profile(request: HttpRequest) -> HttpResponse:
    return _serve(request, "activity_profile")


@csrf_exempt
def agent_profile(request: HttpRequest) -> HttpResponse:
    return _serve(request, "agent_profile")
