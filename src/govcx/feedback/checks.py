"""Checks feedback contributes to the standards' check registry: satisfaction measured by citizens' ratings."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone

from govcx.feedback import stats
from govcx.feedback.models import Answer
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus


@register(
    "feedback.satisfaction",
    title="Satisfaction: mean rating of a question at least a minimum, over recent days, from enough responses",
    params={"min_mean": float, "min_responses": int, "days": int, "question": str, "confidence": float},
)
def satisfaction(ctx: CheckContext) -> CheckResult:
    """Met when the mean of `question` (default "overall") over the last `days` (default 91, a quarter) is at
    least `min_mean` (default 4.0) from at least `min_responses` (default 100) ratings; the interval is shown."""
    question = ctx.params.get("question", "overall")
    min_mean = float(ctx.params.get("min_mean", 4.0))
    min_responses = int(ctx.params.get("min_responses", 100))
    days = int(ctx.params.get("days", 91))
    confidence = float(ctx.params.get("confidence", 0.95))
    since = timezone.now() - dt.timedelta(days=days)
    figures = Answer.objects.filter(
        response__service_id=ctx.service.id, response__submitted_at__gte=since, response__is_spam=False,
        question_key=question, measure="rating",
    ).aggregate(n=Count("id"), total=Sum("value"), squares=Sum(F("value") * F("value")))
    n = figures["n"] or 0
    evidence = reverse("feedback:dashboard") + f"?service={ctx.service.id}&question={question}"
    if n < min_responses:
        return CheckResult(OutcomeStatus.UNKNOWN, value=f"{n} ratings", evidence_url=evidence,
                           detail=f"fewer than {min_responses} ratings of {question!r} in the last {days} days")
    summary = stats.mean_summary(stats.Moments(n, figures["total"], figures["squares"]), confidence)
    value = f"{summary.mean:.2f} ({summary.interval.low:.2f}–{summary.interval.high:.2f}, n={n})"
    return CheckResult(OutcomeStatus.MET if summary.mean >= min_mean else OutcomeStatus.NOT_MET, value=value,
                       evidence_url=evidence, detail=f"{confidence:.0%} interval; minimum {min_mean}")
