"""Checks the audit contributes to the standards' check registry: they read the service's latest finished
audit run."""

from __future__ import annotations

from django.urls import reverse

from govcx.audit.models import AuditRun, RunStatus
from govcx.audit.summary import IMPACTS
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus


def _latest(ctx: CheckContext) -> AuditRun | None:
    return (
        AuditRun.objects.filter(service_id=ctx.service.id, status=RunStatus.DONE)
        .order_by("-finished_at", "-id")
        .first()
    )


def _no_audit() -> CheckResult:
    return CheckResult(OutcomeStatus.UNKNOWN, detail="the service's pages have not been audited yet")


def _result(ok: bool, run: AuditRun, value: str, detail: str = "") -> CheckResult:
    return CheckResult(
        OutcomeStatus.MET if ok else OutcomeStatus.NOT_MET,
        value=value,
        evidence_url=reverse("audit:run_detail", args=[run.pk]),
        detail=detail,
    )


@register(
    "audit.accessibility",
    title="Accessibility (WCAG 2.2 AA): no violations at or above an impact in the latest audit",
    params={"fail_on": str},
)
def accessibility(ctx: CheckContext) -> CheckResult:
    run = _latest(ctx)
    if run is None:
        return _no_audit()
    fail_on = ctx.params.get("fail_on", "serious")
    if fail_on not in IMPACTS:
        return CheckResult(OutcomeStatus.UNKNOWN, detail=f"fail_on must be one of {IMPACTS}")
    counts = run.summary.get("violations", {})
    blocking = sum(counts.get(i, 0) for i in IMPACTS[: IMPACTS.index(fail_on) + 1])
    value = ", ".join(f"{i}: {counts.get(i, 0)}" for i in IMPACTS)
    manual = run.summary.get("manual", 0)
    return _result(blocking == 0, run, value, f"{manual} WCAG 2.2 criteria need manual review" if manual else "")


@register(
    "audit.plain_language", title="Plain language: reading ease at least a minimum", params={"min_reading_ease": int}
)
def plain_language(ctx: CheckContext) -> CheckResult:
    run = _latest(ctx)
    if run is None:
        return _no_audit()
    minimum = ctx.params.get("min_reading_ease", 50)
    ease = run.summary.get("reading_ease")
    if ease is None:
        return CheckResult(OutcomeStatus.UNKNOWN, detail="no readable text on the audited pages")
    return _result(ease >= minimum, run, f"reading ease {ease} (minimum {minimum})")


@register("audit.mobile_friendly", title="Mobile friendly: no sideways scrolling on a phone, tap targets ≥ 24 px")
def mobile_friendly(ctx: CheckContext) -> CheckResult:
    run = _latest(ctx)
    if run is None:
        return _no_audit()
    sideways = run.summary.get("pages_scrolling_sideways", 0)
    small = run.summary.get("small_tap_targets", 0)
    return _result(sideways == 0 and small == 0, run, f"{sideways} page(s) scroll sideways; {small} small tap targets")


@register("audit.forms_once_only", title="Forms do not ask for data a state registry already holds")
def forms_once_only(ctx: CheckContext) -> CheckResult:
    run = _latest(ctx)
    if run is None:
        return _no_audit()
    held = run.summary.get("registry_held_fields", 0)
    return _result(held == 0, run, f"{held} form field(s) ask for registry-held data")
