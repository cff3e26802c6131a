"""Persistence of the maturity area: the per-quarter measures of each service and authority (the catalogue the
index and the pilots read), the index publications and their frozen values."""

from __future__ import annotations

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
