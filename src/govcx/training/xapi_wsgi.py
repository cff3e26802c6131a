"""The lean path of the LRS: learning platforms stream statements, so `/xapi/...` requests skip the middleware
that serves people (sessions, locale, CSRF, sign-in, messages, htmx, static files, the lockout check: a platform
signs every request with its own HTTP Basic credentials) and resolve in the LRS's URL map alone. The views are the
same either way; only security headers and the CSP header are added, as on every answer."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpRequest, HttpResponseBase
from django.utils.module_loading import import_string

XAPI_PREFIX = "/xapi/"
XAPI_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "govcx.security.ContentSecurityPolicyMiddleware",
)
XAPI_URLCONF = "govcx.training.xapi_lean_urls"

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class XapiHandler(WSGIHandler):
    """Django's WSGI handler with XAPI_MIDDLEWARE instead of settings.MIDDLEWARE and the LRS's URL map."""

    def load_middleware(self, is_async: bool = False) -> None:
        handler = convert_exception_to_response(self._get_response)  # type: ignore[attr-defined]  # not in the stubs
        for middleware_path in reversed(XAPI_MIDDLEWARE):
            handler = convert_exception_to_response(import_string(middleware_path)(handler))
        self._view_middleware: list[Any] = []
        self._template_response_middleware: list[Any] = []
        self._exception_middleware: list[Any] = []
        self._middleware_chain = handler

    def get_response(self, request: HttpRequest) -> HttpResponseBase:
        request.urlconf = XAPI_URLCONF  # type: ignore[attr-defined]  # Django reads it when set (resolve_request)
        return super().get_response(request)


def with_lean_xapi(application: WsgiApp) -> WsgiApp:
    """The WSGI application: the LRS's requests through XapiHandler, everything else through `application`."""
    lrs = XapiHandler()

    def route(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith(XAPI_PREFIX):
            return lrs(environ, start_response)
        return application(environ, start_response)

    return route
