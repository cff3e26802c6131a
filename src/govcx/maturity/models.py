"""Persistence of the maturity area: the per-quarter measures of each service and authority (the catalogue the
index and the pilots read), the index publications and their frozen values."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet


class MeasureSource(models.TextChoices):
    COMPUTED = "computed"
    IMPORTED = "imported"


class MeasureQuerySet(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS}


class MeasureValue(models.Model):
    """One measure of one authority in one quarter ("2026Q3"), rolled up from its services (or, for the measures
    of a whole organisation, computed for it)."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=6)
    measure = models.CharField(max_length=40)
    value = models.FloatField()
    n_services = models.PositiveIntegerField(default=0)
    standard_error = models.FloatField(null=True, blank=True)
    computed_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=MeasureSource.choices, default=MeasureSource.COMPUTED)

    objects = MeasureQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "period", "measure"]
        constraints = [models.UniqueConstraint(fields=["organisation", "period", "measure"],
                                               name="maturity_measure_unique")]
        indexes = [models.Index(fields=["measure", "period"], name="maturity_measure_period")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} of {self.organisation_id} = {self.value:.3f}"


class ServiceMeasureQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": ALL_ACTIONS}


class ServiceMeasureValue(models.Model):
    """One measure of one service in one quarter: what an authority's value rests on (the drill-down)."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=6)
    measure = models.CharField(max_length=40)
    value = models.FloatField()
    cases = models.PositiveIntegerField(default=0)  # responses, complaints, cases, pages the value rests on
    standard_error = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)  # {"kind": "assessment", "id": 12}: where it comes from
    computed_at = models.DateTimeField()
    source = models.CharField(max_length=10, choices=MeasureSource.choices, default=MeasureSource.COMPUTED)

    objects = ServiceMeasureQuerySet.as_manager()

    class Meta:
        ordering = ["service_id", "period", "measure"]
        constraints = [models.UniqueConstraint(fields=["service", "period", "measure"],
                                               name="maturity_service_measure_unique")]
        indexes = [models.Index(fields=["measure", "period"], name="maturity_svc_measure_period")]

    def __str__(self) -> str:
        return f"{self.measure} {self.period} of service {self.service_id} = {self.value:.3f}"


class PublicationStatus(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"


class PublicationQuerySet(models.QuerySet):
    def for_user(self, user: object) -> PublicationQuerySet:
        from govcx.accounts.roles import Action
        from govcx.accounts.scoping import can, sees_index_drafts

        if not can(user, Action.VIEW):
            return self.none()
        return self if sees_index_drafts(user) else self.filter(status=PublicationStatus.PUBLISHED)


class IndexPublication(models.Model):
    """The index of every authority for one period under one model version: a draft until published, then
    frozen (its values are never changed again; a recompute makes a new draft)."""

    model_id = models.CharField(max_length=80)
    model_version = models.CharField(max_length=20)
    model_sha256 = models.CharField(max_length=64)
    model_content = models.TextField()  # the YAML the values were computed with, kept whole
    period = models.CharField(max_length=6)
    status = models.CharField(max_length=10, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT)
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "-computed_at", "-id"]
        indexes = [models.Index(fields=["model_id", "period", "status"], name="maturity_publication_find")]

    def __str__(self) -> str:
        return f"{self.model_id} v{self.model_version} {self.period} ({self.status})"

    @property
    def is_frozen(self) -> bool:
        return self.status == PublicationStatus.PUBLISHED


class IndexValueQuerySet(models.QuerySet):
    def for_user(self, user: object) -> IndexValueQuerySet:
        return self.filter(publication__in=IndexPublication.objects.for_user(user))


class IndexValue(models.Model):
    """One authority's index in a publication: value and interval (0–100; null below the minimum coverage),
    coverage, grade, change from the previous period, rank among its peers with its interval, and each
    dimension's measure, score and services (`dimensions`: [{measure, value, se, score, n_services}], null value
    = missing)."""

    publication = models.ForeignKey(IndexPublication, on_delete=models.CASCADE, related_name="values")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    peer_group = models.CharField(max_length=10)  # federal | regional
    value = models.FloatField(null=True, blank=True)
    standard_error = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    coverage = models.FloatField()
    grade = models.CharField(max_length=20, blank=True)
    change = models.FloatField(null=True, blank=True)
    rank = models.PositiveIntegerField(null=True, blank=True)
    rank_low = models.PositiveIntegerField(null=True, blank=True)
    rank_high = models.PositiveIntegerField(null=True, blank=True)
    peers = models.PositiveIntegerField(default=0)
    dimensions = models.JSONField(default=list)
    note = models.TextField(blank=True)  # why a draft value was corrected by hand
    version = models.PositiveIntegerField(default=1)

    objects = IndexValueQuerySet.as_manager()

    class Meta:
        ordering = ["publication_id", "peer_group", "rank", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["publication", "organisation"],
                                               name="maturity_index_value_unique")]

    def __str__(self) -> str:
        return f"index of {self.organisation_id} in publication {self.publication_id}"
