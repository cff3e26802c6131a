from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet
from govcx.i18n import LocalizedNameMixin, code_choices, localized
from govcx.registry.vocabulary import DeadlineKind, Level, Stage


def validate_region_code(value: str) -> None:
    import pycountry

    if value and pycountry.subdivisions.get(code=value) is None:
        raise ValidationError(_("%(code)s is not an ISO 3166-2 subdivision code"), params={"code": value})


class OrganisationQuerySet(ScopedQuerySet):
    organisation_lookups = {"id": ALL_ACTIONS}


class Organisation(LocalizedNameMixin, models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300, blank=True)
    level = models.CharField(max_length=16, choices=code_choices(Level))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    region_code = models.CharField(max_length=8, blank=True, validators=[validate_region_code])
    is_central_office = models.BooleanField(default=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["level", "code"]


class ClientCategory(LocalizedNameMixin, models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "client categories"


class LifeSituation(LocalizedNameMixin, models.Model):
    code = models.SlugField(max_length=64, unique=True)
    name_en = models.CharField(max_length=200)
    name_ru = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["code"]


class ServiceQuerySet(ScopedQuerySet):
    organisation_lookups = {"owner_id": ALL_ACTIONS}


class Service(LocalizedNameMixin, models.Model):
    """The service passport."""

    code = models.SlugField(max_length=80, unique=True)
    name_en = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300, blank=True)
    description_en = models.TextField(blank=True)
    description_ru = models.TextField(blank=True)
    owner = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="services")
    client_categories = models.ManyToManyField(ClientCategory, related_name="services")
    life_situations = models.ManyToManyField(LifeSituation, related_name="services", blank=True)
    channels = models.JSONField(default=list, blank=True)
    stage = models.CharField(max_length=8, choices=code_choices(Stage), default=Stage.DESIGN)
    deadline_days = models.PositiveIntegerField(null=True, blank=True)
    deadline_kind = models.CharField(max_length=10, choices=code_choices(DeadlineKind), default=DeadlineKind.WORKING)
    fee = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    legal_basis = models.TextField(blank=True)
    page_urls = models.JSONField(default=list, blank=True)
    feedback_url = models.URLField(blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    @property
    def description(self) -> str:
        return localized(self, "description")


class ServiceStep(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    title_en = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300, blank=True)
    requires_visit = models.BooleanField(default=False, help_text=_("The client must come in person"))

    class Meta:
        ordering = ["order"]
        unique_together = [("service", "order")]

    @property
    def title(self) -> str:
        return localized(self, "title")


class RequestedDocument(models.Model):
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="documents")
    name_en = models.CharField(max_length=300)
    name_ru = models.CharField(max_length=300, blank=True)
    held_in_registry = models.BooleanField(default=False)
    registry_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["id"]

    @property
    def name(self) -> str:
        return localized(self, "name")
