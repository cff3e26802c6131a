"""Labels and small formatters for the lab's pages and report: codes in, translated words out."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import template
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govcx import labels
from govcx.lab import charts
from govcx.registry import regions
from govcx.registry.selectors import client_categories_by_code

register = template.Library()


def severity_choices() -> list[tuple[int, str]]:
    return [(level, f"{level} — {label}") for level, label in labels.SEVERITIES.items()]


#: Filters that turn a code into its translated word, e.g. {{ study.status|study_status }}.
LABEL_FILTERS = {
    "study_status": labels.STUDY_STATUSES,
    "session_mode": labels.SESSION_MODES,
    "session_status": labels.SESSION_STATUSES,
    "participant_status": labels.PARTICIPANT_STATUSES,
    "outcome": labels.TASK_OUTCOMES,
    "finding_status": labels.FINDING_STATUSES,
    "quota_dimension": labels.QUOTA_DIMENSIONS,
    "lab_verdict": labels.VERDICTS,
    "seq_position": labels.SEQ_POSITIONS,
    "time_method": labels.TIME_METHODS,
    "estimate_method": labels.COMPLETION_ESTIMATES,
    "sus_word": {**labels.SUS_ACCEPTABILITY, **labels.SUS_ADJECTIVES},
}
for _name, _table in LABEL_FILTERS.items():
    register.filter(_name, partial(labels.label_of, _table))


@register.filter
def client_category(code: str | None) -> str:
    """A client category's code by its name (the registry's reference list)."""
    if not code:
        return "—"
    category = client_categories_by_code().get(code)
    return category.name if category else code


@register.filter
def quota_value(quota: Any) -> str:
    """A quota's value in words: "yes" for a true flag, a region or client category by name."""
    value = str(quota.value)
    if value in ("true", "false"):
        return str(_("yes") if value == "true" else _("no"))
    if quota.dimension == "region":
        return regions.region_name(value, get_language() or "en")
    if quota.dimension == "client_category":
        return client_category(value)
    if quota.dimension == "age_band":
        return str(labels.AGE_BANDS.get(value, value))
    return value


@register.filter
def severity(value: int | None) -> str:
    return "—" if value is None else f"{value} — {labels.SEVERITIES.get(int(value), value)}"


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.8123 → "81 %" (or with `digits` decimals); "—" when there is no figure."""
    if value is None or value == "":
        return "—"
    return f"{number_format(float(value) * 100, int(digits))} %"


@register.filter
def number(value: float | None, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return number_format(float(value), int(digits))


@register.filter
def points(value: float | None) -> str:
    """A change between two proportions in percentage points, with its sign: 0.125 → "+12.5"."""
    return "—" if value is None else f"{float(value) * 100:+.1f}"


@register.filter
def signed(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{float(value):+.{int(digits)}f}"


@register.filter
def clock(seconds: float | None) -> str:
    """Seconds as m:ss (the way people read a stopwatch); "—" when unknown."""
    if seconds is None or seconds == "":
        return "—"
    whole = int(round(float(seconds)))
    return f"{whole // 60}:{whole % 60:02d}"


#: A clip starts a little before the moment noted, so the viewer sees what led to it.
CLIP_LEAD_SECONDS = 5


@register.filter
def clip_start(observation: Any) -> str:
    """Seconds into the session's video for an observation (#t=…): its offset from the session start, less the
    delay between the session start and the recording start, less a short lead-in; never negative."""
    session = observation.session
    delay = 0.0
    if session.started_at and session.recording_started_at:
        delay = (session.recording_started_at - session.started_at).total_seconds()
    return str(max(0, int(float(observation.at_seconds or 0) - delay - CLIP_LEAD_SECONDS)))


# ---- the report's charts (the same tags draw them on the page and in the PDF) -------------------------------


@register.simple_tag
def completion_chart(analysis: Any) -> SafeString:
    bars = [
        charts.CompletionBar(
            task=t.title, point=t.point_estimate, low=t.completion.low, high=t.completion.high,
            benchmark=t.benchmark, meets=t.benchmark_test.meets if t.benchmark_test else None,
        )
        for t in analysis.tasks
        if t.completion is not None
    ]
    return mark_safe(charts.completion_chart_svg(
        bars, title=str(_("Completion rate by task")), axis_title=str(_("Completion rate (%)")),
        point_label=str(_("Estimate (%)")), benchmark_label=str(_("Benchmark (%)")),
    ))


@register.simple_tag
def time_chart(analysis: Any) -> SafeString:
    tasks = [
        charts.TaskTimes(
            task=t.title, seconds=tuple(t.times), estimate=t.time.estimate if t.time else None,
            low=t.time.low if t.time else None, high=t.time.high if t.time else None, target=t.target_seconds,
        )
        for t in analysis.tasks
    ]
    return mark_safe(charts.task_time_chart_svg(
        tasks, title=str(_("Time on task")), axis_title=str(_("Seconds"))
    ))


@register.simple_tag
def sus_chart(analysis: Any) -> SafeString:
    sus = analysis.sus
    if sus is None:
        return mark_safe("")
    return mark_safe(charts.sus_scale_chart_svg(
        mean=sus.mean, low=sus.interval.low, high=sus.interval.high,
        title=str(_("SUS score on the curved grading scale")), axis_title=str(_("SUS score (0–100)")),
    ))


@register.simple_tag
def severity_chart(analysis: Any) -> SafeString:
    counts = {level: 0 for level in labels.SEVERITIES}
    for finding in analysis.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return mark_safe(charts.severity_chart_svg(
        counts, labels=[str(label) for label in labels.SEVERITIES.values()], title=str(_("Findings by severity")),
        axis_title=str(_("Findings")),
    ))


REASONS = {
    "critical_task_below_benchmark": _(
        "Critical task “%(subject)s”: the lower bound of its completion rate, %(lower)s, is below the benchmark "
        "%(benchmark)s."),
    "critical_task_untested": _("Critical task “%(subject)s” has no recorded attempt."),
    "blocking_finding_on_critical_task": _("Open finding “%(subject)s” is severe and on a critical task."),
    "open_major_finding": _("Open finding “%(subject)s” needs an adjustment before launch."),
}


@register.simple_tag
def verdict_reason(reason: Any, analysis: Any = None) -> str:
    """A reason of the verdict in the reader's language, naming a task by its title rather than its key."""
    template = REASONS.get(reason.code)
    if template is None:
        return reason.message
    task = analysis.task(reason.subject) if analysis is not None and reason.code.startswith("critical_task") else None
    return str(template) % {
        "subject": task.title if task else reason.subject,
        "lower": percent(reason.lower_bound, 1),
        "benchmark": percent(reason.benchmark, 1),
    }
