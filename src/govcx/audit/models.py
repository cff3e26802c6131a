from __future__ import annotations

from django.conf import settings
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet


class RunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class RunSource(models.TextChoices):
    URLS = "urls"
    CRAWL = "crawl"
    UPLOAD = "upload"
    JOURNEY = "journey"


class AuditRunQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": ALL_ACTIONS}


class AuditRun(models.Model):
    """One audit of a service's pages in a real browser."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="audit_runs")
    status = models.CharField(max_length=8, choices=RunStatus.choices, default=RunStatus.QUEUED)
    source = models.CharField(max_length=8, choices=RunSource.choices, default=RunSource.URLS)
    targets = models.JSONField(default=list)  # URLs (or, for a crawl, the start URL) as requested
    journey = models.JSONField(default=list, blank=True)  # steps of a scripted journey
    options = models.JSONField(default=dict, blank=True)
    pages_total = models.PositiveIntegerField(default=0)
    pages_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = AuditRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"audit {self.pk} of {self.service.code}"


class PageAudit(models.Model):
    run = models.ForeignKey(AuditRun, on_delete=models.CASCADE, related_name="pages")
    url = models.URLField(max_length=2000)
    final_url = models.URLField(max_length=2000, blank=True)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    title = models.CharField(max_length=500, blank=True)
    lang_attr = models.CharField(max_length=20, blank=True)
    language = models.JSONField(default=dict, blank=True)
    forms = models.JSONField(default=dict, blank=True)
    weight = models.JSONField(default=dict, blank=True)
    mobile = models.JSONField(default=dict, blank=True)
    duration_ms = models.FloatField(default=0)
    # requests and navigations the engine's network guard refused: [{"url": ..., "reason": ...}]
    blocked_requests = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["id"]


class AuditIssue(models.Model):
    """An accessibility violation, an item axe could not decide ("needs review"), or a criterion to check by
    hand."""

    page = models.ForeignKey(PageAudit, on_delete=models.CASCADE, related_name="issues")
    rule = models.CharField(max_length=100)
    kind = models.CharField(max_length=16)  # violation | needs_review | manual
    impact = models.CharField(max_length=16, blank=True)
    help = models.TextField(blank=True)
    help_url = models.URLField(max_length=500, blank=True)
    wcag = models.JSONField(default=list, blank=True)
    targets = models.JSONField(default=list, blank=True)
    html = models.JSONField(default=list, blank=True)
    screenshot = models.FileField(upload_to="audit/%Y/%m/", blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["rule", "kind"])]
