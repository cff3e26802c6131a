"""Sections that other apps add to a service's page.

The registry sits below the apps that assess, test and measure a service, so it cannot import them; instead each
of them registers a section (a template and the function building its context) in its `AppConfig.ready`, and
the service page renders the sections in order. The app graph stays one-way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from govcx.registry.models import Service


@dataclass(frozen=True)
class ServicePageSection:
    template: str
    context: Callable[[HttpRequest, Service], dict[str, Any]]
    order: int = 100


_SECTIONS: dict[str, ServicePageSection] = {}


def register_section(section: ServicePageSection) -> None:
    """Idempotent by template name, so a second `ready()` (tests, autoreload) does not show a section twice."""
    _SECTIONS[section.template] = section


def render_sections(request: HttpRequest, service: Service) -> list[SafeString]:
    ordered = sorted(_SECTIONS.values(), key=lambda s: (s.order, s.template))
    return [
        render_to_string(s.template, {"service": service, **s.context(request, service)}, request=request)
        for s in ordered
    ]
