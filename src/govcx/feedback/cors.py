"""Cross-origin access to the public feedback endpoints, so that the widget on another site can read a survey
and submit a response.

Every origin gets the CORS headers here; whether a site may *submit* is the survey's own allow-list, which the
API checks against the request's Origin (`services.check_origin`) and refuses with a 403. No cookies are
involved (the widget sends none, and Access-Control-Allow-Credentials is never set), so echoing the Origin lets
no site act as a signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers

PUBLIC_PREFIX = "/api/feedback/public/"
ALLOWED_METHODS = "GET, POST, OPTIONS"
ALLOWED_HEADERS = "Content-Type"
PREFLIGHT_MAX_AGE_SECONDS = 7200  # Chromium caps the preflight cache at two hours; longer buys nothing


class PublicFeedbackCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PUBLIC_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
            response["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE_SECONDS)
        else:
            response = self.get_response(request)
        origin = request.META.get("HTTP_ORIGIN")  # request.headers would parse every header of the request
        if origin:
            response["Access-Control-Allow-Origin"] = origin
        patch_vary_headers(response, ("Origin",))
        return response
