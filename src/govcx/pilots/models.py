"""Persistence of pilot programmes: participants, pre-registered effectiveness criteria (versioned, frozen once
the pilot runs), and the analyses with their per-criterion results and decisions."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from govcx.accounts.roles import Action
from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet

#: The tools a programme can pilot (labels: `govcx.labels.PILOT_TOOLS`).
TOOLS = ("index", "standards", "lab", "audit", "feedback", "complaints", "delivery", "proactive", "training")
STATUSES = ("planned", "running", "finished")
PARTICIPANT_ROLES = ("treated", "comparison")
DIRECTIONS = ("increase", "decrease")
#: A criterion's comparison group: comparison participants of this kind of authority (registry levels), or all.
COMPARISON_GROUPS = ("federal", "regional", "municipal", "all")


def _choices(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(code, code) for code in codes]


class ProgrammeQuerySet(ScopedQuerySet):
    # The central office that runs the programme manages it; each participant sees it.
    organisation_lookups = {"owner_id": ALL_ACTIONS, "participants__organisation_id": frozenset({Action.VIEW})}
    multi_valued = True


class PilotProgramme(models.Model):
    name = models.CharField(max_length=200)
    owner = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    tools = models.JSONField(default=list)
    starts_on = models.DateField()
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=_choices(STATUSES), default="planned")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def start_period(self) -> str:
        """The quarter the pilot starts in ("2026Q1"): the first treated period of the analysis."""
        return f"{self.starts_on.year}Q{(self.starts_on.month - 1) // 3 + 1}"


class ProgrammePartQuerySet(ScopedQuerySet):
    organisation_lookups = {
        "programme__owner_id": ALL_ACTIONS,
        "programme__participants__organisation_id": frozenset({Action.VIEW}),
    }
    multi_valued = True


class PilotParticipant(models.Model):
    programme = models.ForeignKey(PilotProgramme, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=10, choices=_choices(PARTICIPANT_ROLES))

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "role", "organisation_id"]
        constraints = [models.UniqueConstraint(fields=["programme", "organisation"], name="pilots_participant_once")]


class EffectivenessCriterion(models.Model):
    """One pre-registered criterion, in one version. While the programme is planned the (only) version is edited
    in place; once it runs, versions are frozen: a change is a new version with its reason, and both remain."""

    programme = models.ForeignKey(PilotProgramme, on_delete=models.CASCADE, related_name="criteria")
    key = models.SlugField(max_length=64)  # the criterion across its versions
    version = models.PositiveIntegerField(default=1)
    tool = models.CharField(max_length=20, choices=_choices(TOOLS))
    measure = models.CharField(max_length=40)  # a name of govcx.maturity.measure_names
    direction = models.CharField(max_length=10, choices=_choices(DIRECTIONS), default="increase")
    minimum_effect = models.FloatField()  # scale when the interval's worse end reaches it
    iterate_threshold = models.FloatField()  # iterate when the point estimate reaches it
    confidence = models.FloatField(default=0.95)
    comparison_group = models.CharField(max_length=10, choices=_choices(COMPARISON_GROUPS))
    reason = models.TextField(blank=True)  # why this version replaced the one before
    frozen_at = models.DateTimeField(null=True, blank=True)
    superseded = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "key", "version"]
        constraints = [models.UniqueConstraint(fields=["programme", "key", "version"], name="pilots_criterion_version")]


class PilotAnalysis(models.Model):
    """One run of the analysis over every current criterion of a programme."""

    programme = models.ForeignKey(PilotProgramme, on_delete=models.CASCADE, related_name="analyses")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    seed = models.PositiveIntegerField()
    reps = models.PositiveIntegerField()

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]


class ResultQuerySet(ScopedQuerySet):
    organisation_lookups = {
        "analysis__programme__owner_id": ALL_ACTIONS,
        "analysis__programme__participants__organisation_id": frozenset({Action.VIEW}),
    }
    multi_valued = True


class PilotResult(models.Model):
    """The estimate for one criterion version in one analysis, and the decision its registered rule gives."""

    analysis = models.ForeignKey(PilotAnalysis, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(EffectivenessCriterion, on_delete=models.CASCADE, related_name="results")
    estimate = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    method = models.CharField(max_length=30, blank=True)
    se_cr1 = models.FloatField(null=True, blank=True)
    ri_p_value = models.FloatField(null=True, blank=True)
    ri_low = models.FloatField(null=True, blank=True)
    ri_high = models.FloatField(null=True, blank=True)
    events = models.JSONField(default=list)  # [{relative_period, period, estimate, low, high}]
    leave_one_out = models.JSONField(default=list)  # [{organisation_id, estimate}]
    n_clusters = models.PositiveIntegerField(default=0)
    n_treated = models.PositiveIntegerField(default=0)
    n_obs = models.PositiveIntegerField(default=0)
    decision = models.CharField(max_length=10)  # govcx.pilots.decision.Verdict
    problem = models.CharField(max_length=30, blank=True)  # why there is no estimate: a PanelError reason

    objects = ResultQuerySet.as_manager()

    class Meta:
        ordering = ["analysis_id", "criterion__key"]
        constraints = [models.UniqueConstraint(fields=["analysis", "criterion"], name="pilots_result_once")]
