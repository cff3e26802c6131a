"""Survey templates shipped as YAML data files (``templates_data/<name>.yaml``), validated on load.

Each file is a survey definition in the format of :mod:`govcx.feedback.survey_schema`, in Russian and English,
with its source cited in the file: the default quick rating (one tap, the rest optional), OMB Circular A-11 §280
(the seven-driver survey and the trust form), Government Decree No. 1284 of 12.12.2012 (the Russian citizens'
rating of public services), CSAT, CES, NPS and a free comment. An analyst copies a template and edits it; the
template itself never changes under a survey. Texts say ``{service}`` and ``{authority}`` where citizens read the
names (`survey_wording`).
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import yaml

from govcx.errors import Invalid, InvalidInput, Problem
from govcx.feedback.survey_schema import SurveyDefinition, parse_definition

__all__ = ["DEFAULT_TEMPLATE", "TEMPLATES_DIR", "template", "template_names"]

TEMPLATES_DIR = Path(__file__).with_name("templates_data")
#: What a new survey starts from unless the analyst chooses another: short, so that people answer it.
DEFAULT_TEMPLATE = "quick"


def template_names() -> list[str]:
    """Names of the shipped templates (file stems), sorted."""
    return sorted(p.stem for p in TEMPLATES_DIR.glob("*.yaml"))


@cache
def template(name: str) -> SurveyDefinition:
    """The validated definition of template `name`; Invalid if it is unknown, InvalidInput naming the file, question
    and field if it is invalid."""
    if name not in template_names():
        raise Invalid(f"unknown survey template {name!r}; available: {template_names()}",
                      details=[{"field": "template"}])
    path = TEMPLATES_DIR / f"{name}.yaml"
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise InvalidInput([Problem(f"not valid YAML: {exc}", file=path.name)]) from None
    if not isinstance(data, dict):
        raise InvalidInput([Problem("expected a mapping at the top level", file=path.name)])
    try:
        return parse_definition(data)
    except InvalidInput as exc:
        raise InvalidInput([replace(p, file=path.name) for p in exc.problems]) from None
