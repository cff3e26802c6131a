"""Checks the lab contributes to the standards' check registry: they read the service's latest closed study.

`lab.verdict`           the launch verdict (thresholds of `verdict.VerdictRule` can be set as parameters);
`lab.critical_completion` every critical-path task's adjusted-Wald lower bound ≥ `min_rate` at `confidence`;
`lab.sus`               the SUS mean ≥ `min_score` (68 = the normative mean, Sauro & Lewis 2016, ch. 8);
`lab.no_open_findings`  no open finding of severity ≥ `min_severity` (Nielsen's 0–4 scale).
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from govcx.common.stats import adjusted_wald
from govcx.lab.analysis import StudyAnalysis
from govcx.lab.models import Study, StudyStatus
from govcx.lab.verdict import Verdict, VerdictRule
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus


def _latest(ctx: CheckContext) -> Study | None:
    return (
        Study.objects.filter(service_id=ctx.service.id, status=StudyStatus.CLOSED)
        .order_by("-verdict_computed_at", "-updated_at", "-id")
        .first()
    )


def _no_study() -> CheckResult:
    return CheckResult(OutcomeStatus.UNKNOWN, detail="the service has no closed usability study yet")


def _evidence_url(study: Study) -> str:
    try:
        return reverse("lab:study_report", args=[study.pk])
    except NoReverseMatch:
        return ""


def _result(ok: bool, study: Study, value: str, detail: str = "") -> CheckResult:
    return CheckResult(OutcomeStatus.MET if ok else OutcomeStatus.NOT_MET, value=value,
                       evidence_url=_evidence_url(study), detail=detail)


def _analysis(study: Study, rule: VerdictRule | None = None) -> StudyAnalysis:
    from govcx.lab.selectors import study_analysis

    return study_analysis(study, rule)


def _rule(params: Any) -> VerdictRule:
    return VerdictRule(
        blocking_severity=params.get("blocking_severity", 4),
        adjustment_severity=params.get("adjustment_severity", 3),
        confidence=params.get("confidence", 0.90),
        benchmark_override=params.get("benchmark"),
    )


@register(
    "lab.verdict",
    title="Usability study: the launch verdict of the latest closed study is 'ready'",
    params={"blocking_severity": int, "adjustment_severity": int, "confidence": float, "benchmark": float,
            "accept_adjustments": bool},
)
def verdict(ctx: CheckContext) -> CheckResult:
    study = _latest(ctx)
    if study is None:
        return _no_study()
    result = _analysis(study, _rule(ctx.params)).verdict
    accepted = {Verdict.READY} | ({Verdict.LAUNCH_WITH_ADJUSTMENTS} if ctx.params.get("accept_adjustments") else set())
    return _result(result.verdict in accepted, study, result.verdict.value.replace("_", " "),
                   "; ".join(r.message for r in result.reasons))


@register(
    "lab.critical_completion",
    title="Usability study: completion rate of every critical task at least a minimum, at a confidence level",
    params={"min_rate": float, "confidence": float},
)
def critical_completion(ctx: CheckContext) -> CheckResult:
    study = _latest(ctx)
    if study is None:
        return _no_study()
    min_rate = ctx.params.get("min_rate", 0.78)
    confidence = ctx.params.get("confidence", 0.90)
    tasks = [t for t in _analysis(study).tasks if t.critical_path]
    if not tasks:
        return CheckResult(OutcomeStatus.UNKNOWN, detail="the study has no critical-path task",
                           evidence_url=_evidence_url(study))
    bounds = []
    for task in tasks:
        low = adjusted_wald(task.successes, task.attempts, confidence).low if task.attempts else None
        bounds.append((task.key, low))
    failing = [key for key, low in bounds if low is None or low < min_rate]
    value = ", ".join(f"{key}: {'no attempts' if low is None else f'{low:.3f}'}" for key, low in bounds)
    detail = (f"lower bound of the two-sided {confidence:.0%} adjusted-Wald interval below {min_rate:.2f}: "
              + ", ".join(failing)) if failing else ""
    return _result(not failing, study, value, detail)


@register("lab.sus", title="Usability study: SUS score at least a minimum", params={"min_score": float})
def sus(ctx: CheckContext) -> CheckResult:
    study = _latest(ctx)
    if study is None:
        return _no_study()
    minimum = float(ctx.params.get("min_score", 68.0))
    summary = _analysis(study).sus
    if summary is None:
        return CheckResult(OutcomeStatus.UNKNOWN, detail="the study has fewer than two SUS answers",
                           evidence_url=_evidence_url(study))
    return _result(summary.mean >= minimum, study, f"SUS {summary.mean:.1f} (grade {summary.grade}, minimum "
                   f"{minimum:g})")


@register(
    "lab.no_open_findings",
    title="Usability study: no open finding at or above a severity",
    params={"min_severity": int},
)
def no_open_findings(ctx: CheckContext) -> CheckResult:
    study = _latest(ctx)
    if study is None:
        return _no_study()
    minimum = ctx.params.get("min_severity", 4)
    open_titles = list(study.findings.filter(status="open", severity__gte=minimum).values_list("title", flat=True))
    return _result(not open_titles, study, f"{len(open_titles)} open finding(s) of severity ≥ {minimum}",
                   "; ".join(open_titles[:5]))
