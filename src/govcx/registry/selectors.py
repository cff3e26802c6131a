"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.registry.models import Organisation, Service


def service_list(*, user: Any, action: Action = Action.VIEW) -> QuerySet[Service]:
    return (
        Service.objects.for_user(user, action)
        .select_related("owner")
        .prefetch_related("client_categories", "life_situations")
    )


def access_service(user: Any, service_id: Any, action: Action = Action.VIEW) -> Service:
    return access(service_list(user=user), user, service_id, action, what="service")


def access_organisation(user: Any, organisation_id: Any, action: Action = Action.VIEW) -> Organisation:
    return access(Organisation.objects.all(), user, organisation_id, action, what="organisation")


def services_with_passport(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.prefetch_related(Prefetch("steps"), Prefetch("documents"))
