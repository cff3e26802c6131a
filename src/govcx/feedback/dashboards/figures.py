"""The satisfaction dashboard's figures: aggregates from the analytics layer, intervals and tests from stats.

The one place that joins the three: `govcx.feedback.dashboards.aggregates` (Ibis expressions over the answer store),
`govcx.feedback.stats` (intervals, significance) and the user's scope (`accounts.scoping`). Every figure is
restricted to the organisations the user may see; the national ranking is for central roles only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import threading
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from govcx.accounts.scoping import visible_organisation_ids
from govcx.common.kept import MISSING, Kept
from govcx.common.request_memo import remembered
from govcx.feedback import stats
from govcx.feedback.analytics_sync import answers_store_path
from govcx.feedback.dashboards import aggregates
from govcx.feedback.dashboards.aggregates import AnswerFilter

GROUPINGS = ("service_id", "organisation_id", "region", "client_category", "channel")
PERIODS = ("quarter", "month", "year")
CONFIDENCE = 0.95
MIN_GROUP_RESPONSES = 30  # smaller groups are listed but not ranked or compared


def min_difference_share() -> float:
    """The smallest difference of means worth calling a change, as a share of the scale's range
    (GOVCX_FEEDBACK_MIN_DIFFERENCE, default 0.05: 0.2 points on a 1–5 scale); see stats.matters."""
    return float(settings.FEEDBACK_MIN_DIFFERENCE)

_local = threading.local()


def _backend():
    """One in-memory DuckDB per thread: connections are cheap to keep and must not cross threads."""
    from govcx.analytics import engines

    backend = getattr(_local, "backend", None)
    if backend is None:
        backend = _local.backend = engines.connect("duckdb", threads=2)
    return backend


def answers():
    """The answer store as last synced by the worker: a read never writes to the store."""
    from govcx.analytics import engines

    return engines.answers_table(_backend(), answers_store_path())


@dataclass
class Query:
    question: str = "overall"
    group_by: str = "service_id"
    period: str = "quarter"
    service_id: int | None = None
    organisation_id: int | None = None
    region: str = ""
    client_category: str = ""
    channel: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive

    def where(self, user: Any) -> AnswerFilter:
        allowed = visible_organisation_ids(user)
        organisations = allowed
        if self.organisation_id is not None:
            organisations = {self.organisation_id} if allowed is None else allowed & {self.organisation_id}
        return AnswerFilter(
            organisation_ids=organisations,
            service_ids=[self.service_id] if self.service_id else None,
            regions=[self.region] if self.region else None,
            client_categories=[self.client_category] if self.client_category else None,
            channels=[self.channel] if self.channel else None,
            question_keys=[self.question],
            submitted_from=_start(self.date_from),
            submitted_before=_start(self.date_to + dt.timedelta(days=1)) if self.date_to else None,
        )


def _start(day: dt.date | None) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) if day else None


@dataclass
class Figure:
    """A group's figures: mean and top-2-box share with their intervals; `signal` compares it with the rest."""

    key: Any
    n: int
    mean: float
    mean_low: float
    mean_high: float
    top_box: float
    top_box_low: float
    top_box_high: float
    scale_min: int
    scale_max: int
    moments: stats.Moments
    # above / below: significant and at least the minimum difference that matters; small: significant but below
    # it; same: no significant difference
    signal: str = "same"
    p_value: float | None = None
    difference: float | None = None  # this group's mean − the rest's
    effect_size: float | None = None  # Cohen's d of that difference


def _figure(key: Any, row: dict, confidence: float = CONFIDENCE) -> Figure:
    moments = stats.Moments(int(row["n"]), float(row["sum_value"]), float(row["sum_squares"]))
    bounds = (float(row["scale_min"]), float(row["scale_max"]))
    if moments.n >= 2:
        mean = stats.mean_summary(moments, confidence, bounds=bounds)
        mean_low, mean_high = mean.interval.low, mean.interval.high
    else:  # one answer has no interval: the whole scale is possible
        mean_low, mean_high = bounds
    share = stats.top_box_share(int(row["top_box"]), moments.n, confidence)
    return Figure(key=key, n=moments.n, mean=moments.mean, mean_low=mean_low, mean_high=mean_high,
                  top_box=share.share, top_box_low=share.interval.low, top_box_high=share.interval.high,
                  scale_min=int(row["scale_min"]), scale_max=int(row["scale_max"]), moments=moments)


#: Figures already computed, by their arguments (see `aggregate_rows`); the most recently used are kept.
RESULTS_KEPT = 512
_results = Kept(RESULTS_KEPT)
_computing: dict[Any, threading.Lock] = {}  # one lock per key being computed
_computing_lock = threading.Lock()


def aggregate_rows(table: Any, aggregate: Callable[..., Any], **arguments: Any) -> list[dict]:
    """The rows of `aggregate(table, **arguments)`, an aggregate of `aggregates` over the answer store. A part of
    the store never changes once written (a sync adds parts, a compaction replaces them under new names), so with
    the identity of the part files (`store_state`: a store reset writes new files under the old names) equal
    arguments give equal rows: they are computed once per process, and the next sync's parts make new keys. The
    key is made of the arguments themselves, so a figure already computed costs no Ibis expression to be built
    (building one takes milliseconds). Not a page cache: every request still lists the store's parts."""
    key = (aggregate.__module__, aggregate.__qualname__, table.op(), _key_of(arguments), request_store_state())
    found = remembered_figures(key, lambda: aggregate(table, **arguments).to_pyarrow().to_pylist())
    return [dict(row) for row in found]


def _key_of(value: Any) -> Any:
    """A hashable key equal for arguments that select the same answers: an AnswerFilter's collections are sets
    of allowed values (their order and repetitions do not matter); other sequences keep their order."""
    if isinstance(value, AnswerFilter):
        return tuple((item.name, None if getattr(value, item.name) is None else _allowed(getattr(value, item.name)))
                     for item in dataclasses.fields(value))
    if isinstance(value, dict):
        return tuple(sorted((name, _key_of(item)) for name, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_key_of(item) for item in value)
    return value


def _allowed(value: Any) -> Any:
    if isinstance(value, (str, bytes)) or not isinstance(value, Collection):
        return value  # a bound such as a date
    return ("in", tuple(sorted(set(value), key=repr)))


def request_store_state() -> tuple[tuple[str, int, int, int], ...]:
    """`store_state`, read once per web request: a page's figures all come from the same parts."""
    return remembered("answers-store-state", store_state)


def store_state() -> tuple[tuple[str, int, int, int], ...]:
    """Name, inode, modification time and size of each live part of the answer store."""
    from govcx.analytics import store

    state = []
    for part in store.live_parts(answers_store_path()):
        try:
            found = part.stat()
        except OSError:  # compacted away since the listing: the next listing will not name it
            continue
        state.append((part.name, found.st_ino, found.st_mtime_ns, found.st_size))
    return tuple(state)


def remembered_figures(key: Any, compute: Any) -> Any:
    """The kept value of `key`, else `compute()`'s, computed once: requests that ask for the same figures while
    they are being computed wait for that computation instead of each running it (20 requests arriving at a
    fresh worker would otherwise all run the same queries at once)."""
    found = _results.get(key)
    if found is not MISSING:
        return found
    with _computing_lock:
        computing = _computing.setdefault(key, threading.Lock())
    with computing:
        found = _results.get(key)
        if found is not MISSING:
            return found
        try:
            found = compute()
            _results.put(key, found)
        finally:
            with _computing_lock:
                _computing.pop(key, None)
    return found


def question_figure(table: Any, where: AnswerFilter, *, confidence: float = CONFIDENCE) -> Figure | None:
    """The figure of the answers `where` selects (one question), or None without answers. Answers on two scales
    of one question are never averaged together: the scale with the most answers is the figure (ties: the
    narrower scale)."""
    rows = [row for row in aggregate_rows(table, aggregates.rating_moments, where=where) if row["n"]]
    if not rows:
        return None
    row = max(rows, key=lambda r: (int(r["n"]), -(int(r["scale_max"]) - int(r["scale_min"])), -int(r["scale_max"])))
    return _figure("all", row, confidence)


def service_satisfaction(*, service_id: int, question: str, since: dt.datetime, until: dt.datetime | None = None,
                         confidence: float = CONFIDENCE) -> Figure | None:
    """The satisfaction figure a service gets for a period (`since` inclusive, `until` exclusive): the one source
    of the standard's `feedback.satisfaction` check and of the dashboard's total for that service and period,
    read from the analytics store (settled, non-spam answers)."""
    where = AnswerFilter(service_ids=[service_id], question_keys=[question], submitted_from=since,
                         submitted_before=until)
    return question_figure(answers(), where, confidence=confidence)


@dataclass
class Dashboard:
    query: Query
    total: Figure | None
    groups: list[Figure]
    trend: list[tuple[str, Figure]]
    trend_changes: list[dict]
    nps: dict | None
    drivers: list[dict] = field(default_factory=list)
    drivers_sampled: bool = False
    drivers_r_squared: float | None = None
    question_keys: list[str] = field(default_factory=list)


def build(user: Any, query: Query, table: Any = None) -> Dashboard:
    """The figures of `query` for `user`; `table` is the answer store already opened for this request, if any."""
    table = answers() if table is None else table
    where = query.where(user)
    total = question_figure(table, where)
    groups = [_figure(row[query.group_by], row) for row in
              aggregate_rows(table, aggregates.rating_moments, by=(query.group_by,), where=where) if row["n"]]
    groups.sort(key=lambda f: (-f.mean, str(f.key)))
    _compare_with_rest(groups, total)
    trend_rows = aggregate_rows(table, aggregates.trend, period=query.period, where=where)
    trend = [(_period_label(row[query.period], query.period), _figure(row[query.period], row)) for row in trend_rows]
    nps_rows = aggregate_rows(table, aggregates.nps_counts, where=where.but(question_keys=None))
    nps = None
    if nps_rows and nps_rows[0]["n"]:
        row = nps_rows[0]
        estimate = stats.nps_summary(stats.NpsCounts(row["promoters"], row["passives"], row["detractors"]),
                                     CONFIDENCE)
        nps = {"n": row["n"], "score": estimate.nps, "low": estimate.interval.low, "high": estimate.interval.high,
               "promoters": row["promoters"], "detractors": row["detractors"]}
    keys = sorted({r["question_key"] for r in aggregate_rows(
        table, aggregates.rating_moments, by=("question_key",), where=where.but(question_keys=None))})
    dashboard = Dashboard(query=query, total=total, groups=groups, trend=trend,
                          trend_changes=_trend_changes(trend), nps=nps, question_keys=keys)
    if query.service_id and query.question in keys:
        _drivers(dashboard, table, where, [k for k in keys if k != query.question])
    return dashboard


def _compare_with_rest(groups: list[Figure], total: Figure | None) -> None:
    """Each group against the others with Welch's t-test, Holm-adjusted over all groups, so that with many
    services only real differences are flagged."""
    if total is None or len(groups) < 2:
        return
    eligible = [g for g in groups if g.n >= MIN_GROUP_RESPONSES and total.n - g.n >= MIN_GROUP_RESPONSES
                and (g.scale_min, g.scale_max) == (total.scale_min, total.scale_max)]
    tests = [stats.welch_t_test(g.moments, _rest(total.moments, g.moments), alpha=1 - CONFIDENCE) for g in eligible]
    for group, test in zip(eligible, stats.adjust_comparisons(tests, "holm"), strict=True):
        group.p_value = test.p_adjusted
        group.difference = test.difference
        group.effect_size = stats.cohens_d(group.moments, _rest(total.moments, group.moments))
        group.signal = signal_of(test, group.scale_min, group.scale_max)


def signal_of(test: stats.Comparison, scale_min: float, scale_max: float) -> str:
    """above / below only for a significant difference that matters; "small" for a significant one that does
    not (p < 0.05 at n = 200,000 says little); "same" otherwise."""
    if not test.significant:
        return "same"
    if not stats.matters(test.difference, scale_min=scale_min, scale_max=scale_max,
                         min_share=min_difference_share()):
        return "small"
    return "above" if test.difference > 0 else "below"


def _rest(total: stats.Moments, part: stats.Moments) -> stats.Moments:
    """Everyone else: moments subtract."""
    return stats.Moments(total.n - part.n, total.total - part.total, total.sum_squares - part.sum_squares)


def _trend_changes(trend: list[tuple[str, Figure]]) -> list[dict]:
    """Significant changes between consecutive periods (Welch's t-test, later − earlier)."""
    usable = [(label, figure) for label, figure in trend if figure.n >= 2]
    figures = dict(usable)
    steps = stats.trend([(label, figure.moments) for label, figure in usable],
                        lambda later, earlier: stats.welch_t_test(later, earlier, alpha=1 - CONFIDENCE))
    changes = []
    for step in steps:
        later, earlier = figures[step.period_to], figures[step.period_from]
        signal = signal_of(step.comparison, later.scale_min, later.scale_max)
        changes.append({"from": step.period_from, "to": step.period_to, "difference": step.comparison.difference,
                        "p_value": step.comparison.p_value, "significant": step.comparison.significant,
                        "matters": signal in ("above", "below"),
                        "effect_size": stats.cohens_d(later.moments, earlier.moments),
                        "n_from": earlier.n, "n_to": later.n})
    return changes


def _drivers(dashboard: Dashboard, table, where: AnswerFilter, candidates: list[str]) -> None:
    if not candidates:
        return
    outcome, where = dashboard.query.question, where.but(question_keys=None)
    # the analysis of the same answers is done once per process, as an aggregate is (see aggregate_rows)
    key = ("drivers", table.op(), _key_of({"drivers": candidates, "outcome": outcome, "where": where}),
           request_store_state())
    found = remembered_figures(key, lambda: _driver_analysis(table, candidates, outcome, where))
    if found is not None:
        dashboard.drivers, dashboard.drivers_r_squared, dashboard.drivers_sampled = found


def _driver_analysis(table, candidates: list[str], outcome: str, where: AnswerFilter
                     ) -> tuple[list[dict], float, bool] | None:
    sample = aggregates.driver_sample(table, drivers=candidates, outcome=outcome, where=where)
    if sample.rows.num_rows < MIN_GROUP_RESPONSES:
        return None
    columns = sample.rows.to_pydict()
    drivers = {key: [math.nan if v is None else v for v in columns[key]] for key in candidates if key in columns}
    try:
        result = stats.driver_analysis(drivers, columns[outcome])
    except ValueError:  # too few complete responses, or drivers that never vary
        return None
    return ([{"driver": d.driver, "correlation": d.correlation, "beta": d.beta, "share": d.share, "rank": d.rank}
             for d in result.drivers], result.r_squared, sample.sampled)


def _period_label(start: Any, period: str) -> str:
    day = start if isinstance(start, dt.date) else dt.date.fromisoformat(str(start)[:10])
    if period == "quarter":
        return f"{day.year} Q{(day.month - 1) // 3 + 1}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    return str(day.year)
