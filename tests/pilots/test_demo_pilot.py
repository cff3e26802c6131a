"""The demo's pilot on its own (the full demo is tested in tests/test_demo.py): nine participants, comparison
authorities of both kinds, eight quarters of imported evidence, and decisions of every kind but "undecided"."""

from __future__ import annotations

import datetime as dt

import pytest

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.demo import data
from govcx.demo.pilots import COMPARISON, TREATED, build_pilot_demo, quarters_before
from govcx.maturity.models import MeasureValue
from govcx.registry.models import Organisation

pytestmark = pytest.mark.django_db


def test_quarters_before() -> None:
    assert quarters_before(dt.date(2026, 12, 3), 8) == ["2024Q4", "2025Q1", "2025Q2", "2025Q3", "2025Q4", "2026Q1",
                                                       "2026Q2", "2026Q3"]


def test_the_demo_pilot_meets_some_criteria_and_not_others() -> None:
    specs = {spec.code: spec for spec in data.ORGANISATIONS}
    orgs = {}
    for code in ("cx-office", *TREATED, *COMPARISON):
        spec = specs[code]
        orgs[code] = Organisation.objects.create(code=code, name_en=spec.name_en, name_ru=spec.name_ru,
                                                 level=spec.level, region_code=spec.region_code,
                                                 is_central_office=spec.is_central_office)
    admin = User.objects.create_user(username="admin", role=Role.ADMIN, organisation=orgs["cx-office"])
    programme = build_pilot_demo(orgs=orgs, actor=admin, today=dt.date(2026, 12, 3), report=lambda *a: None)
    assert programme.status == "running"
    assert programme.participants.filter(role="treated").count() == 9
    assert MeasureValue.objects.filter(source="imported").values("period").distinct().count() == 8
    decisions = {r.criterion.key: r.decision for r in programme.analyses.get().results.select_related("criterion")}
    assert decisions == {"satisfaction": "scale", "staff-trained": "scale", "ready-at-launch": "iterate",
                         "deadlines": "stop"}
    assert programme.criteria.filter(key="ready-at-launch").count() == 2
