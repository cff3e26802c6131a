"""Report subscriptions: a user receives a report by e-mail on a schedule (the worker sends it, reports.jobs)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Frequency(models.TextChoices):
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"


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
    # the language of the e-mail and its PDF: the subscriber's at subscribing (or chosen), not the site's
    language = models.CharField(max_length=8, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["user", "report", "organisation"],
                                               name="report_subscription_unique",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.report} {self.frequency} for {self.user_id}"


class ReportAttachment(models.Model):
    """The PDF attached to one report e-mail, by the outbox message's key: the outbox asks for it when it sends
    (reports.apps registers the provider), so a retry attaches the same file. Erased after ATTACHMENT_DAYS."""

    message_key = models.CharField(max_length=100, unique=True)
    filename = models.CharField(max_length=200)
    content = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return self.filename
