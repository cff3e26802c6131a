"""Reads of the registry, always through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.registry.models import Organisation, Service
from govcx.standards.checks import DocumentFact, ServiceFacts, StepFact


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


def service_facts(service: Service) -> ServiceFacts:
    """The plain snapshot the standards' checks read."""
    return ServiceFacts(
        id=service.pk,
        code=service.code,
        stage=service.stage,
        channels=tuple(service.channels),
        client_categories=tuple(c.code for c in service.client_categories.all()),
        deadline_days=service.deadline_days,
        deadline_kind=service.deadline_kind,
        fee=service.fee,
        legal_basis=service.legal_basis,
        page_urls=tuple(service.page_urls),
        feedback_url=service.feedback_url,
        documents=tuple(
            DocumentFact(d.name, d.held_in_registry, d.registry_name) for d in service.documents.all()
        ),
        steps=tuple(StepFact(s.title, s.requires_visit) for s in service.steps.all()),
        passport_url=reverse("registry:service_detail", args=[service.pk]),
    )


def services_with_passport(queryset: QuerySet[Service]) -> QuerySet[Service]:
    return queryset.prefetch_related(Prefetch("steps"), Prefetch("documents"))
