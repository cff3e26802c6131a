"""The demo's pilot: nine participants (MinEconomy, MinFin, MinLabour, the FNS, Rosimushchestvo, the Moscow,
Lipetsk and Tula regions, the Analytical Centre) and comparison authorities of the same kinds, eight quarters of
KPI evidence (four before the start, four after) imported as measure values, criteria registered and frozen, one
revised after the start with its reason, and an analysis run.

The evidence is synthetic with a fixed seed, built so that some criteria are met and some are not: satisfaction
and staff training rise clearly in the pilot authorities (scale), readiness at launch rises by less than the
registered minimum with a wide interval (iterate), deadlines met do not move (stop).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from typing import Any

from django.utils import timezone

from govcx.demo.data import CENTRAL_OFFICE
from govcx.maturity.models import MeasureSource, MeasureValue
from govcx.pilots.models import PilotProgramme
from govcx.pilots.services import (
    analysis_run,
    criterion_create,
    criterion_revise,
    participant_add,
    programme_create,
    programme_start,
)

SEED = 20260316
TREATED = ("minek", "minfin", "mintrud", "fns", "rosimushchestvo", "moscow-gov", "lipetsk-gov", "tula-gov",
           "analytical-centre")
COMPARISON = ("mintsifry", "sfr", "mvd", "rosreestr", "rostrud", "kaluga-gov", "ryazan-gov", "voronezh-gov")
# key: tool, measure, comparison group, minimum effect worth scaling, iterate threshold, (true effect, noise)
CRITERIA: dict[str, tuple[str, str, str, float, float, tuple[float, float]]] = {
    "satisfaction": ("feedback", "satisfaction_mean", "all", 0.03, 0.01, (0.07, 0.015)),
    "ready-at-launch": ("lab", "ready_at_launch", "all", 0.10, 0.04, (0.07, 0.03)),
    "staff-trained": ("training", "staff_trained", "all", 0.15, 0.05, (0.26, 0.03)),
    "deadlines": ("delivery", "deadlines_met", "federal", 0.05, 0.02, (0.0, 0.02)),
}
PER_SERVICE = {"satisfaction_mean", "ready_at_launch", "deadlines_met"}


def quarters_before(today: dt.date, count: int) -> list[str]:
    """The `count` complete quarters before today's, oldest first ("2026Q1")."""
    index = today.year * 4 + (today.month - 1) // 3 - 1
    return [f"{i // 4}Q{i % 4 + 1}" for i in range(index - count + 1, index + 1)]


def build_pilot_demo(*, orgs: dict[str, Any], actor: Any, today: dt.date,
                     report: Callable[[str, int, int], None]) -> PilotProgramme:
    periods = quarters_before(today, 8)
    start_year, start_quarter = int(periods[4][:4]), int(periods[4][-1])
    starts_on = dt.date(start_year, 3 * start_quarter - 2, 1)
    _evidence(orgs, periods)
    report("pilot evidence", 1, 3)
    programme = programme_create(actor=actor, owner=orgs[CENTRAL_OFFICE],
                                 name="Пилотирование инструментов клиентоцентричности",
                                 tools=["feedback", "lab", "training", "delivery"], starts_on=starts_on,
                                 ends_on=starts_on + dt.timedelta(days=730))
    for code in TREATED:
        participant_add(actor=actor, programme=programme, organisation=orgs[code], role="treated")
    for code in COMPARISON:
        participant_add(actor=actor, programme=programme, organisation=orgs[code], role="comparison")
    created = {}
    for key, (tool, measure, group, minimum, iterate, _) in CRITERIA.items():
        values = {"tool": tool, "measure": measure, "direction": "increase", "comparison_group": group,
                  "minimum_effect": minimum if key != "ready-at-launch" else 0.12, "iterate_threshold": iterate}
        created[key] = criterion_create(actor=actor, programme=programme, key=key, values=values)
    programme = programme_start(actor=actor, programme=programme)
    criterion_revise(actor=actor, criterion=created["ready-at-launch"], values={"minimum_effect": 0.10},
                     reason="Порог снижен до 10 п. п.: с первого квартала пилота готовность к запуску считается по "
                            "сокращённому чек-листу, согласованному проектным комитетом.")
    report("pilot criteria", 2, 3)
    analysis_run(actor=actor, programme=programme)
    report("pilot analysis", 3, 3)
    return programme


def _evidence(orgs: dict[str, Any], periods: list[str]) -> None:
    """Imported KPI values: each authority's own level, a common trend, and the effect in the pilot's quarters."""
    rng = random.Random(SEED)
    measures = [spec[1] for spec in CRITERIA.values()]
    codes = TREATED + COMPARISON
    MeasureValue.objects.filter(organisation__in=[orgs[c] for c in codes], period__in=periods,
                                measure__in=measures).delete()
    now = timezone.now()
    rows = []
    for _, measure, _, _, _, (effect, noise) in CRITERIA.values():
        for code in codes:
            level = rng.uniform(0.45, 0.7)
            services = rng.randint(3, 12) if measure in PER_SERVICE else 0
            for index, period in enumerate(periods):
                after = index >= 4 and code in TREATED
                value = level + 0.01 * index + (effect * (0.6 + 0.2 * (index - 4)) if after else 0.0)
                value = min(1.0, max(0.0, value + rng.gauss(0, noise)))
                rows.append(MeasureValue(organisation=orgs[code], period=period, measure=measure, value=round(value, 4),
                                         n_services=services, standard_error=noise if services else None,
                                         computed_at=now, source=MeasureSource.IMPORTED))
    MeasureValue.objects.bulk_create(rows)
