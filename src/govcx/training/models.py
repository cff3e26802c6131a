"""Persistence of the training programme: its roster of civil servants, courses and requirements, completions,
attitude answers, the xAPI statements learning platforms send and the reminders the programme produces.

A person is known by a pseudonymous id from HR; the work e-mail and the manager's id are the only personal data,
for reminders, and are shown to the organisation's training officers alone (`Action.VIEW_TRAINEES`). Attitude
answers carry the pseudonymous id only and are shown in aggregate (`groups.MIN_GROUP_SIZE`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from govcx.accounts.scoping import ALL_ACTIONS, ScopedQuerySet

POSITION_CATEGORIES = ("manager", "adviser", "specialist", "support")
COURSE_KINDS = ("elearning", "classroom", "blended")
SOURCES = ("xapi", "file", "attendance")
WAVES = ("pre", "post", "follow_up")
CHANGE_KINDS = ("joiner", "leaver", "move")
REMINDER_KINDS = ("person", "manager", "summary")


def _choices(codes: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(code, code) for code in codes]


class ProgrammeQuerySet(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS}


class Programme(models.Model):
    """An authority's programme: everyone on its roster trained in client-centricity by the deadline."""

    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=200)
    starts_on = models.DateField()
    deadline_on = models.DateField()  # three years on by default (forecast.deadline_for)
    target_share = models.FloatField(default=1.0)
    version = models.PositiveIntegerField(default=1)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["organisation_id", "starts_on"]

    def __str__(self) -> str:
        return self.name


class ProgrammePartQuerySet(ScopedQuerySet):
    organisation_lookups = {"programme__organisation_id": ALL_ACTIONS}


class Course(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="courses")
    code = models.SlugField(max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=_choices(COURSE_KINDS))
    activity_id = models.CharField(max_length=500)  # the xAPI activity IRI learning platforms report it under

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "code"], name="training_course_code_unique"),
            models.UniqueConstraint(fields=["programme", "activity_id"], name="training_course_activity_unique"),
        ]

    def __str__(self) -> str:
        return self.code


class Requirement(models.Model):
    """People in a position category must complete a course."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requirements")
    position_category = models.CharField(max_length=20, choices=_choices(POSITION_CATEGORIES))
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="requirements")

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["position_category", "course"],
                                               name="training_requirement_unique")]


class EquivalenceQuerySet(ScopedQuerySet):
    organisation_lookups = {"course__programme__organisation_id": ALL_ACTIONS}


class Equivalence(models.Model):
    """A course taken elsewhere (another activity id or course code) counts as this course."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="equivalences")
    identifier = models.CharField(max_length=500)  # an activity IRI or another provider's course code
    note = models.CharField(max_length=200, blank=True)

    objects = EquivalenceQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "identifier"], name="training_equivalence_unique")]


class PersonQuerySet(ScopedQuerySet):
    organisation_lookups = {"organisation_id": ALL_ACTIONS, "programme__organisation_id": ALL_ACTIONS}


class Person(models.Model):
    """A civil servant on a programme's roster, by the pseudonymous id HR gives."""

    PERSONAL_DATA_FIELDS = ("work_email", "manager_key")

    # A national roster is millions of rows written by one import: per-row foreign-key triggers and two more
    # indexes doubled its time. The import checks every organisation id itself, Django cascades the deletes, and
    # the roster's unique and coverage indexes both begin with the programme.
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="people", db_index=False,
                                  db_constraint=False)
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+",
                                     db_index=False, db_constraint=False)
    person_key = models.CharField(max_length=64)
    position_category = models.CharField(max_length=20, choices=_choices(POSITION_CATEGORIES))
    region_code = models.CharField(max_length=8, blank=True)
    started_on = models.DateField()
    left_on = models.DateField(null=True, blank=True)
    work_email = models.CharField(max_length=254, blank=True)
    manager_key = models.CharField(max_length=64, blank=True)
    email_sha1 = models.CharField(max_length=40, blank=True, db_index=True)  # xAPI mbox_sha1sum of the e-mail
    trained_on = models.DateField(null=True, blank=True)  # every required course completed (services keep it)
    courses_done = models.PositiveSmallIntegerField(default=0)  # required courses completed (kept with trained_on)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "person_key"]
        constraints = [models.UniqueConstraint(fields=["programme", "person_key"], name="training_person_unique")]
        indexes = [models.Index(fields=["programme", "organisation", "trained_on"], name="training_person_cov"),
                   # the people part-way through: coverage by course joins only them with the completions
                   models.Index(fields=["programme"], name="training_person_in_progress",
                                condition=models.Q(trained_on__isnull=True, courses_done__gt=0)),
                   # the people trained lately (the forecast's 90 days): the coverage page reads them alone
                   models.Index(fields=["programme", "trained_on"], name="training_person_recent",
                                condition=models.Q(left_on__isnull=True, trained_on__isnull=False),
                                include=["organisation", "region_code", "position_category"])]

    def __str__(self) -> str:
        return self.person_key


class CoverageTally(models.Model):
    """How many people of the roster (not left) a programme has per organisation, region and position category, and
    how many of them are trained: coverage pages sum these rows instead of counting millions of people.
    `services.trained` keeps them with `Person.trained_on`; roster imports count them again."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+",
                                     db_index=False, db_constraint=False)
    region_code = models.CharField(max_length=8, blank=True)
    position_category = models.CharField(max_length=20, choices=_choices(POSITION_CATEGORIES))
    people = models.PositiveIntegerField(default=0)
    trained = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "organisation", "region_code", "position_category"],
                                               name="training_tally_unique")]


class RosterImport(models.Model):
    """One roster file applied to a programme, with what it changed (the people's history is in RosterChange)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="roster_imports")
    file_name = models.CharField(max_length=200)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    rows = models.PositiveIntegerField(default=0)
    joiners = models.PositiveIntegerField(default=0)
    leavers = models.PositiveIntegerField(default=0)
    moves = models.PositiveIntegerField(default=0)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]


class RosterChangeQuerySet(ScopedQuerySet):
    organisation_lookups = {"roster_import__programme__organisation_id": ALL_ACTIONS}


class RosterChange(models.Model):
    """A joiner, leaver or move recorded by a later import (a first import's joiners are its `joiners` count)."""

    roster_import = models.ForeignKey(RosterImport, on_delete=models.CASCADE, related_name="changes")
    person_key = models.CharField(max_length=64)
    kind = models.CharField(max_length=8, choices=_choices(CHANGE_KINDS))
    before = models.CharField(max_length=200, blank=True)  # organisation code / position category
    after = models.CharField(max_length=200, blank=True)

    objects = RosterChangeQuerySet.as_manager()


class CompletionQuerySet(ScopedQuerySet):
    organisation_lookups = {"person__organisation_id": ALL_ACTIONS, "person__programme__organisation_id": ALL_ACTIONS}


class Completion(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="completions")
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="completions")
    completed_on = models.DateField()
    source = models.CharField(max_length=12, choices=_choices(SOURCES))
    statement_id = models.UUIDField(null=True, blank=True, db_index=True)

    objects = CompletionQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "course"], name="training_completion_unique")]


class AttitudeItem(models.Model):
    """One statement of the attitude questionnaire, answered on a 1–5 agreement scale."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="attitude_items")
    code = models.SlugField(max_length=40)
    scale = models.SlugField(max_length=40)
    text_en = models.CharField(max_length=300)
    text_ru = models.CharField(max_length=300)
    reverse = models.BooleanField(default=False)
    order = models.PositiveSmallIntegerField(default=0)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["programme", "code"], name="training_item_unique")]


class AttitudeAnswerQuerySet(ScopedQuerySet):
    organisation_lookups = {"item__programme__organisation_id": ALL_ACTIONS}


class AttitudeAnswer(models.Model):
    item = models.ForeignKey(AttitudeItem, on_delete=models.CASCADE, related_name="answers")
    person_key = models.CharField(max_length=64)  # pseudonymous; answers are shown only in aggregate
    wave = models.CharField(max_length=10, choices=_choices(WAVES))
    value = models.PositiveSmallIntegerField()
    answered_on = models.DateField()

    objects = AttitudeAnswerQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "person_key", "wave"], name="training_answer_unique")]


class LearningPlatform(models.Model):
    """A learning platform (Moodle, iSpring, ...) allowed to send xAPI statements, with its own credentials."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="platforms")
    name = models.CharField(max_length=200)
    username = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=200)  # SHA-256 of the secret (common.tokens): never the secret
    home_page = models.CharField(max_length=500)  # the account homePage of the actors it reports
    active = models.BooleanField(default=True)

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["programme_id", "name"]

    def __str__(self) -> str:
        return self.name


class StatementQuerySet(ScopedQuerySet):
    organisation_lookups = {"platform__programme__organisation_id": ALL_ACTIONS}


class Statement(models.Model):
    """An xAPI statement as stored by the LRS (immutable; voided by another statement, never deleted)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4)
    platform = models.ForeignKey(LearningPlatform, on_delete=models.PROTECT, related_name="statements")
    body = models.JSONField()  # the statement with id, stored, authority, version, timestamp set
    stored = models.DateTimeField(db_index=True)
    verb_id = models.CharField(max_length=500, db_index=True)
    registration = models.UUIDField(null=True, blank=True, db_index=True)
    ref_target = models.UUIDField(null=True, blank=True, db_index=True)  # the StatementRef object's id
    voided = models.BooleanField(default=False)
    is_voiding = models.BooleanField(default=False)

    objects = StatementQuerySet.as_manager()

    class Meta:
        ordering = ["-stored", "-id"]


class StatementKey(models.Model):
    """What the GET filters match: kind a/ra (agent / related agent), o/ro (activity / related activity)."""

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=2)
    key = models.CharField(max_length=500)

    class Meta:
        indexes = [models.Index(fields=["kind", "key"], name="training_stmtkey_lookup")]


class Reminder(models.Model):
    """A reminder the programme produced for a person, their manager or the training officers (the weekly
    summary); listed on the programme's page and sent as an e-mail through the outbox."""

    PERSONAL_DATA_FIELDS = ("recipient",)

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="reminders")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=8, choices=_choices(REMINDER_KINDS))
    person_key = models.CharField(max_length=64, blank=True)
    recipient = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    created_on = models.DateField()

    objects = ProgrammePartQuerySet.as_manager()

    class Meta:
        ordering = ["-created_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["programme", "kind", "person_key", "created_on"],
                                               name="training_reminder_once_a_day")]



class StatementAttachment(models.Model):
    """The raw content of an attachment sent with statements (multipart/mixed), by its SHA-2 hash."""

    sha2 = models.CharField(max_length=128, unique=True)
    content_type = models.CharField(max_length=200)
    content = models.BinaryField()


class XapiDocument(models.Model):
    """A document a learning platform keeps in the LRS (xAPI-Communication 2.3): an activity state (per activity,
    agent and registration), an activity profile or an agent profile. Scoped to the programme, like statements."""

    KINDS = ("state", "activity_profile", "agent_profile")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="xapi_documents")
    kind = models.CharField(max_length=16, choices=_choices(KINDS))
    activity_id = models.CharField(max_length=500, blank=True)
    agent_key = models.CharField(max_length=500, blank=True)  # xapi.parse_agent_parameter's identifier
    registration = models.CharField(max_length=36, blank=True)
    document_id = models.CharField(max_length=500)  # the stateId or profileId
    content_type = models.CharField(max_length=200)
    content = models.BinaryField()
    etag = models.CharField(max_length=40)  # SHA-1 of the content, as the spec's ETag
    updated = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(
            fields=["programme", "kind", "activity_id", "agent_key", "registration", "document_id"],
            name="training_xapidocument_unique")]


class XapiActivity(models.Model):
    """The LRS's canonical definition of an activity of the programme, kept from the definitions statements carry
    (`xapi_lookups.merge_definition`) and answered by the Activities resource."""

    ID_LENGTH = 500  # longer activity ids are answered without a kept definition

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="xapi_activities")
    activity_id = models.CharField(max_length=ID_LENGTH)
    definition = models.JSONField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["programme", "activity_id"],
                                               name="training_xapiactivity_unique")]
