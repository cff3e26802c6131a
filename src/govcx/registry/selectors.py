"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.common.request_memo import remembered
from govcx.registry import passport_rows
from govcx.registry.models import ClientCategory, Organisation, Service

SCALAR_FIELDS = (
    "name_en", "name_ru", "description_en", "description_ru", "stage", "deadline_days", "deadline_kind",
    "fee", "legal_basis",
)


def service_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Service]:
    return (
        Service.objects.for_user(user, action)
        .select_related("owner")
        .prefetch_related("client_categories", "life_situations")
    )


def service_choices(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Service]:
    """The services a user may pick in a filter, with only what an option shows (code and names), by code."""
    return Service.objects.for_user(user, action).only("code", "name_en", "name_ru").order_by("code")


def access_service(user: Any, service_id: Any, action: Action = Action.VIEW) -> Service:
    return access(service_list(user=user), user, service_id, action, what="service")


def access_organisation(user: Any, organisation_id: Any, action: Action = Action.VIEW) -> Organisation:
    return access(Organisation.objects.all(), user, organisation_id, action, what="organisation")


def services_with_passport(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.prefetch_related(Prefetch("steps"), Prefetch("documents"))


def passport_dict(service: Service) -> dict[str, Any]:
    """The passport as plain data, in the ServiceIn shape (used by history, export and the API)."""
    return {
        "code": service.code,
        **{f: getattr(service, f) for f in SCALAR_FIELDS},
        "fee": f"{service.fee:.2f}",  # as stored (2 places), whether read back or just assigned
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


def services_export_rows(queryset: QuerySet[Service]) -> tuple[list[str], list[list[Any]]]:
    """Header and one row per service of `queryset` (already scoped by the caller), in the import layout."""
    services = queryset.select_related("owner").prefetch_related(
        "client_categories", "life_situations", "steps", "documents"
    ).order_by("code")
    return list(passport_rows.COLUMNS), [passport_rows.passport_to_row(passport_dict(s)) for s in services]


def client_categories_by_code() -> dict[str, ClientCategory]:
    """The reference list of client categories, read once per request: pages that name a category per row
    (participants, quotas) would otherwise query it once per row."""
    return remembered("client_categories", lambda: {c.code: c for c in ClientCategory.objects.all()})
