"""Checks feedback contributes to the standards' check registry: satisfaction measured by citizens' ratings."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus


@register(
    "feedback.satisfaction",
    title="Satisfaction: mean rating of a question at least a minimum, over recent days, from enough responses",
    params={"min_mean": float, "min_responses": int, "days": int, "question": str, "confidence": float},
)
def satisfaction(ctx: CheckContext) -> CheckResult:
    """Met when the mean of `question` (default "overall") over the last `days` (default 91, a quarter) is at
    least `min_mean` (default 4.0) from at least `min_responses` (default 100) ratings; the interval is shown.
    The figure is the dashboard's (`service_satisfaction`), so the check and the dashboard cannot disagree."""
    question = ctx.params.get("question", "overall")
    min_mean = float(ctx.params.get("min_mean", 4.0))
    min_responses = int(ctx.params.get("min_responses", 100))
    days = int(ctx.params.get("days", 91))
    confidence = float(ctx.params.get("confidence", 0.95))
    since = timezone.now() - dt.timedelta(days=days)
    # Imported here: the analytics engine (Ibis, DuckDB) costs most of a second to load, and checks are
    # registered at start-up by every process, while this runs only when an assessment does.
    from govcx.feedback.dashboards.figures import service_satisfaction

    figure = service_satisfaction(service_id=ctx.service.id, question=question, since=since, confidence=confidence)
    n = figure.n if figure else 0
    evidence = reverse("feedback:dashboard") + f"?service={ctx.service.id}&question={question}"
    if figure is None or n < min_responses:
        return CheckResult(OutcomeStatus.UNKNOWN, value=f"{n} ratings", evidence_url=evidence,
                           detail=f"fewer than {min_responses} ratings of {question!r} in the last {days} days")
    value = f"{figure.mean:.2f} ({figure.mean_low:.2f}–{figure.mean_high:.2f}, n={n})"
    return CheckResult(OutcomeStatus.MET if figure.mean >= min_mean else OutcomeStatus.NOT_MET, value=value,
                       evidence_url=evidence, detail=f"{confidence:.0%} interval; minimum {min_mean}")
