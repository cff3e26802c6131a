from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet
from govcx.common.stored_files import delete_after_commit
from govcx.i18n import code_choices, localized
from govcx.registry.vocabulary import Stage
from govcx.standards.schema import Pack
from govcx.standards.scoring import OutcomeStatus, Verdict

_PARSED: dict[tuple[int, str], Pack] = {}


class StandardPack(models.Model):
    """One loaded version of a standards pack; its validated YAML is kept whole in `content`."""

    pack_id = models.CharField(max_length=80)
    version = models.CharField(max_length=20)
    title_en = models.CharField(max_length=300)
    title_ru = models.CharField(max_length=300, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    is_model = models.BooleanField(default=False)
    content = models.JSONField()
    sha256 = models.CharField(max_length=64)
    source_file = models.CharField(max_length=200, blank=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    loaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        unique_together = [("pack_id", "version")]
        ordering = ["pack_id", "-effective_from"]

    @property
    def parsed(self) -> Pack:
        """The validated pack, parsed once per process per loaded version (content never changes once loaded:
        a change is a new version), so that lists of assessments need not load or parse `content`."""
        key = (self.pk, self.sha256)
        pack = _PARSED.get(key)
        if pack is None:
            pack = _PARSED[key] = Pack.model_validate(self.content)
        return pack

    @property
    def title(self) -> str:
        return localized(self, "title")

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class AssessmentQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": ALL_ACTIONS}


class Assessment(models.Model):
    service = models.ForeignKey("registry.Service", on_delete=models.PROTECT, related_name="assessments")
    pack = models.ForeignKey(StandardPack, on_delete=models.PROTECT, related_name="assessments")
    stage = models.CharField(max_length=8, choices=code_choices(Stage))
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    evaluated_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    grade = models.CharField(max_length=8, blank=True)
    verdict = models.CharField(max_length=32, choices=code_choices(Verdict), blank=True)
    result = models.JSONField(default=dict, blank=True)  # nodes and gaps of the last evaluation
    version = models.PositiveIntegerField(default=1)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["service", "pack"]),
                   # each service's newest assessment (selectors.latest_assessments, on home and every passport)
                   models.Index(fields=["service", "-created_at", "-id"], name="assessment_newest")]

    def __str__(self) -> str:
        return f"{self.service.code} × {self.pack.pack_id} v{self.pack.version} ({self.stage})"


class OutcomeSource(models.TextChoices):
    CHECK = "check"
    ASSESSOR = "assessor"


class RequirementOutcome(models.Model):
    """What is known about one requirement in one assessment: from an automated check or an assessor."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="outcomes")
    requirement_id = models.CharField(max_length=80)
    source = models.CharField(max_length=10, choices=OutcomeSource.choices)
    status = models.CharField(max_length=16, choices=code_choices(OutcomeStatus))
    rating = models.JSONField(null=True, blank=True)
    measured_value = models.TextField(blank=True)
    detail = models.TextField(blank=True)
    evidence_url = models.URLField(max_length=500, blank=True)
    evidence_text = models.TextField(blank=True)
    evidence_file = models.FileField(upload_to="evidence/%Y/%m/", blank=True)
    checks_run = models.JSONField(default=list, blank=True)
    # What the automated checks concluded at their last run, also when an assessor's judgement stands
    # (blank: the requirement has no check); and what they concluded when the assessor recorded the outcome.
    # An assessor's outcome that the checks now contradict, and that the assessor has not seen, is a conflict.
    check_status = models.CharField(max_length=16, choices=code_choices(OutcomeStatus), blank=True)
    check_seen = models.CharField(max_length=16, choices=code_choices(OutcomeStatus), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        unique_together = [("assessment", "requirement_id")]
        ordering = ["id"]

    @property
    def in_conflict(self) -> bool:
        return outcome_conflicts(self.source, self.status, self.check_status, self.check_seen)


DECIDED = frozenset({OutcomeStatus.MET, OutcomeStatus.NOT_MET})


def outcome_conflicts(source: str, status: str, check_status: str, check_seen: str) -> bool:
    """An assessor's met / not met that the automated checks now contradict, with a check result the assessor
    did not see when recording it (a judgement made knowingly against the checks is an override, not a
    conflict; an unknown check contradicts nothing)."""
    return (source == OutcomeSource.ASSESSOR and status in DECIDED and check_status in DECIDED
            and check_status != status and check_status != check_seen)


@receiver(post_delete, sender=RequirementOutcome)
def _evidence_file_leaves_with_its_outcome(sender: type, instance: RequirementOutcome, **kwargs: object) -> None:
    """An outcome deleted by any path (its assessment's or service's deletion cascades too) takes its evidence
    file off the disk once the deletion commits; a receiver because cascades call no service."""
    if instance.evidence_file:
        delete_after_commit(instance.evidence_file.storage, instance.evidence_file.name)


class AdjustmentStatus(models.TextChoices):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"


class AdjustmentQuerySet(ScopedQuerySet):
    organisation_lookups = {"assessment__service__owner_id": ALL_ACTIONS}


class Adjustment(models.Model):
    """An action that closes a non-blocking (or blocking) gap before or after launch."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="adjustments")
    requirement_id = models.CharField(max_length=80)
    action = models.TextField()
    owner = models.CharField(max_length=200)
    # the person named in `owner`, one of the service's authority (null for adjustments made before owners were
    # picked from the authority's people, whose owner is only a name)
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="owned_adjustments")
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=AdjustmentStatus.choices, default=AdjustmentStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = AdjustmentQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
