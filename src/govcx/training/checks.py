"""The training checks this app contributes to the standards' check registry: the share of the service owner's
staff trained in client-centricity, and whether the owner will have trained everyone by the programme's deadline
at the rate of the last 90 days (`forecast`)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from govcx.registry.models import Service
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus
from govcx.training.forecast import WINDOW_DAYS, Forecast, forecast
from govcx.training.models import Programme
from govcx.training.selectors import programme_organisation_codes, roster


def _owner_forecast(ctx: CheckContext) -> tuple[Programme, Forecast] | None:
    owner_id = Service.objects.filter(pk=ctx.service.id).values_list("owner_id", flat=True).first()
    today = timezone.localdate()
    for programme in Programme.objects.select_related("organisation").order_by("-starts_on"):
        if owner_id not in programme_organisation_codes(programme).values():
            continue
        since = today - dt.timedelta(days=WINDOW_DAYS)
        counts = roster(programme).filter(organisation_id=owner_id or 0).aggregate(
            people=Count("id"), trained=Count("id", filter=Q(trained_on__isnull=False)),
            recent=Count("id", filter=Q(trained_on__gt=since)))
        return programme, forecast(people=counts["people"], trained=counts["trained"],
                                   trained_in_window=counts["recent"], today=today, deadline=programme.deadline_on)
    return None


def _missing() -> CheckResult:
    return CheckResult(OutcomeStatus.UNKNOWN, value="no training programme covers the service's owner")


@register("training.coverage", title="Share of the service owner's staff trained in client-centricity",
          params={"min_share": float})
def coverage(ctx: CheckContext) -> CheckResult:
    found = _owner_forecast(ctx)
    if found is None:
        return _missing()
    programme, result = found
    minimum = float(ctx.params.get("min_share", 1.0))
    return CheckResult(
        OutcomeStatus.MET if result.people and result.share >= minimum else OutcomeStatus.NOT_MET,
        value=f"{result.trained} of {result.people} trained ({result.share:.0%}; at least {minimum:.0%})",
        evidence_url=reverse("training:programme", args=[programme.pk]),
    )


@register("training.on_track", title="The service owner trains everyone by the programme's deadline at its "
          "current rate")
def on_track(ctx: CheckContext) -> CheckResult:
    found = _owner_forecast(ctx)
    if found is None:
        return _missing()
    programme, result = found
    reaches = result.reaches_full_on.isoformat() if result.reaches_full_on else "never at the current rate"
    return CheckResult(
        OutcomeStatus.MET if result.people and result.on_track else OutcomeStatus.NOT_MET,
        value=f"100 % on {reaches}; deadline {programme.deadline_on.isoformat()}",
        evidence_url=reverse("training:programme", args=[programme.pk]),
    )
