"""Reads of service delivery: a service's figures from its event store, and its imports."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from govcx.accounts.roles import Action
from govcx.common.stats import wilson
from govcx.delivery import mining, process
from govcx.delivery.models import ColumnMapping, DeliverySummary, EventLog
from govcx.registry.models import Service


def event_log_list(*, user: Any, service: Service) -> QuerySet[EventLog]:
    return EventLog.objects.for_user(user, Action.VIEW).filter(service=service).select_related("imported_by")


def stored_mapping(*, service: Service) -> dict[str, str]:
    found = ColumnMapping.objects.filter(service=service).first()
    return dict(found.mapping) if found else {}


class ServiceLog:
    """A service's stored events opened once for a request: one DuckDB connection, the log prepared (and its
    case table built) on first use, so a page's several views do not read and order the events again."""

    def __init__(self, service: Service) -> None:
        self.service_id = service.pk
        self._backend: Any = None
        self._events: Any = None
        self._prepared: mining.Prepared | None = None
        self._cases: Any = None

    def _open(self) -> None:
        """On first use: a page whose figures are all kept (`store.cached_figures`) opens no connection."""
        import ibis

        from govcx.delivery import store

        if self._backend is None:
            self._backend = ibis.duckdb.connect()
            self._events = store.events_table(self._backend, settings.ANALYTICS_DIR, self.service_id)

    @property
    def backend(self) -> Any:
        self._open()
        return self._backend

    @property
    def events(self) -> Any:
        self._open()
        return self._events

    @property
    def prepared(self) -> mining.Prepared:
        if self._prepared is None:
            self._prepared = mining.prepare(self.events)
        return self._prepared

    @property
    def cases(self) -> Any:
        import ibis

        if self._cases is None:
            self._cases = self.backend.create_table(ibis.util.gen_name("delivery_cases"),
                                                    process.case_table(self.events), temp=True)
        return self._cases


def service_log(service: Service) -> ServiceLog:
    return ServiceLog(service)


def _kept(service: Service, name: str, key: list[Any], compute: Any, *, single: bool = False) -> Any:
    """`compute()` once per state of the service's events and passport term (see `store.cached_figures`)."""
    from govcx.delivery import store

    term = [service.deadline_days, service.deadline_kind]
    return store.cached_figures(settings.ANALYTICS_DIR, service.pk, name, [*term, *key], compute, single=single)


def delivery_figures(*, service: Service, top: int = 10, log: ServiceLog | None = None) -> dict[str, Any] | None:
    """The figures of the service's stored events (None when it has none): those of `mining.summary`, plus the
    90th percentile of case duration."""
    def compute() -> dict[str, Any] | None:
        opened = log or service_log(service)
        if opened.events is None:
            return None
        prepared = opened.prepared
        figures = mining.summary(prepared, top=top)
        figures["case_duration_seconds"]["p90"] = mining.duration_quantile(prepared, 0.9)
        return figures

    return _kept(service, "figures", [top], compute)


def due_instant_us(start_day: int, *, days: int, working: bool, calendar: Any) -> int:
    """The end of the term (microseconds since 1970, UTC) for a case begun on `start_day` (days since 1970):
    the end of the `days`-th calendar or working day after it (working days: the Russian production calendar of
    `holidays`, with its weekend transfers)."""
    day = dt.date(1970, 1, 1) + dt.timedelta(days=start_day)
    if working:
        left = days
        while left > 0:
            day += dt.timedelta(days=1)
            if calendar.is_working_day(day):
                left -= 1
    else:
        day += dt.timedelta(days=days)
    return ((day - dt.date(1970, 1, 1)).days + 1) * mining.DAY_US


@functools.lru_cache(maxsize=200_000)
def _due_of_day(start_day: int, days: int, working: bool) -> int:
    return due_instant_us(start_day, days=days, working=working, calendar=_russian_calendar())


@functools.lru_cache(maxsize=1)
def _russian_calendar() -> Any:
    import holidays

    return holidays.country_holidays("RU")


def _due_table(service: Service, days: list[int]) -> Any:
    """`start_day`, `due_us` for each day cases began on, in the passport's calendar (days are remembered: the
    production calendar does not change within a process's life)."""
    import pyarrow as pa

    working = service.deadline_kind == "working"
    return pa.table({"start_day": pa.array(days, pa.int64()), "due_us": pa.array(
        [_due_of_day(int(day), service.deadline_days or 0, working) for day in days], pa.int64())})


def deadline_figures(*, service: Service, log: ServiceLog | None = None) -> dict[str, Any] | None:
    """Cases on time against the passport's term, with a Wilson 95 % interval (None without events or term)."""
    import ibis

    if not service.deadline_days:
        return None

    def compute() -> dict[str, Any] | None:
        opened = log or service_log(service)
        if opened.events is None:
            return None
        prepared = opened.prepared
        days = mining.start_days(prepared).to_pyarrow().column("start_day").to_pylist()
        due = ibis.memtable(_due_table(service, days))
        row = mining.deadline_compliance(prepared, due).to_pyarrow().to_pylist()[0]
        cases, on_time = int(row["cases"] or 0), int(row["on_time"] or 0)
        if cases == 0:
            return None
        interval = wilson(on_time, cases)
        return {"cases": cases, "on_time": on_time, "share": on_time / cases, "low": interval.low,
                "high": interval.high, "days": service.deadline_days, "working": service.deadline_kind == "working"}

    return _kept(service, "deadline", [], compute)


def rework_figures(*, service: Service) -> dict[str, Any] | None:
    import ibis

    from govcx.delivery import store

    backend = ibis.duckdb.connect()
    events = store.events_table(backend, settings.ANALYTICS_DIR, service.pk)
    if events is None:
        return None
    row = mining.rework_share(mining.prepare(events)).to_pyarrow().to_pylist()[0]
    cases, reworked = int(row["cases"]), int(row["reworked"] or 0)
    return {"cases": cases, "reworked": reworked, "share": reworked / cases if cases else 0.0}


def _share(on_time: int, cases: int) -> dict[str, Any]:
    interval = wilson(on_time, cases)
    return {"cases": cases, "on_time": on_time, "share": on_time / cases if cases else 0.0,
            "low": interval.low, "high": interval.high}


def process_figures(*, service: Service, keep_share: float, performance: bool,
                    log: ServiceLog | None = None) -> dict[str, Any] | None:
    """The page's process views: the map of the most frequent paths, bottlenecks, handovers between resources
    and offices, throughput times of the cases, and deadline compliance by month, office, region and channel
    (each share with its Wilson 95 % interval). None without events."""
    figures = _kept(service, "process", [], lambda: _process_whole(service, log or service_log(service)))
    if figures is None:
        return None
    arcs = figures.pop("all_arcs")
    return {**figures, "arcs": process.kept_paths(arcs, keep_share), "arcs_total": len(arcs)}


def _process_whole(service: Service, log: ServiceLog) -> dict[str, Any] | None:
    import ibis

    from govcx.delivery.charts import duration_histogram

    if log.events is None:
        return None
    events, prepared = log.events, log.prepared
    arcs = mining.directly_follows(prepared).to_pyarrow().to_pylist()
    starts = {str(row["activity"]): int(row["cases"])
              for row in mining.start_activities(prepared).to_pyarrow().to_pylist()}
    durations = mining.case_durations(prepared).to_pyarrow().column("duration_seconds").to_pylist()
    figures: dict[str, Any] = {
        "all_arcs": arcs, "starts": starts,
        "bottlenecks": process.bottlenecks(arcs),
        "handovers": {by: process.handovers(events, by).limit(15).to_pyarrow().to_pylist()
                      for by in ("resource", "office")},
        "duration_histogram": duration_histogram([value / 86400 for value in durations if value is not None]),
        "compliance": {},
    }
    if service.deadline_days:
        cases = log.cases
        days = cases.select("start_day").distinct().to_pyarrow().column("start_day").to_pylist()
        due = ibis.memtable(_due_table(service, days))
        for group in process.GROUPS:
            rows = process.compliance_by(cases, due, group).to_pyarrow().to_pylist()
            figures["compliance"][group] = [
                {"value": row["value"], **_share(int(row["on_time"] or 0), int(row["cases"]))} for row in rows]
    return figures


def summary_figures(service: Service, backend: Any = None) -> dict[str, Any] | None:
    """The ranking's figures of one service from its stored events: `cases`, `median_seconds`, `reworked` and,
    with a term, `on_time` cases (None without events or cases)."""
    import ibis

    from govcx.delivery import store

    backend = backend or ibis.duckdb.connect()
    events = store.events_table(backend, settings.ANALYTICS_DIR, service.pk)
    if events is None:
        return None
    cases = backend.create_table(ibis.util.gen_name("delivery_cases"), process.case_table(events), temp=True)
    due = None
    if service.deadline_days:
        days = cases.select("start_day").distinct().to_pyarrow().column("start_day").to_pylist()
        due = ibis.memtable(_due_table(service, days))
    row = process.overview(cases, due).to_pyarrow().to_pylist()[0]
    if not row["cases"]:
        return None
    return {"cases": int(row["cases"]), "median_seconds": row["median_seconds"], "reworked": int(row["reworked"] or 0),
            "on_time": None if row["on_time"] is None else int(row["on_time"])}


def log_version(service: Service) -> int | None:
    """The id of the service's last import that added events (None before the first): what a summary is of."""
    return (EventLog.objects.filter(service=service, events_added__gt=0).order_by("-id")
            .values_list("id", flat=True).first())


def summary_is_current(summary: DeliverySummary, service: Service, log_version: int | None) -> bool:
    """Whether a stored summary still holds: made after the service's last import, with today's term."""
    return (summary.log_version == log_version and summary.deadline_days == service.deadline_days
            and summary.deadline_kind == (service.deadline_kind if service.deadline_days else ""))


def service_ranking(*, user: Any) -> list[dict[str, Any]]:
    """The services in the user's scope that have events, best first: share of cases on time (by the lower
    end of its Wilson interval, so a handful of cases does not top the list), then median throughput time.
    A row: service, cases, median_days, rework_share and, with a term, the share on time with its interval.

    The figures are the summaries stored at import (`services.delivery_summary_refresh`); a service whose
    summary is missing or stale (events pushed since, a new term) is computed here instead."""
    from django.db.models import Max, Q

    from govcx.registry.selectors import service_list

    in_scope = (service_list(user=user).select_related("owner", "delivery_summary")
                .annotate(log_version=Max("event_logs__id", filter=Q(event_logs__events_added__gt=0)))
                .filter(log_version__isnull=False).order_by("code"))
    rows = []
    backend = None
    for service in in_scope:
        summary = getattr(service, "delivery_summary", None)
        if summary is not None and summary_is_current(summary, service, service.log_version):
            figures: dict[str, Any] | None = {"cases": summary.cases, "median_seconds": summary.median_seconds,
                                              "reworked": summary.reworked, "on_time": summary.on_time}
        else:
            import ibis

            backend = backend or ibis.duckdb.connect()
            figures = summary_figures(service, backend)
        if figures is None:
            continue
        total = figures["cases"]
        rows.append({
            "service": service, "cases": total,
            "median_days": None if figures["median_seconds"] is None else figures["median_seconds"] / 86400,
            "rework_share": figures["reworked"] / total,
            "on_time": _share(figures["on_time"], total) if figures["on_time"] is not None else None,
        })
    return sorted(rows, key=lambda r: (-(r["on_time"]["low"] if r["on_time"] else -1), r["median_days"] or 0,
                                       r["service"].code))


def authority_ranking(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The services' rows rolled up to their authorities: cases and cases on time summed, best first."""
    by_owner: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["on_time"] is None:
            continue
        owner = row["service"].owner
        entry = by_owner.setdefault(owner.pk, {"organisation": owner, "services": 0, "cases": 0, "on_time": 0})
        entry["services"] += 1
        entry["cases"] += row["on_time"]["cases"]
        entry["on_time"] += row["on_time"]["on_time"]
    ranked = [{**entry, "share": _share(entry["on_time"], entry["cases"])} for entry in by_owner.values()]
    return sorted(ranked, key=lambda r: (-r["share"]["low"], r["organisation"].name))


def open_case_risk(*, service: Service, now: dt.datetime | None = None, top: int = 20,
                   log: ServiceLog | None = None) -> dict[str, Any] | None:
    """Open cases and their probability of finishing within the passport's term (`delivery.risk`): how many are
    open, the `top` least likely listed (case, current activity, days open, probability), and the calibration on
    held-out closed cases. None without events or term."""
    if not service.deadline_days:
        return None
    if now is not None:
        return _risk(service, now, top, log or service_log(service))
    # Kept per hour, as of the hour's start: the probabilities move slowly, a fresh estimate reads every event.
    hour = dt.datetime.now(dt.UTC).replace(minute=0, second=0, microsecond=0)
    found = _kept(service, "risk", [hour.isoformat()],
                  lambda: _risk(service, hour, RISK_LISTED_AT_MOST, log or service_log(service)), single=True)
    return None if found is None else {**found, "at_risk": found["at_risk"][:top]}


RISK_LISTED_AT_MOST = 500


def _risk(service: Service, now: dt.datetime, top: int, log: ServiceLog) -> dict[str, Any] | None:
    import ibis
    import numpy as np
    import pyarrow.compute as pc

    from govcx.delivery import risk

    if log.events is None:
        return None
    events = log.events
    by_case = ibis.window(group_by=events.case, order_by=[events.ts_us, events.event_index])
    whole_case = ibis.window(group_by=events.case)
    marked = events.select(
        "case", "activity", "ts_us", "event_index",
        next_activity=events.activity.lead().over(by_case),
        first_ts_us=events.ts_us.min().over(whole_case), last_ts_us=events.ts_us.max().over(whole_case))
    table = marked.order_by(["case", "ts_us", "event_index"]).to_pyarrow()
    followed = set(pc.unique(pc.filter(table["activity"], pc.is_valid(table["next_activity"]))).to_pylist())
    case_codes = pc.dictionary_encode(table["case"]).combine_chunks()
    activity_codes = pc.dictionary_encode(table["activity"]).combine_chunks()
    activity_names = activity_codes.dictionary.to_pylist()
    case = case_codes.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    activity = activity_codes.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    ts = table["ts_us"].to_numpy() / 1e6
    first_us = table["first_ts_us"].to_numpy()
    last_index = np.r_[np.flatnonzero(case[1:] != case[:-1]), len(case) - 1]
    closing = np.array([name not in followed for name in activity_names])
    closed_case = closing[activity[last_index]]
    closed = np.repeat(closed_case, np.diff(np.r_[-1, last_index]))
    days = np.unique(first_us // mining.DAY_US)
    due_table = _due_table(service, [int(day) for day in days])
    due_by_day = dict(zip(due_table["start_day"].to_pylist(), due_table["due_us"].to_pylist(), strict=True))
    due = np.array([due_by_day[int(day)] for day in days], dtype=np.int64)[
        np.searchsorted(days, first_us // mining.DAY_US)] / 1e6
    instant = now.timestamp()
    result = risk.assess(risk.Events(case=case, activity=activity, ts=ts, end=table["last_ts_us"].to_numpy() / 1e6,
                                     due=due, closed=closed), instant)
    names = case_codes.dictionary.to_pylist()
    last_of_case = {int(case[i]): i for i in last_index}
    order = np.argsort(result.probability, kind="stable")[:top]
    at_risk = []
    for position in order:
        code = int(result.open_case[position])
        index = last_of_case[code]
        at_risk.append({"case": names[code], "activity": activity_names[activity[index]],
                        "days_open": float(instant - first_us[index] / 1e6) / 86400,
                        "days_left": float(due[index] - instant) / 86400,
                        "probability": float(result.probability[position])})
    return {"open": len(result.open_case), "at_risk": at_risk, "brier": result.brier,
            "brier_reference": result.brier_reference, "held_out": result.held_out,
            "below_half": int((result.probability < 0.5).sum())}


def period_comparison(*, service: Service, split: dt.date | None = None,
                      log: ServiceLog | None = None) -> dict[str, Any] | None:
    """Cases begun before `split` against cases begun from it (default: the middle of the log's first days):
    per period cases, median throughput days and, with a term, the share on time with its interval; and the arcs
    whose mean wait changed, the most slowed first. None without events."""
    found = _kept(service, "comparison", [None if split is None else split.isoformat()],
                  lambda: _comparison(service, split, log or service_log(service)))
    if found is None:
        return None
    return {**found, "split": dt.date.fromisoformat(found["split"]),
            "periods": [(name, summary) for name, summary in found["periods"]]}


def _comparison(service: Service, split: dt.date | None, log: ServiceLog) -> dict[str, Any] | None:
    import ibis

    if log.events is None:
        return None
    cases = log.cases
    if split is None:
        bounds = cases.aggregate(low=cases.first_ts_us.min(), high=cases.first_ts_us.max()).to_pyarrow().to_pylist()[0]
        middle = (int(bounds["low"]) + int(bounds["high"])) // 2
        split = dt.date(1970, 1, 1) + dt.timedelta(days=middle // mining.DAY_US)
    split_us = (split - dt.date(1970, 1, 1)).days * mining.DAY_US
    periods = process.with_period(cases, split_us)
    summary = {row["period"]: {"cases": int(row["cases"]), "median_days": None if row["median_seconds"] is None
                               else row["median_seconds"] / 86400}
               for row in process.period_medians(periods).to_pyarrow().to_pylist()}
    if service.deadline_days:
        days = cases.select("start_day").distinct().to_pyarrow().column("start_day").to_pylist()
        due = ibis.memtable(_due_table(service, days))
        for row in process.compliance_by(periods, due, "period").to_pyarrow().to_pylist():
            summary[row["value"]]["on_time"] = _share(int(row["on_time"] or 0), int(row["cases"]))
    arcs = [{**arc, "before_hours": arc["before"] / 3600, "after_hours": arc["after"] / 3600}
            for arc in process.compare_arcs(process.arc_waits_by_period(log.events, periods).to_pyarrow().to_pylist())]
    return {"split": split.isoformat(), "periods": [(name, summary.get(name)) for name in process.PERIODS],
            "slower": [arc for arc in arcs if arc["change"] > 0][:5],
            "faster": sorted([arc for arc in arcs if arc["change"] < 0], key=lambda arc: arc["change"])[:5]}
