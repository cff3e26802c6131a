"""Pilot fixtures: a programme run by the central office with Ministry A and its agency in the pilot, federal and
regional comparison authorities, one criterion, and KPI evidence over eight quarters where the pilot lifts
satisfaction by 8 points and leaves deadlines where they were."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from govcx.maturity.models import MeasureSource, MeasureValue
from govcx.pilots.services import criterion_create, participant_add, programme_create
from govcx.registry.models import Organisation

PERIODS = [f"2025Q{q}" for q in range(1, 5)] + [f"2026Q{q}" for q in range(1, 5)]
CRITERION = {"tool": "feedback", "measure": "satisfaction_mean", "direction": "increase", "minimum_effect": 0.03,
             "iterate_threshold": 0.01, "comparison_group": "federal"}


@pytest.fixture
def comparison_orgs(reference_data):
    return [Organisation.objects.create(code=f"cmp-{i}", name_en=f"Comparison {i}", name_ru=f"Сравнение {i}",
                                        level="federal") for i in range(6)]


@pytest.fixture
def pilot(users, reference_data, comparison_orgs):
    admin = users["admin"]
    programme = programme_create(actor=admin, owner=reference_data["central"], name="Pilot",
                                 tools=["feedback", "delivery"], starts_on=dt.date(2026, 1, 1),
                                 ends_on=dt.date(2027, 1, 1))
    for org in (reference_data["ministry"], reference_data["agency"]):
        participant_add(actor=admin, programme=programme, organisation=org, role="treated")
    for org in [*comparison_orgs, reference_data["region"]]:
        participant_add(actor=admin, programme=programme, organisation=org, role="comparison")
    criterion_create(actor=admin, programme=programme, key="satisfaction", values=CRITERION)
    return programme


@pytest.fixture
def evidence(reference_data, comparison_orgs):
    rng = random.Random(5)
    treated = {reference_data["ministry"].pk, reference_data["agency"].pk}
    now = timezone.now()
    rows = []
    for org in [reference_data["ministry"], reference_data["agency"], *comparison_orgs]:
        level = rng.uniform(0.5, 0.6)
        for index, period in enumerate(PERIODS):
            lift = 0.08 if org.pk in treated and index >= 4 else 0.0
            for measure, effect in (("satisfaction_mean", lift), ("deadlines_met", 0.0)):
                rows.append(MeasureValue(organisation=org, period=period, measure=measure,
                                         value=level + 0.005 * index + effect + rng.gauss(0, 0.005), n_services=4,
                                         computed_at=now, source=MeasureSource.IMPORTED))
    MeasureValue.objects.bulk_create(rows)
