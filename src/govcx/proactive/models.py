"""Persistence of proactive services: rule pack versions, register snapshots, life events, runs, decisions,
offers with their steps, payment batches and citizens' links to register persons. Notifications to the portal
go through the shared outbox (`govcx.outbox`); the citizen inbox reads the notified offers themselves.

Personal data: register extracts (snapshot files under GOVCX_VAR_DIR, deleted with their snapshot), decisions and
offers (a person's identifier, amounts and reasons) are kept while the offer may be paid or appealed (5 years).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet
from govcx.errors import Conflict

OFFER_STATES = ("proposed", "notified", "accepted", "declined", "expired", "payment_instructed", "paid")
OFFER_MOVES = {
    "proposed": {"notified", "expired"},
    "notified": {"accepted", "declined", "expired"},
    "accepted": {"payment_instructed"},
    "payment_instructed": {"paid"},
}


class OrganisationScoped(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS}


class PackVersion(models.Model):
    """One version of a rule pack as YAML text. A published version never changes; drafts serve what-ifs."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    pack = models.CharField(max_length=100)
    version = models.CharField(max_length=50)
    content = models.TextField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, default="draft")  # draft | published
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "pack", "version"],
                                               name="proactive_pack_version_unique")]

    def __str__(self) -> str:
        return f"{self.pack} {self.version} ({self.status})"

    def save(self, *args, **kwargs) -> None:
        if self.pk and PackVersion.objects.filter(pk=self.pk, status="published").exists():
            raise Conflict(f"{self} is published and cannot change; make a new version")
        super().save(*args, **kwargs)


class Snapshot(models.Model):
    """A register extract as of a day, stored as Parquet files (persons, households)."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    taken_on = models.DateField()
    label = models.CharField(max_length=200, blank=True)
    directory = models.CharField(max_length=500)
    persons = models.PositiveIntegerField(default=0)
    households = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["taken_on", "pk"]

    def __str__(self) -> str:
        return f"snapshot {self.taken_on}"


class LifeEvent(models.Model):
    """Birth registered, death, disability granted, age reached, income change: from two snapshots or pushed."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=200)
    kind = models.CharField(max_length=32)
    person_id = models.CharField(max_length=64)
    household_id = models.CharField(max_length=64, blank=True)
    occurred_on = models.DateField()
    snapshot = models.ForeignKey(Snapshot, null=True, blank=True, on_delete=models.CASCADE, related_name="events")
    source = models.CharField(max_length=16, default="snapshot")  # snapshot | api
    payload = models.JSONField(default=dict, blank=True)
    processed_by = models.ForeignKey("Run", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "event_id"], name="proactive_event_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} {self.occurred_on}"


class Run(models.Model):
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="runs")
    period = models.CharField(max_length=16)
    full = models.BooleanField(default=False)
    status = models.CharField(max_length=16, default="queued")  # queued | running | done | failed
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    evaluated = models.PositiveIntegerField(default=0)
    entitled = models.PositiveIntegerField(default=0)
    offers_created = models.PositiveIntegerField(default=0)
    packs = models.JSONField(default=dict, blank=True)  # pack -> version and sha256 used
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OrganisationScoped.as_manager()

    def __str__(self) -> str:
        return f"run {self.pk} {self.period}"


class Decision(models.Model):
    """A benefit's result for one beneficiary in one run, with the named conditions behind it."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="decisions")
    benefit = models.CharField(max_length=100)
    beneficiary_id = models.CharField(max_length=64)
    entitled = models.BooleanField()
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reasons = models.JSONField(default=list)

    objects = OrganisationScoped.as_manager()

    def __str__(self) -> str:
        return f"{self.benefit} {self.beneficiary_id}"


class PaymentBatch(models.Model):
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    offers_count = models.PositiveIntegerField(default=0)
    total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    csv = models.TextField()
    xml = models.TextField()

    objects = OrganisationScoped.as_manager()

    def __str__(self) -> str:
        return f"payment batch {self.pk}"


class DraftWhatIf(models.Model):
    """A draft pack version's totals over a whole snapshot against the version in force, computed by a
    background job (`proactive.whatif`): per benefit and per family, who gains and who loses, and the cost."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    version = models.ForeignKey(PackVersion, on_delete=models.CASCADE, related_name="whatifs")
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="whatifs")
    period = models.CharField(max_length=16)
    compared_with = models.CharField(max_length=120, blank=True)  # the version in force it was compared with
    status = models.CharField(max_length=16, default="queued")  # queued | running | done | failed
    totals = models.JSONField(default=dict, blank=True)  # rules.whatif.DraftEffect.as_dict()
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = OrganisationScoped.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"what-if {self.pk}: {self.version} on {self.snapshot.taken_on} for {self.period}"


class Offer(models.Model):
    """One offer per (benefit, beneficiary, entitlement period or triggering event), whichever rule version
    decided it: a repeated run or a new dated version finds the same offer."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    benefit = models.CharField(max_length=100)
    beneficiary_id = models.CharField(max_length=64)
    person_ids = models.JSONField(default=list)  # the register persons the offer concerns (the family)
    entitlement_key = models.CharField(max_length=100)  # the period (2025-03) or the triggering event's id
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    reasons = models.JSONField(default=list)
    reference = models.CharField(max_length=500, blank=True)
    region = models.CharField(max_length=8, blank=True)  # the beneficiary's household's, for payment totals
    state = models.CharField(max_length=24, default="proposed")
    run = models.ForeignKey(Run, on_delete=models.PROTECT, related_name="offers")
    pack_version = models.CharField(max_length=120)
    event_at = models.DateTimeField(null=True, blank=True)
    respond_by = models.DateField(null=True, blank=True)  # set when notified; unanswered after it, the offer expires
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    payment_batch = models.ForeignKey(PaymentBatch, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="offers")

    objects = OrganisationScoped.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "benefit", "beneficiary_id", "entitlement_key"],
                                               name="proactive_offer_once")]
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.benefit} for {self.beneficiary_id} ({self.entitlement_key})"


class OfferStep(models.Model):
    """The offer's lifecycle, step by step (also written to the audit trail)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="steps")
    state = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class CitizenLink(models.Model):
    """A citizen's account linked to one register person by the identity adapter (ESIA in production)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proactive_link")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    person_id = models.CharField(max_length=64)
    household_id = models.CharField(max_length=64, blank=True)  # the family, for offers made to it
    children_ids = models.JSONField(default=list)
    linked_at = models.DateTimeField(auto_now_add=True)
