from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.accounts.services import audit_history
from govcx.common.bounds import Count, Id
from govcx.common.downloads import download
from govcx.common.tabular import CONTENT_TYPES, format_for, render_table
from govcx.errors import Invalid
from govcx.registry import selectors, services
from govcx.registry.models import ClientCategory, LifeSituation, Organisation
from govcx.registry.schemas import OrganisationIn, ReferenceIn, ServiceIn

router = Router(tags=["registry"])


class OrganisationOut(Schema):
    id: int
    code: str
    name_en: str
    name_ru: str
    level: str
    parent_id: int | None
    region_code: str


class CodeNameOut(Schema):
    code: str
    name_en: str
    name_ru: str


class ServiceOut(ServiceIn):
    id: int
    version: int
    updated_at: dt.datetime


class ServiceUpdateIn(ServiceIn):
    version: Count


class HistoryOut(Schema):
    at: dt.datetime
    actor: str | None
    action: str
    changes: dict[str, Any]


def _out(service) -> dict[str, Any]:
    return {"id": service.pk, "version": service.version, "updated_at": service.updated_at,
            **selectors.passport_dict(service)}


@router.get("/organisations", response=list[OrganisationOut])
def organisation_list(request: SignedInRequest):
    return Organisation.objects.for_user(request.user)


@router.get("/client-categories", response=list[CodeNameOut])
def client_category_list(request: SignedInRequest):
    return ClientCategory.objects.all()


@router.get("/life-situations", response=list[CodeNameOut])
def life_situation_list(request: SignedInRequest):
    return LifeSituation.objects.all()


@router.get("/services", response=list[ServiceOut])
def service_list(request: SignedInRequest, owner: str | None = None, stage: str | None = None):
    queryset = selectors.services_with_passport(selectors.service_list(user=request.user))
    if owner:
        queryset = queryset.filter(owner__code=owner)
    if stage:
        queryset = queryset.filter(stage=stage)
    return [_out(s) for s in queryset]


class ServiceImportOut(Schema):
    created: int
    updated: int


class ImportJobOut(Schema):
    job_id: int


_EXPORT_OPENAPI = {
    "responses": {200: {"description": "the file", "content": {
        media.split(";")[0]: {"schema": {"type": "string", "format": "binary"}} for media in CONTENT_TYPES.values()
    }}}
}


@router.get("/services/export", response={200: None}, openapi_extra=_EXPORT_OPENAPI)
def service_export(request: SignedInRequest, fmt: Literal["csv", "xlsx"] = "csv"):
    """The passports of the services in your scope as a CSV or XLSX file (the import layout)."""
    header, rows = selectors.services_export_rows(selectors.service_list(user=request.user))
    return download(render_table(fmt, header, rows, sheet="services"),
                    filename=f"services-{dt.date.today().isoformat()}.{fmt}", content_type=CONTENT_TYPES[fmt])


@router.post("/services/import", response={200: ServiceImportOut, 202: ImportJobOut})
def service_import(
    request: SignedInRequest, file: UploadedFile = File(...), fmt: Literal["csv", "xlsx"] | None = None  # noqa: B008
):
    """Create and update passports from a CSV or XLSX file, all or nothing (format: `fmt` or file name); a file
    over 2 MB is imported by the worker (202 with the job id, whose progress `/api/jobs/{id}` shows)."""
    name = file.name or ""
    started = services.services_import_start(
        actor=request.user, data=file.read(), fmt=fmt or format_for(name), file_name=name
    )
    if isinstance(started, services.ImportSummary):
        return {"created": started.created, "updated": started.updated}
    return Status(202, {"job_id": started.pk})


@router.get("/services/{service_id}", response=ServiceOut)
def service_get(request: SignedInRequest, service_id: Id):
    return _out(selectors.access_service(request.user, service_id))


@router.post("/services", response={201: ServiceOut})
def service_create(request: SignedInRequest, payload: ServiceIn):
    return Status(201, _out(services.service_create(actor=request.user, passport=payload)))


@router.put("/services/{service_id}", response=ServiceOut)
def service_update(request: SignedInRequest, service_id: Id, payload: ServiceUpdateIn):
    selectors.access_service(request.user, service_id, Action.CHANGE_SERVICE)
    data = ServiceIn.model_validate(payload.model_dump(exclude={"version"}))
    service = services.service_update(
        actor=request.user, service_id=service_id, passport=data, expected_version=payload.version
    )
    return _out(service)


@router.delete("/services/{service_id}", response={204: None})
def service_delete(request: SignedInRequest, service_id: Id):
    service = selectors.access_service(request.user, service_id, Action.CHANGE_SERVICE)
    services.service_delete(actor=request.user, service=service)
    return Status(204, None)


@router.get("/services/{service_id}/history", response=list[HistoryOut])
def service_history(request: SignedInRequest, service_id: Id):
    service = selectors.access_service(request.user, service_id)
    return [
        {"at": e.at, "actor": e.actor.username if e.actor else None, "action": e.action, "changes": e.changes}
        for e in audit_history(obj=service)
    ]


@router.post("/organisations", response={201: OrganisationOut})
def organisation_create(request: SignedInRequest, payload: OrganisationIn):
    return Status(201, services.organisation_save(actor=request.user, organisation=payload))


@router.put("/organisations/{organisation_id}", response=OrganisationOut)
def organisation_update(request: SignedInRequest, organisation_id: Id, payload: OrganisationIn):
    selectors.access_organisation(request.user, organisation_id, Action.MANAGE_REFERENCE)
    return services.organisation_save(actor=request.user, organisation=payload, organisation_id=organisation_id)


@router.put("/client-categories/{code}", response=CodeNameOut)
def client_category_save(request: SignedInRequest, code: str, payload: ReferenceIn):
    """Create or update a client category (the code in the path and the body must agree)."""
    _same_code(code, payload)
    return services.reference_save(actor=request.user, model=ClientCategory, reference=payload)


@router.put("/life-situations/{code}", response=CodeNameOut)
def life_situation_save(request: SignedInRequest, code: str, payload: ReferenceIn):
    """Create or update a life situation (the code in the path and the body must agree)."""
    _same_code(code, payload)
    return services.reference_save(actor=request.user, model=LifeSituation, reference=payload)


def _same_code(code: str, payload: ReferenceIn) -> None:
    if code != payload.code:
        raise Invalid("the code in the address and in the body differ", details=[{"field": "code"}])
