"""Maturity fixtures: evidence in two quarters for the shared services (assessments and complaints written straight
to the areas' tables: the measures read them, they do not care how they were made)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from govcx.complaints.models import Complaint
from govcx.standards.models import Assessment

SMALL_MODEL = """\
id: small
version: "1"
title_en: Small
title_ru: Малый
minimum_coverage: 0.5
dimensions:
  - measure: standards_met
    weight: 0.6
    scale: {min: 0, max: 1}
  - measure: complaints_on_time
    weight: 0.4
    scale: {target: 0.9}
grades:
  - {grade: A, min_score: 70, title_en: Good, title_ru: Хорошо}
  - {grade: B, min_score: 0, title_en: Fair, title_ru: Удовлетворительно}
"""


@pytest.fixture
def good():
    """A two-dimension index model: standards_met 0.6 (0–1), complaints_on_time 0.4 (target 0.9)."""
    return SMALL_MODEL


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(day + "T12:00"))


def assessment(service, pack, day: str, score: float) -> Assessment:
    return Assessment.objects.create(service=service, pack=pack, stage="beta", evaluated_at=_at(day), score=score)


def complaint(service, number: str, due: str, answered: str | None) -> Complaint:
    return Complaint.objects.create(service=service, organisation=service.owner, number=number, text="t",
                                    received_on=dt.date.fromisoformat(due) - dt.timedelta(days=30),
                                    due_on=dt.date.fromisoformat(due), status="answered" if answered else "received",
                                    answered_at=_at(answered) if answered else None, status_token_hash=number)


@pytest.fixture
def evidence(services, packs):
    pack = next(iter(packs.values()))
    assessment(services["a"], pack, "2025-02-10", 60)
    assessment(services["a"], pack, "2025-05-10", 80)
    assessment(services["a1"], pack, "2025-05-11", 40)
    assessment(services["b"], pack, "2025-05-12", 90)
    complaint(services["a"], "C-1", "2025-05-01", "2025-04-20")
    complaint(services["a"], "C-2", "2025-05-02", "2025-05-20")
    complaint(services["b"], "C-3", "2025-06-01", "2025-05-30")
    return services
