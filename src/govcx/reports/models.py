"""Report subscriptions: a user receives a report by e-mail on a schedule (the worker sends it, reports.jobs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Frequency(models.TextChoices):
    WEEKLY = "weekly"
    MONTHLY = "monthly"


class ReportKind(models.TextChoices):
    QUARTERLY = "quarterly"  # the cross-service quarterly report (reports.quarterly)


class Subscription(models.Model):
    """One user's standing order for one report: of one authority, or (None) of everything the user may see."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_subscriptions")
    report = models.CharField(max_length=20, choices=ReportKind.choices, default=ReportKind.QUARTERLY)
    organisation = models.ForeignKey("registry.Organisation", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    last_sent_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["user", "report", "organisation"],
                                               name="report_subscription_unique",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.report} {self.frequency} for {self.user_id}"
