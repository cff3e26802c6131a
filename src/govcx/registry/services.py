"""Use cases of the registry: the only writers of organisations' services and their passports."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from pydantic import ValidationError

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import organisation_in_scope, require, visible_organisation_ids
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version
from govcx.errors import Conflict, Forbidden, Invalid, InvalidInput, NotFound, Problem
from govcx.registry import passport_rows, selectors
from govcx.registry.models import (
    ClientCategory,
    LifeSituation,
    Organisation,
    RequestedDocument,
    Service,
    ServiceStep,
    validate_region_code,
)
from govcx.registry.schemas import OrganisationIn, ReferenceIn, ServiceIn


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
    if not organisation_in_scope(actor, owner.id, Action.CHANGE_SERVICE):
        raise Forbidden(f"you may not manage services of {owner.code}")


def _write(service: Service, data: ServiceIn, refs: References) -> None:
    for field in selectors.SCALAR_FIELDS:
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


#: The answer to a code that is taken, the same whoever owns the service that has it (naming the service or its
#: owner would tell a user of one authority what another authority's registry holds).
CODE_TAKEN = "this code cannot be used; choose another"


@transaction.atomic
def service_create(*, actor: User, passport: ServiceIn, refs: References | None = None) -> Service:
    require(actor, Action.CHANGE_SERVICE)
    refs = refs or References()
    problems = refs.problems(passport)
    if problems:
        raise Invalid("the passport names unknown records", details=[{"field": f, "message": m} for f, m in problems])
    _check_owner_in_scope(actor, refs.organisations[passport.owner])
    if Service.objects.filter(code=passport.code).exists():
        raise Conflict(CODE_TAKEN, details=[{"field": "code", "message": CODE_TAKEN}])
    service = Service(code=passport.code)
    _write(service, passport, refs)
    audit_record(actor=actor, action="service.create", obj=service, organisation_id=service.owner_id,
                 changes=_diff({}, selectors.passport_dict(service)))
    return service


@transaction.atomic
def service_update(
    *, actor: User, service_id: int, passport: ServiceIn, expected_version: int, refs: References | None = None
) -> Service:
    """Update a passport if nobody changed it since `expected_version` was read; else Conflict."""
    require(actor, Action.CHANGE_SERVICE)
    refs = refs or References()
    problems = refs.problems(passport)
    if problems:
        raise Invalid("the passport names unknown records", details=[{"field": f, "message": m} for f, m in problems])
    service = Service.objects.for_user(actor, Action.CHANGE_SERVICE).select_for_update().filter(pk=service_id).first()
    if service is None:
        raise NotFound(f"service {service_id} not found")
    if passport.code != service.code:
        raise Invalid("a service's code cannot change", details=[{"field": "code", "message": "read-only"}])
    _check_owner_in_scope(actor, refs.organisations[passport.owner])
    before = selectors.passport_dict(service)
    bump_version(service, expected=expected_version, what=f"service {service.code}")
    _write(service, passport, refs)
    changes = _diff(before, selectors.passport_dict(service))
    audit_record(actor=actor, action="service.update", obj=service, organisation_id=service.owner_id, changes=changes)
    return service


@transaction.atomic
def service_delete(*, actor: User, service: Service) -> None:
    require(actor, Action.CHANGE_SERVICE)
    service = Service.objects.for_user(actor, Action.CHANGE_SERVICE).select_for_update().filter(pk=service.pk).first()
    if service is None:
        raise NotFound("service not found")
    if service.assessments.exists():
        raise Conflict(f"service {service.code} has assessments and cannot be deleted; retire it instead")
    audit_record(actor=actor, action="service.delete", obj=service, organisation_id=service.owner_id,
                 changes=_diff(selectors.passport_dict(service), {}))
    service.delete()


# ---- import and export of passports as spreadsheets (CSV, XLSX) --------------------------------------------


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int = 0


def _comparable(data: ServiceIn) -> dict[str, Any]:
    """The passport as it would be stored: categories and situations are sets, the fee has two decimals."""
    plain = data.model_dump(mode="json")
    plain["client_categories"] = sorted(set(data.client_categories))
    plain["life_situations"] = sorted(set(data.life_situations))
    plain["fee"] = str(data.fee.quantize(Decimal("0.01")))
    return plain


def _reference_problems(refs: References, scope: set[int] | None, data: Any) -> list[tuple[str, str]]:
    """Unknown codes, and an owner outside the actor's scope, as (field, message)."""
    found = refs.problems(data)
    owner = refs.organisations.get(data.owner)
    if owner is not None and scope is not None and owner.id not in scope:
        found.append(("owner", f"organisation {owner.code!r} is outside your organisation's scope"))
    return found


def _changed(current: dict[str, Any], passport: ServiceIn) -> bool:
    try:
        stored = ServiceIn.model_validate(current)
    except ValidationError:  # stored data older than today's rules: writing it again is a change
        return True
    return _comparable(stored) != _comparable(passport)


def _import_invalid(file_name: str, problems: list[Problem]) -> InvalidInput:
    return InvalidInput(problems, f"{file_name}: {len(problems)} problem(s); nothing was imported")


#: Files larger than this are imported by the background worker (`registry.import` job), smaller ones at once.
BACKGROUND_BYTES = 2 * 1024 * 1024


def services_import(*, actor: User, data: bytes, fmt: str, file_name: str,
                    progress: Callable[[int, int], None] | None = None) -> ImportSummary:
    """Create and update passports from a CSV or XLSX file, all or nothing.

    Every row is validated (schema, codes of organisations, categories and situations, the actor's scope,
    duplicate codes in the file) before anything is written; any problem raises Invalid whose details name
    file, row and field of each. Existing services (same code) are updated only if their passport changes;
    columns absent from the file keep their stored values, so running the same file again changes nothing
    (a retried job is idempotent). `progress(done, total)` hears of the rows checked, then of those written.
    """
    require(actor, Action.CHANGE_SERVICE)
    report = progress or (lambda done, total: None)
    try:
        rows = passport_rows.read_passport_rows(data, fmt, file_name)
    except InvalidInput as exc:
        raise _import_invalid(file_name, exc.problems) from None

    refs = References()
    scope = visible_organisation_ids(actor)
    codes = {passport_rows.row_cells_to_data({"code": row.get("code")})["code"] for _, row in rows}
    existing = {
        s.code: s
        for s in Service.objects.filter(code__in=codes)
        .select_related("owner")
        .prefetch_related("client_categories", "life_situations", "steps", "documents")
    }

    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    to_create: list[ServiceIn] = []
    to_update: list[tuple[Service, ServiceIn]] = []
    unchanged = 0
    for checked, (number, row) in enumerate(rows):
        if checked % 100 == 0:
            report(checked, len(rows))

        def problem(field: str, message: str, number: int = number) -> None:
            problems.append(Problem(message, file=file_name, row=number, field=field))

        code = passport_rows.row_cells_to_data({"code": row.get("code")})["code"]
        if code and code in first_row:
            problem("code", f"duplicate code {code!r}: row {first_row[code]} has it too")
            continue
        if code:
            first_row[code] = number
        service = existing.get(code)
        if service is not None and scope is not None and service.owner_id not in scope:
            problem("code", CODE_TAKEN)
            continue
        current = selectors.passport_dict(service) if service is not None else None
        try:
            passport = passport_rows.row_to_service_in(row, file=file_name, row_number=number, base=current)
        except InvalidInput as exc:
            # still check the codes, so one pass over the file finds every problem
            problems.extend(exc.problems)
            raw = {**(current or {}), **passport_rows.row_cells_to_data(row)}
            reported = {p.field for p in exc.problems}
            codes = SimpleNamespace(owner=str(raw.get("owner") or ""),
                                    client_categories=list(raw.get("client_categories") or []),
                                    life_situations=list(raw.get("life_situations") or []))
            for field, message in _reference_problems(refs, scope, codes):
                if field not in reported:
                    problem(field, message)
            continue
        for field, message in _reference_problems(refs, scope, passport):
            problem(field, message)
        if service is None:
            to_create.append(passport)
        elif _changed(current, passport):
            to_update.append((service, passport))
        else:
            unchanged += 1
    if problems:
        raise _import_invalid(file_name, problems)

    report(len(rows), len(rows))
    with transaction.atomic():
        for passport in to_create:
            service_create(actor=actor, passport=passport, refs=refs)
        for service, passport in to_update:
            service_update(
                actor=actor, service_id=service.pk, passport=passport, expected_version=service.version, refs=refs
            )
    return ImportSummary(created=len(to_create), updated=len(to_update), unchanged=unchanged)


def services_import_start(*, actor: User, data: bytes, fmt: str, file_name: str) -> Any:
    """A large register file goes to the background worker (kept under the var directory until the job ran);
    a small one is imported at once. Returns the job or the ImportSummary."""
    from govcx.jobs.services import job_enqueue

    if len(data) <= BACKGROUND_BYTES:
        return services_import(actor=actor, data=data, fmt=fmt, file_name=file_name)
    require(actor, Action.CHANGE_SERVICE)
    folder = Path(settings.VAR_DIR) / "registry-imports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{actor.pk}-{timezone.now():%Y%m%d%H%M%S%f}.{fmt}"
    path.write_bytes(data)
    return job_enqueue(kind="registry.import", actor=actor, organisation=actor.organisation,
                       payload={"path": str(path), "fmt": fmt, "file_name": file_name}, subject="registry.services")


# --- reference data ----------------------------------------------------------------------------------------


@transaction.atomic
def organisation_save(
    *, actor: User, organisation: OrganisationIn, organisation_id: int | None = None
) -> Organisation:
    """Create an organisation, or update one (its code never changes). The parent must exist and must not be
    the organisation itself or one of its subordinates; the region must be an ISO 3166-2 subdivision."""
    require(actor, Action.MANAGE_REFERENCE)
    problems = []
    parent = None
    if organisation.parent:
        parent = Organisation.objects.filter(code=organisation.parent).first()
        if parent is None:
            problems.append({"field": "parent", "message": f"no organisation with code {organisation.parent!r}"})
    if organisation.region_code:
        try:
            validate_region_code(organisation.region_code)
        except DjangoValidationError:
            problems.append({"field": "region_code",
                             "message": f"{organisation.region_code} is not an ISO 3166-2 code"})
    if organisation_id is None:
        record = Organisation(code=organisation.code)
        if Organisation.objects.filter(code=organisation.code).exists():
            raise Conflict(f"an organisation with code {organisation.code!r} already exists")
        before: dict[str, Any] = {}
    else:
        record = Organisation.objects.select_for_update().filter(pk=organisation_id).first()
        if record is None:
            raise NotFound(f"organisation {organisation_id} not found")
        if record.code != organisation.code:
            problems.append({"field": "code", "message": "an organisation's code cannot change"})
        ancestor = parent
        while ancestor is not None:
            if ancestor.pk == record.pk:
                problems.append({"field": "parent", "message": "an organisation cannot be under itself"})
                break
            ancestor = ancestor.parent
        before = {f: getattr(record, f) for f in ORGANISATION_FIELDS}
        before["parent"] = record.parent.code if record.parent else None
    if problems:
        raise Invalid("the organisation is not valid", details=problems)
    for field in ORGANISATION_FIELDS:
        setattr(record, field, getattr(organisation, field))
    record.parent = parent
    record.save()
    after = {**{f: getattr(record, f) for f in ORGANISATION_FIELDS}, "parent": organisation.parent}
    audit_record(actor=actor, action="organisation.save", obj=record, organisation_id=record.pk,
                 changes=_diff(before, after))
    return record


ORGANISATION_FIELDS = ("name_en", "name_ru", "level", "region_code", "is_central_office")


@transaction.atomic
def reference_save(
    *, actor: User, model: type[ClientCategory] | type[LifeSituation], reference: ReferenceIn
) -> ClientCategory | LifeSituation:
    """Create or update a client category or life situation by its code."""
    require(actor, Action.MANAGE_REFERENCE)
    record = model.objects.select_for_update().filter(code=reference.code).first()
    before = {"name_en": record.name_en, "name_ru": record.name_ru} if record else {}
    record, _created = model.objects.update_or_create(
        code=reference.code, defaults={"name_en": reference.name_en, "name_ru": reference.name_ru}
    )
    action = "client_category.save" if model is ClientCategory else "life_situation.save"
    audit_record(actor=actor, action=action, obj=record,
                 changes=_diff(before, {"name_en": reference.name_en, "name_ru": reference.name_ru}))
    return record
