"""The API root: mounts each app's router under /api/ and turns domain errors into HTTP answers."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError

from govcx.accounts.auth import API_AUTH
from govcx.errors import DomainError, RateLimited

api = NinjaAPI(
    title="govcx API",
    version="1",
    description="Service registry, standards packs, assessments, launch verdicts and page audits.",
    auth=API_AUTH,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = api.create_response(
        request, {"error": exc.code.value, "message": exc.message, "details": exc.details}, status=exc.status
    )
    if isinstance(exc, RateLimited):
        response["Retry-After"] = str(exc.retry_after_seconds)
    return response


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
    from govcx.feedback.api import router as feedback_router
    from govcx.jobs.api import router as jobs_router
    from govcx.lab.api import router as lab_router
    from govcx.registry.api import router as registry_router
    from govcx.standards.api import router as standards_router

    api.add_router("/accounts/", accounts_router)
    api.add_router("/registry/", registry_router)
    api.add_router("/standards/", standards_router)
    api.add_router("/audit/", audit_router)
    api.add_router("/lab/", lab_router)
    api.add_router("/feedback/", feedback_router)
    # Where it was when complaints lived in feedback: no trailing slash, the list is GET /api/feedback/complaints
    api.add_router("/feedback/complaints", complaints_router)
    api.add_router("/jobs/", jobs_router)


_mount()
