"""Persistence of the self-assessment of management practices: an authority's assessment for a quarter, its answer
per function, and the central office's own level per function when it reviews.

An assessment moves draft → submitted → reviewed, or back to draft through `returned`; once reviewed it is frozen.
The contradiction flags shown at review are kept with it, so the record says what the reviewer saw.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet


class Status(models.TextChoices):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    RETURNED = "returned"  # sent back to the authority with the review comment; editable like a draft


#: Statuses in which the authority may change its answers.
EDITABLE = frozenset({Status.DRAFT, Status.RETURNED})

_LEVEL = [MinValueValidator(1), MaxValueValidator(5)]


class SelfAssessmentQuerySet(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS}


class SelfAssessment(models.Model):
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    period = models.CharField(max_length=6)  # a quarter, "2026Q3"
    questionnaire = models.CharField(max_length=80)  # code@version it is filled against
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(blank=True)
    flags_at_review = models.JSONField(default=list, blank=True)  # contradictions.Flag.as_dict() at review
    version = models.PositiveIntegerField(default=1)

    objects = SelfAssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "period"],
                                               name="practices_one_assessment_per_quarter")]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.period}"

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


class AssessmentPartQuerySet(ScopedQuerySet):
    organisation_lookups = {"assessment__organisation_id": ALL_ACTIONS}


class PracticeAnswer(models.Model):
    """The authority's own level for one function, why it thinks so and where the evidence is."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="answers")
    function = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField(validators=_LEVEL)
    justification = models.TextField(blank=True)
    evidence_links = models.JSONField(default=list, blank=True)  # URLs

    objects = AssessmentPartQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "function"], name="practices_one_answer_per_function"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="practices_answer_level"),
        ]


class ReviewerScore(models.Model):
    """The central office's level for a function where it differs from the self-score, with its reason."""

    assessment = models.ForeignKey(SelfAssessment, on_delete=models.CASCADE, related_name="reviewer_scores")
    function = models.CharField(max_length=40)
    level = models.PositiveSmallIntegerField(validators=_LEVEL)
    reason = models.TextField()

    objects = AssessmentPartQuerySet.as_manager()

    class Meta:
        ordering = ["assessment_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "function"], name="practices_one_review_per_function"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=5), name="practices_review_level"),
        ]
