"""The demo's client-centricity index: the measures computed from every area the demo fills, and the govcx index
of the last two quarters published (a trend to show), with a draft of the MinEconomy-shaped model beside them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from govcx.maturity.index_services import index_compute, index_publish
from govcx.maturity.periods import period_of
from govcx.maturity.services import measures_recompute


def _previous(period: str) -> str:
    year, quarter = int(period[:4]), int(period[5])
    return f"{year - 1}Q4" if quarter == 1 else f"{year}Q{quarter - 1}"


def build_maturity_demo(*, actor: Any, today: dt.date, report: Callable[[str, int, int], None]) -> None:
    report("computing the client-centricity index", 0, 1)
    measures_recompute()
    current = period_of(today)
    for period in (_previous(current), current):
        index_publish(actor=actor, publication=index_compute(actor=actor, model_id="govcx", period=period))
    index_compute(actor=actor, model_id="mineconomy-shaped", period=current)
    report("computing the client-centricity index", 1, 1)
