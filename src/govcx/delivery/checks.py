"""The delivery checks this app contributes to the standards: cases closed within the legal term, and little
rework, measured on the service's event log."""

from __future__ import annotations

from django.urls import reverse

from govcx.delivery import selectors
from govcx.registry.models import Service
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus


@register(
    "delivery.deadline_compliance",
    title="Cases are closed within the service's legal term: the share on time reaches a threshold",
    params={"min_share": float, "min_cases": int},
)
def deadline_compliance(ctx: CheckContext) -> CheckResult:
    threshold = float(ctx.params.get("min_share", 0.95))
    minimum = int(ctx.params.get("min_cases", 30))
    service = Service.objects.get(pk=ctx.service.id)
    figures = selectors.deadline_figures(service=service)
    url = reverse("delivery:service", args=[ctx.service.id])
    if figures is None or figures["cases"] < minimum:
        seen = 0 if figures is None else figures["cases"]
        return CheckResult(OutcomeStatus.UNKNOWN, value=f"{seen} cases in the event log (at least {minimum} needed)",
                           evidence_url=url)
    share = figures["share"]
    return CheckResult(
        OutcomeStatus.MET if share >= threshold else OutcomeStatus.NOT_MET,
        value=(f"{share:.1%} of {figures['cases']} cases on time (95% CI {figures['low']:.1%}–{figures['high']:.1%}; "
               f"at least {threshold:.0%})"),
        evidence_url=url,
    )


@register(
    "delivery.rework_rate",
    title="Few cases go back to a step already done: the share of cases with rework stays below a maximum",
    params={"max_share": float, "min_cases": int},
)
def rework_rate(ctx: CheckContext) -> CheckResult:
    maximum = float(ctx.params.get("max_share", 0.1))
    minimum = int(ctx.params.get("min_cases", 30))
    figures = selectors.rework_figures(service=Service.objects.get(pk=ctx.service.id))
    url = reverse("delivery:service", args=[ctx.service.id])
    if figures is None or figures["cases"] < minimum:
        seen = 0 if figures is None else figures["cases"]
        return CheckResult(OutcomeStatus.UNKNOWN, value=f"{seen} cases in the event log (at least {minimum} needed)",
                           evidence_url=url)
    return CheckResult(
        OutcomeStatus.MET if figures["share"] <= maximum else OutcomeStatus.NOT_MET,
        value=f"{figures['share']:.1%} of {figures['cases']} cases repeat an activity (at most {maximum:.0%})",
        evidence_url=url,
    )
