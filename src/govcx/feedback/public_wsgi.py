"""The lean path of single public responses, the busiest request govcx answers.

`POST /api/feedback/public/responses` is the same django-ninja operation either way, but the WSGI application
hands it to a Django handler that runs only the middleware this endpoint needs (security headers, the public
CORS headers, the CSP header) and resolves it in a URL map of one entry. Sessions, locale, CSRF, sign-in,
messages, htmx, static files and the lockout check do nothing for an anonymous JSON submission, and together with
resolving the full URL map they cost about a fifth of the request's CPU under load.

Nor does it send Django's request_started and request_finished signals, whose five receivers (reset_queries,
close_old_connections twice, close_caches, reset_urlconf) each walk the thread's connections: it does what of them
this request needs itself, once, at its end (a request thread touches the database only when it reloads the survey
cache or checks an integrator's token; the committer thread looks after its own connection).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler, get_script_name
from django.db import close_old_connections
from django.http import HttpRequest, HttpResponseBase
from django.urls import set_script_prefix, set_urlconf
from django.utils.module_loading import import_string

INGESTION_PATH = "/api/feedback/public/responses"
LEAN_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "govcx.feedback.cors.PublicFeedbackCorsMiddleware",
    "govcx.security.ContentSecurityPolicyMiddleware",
)
LEAN_URLCONF = "govcx.feedback.ingest_urls"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class IngestionHandler(WSGIHandler):
    """Django's WSGI handler with LEAN_MIDDLEWARE instead of settings.MIDDLEWARE and a one-entry URL map."""

    def load_middleware(self, is_async: bool = False) -> None:
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]  # not in the stubs
        for middleware_path in reversed(LEAN_MIDDLEWARE):
            handler = convert_exception_to_response(import_string(middleware_path)(handler))
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = handler

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        request.urlconf = LEAN_URLCONF  # type: ignore[attr-defined]  # Django reads it when set (resolve_request)
        return super().get_response(request)

    def __call__(  # type: ignore[override]  # a WSGI body, not the HttpResponse (its close() sends the signal)
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        """WSGIHandler.__call__ without the signals (see the module's docstring). Every answer of this endpoint is
        a small JSON HttpResponse, so it is sent as its content (nothing streams, no file is sent)."""
        set_script_prefix(get_script_name(environ))
        try:
            request = self.request_class(environ)
            response = self.get_response(request)
            content = response.content  # type: ignore[attr-defined]  # an HttpResponse: never streaming here
            cookies = [("Set-Cookie", c.output(header="")) for c in response.cookies.values()]
            start_response(f"{response.status_code} {response.reason_phrase}", [*response.items(), *cookies])
            return [content]
        finally:
            set_urlconf(None)
            close_old_connections()


def with_lean_ingestion(application: WsgiApp) -> WsgiApp:
    """The WSGI application: single responses through IngestionHandler, everything else through `application`."""
    ingestion = IngestionHandler()

    def route(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == INGESTION_PATH and environ.get("REQUEST_METHOD") == "POST":
            return ingestion(environ, start_response)
        return application(environ, start_response)

    return route
