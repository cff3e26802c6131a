"""The assessments section of a service's page (registered with the registry in StandardsConfig.ready).

Kept apart from the views, which load the report's charts (Altair): registering it costs nothing at start-up.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.registry.models import Service
from govcx.registry.vocabulary import Stage
from govcx.standards import selectors


def service_assessments_section(request: HttpRequest, service: Service) -> dict[str, Any]:
    """The service's assessments, and the form to run one; the newest against each standard is the current one."""
    assessments = list(selectors.assessment_list(user=request.user).filter(service=service)
                       .order_by("-created_at", "-id"))
    seen: set[str] = set()
    for assessment in assessments:
        assessment.is_current = assessment.pack.pack_id not in seen  # type: ignore[attr-defined]
        seen.add(assessment.pack.pack_id)
    return {
        "assessments": assessments,
        "packs": selectors.pack_list(),
        "stages": [s.value for s in Stage],
        "can_assess": can(request.user, Action.ASSESS),
    }
