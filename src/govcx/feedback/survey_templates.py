"""Survey templates shipped as YAML data files (``templates_data/<name>.yaml``), validated on load.

Each file is a survey definition in the format of :mod:`govcx.feedback.survey_schema`, in Russian and English,
with its source cited in the file: OMB Circular A-11 §280 (the seven-driver survey and the trust form),
Government Decree No. 1284 of 12.12.2012 (the Russian citizens' rating of public services), CSAT, CES, NPS and
a free comment. An analyst copies a template and edits it; the template itself never changes under a survey.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from govcx.feedback.survey_schema import DefinitionError, SurveyDefinition, parse_definition

__all__ = ["TEMPLATES_DIR", "TemplateError", "template", "template_names"]

TEMPLATES_DIR = Path(__file__).with_name("templates_data")


class TemplateError(ValueError):
    """A template is unknown, unreadable or invalid; the message names the file."""


def template_names() -> list[str]:
    """Names of the shipped templates (file stems), sorted."""
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.yaml"))


@cache
def template(name: str) -> SurveyDefinition:
    """The validated definition of template `name`; TemplateError if it is unknown or invalid."""
    if name not in template_names():
        raise TemplateError(f"unknown survey template {name!r}; available: {template_names()}")
    path = TEMPLATES_DIR / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise TemplateError(f"{path.name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{path.name}: expected a mapping at the top level")
    try:
        return parse_definition(data)
    except DefinitionError as exc:
        raise TemplateError(f"{path.name}: {exc}") from None
