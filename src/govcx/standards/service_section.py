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
    """The service's assessments, and the form to run one."""
    return {
        "assessments": selectors.assessment_list(user=request.user).filter(service=service),
        "packs": selectors.pack_list(),
        "stages": [s.value for s in Stage],
        "can_assess": can(request.user, Action.ASSESS),
    }
