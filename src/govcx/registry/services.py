"""Use cases of the registry: the only writers of organisations' services and their passports."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F

from govcx.accounts.roles import Action
from govcx.accounts.scoping import require, visible_organisation_ids
from govcx.accounts.services import audit_record
from govcx.errors import Conflict, Forbidden, Invalid, NotFound
from govcx.registry.models import ClientCategory, LifeSituation, Organisation, RequestedDocument, Service, ServiceStep
from govcx.registry.schemas import ServiceIn

SCALAR_FIELDS = (
    "name_en", "name_ru", "description_en", "description_ru", "stage", "deadline_days", "deadline_kind",
    "fee", "legal_basis",
)


def passport_dict(service: Service) -> dict[str, Any]:
    """The passport as plain data, in the ServiceIn shape (used by history, export and the API)."""
    return {
        "code": service.code,
        **{f: getattr(service, f) for f in SCALAR_FIELDS},
        "fee": str(service.fee),
        "owner": service.owner.code,
        "client_categories": sorted(c.code for c in service.client_categories.all()),
        "life_situations": sorted(s.code for s in service.life_situations.all()),
        "channels": list(service.channels),
        "page_urls": list(service.page_urls),
        "feedback_url": service.feedback_url or None,
        "steps": [
            {"title_en": s.title_en, "title_ru": s.title_ru, "requires_visit": s.requires_visit}
            for s in service.steps.all()
        ],
        "documents": [
            {"name_en": d.name_en, "name_ru": d.name_ru, "held_in_registry": d.held_in_registry,
             "registry_name": d.registry_name}
            for d in service.documents.all()
        ],
    }


class References:
    """Codes of organisations, categories and life situations resolved once for a batch of passports."""

    def __init__(self) -> None:
        self.organisations = {o.code: o for o in Organisation.objects.all()}
        self.categories = {c.code: c for c in ClientCategory.objects.all()}
        self.situations = {s.code: s for s in LifeSituation.objects.all()}

    def problems(self, data: ServiceIn) -> list[tuple[str, str]]:
        """(field, message) for every code that names nothing."""
        found = []
        if data.owner not in self.organisations:
            found.append(("owner", f"no organisation with code {data.owner!r}"))
        for code in data.client_categories:
            if code not in self.categories:
                found.append(("client_categories", f"no client category with code {code!r}"))
        for code in data.life_situations:
            if code not in self.situations:
                found.append(("life_situations", f"no life situation with code {code!r}"))
        return found


def _check_owner_in_scope(actor: Any, owner: Organisation) -> None:
    ids = visible_organisation_ids(actor)
    if ids is not None and owner.id not in ids:
        raise Forbidden(f"you may not manage services of {owner.code}")


def _write(service: Service, data: ServiceIn, refs: References) -> None:
    for field in SCALAR_FIELDS:
        setattr(service, field, getattr(data, field))
    service.owner = refs.organisations[data.owner]
    service.channels = [c.value for c in data.channels]
    service.page_urls = [str(u) for u in data.page_urls]
    service.feedback_url = str(data.feedback_url) if data.feedback_url else ""
    service.save()
    service.client_categories.set([refs.categories[c] for c in data.client_categories])
    service.life_situations.set([refs.situations[s] for s in data.life_situations])
    service.steps.all().delete()
    ServiceStep.objects.bulk_create(
        ServiceStep(service=service, order=i, **step.model_dump()) for i, step in enumerate(data.steps, start=1)
    )
    service.documents.all().delete()
    RequestedDocument.objects.bulk_create(RequestedDocument(service=service, **d.model_dump()) for d in data.documents)


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}


@transaction.atomic
def service_create(*, actor: Any, data: ServiceIn, refs: References | None = None) -> Service:
    require(actor, Action.CHANGE_SERVICE)
    refs = refs or References()
    problems = refs.problems(data)
    if problems:
        raise Invalid("the passport names unknown records", details=[{"field": f, "message": m} for f, m in problems])
    _check_owner_in_scope(actor, refs.organisations[data.owner])
    if Service.objects.filter(code=data.code).exists():
        raise Conflict(f"a service with code {data.code!r} already exists")
    service = Service(code=data.code)
    _write(service, data, refs)
    audit_record(actor=actor, action="service.create", obj=service, organisation_id=service.owner_id,
                 changes=_diff({}, passport_dict(service)))
    return service


@transaction.atomic
def service_update(
    *, actor: Any, service_id: int, data: ServiceIn, expected_version: int, refs: References | None = None
) -> Service:
    """Update a passport if nobody changed it since `expected_version` was read; else Conflict."""
    require(actor, Action.CHANGE_SERVICE)
    refs = refs or References()
    problems = refs.problems(data)
    if problems:
        raise Invalid("the passport names unknown records", details=[{"field": f, "message": m} for f, m in problems])
    service = Service.objects.for_user(actor, Action.CHANGE_SERVICE).select_for_update().filter(pk=service_id).first()
    if service is None:
        raise NotFound(f"service {service_id} not found")
    if data.code != service.code:
        raise Invalid("a service's code cannot change", details=[{"field": "code", "message": "read-only"}])
    _check_owner_in_scope(actor, refs.organisations[data.owner])
    before = passport_dict(service)
    updated = Service.objects.filter(pk=service.pk, version=expected_version).update(version=F("version") + 1)
    if not updated:
        raise Conflict(
            f"service {service.code} was changed by someone else (you edited version {expected_version}, "
            f"it is now {service.version}); reload and apply your change again"
        )
    service.refresh_from_db()
    _write(service, data, refs)
    changes = _diff(before, passport_dict(service))
    audit_record(actor=actor, action="service.update", obj=service, organisation_id=service.owner_id, changes=changes)
    return service


@transaction.atomic
def service_delete(*, actor: Any, service: Service) -> None:
    require(actor, Action.CHANGE_SERVICE)
    if service.assessments.exists():
        raise Conflict(f"service {service.code} has assessments and cannot be deleted; retire it instead")
    audit_record(actor=actor, action="service.delete", obj=service, organisation_id=service.owner_id,
                 changes=_diff(passport_dict(service), {}))
    service.delete()
