"""The proactive checks this app contributes to the standards' check registry: offers made without an application
are taken up, and come soon after the life event that triggered them."""

from __future__ import annotations

from django.urls import reverse

from govcx.proactive.models import Offer
from govcx.registry.models import Service
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus

TAKEN = ("accepted", "payment_instructed", "paid")


def _owner_id(ctx: CheckContext) -> int:
    owner: int | None = Service.objects.filter(pk=ctx.service.id).values_list("owner_id", flat=True).first()
    return owner if owner is not None else -1


@register(
    "proactive.take_up",
    title="Proactive offers of the service's authority are taken up: at least a share of those notified accepted",
    params={"min_share": float},
)
def take_up(ctx: CheckContext) -> CheckResult:
    minimum = ctx.params.get("min_share", 0.5)
    offers = Offer.objects.filter(organisation_id=_owner_id(ctx)).exclude(state="proposed")
    notified, taken = offers.count(), offers.filter(state__in=TAKEN).count()
    if not notified:
        return CheckResult(OutcomeStatus.UNKNOWN, value="no proactive offers notified yet",
                           evidence_url=reverse("proactive:overview"))
    share = taken / notified
    return CheckResult(OutcomeStatus.MET if share >= minimum else OutcomeStatus.NOT_MET,
                       value=f"{taken} of {notified} notified offers taken up ({share:.0%}; at least {minimum:.0%})",
                       evidence_url=reverse("proactive:overview"))


@register(
    "proactive.offer_days",
    title="Proactive offers follow their life event within a number of days on average",
    params={"max_days": float},
)
def offer_days(ctx: CheckContext) -> CheckResult:
    maximum = ctx.params.get("max_days", 5.0)
    offers = Offer.objects.filter(organisation_id=_owner_id(ctx), event_at__isnull=False)
    days = [(o.created_at - o.event_at).days for o in offers.only("created_at", "event_at") if o.event_at]
    if not days:
        return CheckResult(OutcomeStatus.UNKNOWN, value="no offers triggered by a life event yet",
                           evidence_url=reverse("proactive:overview"))
    mean = sum(days) / len(days)
    return CheckResult(OutcomeStatus.MET if mean <= maximum else OutcomeStatus.NOT_MET,
                       value=f"{mean:.1f} days from event to offer on average (at most {maximum:g})",
                       evidence_url=reverse("proactive:overview"))
