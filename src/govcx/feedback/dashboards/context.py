"""What the dashboard and the quarterly report pages show: one builder each, for the page and the PDF."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govcx.accounts.scoping import sees_every_organisation, visible_organisation_ids
from govcx.common.quarters import quarter_bounds, quarter_name, quarter_picker
from govcx.common.request_memo import remembered
from govcx.feedback import charts, stats
from govcx.feedback.analytics_sync import analytics_synced_at
from govcx.feedback.dashboards import aggregates
from govcx.feedback.dashboards.figures import (
    CONFIDENCE,
    GROUPINGS,
    MIN_GROUP_RESPONSES,
    PERIODS,
    Dashboard,
    Query,
    aggregate_rows,
    answers,
    build,
    min_difference_share,
    remembered_figures,
    request_store_state,
    signal_of,
)
from govcx.feedback.models import Channel, Response
from govcx.feedback.text import analysis, taxonomy
from govcx.i18n import fixed, localized_pair
from govcx.labels import DASHBOARD_GROUPS, DASHBOARD_PERIODS, RESPONSE_CHANNELS
from govcx.registry.models import ClientCategory, Organisation, Service
from govcx.registry.regions import region_names
from govcx.registry.selectors import service_choices


def _labels(group_by: str, keys: list[Any]) -> dict[Any, str]:
    """Names from the reference lists for the groups' keys; an answer without the attribute is "not given"
    (for a region: an authority without one, such as a federal ministry), never a bare "(none)"."""
    if group_by == "service_id":  # the groups and the national ranking both name services: read them once
        named = remembered("dashboard.services", lambda: {
            pk: f"{code} · {localized_pair(en, ru)}" for pk, code, en, ru in Service.objects.values_list("pk", *NAMED)})
        return {key: named[key] for key in keys if key in named}
    if group_by == "organisation_id":
        return {pk: localized_pair(en, ru)
                for pk, _code, en, ru in Organisation.objects.filter(pk__in=keys).values_list("pk", *NAMED)}
    missing = _("no region (federal authorities)") if group_by == "region" else _("not given")
    if group_by == "client_category":
        names = {c.code: c.name for c in ClientCategory.objects.filter(code__in=keys)}
    elif group_by == "channel":
        names = {k: str(RESPONSE_CHANNELS.get(k, k)) for k in keys}
    else:
        names = region_names([k for k in keys if k], get_language() or "en")
    return {k: (names.get(k, str(k)) if k else missing) for k in keys}


NAMED = ("code", "name_en", "name_ru")  # what a label or an option shows of a service or an authority


def _verdicts() -> dict[str, str]:
    """How a group compares with the rest (or a service with the country), as the tables show it, by signal
    ("few": too few answers to compare); translated once per table."""
    return {"above": format_html('<strong class="good">{}</strong>', _("higher")),
            "below": format_html('<strong class="bad">{}</strong>', _("lower")),
            "small": _("different, but too little to matter"),
            "few": _("too few to compare"),
            "same": _("no significant difference")}


def group_rows(dashboard: Dashboard, labels: dict[Any, str]) -> list[dict[str, Any]]:
    """The cells of the groups table, formatted here rather than in the template: a table of a hundred services
    took the template 8 ms to format, a tenth of that in Python."""
    rows, verdicts = [], _verdicts()
    for g in dashboard.groups:
        verdict = verdicts["few" if g.signal == "same" and g.n < MIN_GROUP_RESPONSES else g.signal]
        if g.difference is not None and g.signal != "same":
            size = _("%(d)s points, d = %(e)s") % {"d": fixed(g.difference), "e": fixed(g.effect_size)}
            verdict = format_html('{} <span class="muted">({})</span>', verdict, size)
        rows.append({"label": labels.get(g.key, str(g.key)), "n": g.n, "mean": fixed(g.mean),
                     "interval": f"{fixed(g.mean_low)}–{fixed(g.mean_high)}",
                     "top_share": f"{round(float(g.top_box) * 100)}%", "verdict": verdict})
    return rows


def _estimates(dashboard: Dashboard, labels: dict[Any, str]) -> list[charts.Estimate]:
    return [charts.Estimate(labels.get(g.key, str(g.key)), g.mean, g.mean_low, g.mean_high,
                            g.signal if g.signal in ("above", "below") else "same")
            for g in dashboard.groups[:40]]


def dashboard_context(user: Any, query: Query, table: Any = None) -> dict[str, Any]:
    table = answers() if table is None else table  # opened once per page
    dashboard = build(user, query, table)
    if dashboard.groups and not any(g.key for g in dashboard.groups):
        dashboard.groups = []  # one group of answers that lack the attribute compares nothing: say so instead
        nothing_to_compare = True
    else:
        nothing_to_compare = False
    labels = _labels(query.group_by, [g.key for g in dashboard.groups])
    scale = (dashboard.total.scale_min, dashboard.total.scale_max) if dashboard.total else (1, 5)
    allowed = visible_organisation_ids(user)
    services = service_choices(user=user)
    organisations = Organisation.objects.order_by("code").only(*NAMED, "region_code")
    if allowed is not None:
        organisations = organisations.filter(pk__in=allowed)
    region_codes = sorted({code for code in organisations.values_list("region_code", flat=True) if code})
    names_of_regions = region_names(region_codes, get_language() or "en")
    return {
        "dashboard": dashboard,
        "query": query,
        "regions": sorted(names_of_regions.items(), key=lambda item: item[1]),
        "client_categories": ClientCategory.objects.order_by("code"),
        "confidence": CONFIDENCE,
        "min_group": MIN_GROUP_RESPONSES,
        "nothing_to_compare": nothing_to_compare,
        "min_difference": min_difference_share(),
        "groups": group_rows(dashboard, labels),
        "group_title": DASHBOARD_GROUPS[query.group_by],
        "groupings": [(g, DASHBOARD_GROUPS[g]) for g in GROUPINGS],
        "periods": [(p, DASHBOARD_PERIODS[p]) for p in PERIODS],
        "channels": [(c, RESPONSE_CHANNELS.get(c, c)) for c in Channel.values],
        "services": services,
        "organisations": organisations,
        "means_chart": charts.means_chart_svg(
            _estimates(dashboard, labels), title=_("Mean rating by %(group)s with %(c)d%% intervals")
            % {"group": DASHBOARD_GROUPS[query.group_by].lower(), "c": round(CONFIDENCE * 100)},
            axis_title=_("Mean rating"), scale=scale, reference=dashboard.total.mean if dashboard.total else None),
        "trend_chart": charts.trend_chart_svg(
            [charts.Estimate(label, f.mean, f.mean_low, f.mean_high) for label, f in dashboard.trend],
            title=_("Mean rating by period"), axis_title=_("Mean rating"), scale=scale),
        "ranking": national_ranking(query, table=table) if sees_every_organisation(user) else None,
        "synced_at": analytics_synced_at(),
    }


def national_ranking(query: Query, level: str = "service_id", table: Any = None) -> list[dict]:
    """Services ranked by mean rating, nationwide; each flagged only where it differs significantly from the
    national figure (Welch's t-test, Holm-adjusted across all ranked services). The figures are computed once per
    state of the answer store (see figures.aggregate_rows); the names are read on every request."""
    table = answers() if table is None else table
    key = ("national ranking", table.op(), query.question, level, request_store_state())
    ranked = remembered_figures(key, lambda: _ranked(table, query.question, level))
    labels, verdicts = _labels(level, [r[level] for r in ranked]), _verdicts()
    return [{"rank": r["rank"], "label": labels.get(r[level], r[level]), "n": r["n"], "mean": r["mean"],
             "mean_text": fixed(r["mean"]), "signal": r["signal"], "verdict": verdicts[r["signal"]]} for r in ranked]


def _ranked(table: Any, question: str, level: str) -> list[dict]:
    where = aggregates.AnswerFilter(question_keys=[question])
    rows = aggregate_rows(table, aggregates.ranking, level=level, question_key=question, where=where,
                          min_responses=MIN_GROUP_RESPONSES)
    if not rows:
        return []
    totals: dict[tuple[int, int], stats.Moments] = {}
    for r in rows:  # the country's figure per scale: a 1–5 and a 1–7 question are never pooled
        scale = (r["scale_min"], r["scale_max"])
        before = totals.get(scale, stats.Moments(0, 0.0, 0.0))
        totals[scale] = stats.Moments(before.n + r["n"], before.total + r["sum_value"],
                                      before.sum_squares + r["sum_squares"])
    comparable, tests = [], []
    for index, r in enumerate(rows):
        total = totals[(r["scale_min"], r["scale_max"])]
        if total.n - r["n"] >= 2:
            comparable.append(index)
            tests.append(stats.welch_t_test(
                stats.Moments(r["n"], r["sum_value"], r["sum_squares"]),
                stats.Moments(total.n - r["n"], total.total - r["sum_value"], total.sum_squares - r["sum_squares"]),
                alpha=1 - CONFIDENCE))
    signals = ["same"] * len(rows)
    for index, test in zip(comparable, stats.adjust_comparisons(tests, "holm"), strict=True):
        signals[index] = signal_of(test, rows[index]["scale_min"], rows[index]["scale_max"])
    return [{**r, "signal": signal} for r, signal in zip(rows, signals, strict=True)]


def service_report_context(user: Any, service: Service, quarter: str) -> dict[str, Any]:
    first, last, label = quarter_bounds(quarter)
    query = Query(service_id=service.pk, group_by="channel", date_from=first, date_to=last)
    table = answers()
    context = dashboard_context(user, query, table)
    history = build(user, Query(service_id=service.pk, group_by="channel", date_to=last), table)
    responses = Response.objects.filter(service=service, submitted_at__date__gte=first,
                                        submitted_at__date__lte=last, is_spam=False)
    # Through the service's reverse relation: the complaints app builds on feedback, so feedback does not import it.
    complaints = service.complaints.filter(received_on__gte=first, received_on__lte=last)
    context.update({
        "service": service,
        "quarter_label": quarter_name(label),
        "quarter_code": label.replace(" ", ""),
        "quarter_picker": quarter_picker("quarter", chosen=label),
        "first": first,
        "last": last,
        "history_chart": charts.trend_chart_svg(
            [charts.Estimate(lbl, f.mean, f.mean_low, f.mean_high) for lbl, f in history.trend],
            title=_("Mean rating by quarter"), axis_title=_("Mean rating"),
            scale=(history.total.scale_min, history.total.scale_max) if history.total else (1, 5)),
        "history": history,
        "comments": list(responses.exclude(comment="").values_list("comment", flat=True)[:2000]),
        "complaints_received": complaints.count(),
        "complaints_answered": complaints.filter(status="answered").count(),
        "ranking": None,
    })
    context["topics"] = _comment_topics(context["comments"])
    distinct: dict[str, str] = {}
    for comment in context["comments"]:
        distinct.setdefault(_same_words(comment), comment)  # the same words from several people: one example
    context["comments"] = list(distinct.values())[:30]
    return context


def _same_words(text: str) -> str:
    return " ".join(text.casefold().split())


def _comment_topics(comments: list[str]) -> list[dict]:
    """Known issues (the taxonomy) found in the quarter's comments, most frequent first."""
    if not comments:
        return []
    known = taxonomy.default_taxonomy()
    language = get_language() or "en"
    counts: dict[str, dict] = {}
    for text, matches in zip(comments, analysis.known_topics(comments), strict=True):
        for match in matches:
            title = known.topic(match.code).title
            entry = counts.setdefault(match.code, {
                "topic": match.code, "label": title.get(language[:2]) or title.get("en") or match.code, "count": 0,
                "requirements": [f"{r.pack}:{r.requirement}" for r in match.requirements], "examples": []})
            entry["count"] += 1
            if len(entry["examples"]) < 3 and _same_words(text) not in {_same_words(e) for e in entry["examples"]}:
                entry["examples"].append(text)
    return sorted(counts.values(), key=lambda e: -e["count"])
