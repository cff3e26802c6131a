"""Persistence of the user testing laboratory: studies, tasks, quotas, participants, sessions, attempts,
observations, findings and questionnaire answers. Written only by `govcx.lab.services`.

Scope: a study is visible to the organisation that owns its service and to the lab organisation running it;
running it (Action.RUN_LAB) and seeing participants' personal data (Action.VIEW_PARTICIPANTS) is for the lab
organisation only. Models holding personal data declare it in `PERSONAL_DATA_FIELDS`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language

from govcx.accounts.roles import PERSONAL_DATA_ACTIONS, Action
from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet
from govcx.i18n import code_choices
from govcx.lab.verdict import Verdict
from govcx.registry.vocabulary import Stage

# A study is seen by its service's owner and run by its lab: the owner's scope reaches a lab record for VIEW only;
# the lab's scope for every action, and it alone for running the study and its participants' personal data.
OWNER_SEES = frozenset({Action.VIEW})


class StudyQuerySet(ScopedQuerySet):
    organisation_lookups = {"service__owner_id": OWNER_SEES, "lab_id": ALL_ACTIONS}


class StudyScopedQuerySet(ScopedQuerySet):
    organisation_lookups = {"study__service__owner_id": OWNER_SEES, "study__lab_id": ALL_ACTIONS}


class SessionScopedQuerySet(ScopedQuerySet):
    organisation_lookups = {"session__study__service__owner_id": OWNER_SEES, "session__study__lab_id": ALL_ACTIONS}


class PersonalDataQuerySet(ScopedQuerySet):
    """Records that are personal data as a whole (consent, incentives): only the lab's researchers, whatever the
    action asked."""

    organisation_lookups = {"participant__study__lab_id": PERSONAL_DATA_ACTIONS}


class StudyStatus(models.TextChoices):
    DRAFT = "draft"
    RECRUITING = "recruiting"
    RUNNING = "running"
    CLOSED = "closed"


class OwnerConsent(models.TextChoices):
    """Whether the authority that owns the service agreed to this lab's study of it (docs/lab.md)."""

    NOT_NEEDED = "not_needed"  # the lab is the service's owner or an organisation above it
    AWAITING = "awaiting"
    GIVEN = "given"
    REFUSED = "refused"


class Study(models.Model):
    """A usability study of one service at one stage, run by a lab organisation."""

    service = models.ForeignKey("registry.Service", on_delete=models.CASCADE, related_name="studies")
    lab = models.ForeignKey("registry.Organisation", on_delete=models.PROTECT, related_name="lab_studies")
    title = models.CharField(max_length=300)  # as the lab wrote it, in Russian (the working language)
    title_en = models.CharField(max_length=300, blank=True)  # the English title; English readers fall back to `title`
    stage = models.CharField(max_length=8, choices=code_choices(Stage), default=Stage.BETA)
    research_questions = models.TextField(blank=True)
    use_sus = models.BooleanField(default=True)
    use_umux_lite = models.BooleanField(default=False)
    use_seq = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=StudyStatus.choices, default=StudyStatus.DRAFT)
    retest_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retests")
    include_failed_times = models.BooleanField(default=False)
    confidence = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.900"),
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("0.999"))],
    )
    discovery_p = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.310"))
    discovery_goal = models.DecimalField(max_digits=4, decimal_places=3, default=Decimal("0.850"))
    screener = models.JSONField(default=list, blank=True)  # [{key, question, options[], accept[]}]
    verdict = models.CharField(max_length=24, choices=[(v.value, v.value) for v in Verdict], blank=True)
    verdict_computed_at = models.DateTimeField(null=True, blank=True)
    owner_consent = models.CharField(max_length=10, choices=OwnerConsent.choices, default=OwnerConsent.NOT_NEEDED)
    owner_consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")
    owner_consent_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1)

    objects = StudyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "studies"

    def __str__(self) -> str:
        return self.display_title

    @property
    def display_title(self) -> str:
        """The title in the reader's language: the English one for English readers where it is given."""
        english = (get_language() or "en")[:2] == "en"
        return self.title_en if english and self.title_en else self.title


class Task(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="tasks")
    key = models.SlugField(max_length=64)  # stable across re-tests: the comparison matches tasks by key
    order = models.PositiveSmallIntegerField(default=1)
    title = models.CharField(max_length=300)
    scenario = models.TextField(blank=True)
    success_criteria = models.TextField(blank=True)
    critical_path = models.BooleanField(default=False)
    benchmark_completion = models.DecimalField(
        max_digits=4, decimal_places=3, default=Decimal("0.780"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    target_seconds = models.PositiveIntegerField(null=True, blank=True)

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["study", "key"], name="lab_task_key_unique_per_study")]

    def __str__(self) -> str:
        return self.title


class QuotaDimension(models.TextChoices):
    CLIENT_CATEGORY = "client_category"
    AGE_BAND = "age_band"
    REGION = "region"
    DIGITAL_CONFIDENCE = "digital_confidence"
    DISABILITY = "disability"
    ASSISTED_DIGITAL = "assisted_digital"


class Quota(models.Model):
    """How many participants of one kind the study needs; recruited counts are computed, never stored."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="quotas")
    dimension = models.CharField(max_length=24, choices=QuotaDimension.choices)
    value = models.CharField(max_length=64)  # booleans as "true"/"false", confidence as "1".."5"
    target = models.PositiveIntegerField()

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["dimension", "value"]
        constraints = [
            models.UniqueConstraint(fields=["study", "dimension", "value"], name="lab_quota_unique_per_study")
        ]


class AgeBand(models.TextChoices):
    UNDER_25 = "18-24"
    FROM_25 = "25-34"
    FROM_35 = "35-44"
    FROM_45 = "45-54"
    FROM_55 = "55-64"
    OVER_65 = "65+"


class ParticipantStatus(models.TextChoices):
    RECRUITED = "recruited"
    SCHEDULED = "scheduled"
    COMPLETED = "completed"
    WITHDRAWN = "withdrawn"


class Participant(models.Model):
    """A person taking part in a study. Results are kept under the pseudonymous `code`; the personal fields are
    shown only with Action.VIEW_PARTICIPANTS and blanked on withdrawal."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="participants")
    code = models.CharField(max_length=16)  # "P01": pseudonymous, unique per study
    full_name = models.CharField(max_length=200, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    client_category = models.CharField(max_length=64, blank=True)  # registry ClientCategory code
    age_band = models.CharField(max_length=8, choices=AgeBand.choices, blank=True)
    region = models.CharField(max_length=8, blank=True)  # ISO 3166-2
    digital_confidence = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    disability = models.BooleanField(default=False)
    assisted_digital = models.BooleanField(default=False)
    screener_answers = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=ParticipantStatus.choices, default=ParticipantStatus.RECRUITED)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    PERSONAL_DATA_FIELDS = ("full_name", "email", "phone", "screener_answers")

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["study", "code"], name="lab_participant_code_unique")]

    def __str__(self) -> str:
        return self.code  # never the name: this string reaches logs and the audit trail

    def quota_value(self, dimension: str) -> str:
        """The participant's value on a quota dimension, in the quota's string form."""
        value = getattr(self, dimension)
        if isinstance(value, bool):
            return "true" if value else "false"
        return "" if value is None else str(value)


class Consent(models.Model):
    """Informed consent; deliberately unrelated to incentives so the two are never shown together."""

    participant = models.OneToOneField(Participant, on_delete=models.CASCADE, related_name="consent")
    given_at = models.DateTimeField()
    text_version = models.CharField(max_length=40)
    recording_allowed = models.BooleanField(default=False)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA_FIELDS: tuple[str, ...] = ()

    objects = PersonalDataQuerySet.as_manager()


class Incentive(models.Model):
    """A payment or gift to a participant, kept for accounting under the participant's code."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="incentives")
    amount = models.DecimalField(max_digits=10, decimal_places=2)
    currency = models.CharField(max_length=3, default="RUB")
    method = models.CharField(max_length=40)  # e.g. "voucher", "bank transfer"
    paid_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA_FIELDS: tuple[str, ...] = ()

    objects = PersonalDataQuerySet.as_manager()

    class Meta:
        ordering = ["id"]


class SessionMode(models.TextChoices):
    MODERATED = "moderated"
    UNMODERATED = "unmoderated"


class SessionStatus(models.TextChoices):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    ABANDONED = "abandoned"


class Session(models.Model):
    """One participant working through the study's tasks, moderated in the lab or alone by a personal link."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="sessions")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="sessions")
    mode = models.CharField(max_length=12, choices=SessionMode.choices, default=SessionMode.MODERATED)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    scheduled_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=SessionStatus.choices, default=SessionStatus.PLANNED)
    token_hash = models.CharField(max_length=64, blank=True)  # sha256 of the personal link token
    link_expires_at = models.DateTimeField(null=True, blank=True)
    recording = models.FileField(upload_to="lab/recordings/%Y/%m/", blank=True)
    recording_started_at = models.DateTimeField(null=True, blank=True)

    PERSONAL_DATA_FIELDS = ("recording",)

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["token_hash"], condition=~Q(token_hash=""), name="lab_session_token_unique"
            )
        ]

    def __str__(self) -> str:
        return f"session {self.pk} ({self.participant.code})"


class Outcome(models.TextChoices):
    SUCCESS = "success"
    PARTIAL = "partial"
    FAILURE = "failure"
    ABANDONED = "abandoned"


class Attempt(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attempts")
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    seconds = models.FloatField(validators=[MinValueValidator(0.0)])
    errors = models.PositiveIntegerField(default=0)
    assists = models.PositiveIntegerField(default=0)
    seq = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(7)]
    )
    note = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    recorded_at = models.DateTimeField(auto_now=True)

    objects = SessionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "task"], name="lab_attempt_unique")]


class FindingStatus(models.TextChoices):
    OPEN = "open"
    FIXED = "fixed"
    ACCEPTED = "accepted"


#: Nielsen's severity ratings (0–4); a standard pack may relabel them, the numbers stay.
SEVERITY_LABELS = {
    0: "not a usability problem",
    1: "cosmetic",
    2: "minor",
    3: "major",
    4: "catastrophe",
}


class Finding(models.Model):
    """A usability problem. Affected participants: those of its observations' sessions plus `participants`
    (for findings recorded without observations)."""

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="findings")
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    severity = models.PositiveSmallIntegerField(
        default=2, choices=[(k, v) for k, v in SEVERITY_LABELS.items()], validators=[MaxValueValidator(4)]
    )
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings")
    screen = models.CharField(max_length=300, blank=True)
    recommendation = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    participants = models.ManyToManyField(Participant, blank=True, related_name="findings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudyScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-severity", "id"]

    def __str__(self) -> str:
        return self.title


class Observation(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="observations")
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations")
    at_seconds = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0.0)])  # into the recording
    text = models.TextField()
    tags = models.JSONField(default=list, blank=True)
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.SET_NULL, related_name="observations"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "at_seconds", "id"]


class QuestionnaireKind(models.TextChoices):
    SUS = "sus"
    UMUX_LITE = "umux_lite"


class QuestionnaireResponse(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="questionnaire_responses")
    kind = models.CharField(max_length=10, choices=QuestionnaireKind.choices)
    answers = models.JSONField()  # SUS: 10 ints 1–5; UMUX-Lite: 2 ints 1–7
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SessionScopedQuerySet.as_manager()

    class Meta:
        ordering = ["session_id", "kind"]
        constraints = [models.UniqueConstraint(fields=["session", "kind"], name="lab_questionnaire_unique")]
