"""Reads of proactive services: runs, offers by state, not-entitled decisions, one person's decisions, the
citizen's own offers, and the figures (share proactive, time to offer and to payment, take-up)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.accounts.services import audit_record
from govcx.proactive.models import (
    CitizenLink,
    Decision,
    DraftWhatIf,
    Offer,
    PackVersion,
    PaymentBatch,
    Run,
    Snapshot,
)


def access_run(user: Any, run_id: int) -> Run:
    run: Run = access(Run.objects.all(), user, run_id, what="run")
    return run


def access_offer(user: Any, offer_id: int, action: Action = Action.VIEW) -> Offer:
    offer: Offer = access(Offer.objects.all(), user, offer_id, action, what="offer")
    return offer


def access_snapshot(user: Any, snapshot_id: int) -> Snapshot:
    snapshot: Snapshot = access(Snapshot.objects.all(), user, snapshot_id, what="snapshot")
    return snapshot


def access_payment_batch(user: Any, batch_id: int, action: Action = Action.VIEW) -> PaymentBatch:
    batch: PaymentBatch = access(PaymentBatch.objects.all(), user, batch_id, action, what="payment batch")
    return batch


def access_whatif(user: Any, whatif_id: int) -> DraftWhatIf:
    whatif: DraftWhatIf = access(DraftWhatIf.objects.select_related("version", "snapshot"), user, whatif_id,
                                 what="what-if")
    return whatif


def access_draft(user: Any, version_id: int, action: Action = Action.VIEW) -> PackVersion:
    version: PackVersion = access(PackVersion.objects.filter(status="draft"), user, version_id, action,
                                  what="draft version")
    return version


def payment_batch_list(*, user: Any) -> QuerySet[PaymentBatch]:
    return PaymentBatch.objects.for_user(user).order_by("-created_at", "-pk")


def payment_batch_totals(*, batch: PaymentBatch) -> dict[str, list[dict[str, Any]]]:
    """The batch's offers and amount by benefit, by region (the beneficiary's household's) and by both."""
    offers = batch.offers.all()

    def by(*fields: str) -> list[dict[str, Any]]:
        return list(offers.values(*fields).annotate(offers=Count("pk"), total=Sum("amount")).order_by(*fields))

    return {"benefit": by("benefit"), "region": by("region"), "benefit_region": by("benefit", "region")}


def payable_count(*, user: Any) -> int:
    """Accepted offers of the user's own authority not yet in a batch (the next batch's size)."""
    organisation_id = getattr(user, "organisation_id", None)
    return Offer.objects.filter(organisation_id=organisation_id, state="accepted",
                                payment_batch__isnull=True).count() if organisation_id else 0


def draft_list(*, user: Any) -> QuerySet[PackVersion]:
    return PackVersion.objects.for_user(user).filter(status="draft").order_by("pack", "version")


def whatif_list(*, user: Any) -> QuerySet[DraftWhatIf]:
    return DraftWhatIf.objects.for_user(user).select_related("version", "snapshot")


def run_list(*, user: Any) -> QuerySet[Run]:
    return Run.objects.for_user(user).order_by("-created_at")


def offer_list(*, user: Any, state: str | None = None) -> QuerySet[Offer]:
    offers = Offer.objects.for_user(user)
    return offers.filter(state=state) if state else offers


def offer_counts(*, user: Any) -> dict[str, int]:
    return dict(Offer.objects.for_user(user).values_list("state").annotate(n=Count("pk")).values_list("state", "n"))


def not_entitled(*, user: Any, run: Run) -> QuerySet[Decision]:
    return Decision.objects.for_user(user).filter(run=run, entitled=False).order_by("benefit", "beneficiary_id")


def person_decisions(*, user: Any, person_id: str) -> list[Decision]:
    """One person's (or family's) decisions, for the authority's proactive officers only; every look is audited."""
    decisions = list(Decision.objects.for_user(user, Action.VIEW_BENEFICIARIES).filter(beneficiary_id=person_id)
                     .select_related("run").order_by("-run__created_at", "benefit"))
    organisation_id = getattr(user, "organisation_id", None)
    audit_record(actor=user, action="proactive.person_lookup", obj=user, organisation_id=organisation_id,
                 changes={"person_id": person_id, "decisions": len(decisions)})
    return decisions


def citizen_offers(*, user: Any) -> list[Offer]:
    """A citizen's own offers and their children's, and their family's (household) offers."""
    link = CitizenLink.objects.filter(user=user).first()
    if link is None:
        return []
    ids = [link.person_id, *link.children_ids]
    family = {link.household_id} if link.household_id else set()
    return list(Offer.objects.filter(organisation=link.organisation)
                .filter(Q(beneficiary_id__in=ids) | Q(beneficiary_id__in=family)).order_by("-created_at"))


def figures(*, user: Any) -> dict[str, Any]:
    """Take-up (accepted or further, of those notified), offers paid, and the mean days from event to offer."""
    offers = Offer.objects.for_user(user)
    notified = offers.exclude(state="proposed").count()
    taken = offers.filter(state__in=["accepted", "payment_instructed", "paid"]).count()
    with_event = [o for o in offers.exclude(event_at__isnull=True).only("event_at", "created_at")]
    days = [(o.created_at - o.event_at).days for o in with_event if o.event_at]
    return {"offers": offers.count(), "notified": notified, "take_up": round(taken / notified, 3) if notified else None,
            "paid": offers.filter(state="paid").count(),
            "days_event_to_offer": round(sum(days) / len(days), 1) if days else None}
