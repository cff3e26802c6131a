"""Labels and small formatters for the lab's pages and report: codes in, translated words out."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from govcx.lab import charts

register = template.Library()

STUDY_STATUSES = {"draft": _("Draft"), "recruiting": _("Recruiting"), "running": _("Running"), "closed": _("Closed")}
SESSION_MODES = {"moderated": _("Moderated"), "unmoderated": _("Unmoderated")}
SESSION_STATUSES = {
    "planned": _("Planned"), "in_progress": _("In progress"), "completed": _("Completed"), "abandoned": _("Abandoned"),
}
PARTICIPANT_STATUSES = {
    "recruited": _("Recruited"), "scheduled": _("Scheduled"), "completed": _("Completed"), "withdrawn": _("Withdrawn"),
}
OUTCOMES = {"success": _("Success"), "partial": _("Partial"), "failure": _("Failure"), "abandoned": _("Gave up")}
FINDING_STATUSES = {"open": _("Open"), "fixed": _("Fixed"), "accepted": _("Accepted")}
QUOTA_DIMENSIONS = {
    "client_category": _("Client category"), "age_band": _("Age band"), "region": _("Region"),
    "digital_confidence": _("Digital confidence"), "disability": _("Disability"),
    "assisted_digital": _("Assisted digital"),
}
AGE_BANDS = {"18-24": "18–24", "25-34": "25–34", "35-44": "35–44", "45-54": "45–54", "55-64": "55–64",
             "65+": _("65 and over")}
#: Nielsen's severity ratings; the number is what the analysis uses, the words are for people.
SEVERITIES = {0: _("Not a problem"), 1: _("Cosmetic"), 2: _("Minor"), 3: _("Major"), 4: _("Catastrophe")}
VERDICTS = {
    "ready": _("Ready to launch"), "launch_with_adjustments": _("Launch with adjustments"), "not_ready": _("Not ready"),
}
SUS_ACCEPTABILITY = {"acceptable": _("acceptable"), "marginal": _("marginal"), "not acceptable": _("not acceptable")}
SUS_ADJECTIVES = {
    "best imaginable": _("best imaginable"), "excellent": _("excellent"), "good": _("good"), "OK": _("OK"),
    "poor": _("poor"), "awful": _("awful"), "worst imaginable": _("worst imaginable"),
}
SEQ_POSITIONS = {"above": _("above the benchmark"), "below": _("below the benchmark"),
                 "straddles": _("not distinguishable from the benchmark")}
TIME_METHODS = {"geometric_mean": _("geometric mean"), "median": _("median")}


def severity_choices() -> list[tuple[int, str]]:
    return [(level, f"{level} — {label}") for level, label in SEVERITIES.items()]


def _label(table: dict, value: Any) -> str:
    return str(table.get(value, value if value not in (None, "") else "—"))


#: Filters that turn a code into its translated word, e.g. {{ study.status|study_status }}.
LABEL_FILTERS = {
    "study_status": STUDY_STATUSES,
    "session_mode": SESSION_MODES,
    "session_status": SESSION_STATUSES,
    "participant_status": PARTICIPANT_STATUSES,
    "outcome": OUTCOMES,
    "finding_status": FINDING_STATUSES,
    "quota_dimension": QUOTA_DIMENSIONS,
    "lab_verdict": VERDICTS,
    "seq_position": SEQ_POSITIONS,
    "time_method": TIME_METHODS,
    "sus_word": {**SUS_ACCEPTABILITY, **SUS_ADJECTIVES},
}
for _name, _table in LABEL_FILTERS.items():
    register.filter(_name, partial(_label, _table))


@register.filter
def severity(value: int | None) -> str:
    return "—" if value is None else f"{value} — {SEVERITIES.get(int(value), value)}"


@register.filter
def percent(value: float | None, digits: int = 0) -> str:
    """0.8123 → "81 %" (or with `digits` decimals); "—" when there is no figure."""
    if value is None or value == "":
        return "—"
    return f"{float(value) * 100:.{int(digits)}f} %"


@register.filter
def number(value: float | None, digits: int = 1) -> str:
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}"


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
    counts = {level: 0 for level in SEVERITIES}
    for finding in analysis.findings:
        counts[finding.severity] = counts.get(finding.severity, 0) + 1
    return mark_safe(charts.severity_chart_svg(
        counts, labels=[str(label) for label in SEVERITIES.values()], title=str(_("Findings by severity")),
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
