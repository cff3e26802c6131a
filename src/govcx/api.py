"""The API root: mounts each app's router under /api/, checks the text of every request (common.text) and turns
domain errors into HTTP answers. Only expected errors become 4xx: anything else stays a logged 500."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from govcx.accounts.auth import API_AUTH
from govcx.common.text import clean_data, loads_clean
from govcx.errors import DomainError, Invalid, RateLimited


def _refuse_constant(name: str) -> None:
    raise Invalid(f"{name} is not a JSON number")


class TextCheckingParser(Parser):
    """Every string of a request's JSON body, query and form fields through the one text rule (NUL and lone
    surrogates refused, stray control characters taken out), so no handler or schema can forget it."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # NaN and Infinity are not JSON, though Python's parser takes them (and no column can hold them)
        return loads_clean(request.body, parse_constant=_refuse_constant)

    def parse_querydict(self, data: MultiValueDict, list_fields: list[str], request: HttpRequest) -> dict[str, Any]:
        return clean_data(super().parse_querydict(data, list_fields, request))


api = NinjaAPI(
    title="govcx API",
    version="1",
    description="Service registry, standards packs, assessments, launch verdicts and page audits.",
    auth=API_AUTH,
    urls_namespace="api",
    parser=TextCheckingParser(),
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(
        request, {"error": exc.code.value, "message": exc.message, "details": exc.details}, status=exc.status
    )
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after_seconds)
    return response


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja wraps whatever the body parser raises in a 400 "Cannot parse request body"; a refused text is ours
    if isinstance(exc.__cause__, DomainError):
        return domain_error(request, exc.__cause__)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"error": "unauthenticated", "message": "sign in or send Authorization: Bearer <token>", "details": []},
        status=401,
    )


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {"field": ".".join(str(p) for p in e.get("loc", ()) if p not in ("body", "payload")), "message": e.get("msg")}
        for e in exc.errors
    ]
    return api.create_response(
        request, {"error": "invalid", "message": "the request is not valid", "details": details}, status=422
    )


def _mount() -> None:
    from govcx.accounts.api import router as accounts_router
    from govcx.audit.api import router as audit_router
    from govcx.complaints.api import router as complaints_router
    from govcx.delivery.api import router as delivery_router
    from govcx.feedback.api import router as feedback_router
    from govcx.jobs.api import router as jobs_router
    from govcx.lab.api import router as lab_router
    from govcx.registry.api import router as registry_router
    from govcx.standards.api import router as standards_router
    from govcx.training.api import router as training_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/registry/", registry_router)
    api.add_router("/standards/", standards_router)
    api.add_router("/audit/", audit_router)
    api.add_router("/lab/", lab_router)
    api.add_router("/feedback/", feedback_router)
    # Where it was when complaints lived in feedback: no trailing slash, the list is GET /api/feedback/complaints
    api.add_router("/feedback/complaints", complaints_router)
    # closing the loop: cases opened from feedback for the service's team
    from govcx.complaints.case_api import router as cases_router

    api.add_router("/cases", cases_router)
    api.add_router("/jobs/", jobs_router)
    api.add_router("/delivery/", delivery_router)

    from govcx.proactive.api import router as proactive_router

    api.add_router("/proactive/", proactive_router)
    api.add_router("/training/", training_router)

    from govcx.pilots.api import router as pilots_router

    api.add_router("/pilots/", pilots_router)
    # maturity
    from govcx.maturity.api import router as maturity_router

    api.add_router("/maturity/", maturity_router)
    from govcx.practices.api import router as practices_router

    api.add_router("/practices/", practices_router)


_mount()
