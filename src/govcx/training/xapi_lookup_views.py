"""The xAPI 1.0.3 Agents and Activities resources (xAPI-Communication 2.4 and 2.5): `GET /xapi/agents?agent=`
answers a Person Object, `GET /xapi/activities?activityId=` the Activity Object with its canonical definition
(what they hold: `xapi_lookups`). HEAD answers as GET without the body; other methods 405. Credentials, the version
header, the alternate request syntax and the error answers are the statement resource's (`xapi_views.serve`)."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from govcx.training import selectors, xapi
from govcx.training.models import LearningPlatform
from govcx.training.xapi_views import XapiRequest, error, serve

READS = ("GET", "HEAD")


def _parameter(req: XapiRequest, name: str) -> str:
    """The one parameter the resource takes."""
    unknown = set(req.params) - {name}
    if unknown:
        raise xapi.XapiInvalid(f"unknown parameter(s): {', '.join(sorted(unknown))}")
    if name not in req.params:
        raise xapi.XapiInvalid(f"the {name} parameter is required")
    return req.params[name]


def _agents(req: XapiRequest, platform: LearningPlatform) -> HttpResponse:
    if req.method not in READS:
        return error(405, "method_not_allowed", "the agents resource answers GET and HEAD")
    try:
        value = json.loads(_parameter(req, "agent"))
    except ValueError:
        raise xapi.XapiInvalid("agent must be a JSON Agent") from None
    if isinstance(value, dict) and value.get("objectType") == "Group":
        raise xapi.XapiInvalid("agent must be an Agent: the agents resource describes a person, not a Group")
    agent = xapi.agent(value, "agent")
    return JsonResponse(selectors.xapi_person(programme_id=platform.programme_id, agent=agent))


def _activities(req: XapiRequest, platform: LearningPlatform) -> HttpResponse:
    if req.method not in READS:
        return error(405, "method_not_allowed", "the activities resource answers GET and HEAD")
    activity_id = xapi.iri(_parameter(req, "activityId"), "activityId")
    return JsonResponse(selectors.xapi_activity(programme_id=platform.programme_id, activity_id=activity_id))


@csrf_exempt
def agents(request: HttpRequest) -> HttpResponse:
    return serve(request, _agents)


@csrf_exempt
def activities(request: HttpRequest) -> HttpResponse:
    return serve(request, _activities)
