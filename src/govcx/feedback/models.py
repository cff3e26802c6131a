"""Persistence of citizen feedback: surveys and their frozen versions, responses and their answers.

Responses are append-only: a survey change makes a new `SurveyVersion` and every response keeps the version it
answered. Free text is stored only after personal data has been masked (`feedback.pii`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet


class SurveyStatus(models.TextChoices):
    DRAFT = "draft"
    LIVE = "live"
    CLOSED = "closed"


class Channel(models.TextChoices):
    WEB = "web"
    WIDGET = "widget"
    OFFICE = "office"
    MOBILE = "mobile"
    PHONE = "phone"
    API = "api"
    IMPORT = "import"


class SurveyQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": ALL_ACTIONS}


class Survey(models.Model):
    """A questionnaire about one service, delivered as a public page, a widget, a QR code and through the API."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(max_length=200)
    template = models.CharField(max_length=40, blank=True)  # the template it started from, if any
    public_key = models.CharField(max_length=32, unique=True)  # appears in public URLs and the widget tag
    status = models.CharField(max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    allowed_origins = models.JSONField(default=list, blank=True)  # empty: any site may embed the widget
    rate_limit_per_minute = models.PositiveIntegerField(default=30)  # per client address
    spam_threshold = models.FloatField(default=0.6)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)  # optimistic lock of the survey row itself
    # Its life (feedback.survey_life): answers dated outside it are refused. Set when it goes live and closes;
    # an earlier opening may be set to import the answers it took before govcx.
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Closing the loop: a rating at or below this, on a 1–5 scale (other scales in proportion), opens a case for
    # the service's team (complaints.case_services); 0 opens none.
    case_rating_at_most = models.PositiveSmallIntegerField(default=2)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["service__code", "title"]

    def __str__(self) -> str:
        return self.title


class SurveyVersion(models.Model):
    """A frozen definition: answers always refer to the questions as they were asked."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique")]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


class ResponseQuerySet(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS}


class Response(models.Model):
    """One submission. Unique per survey and client idempotency key, so a retried submission is a no-op."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    survey_version = models.ForeignKey(SurveyVersion, on_delete=models.CASCADE, related_name="responses")
    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    idempotency_key = models.CharField(max_length=64)
    payload_hash = models.CharField(max_length=64)  # a reused key with a different payload is refused
    channel = models.CharField(max_length=8, choices=Channel.choices, default=Channel.WEB)
    context = models.JSONField(default=dict, blank=True)  # office, page, stage: hidden context fields
    client_category = models.CharField(max_length=40, blank=True)
    language = models.CharField(max_length=8, blank=True)
    comment = models.TextField(blank=True)  # all free-text answers, personal data already masked
    pii_found = models.JSONField(default=list, blank=True)  # kinds of personal data masked out of the text
    spam_score = models.FloatField(default=0.0)
    spam_reasons = models.JSONField(default=list, blank=True)
    is_spam = models.BooleanField(default=False)
    # The first answers only (a one-tap rating, stored at the tap): the Send that follows, with the same key,
    # completes this row instead of adding another, so the person counts once whether or not they send.
    is_partial = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()
    # A public client's own time, set aside when it differed from ours by more than the allowed clock skew
    # (submitted_at is then the receive time): a client cannot file answers into a past quarter.
    client_submitted_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "idempotency_key"], name="response_idempotency_unique")
        ]
        indexes = [models.Index(fields=["service", "submitted_at"]),
                   # the cases job reads the last week's responses every few minutes (complaints.case_selectors)
                   models.Index(fields=["received_at"], name="response_received_at"),
                   # the comments page reads the newest comments and counts them (feedback.text.analysis): without
                   # it both scan every response (about 0.2 s of PostgreSQL CPU each on the full demo)
                   models.Index(fields=["-submitted_at", "-id"], name="response_comments_newest",
                                condition=models.Q(is_spam=False) & ~models.Q(comment=""))]

    def __str__(self) -> str:
        return f"response {self.pk} to {self.survey_id}"


class Answer(models.Model):
    """One answered question. Rating and choice answers feed the analytics fact table (by increasing id)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question_key = models.CharField(max_length=60)
    measure = models.CharField(max_length=10, blank=True)  # rating, nps, yes_no, choice; blank for text
    scale_min = models.SmallIntegerField(null=True, blank=True)
    scale_max = models.SmallIntegerField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    text = models.TextField(blank=True)  # masked free text, or the chosen options of a multiple choice

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.question_key}={self.value if self.value is not None else self.text[:20]}"
