"""Persistence of complaints and of the rules that route them to the organisation that must answer.

A complaint keeps what the law on citizens' appeals (59-FZ art. 7) needs for an answer: the citizen's name and a
postal or e-mail address, given with consent to their processing (152-FZ art. 9, `consent_at`). These and the
optional phone (`contact`) are the personal fields, visible to the people who must answer; the text is masked
like every other free text. The tables keep the names they had when complaints lived in
`feedback` (moved by state-only migrations).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received"
    IN_WORK = "in_work"
    ANSWERED = "answered"


class DayKind(models.TextChoices):
    CALENDAR = "calendar"
    WORKING = "working"


class ComplaintQuerySet(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS}


class Complaint(models.Model):
    """A complaint or request that needs an answer, routed to the organisation that must give it."""

    PERSONAL_DATA_FIELDS = ("author_name", "email", "postal_address", "contact")

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="complaints")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="complaints")
    response = models.OneToOneField(
        "feedback.Response", null=True, blank=True, on_delete=models.SET_NULL, related_name="complaint"
    )
    number = models.CharField(max_length=20, unique=True)  # the citizen's reference, `complaints.numbers`
    topic = models.CharField(max_length=40, blank=True)
    text = models.TextField()  # masked like every other free text
    author_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(max_length=254, blank=True)
    postal_address = models.CharField(max_length=500, blank=True)
    consent_at = models.DateTimeField(null=True, blank=True)  # when the citizen agreed to the processing
    language = models.CharField(max_length=8, blank=True)  # the citizen's, for the letters sent to them
    contact = models.CharField(max_length=200, blank=True)  # a phone (or, on older complaints, any contact)
    status = models.CharField(max_length=10, choices=ComplaintStatus.choices, default=ComplaintStatus.RECEIVED)
    received_on = models.DateField()
    day_kind = models.CharField(max_length=8, choices=DayKind.choices, default=DayKind.CALENDAR)
    due_on = models.DateField()
    extended = models.BooleanField(default=False)
    extension_reason = models.TextField(blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    status_token_hash = models.CharField(max_length=64, unique=True)  # the citizen's private status link
    last_reminder_on = models.DateField(null=True, blank=True)
    # Closing the loop: the change to the service made in response (an adjustment of its assessment), and when
    # the citizen was told that it is done (by e-mail through the outbox; complaints.services.loop_close_done).
    adjustment = models.ForeignKey("standards.Adjustment", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="complaints")
    citizen_told_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        db_table = "feedback_complaint"
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self) -> str:
        return f"complaint {self.pk} about {self.service_id}"


class RoutingRuleQuerySet(ScopedQuerySet):
    organisation_lookups = {"owner_id": ALL_ACTIONS}


class RoutingRule(models.Model):
    """Sends complaints about a service (or any service of an organisation) and topic to a handling organisation."""

    owner = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("registry.Service", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(max_length=40, blank=True)  # blank: every topic
    handler = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")

    objects = RoutingRuleQuerySet.as_manager()

    class Meta:
        db_table = "feedback_routingrule"
        ordering = ["owner_id", "service_id", "topic"]

    def __str__(self) -> str:
        return f"{self.owner_id}/{self.service_id or '*'}/{self.topic or '*'} → {self.handler_id}"


class CaseStatus(models.TextChoices):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class CaseReason(models.TextChoices):
    LOW_RATING = "low_rating"  # opened by the survey's rule (Survey.case_rating_at_most)
    FLAGGED_COMMENT = "flagged_comment"  # a person flagged the comment as a problem


class CaseQuerySet(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS}


class Case(models.Model):
    """A follow-up for a service's team, opened from one feedback response (a low rating or a comment flagged as
    a problem). Handled like a complaint (same permission, scope, version lock and audit trail) but kept apart:
    it has no citizen to answer, no number and no legal deadline, so it never enters the 59-FZ timeliness."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="cases")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="cases")
    # one case per response: opening it again (the rule's job, a second flag) finds this one
    response = models.OneToOneField("feedback.Response", on_delete=models.CASCADE, related_name="case")
    reason = models.CharField(max_length=20, choices=CaseReason.choices)
    rating = models.FloatField(null=True, blank=True)  # the low rating that opened it, on a 1–5 scale
    status = models.CharField(max_length=12, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="owned_cases")
    due_on = models.DateField()
    note = models.TextField(blank=True)  # what was done, written when it is closed
    closed_at = models.DateTimeField(null=True, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")  # none: opened by the survey's rule
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["organisation", "status", "due_on"])]

    def __str__(self) -> str:
        return f"case {self.pk} about {self.service_id}"
