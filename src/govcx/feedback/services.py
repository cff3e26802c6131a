"""Use cases of feedback: surveys and their versions, accepting responses. The only writers of those models."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version, expect_version
from govcx.errors import Conflict, Forbidden, Invalid, InvalidInput, NotFound
from govcx.feedback import pii, selectors, spam, survey_life, survey_schema, survey_templates
from govcx.feedback.models import Answer, Channel, Response, Survey, SurveyStatus, SurveyVersion
from govcx.feedback.selectors import public_surveys
from govcx.registry.models import Service

MAX_BATCH = 500
CHANNELS = frozenset(Channel.values)
#: The context a response may carry (hidden fields of the survey, the widget's attributes, an app's metadata).
#: Anything else is refused: the context is stored next to the answers and shown to analysts.
CONTEXT_KEYS = ("channel", "office", "page", "stage", "referrer", "locale", "app_version")
CONTEXT_VALUE_MAX_CHARS = 200
CONTEXT_MAX_BYTES = 2048  # of all values together, UTF-8
#: Whatever the source, a response was given between this day and now (plus the allowed clock skew).
EARLIEST_SUBMITTED_AT = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


def _fingerprinted(definition: dict) -> tuple[dict, str]:
    try:
        parsed = survey_schema.parse_definition(definition)
    except InvalidInput as exc:
        raise InvalidInput(exc.problems, "the survey definition has problems", details=[
            {"field": ".".join(x for x in ("definition", p.path) if x), "message": p.message} for p in exc.problems
        ]) from None
    return parsed.model_dump(mode="json"), survey_schema.definition_fingerprint(parsed)


@transaction.atomic
def survey_create(
    *, service: Service, title: str, actor: User, definition: dict | None = None, template: str = ""
) -> Survey:
    """A new survey in draft, from a template by name or from a definition written from scratch."""
    require(actor, Action.MANAGE_SURVEYS)
    if not Service.objects.for_user(actor, Action.MANAGE_SURVEYS).filter(pk=service.pk).exists():
        raise NotFound(f"service {service.pk} not found")
    if definition is None:
        if not template:
            raise Invalid("give a survey definition or a template", details=[{"field": "template"}])
        definition = survey_templates.template(template)
    frozen, fingerprint = _fingerprinted(definition)
    survey = Survey.objects.create(
        service=service, title=title, template=template, public_key=secrets.token_urlsafe(12), created_by=actor
    )
    SurveyVersion.objects.create(survey=survey, number=1, definition=frozen, fingerprint=fingerprint)
    audit_record(actor=actor, action="survey.create", obj=survey, organisation_id=service.owner_id,
                 changes={"template": template, "version": 1})
    return survey


@transaction.atomic
def survey_update(
    *,
    survey: Survey,
    expected_version: int,
    actor: User,
    title: str | None = None,
    definition: dict | None = None,
    status: str | None = None,
    allowed_origins: list[str] | None = None,
    rate_limit_per_minute: int | None = None,
    opened_at: dt.datetime | None = None,
    case_rating_at_most: int | None = None,
) -> Survey:
    """Change a survey. A changed question set makes a new frozen version; earlier answers keep theirs. Going
    live opens it (now, unless it opened earlier); closing it ends its life now; `opened_at` moves the opening
    to an earlier moment, to import the answers it took before govcx (survey_life)."""
    require(actor, Action.MANAGE_SURVEYS)
    locked = (Survey.objects.for_user(actor, Action.MANAGE_SURVEYS).select_for_update(of=("self",))
              .select_related("service").filter(pk=survey.pk).first())
    if locked is None:
        raise NotFound(f"survey {survey.pk} not found")
    expect_version(locked.version, expected=expected_version, what=f"survey {survey.pk}")
    changes: dict[str, Any] = {}
    if definition is not None:
        frozen, fingerprint = _fingerprinted(definition)
        current = selectors.survey_current_version(locked)
        if fingerprint != current.fingerprint:
            number = current.number + 1
            SurveyVersion.objects.create(survey=locked, number=number, definition=frozen, fingerprint=fingerprint)
            changes["definition_version"] = number
    if title is not None and title != locked.title:
        changes["title"] = [locked.title, title]
        locked.title = title
    if status is not None and status != locked.status:
        if status not in SurveyStatus.values:
            raise Invalid(f"unknown status {status!r}", details=[{"field": "status"}])
        changes["status"] = [locked.status, status]
        locked.status = status
        now = timezone.now()
        if status == SurveyStatus.LIVE:
            locked.opened_at, locked.closed_at = locked.opened_at or now, None
        elif status == SurveyStatus.CLOSED:
            locked.closed_at = now
    if opened_at is not None and opened_at != locked.opened_at:
        _check_moment(opened_at, "opened_at")
        if locked.opened_at is not None and opened_at > locked.opened_at:
            raise Invalid("the opening can only move earlier (answers may already be dated from it)",
                          details=[{"field": "opened_at", "message": "later than the current opening"}])
        changes["opened_at"] = [locked.opened_at.isoformat() if locked.opened_at else None, opened_at.isoformat()]
        locked.opened_at = opened_at
    if allowed_origins is not None:
        cleaned = [_origin(o) for o in allowed_origins if o.strip()]
        if cleaned != locked.allowed_origins:
            changes["allowed_origins"] = cleaned
            locked.allowed_origins = cleaned
    if rate_limit_per_minute is not None and rate_limit_per_minute != locked.rate_limit_per_minute:
        if not 1 <= rate_limit_per_minute <= 100_000:
            raise Invalid("the rate limit must be between 1 and 100000", details=[{"field": "rate_limit_per_minute"}])
        changes["rate_limit_per_minute"] = rate_limit_per_minute
        locked.rate_limit_per_minute = rate_limit_per_minute
    if case_rating_at_most is not None and case_rating_at_most != locked.case_rating_at_most:
        if not 0 <= case_rating_at_most <= 4:
            raise Invalid("a case opens for ratings at or below 1 to 4 of 5 (0: never)",
                          details=[{"field": "case_rating_at_most", "message": "between 0 and 4"}])
        changes["case_rating_at_most"] = [locked.case_rating_at_most, case_rating_at_most]
        locked.case_rating_at_most = case_rating_at_most
    if changes:
        bump_version(locked, expected=expected_version, what=f"survey {survey.pk}")
        locked.save()
        transaction.on_commit(public_surveys.forget)
        audit_record(actor=actor, action="survey.update", obj=locked, organisation_id=locked.service.owner_id,
                     changes=changes)
    return locked


def _origin(value: str) -> str:
    value = value.strip().rstrip("/")
    if not value.startswith(("https://", "http://")) or "/" in value.split("://", 1)[1]:
        raise Invalid(f"{value!r} is not an origin like https://example.gov", details=[{"field": "allowed_origins"}])
    return value.lower()


@dataclass
class Submission:
    """One citizen's answers as received from the page, the widget, the API or an import."""

    idempotency_key: str
    answers: dict[str, Any]
    context: dict[str, str] = field(default_factory=dict)
    channel: str = Channel.WEB
    client_category: str = ""
    language: str = ""
    honeypot: str = ""
    elapsed_seconds: float | None = None
    submitted_at: dt.datetime | None = None
    version: int | None = None
    # The time by the clock of a public, unauthenticated client: kept as `submitted_at` only within the allowed
    # clock skew (FEEDBACK_CLOCK_SKEW_SECONDS); otherwise the receive time is used and this is kept beside it,
    # so nobody can file answers into a past quarter. Imports by analysts set `submitted_at` instead.
    claimed_at: dt.datetime | None = None
    # The first answers of a response still being filled in (the one-tap rating): stored now, completed later.
    partial: bool = False


@dataclass(frozen=True)
class Accepted:
    response: Response
    created: bool
    completed: bool = False  # the answers completed a partial response stored earlier under the same key


def _payload_hash(submission: Submission) -> str:
    body = json.dumps({"a": submission.answers, "c": submission.context, "v": submission.version},
                      sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def check_origin(*, survey: Survey, origin: str | None) -> None:
    """Browsers send Origin: a widget on a site outside the survey's allow-list is refused."""
    if origin and survey.allowed_origins and origin.lower().rstrip("/") not in survey.allowed_origins:
        raise Forbidden(f"site {origin} may not submit to this survey", details=[{"field": "origin"}])


@dataclass
class PreparedResponse:
    submission: Submission
    version: SurveyVersion
    answers: list[Answer]
    comment: str
    pii_found: list[str]
    spam_score: float
    spam_reasons: list[str]
    payload_hash: str
    is_spam: bool


def _check_moment(value: dt.datetime | None, field_name: str) -> None:
    """A date-time with a zone, between EARLIEST_SUBMITTED_AT and a day ahead of now; otherwise 422 naming it."""
    if value is None:
        return
    if timezone.is_naive(value):
        raise Invalid(f"{field_name} needs a time zone, like 2025-01-01T09:30:00+03:00 or 2025-01-01T06:30:00Z",
                      details=[{"field": field_name, "message": "no time zone"}])
    latest = timezone.now() + dt.timedelta(days=1)
    try:
        within = EARLIEST_SUBMITTED_AT <= value <= latest
    except OverflowError:  # the year 1 or 9999 with an offset cannot be brought to UTC
        within = False
    if not within:
        raise Invalid(f"{field_name} must be between {EARLIEST_SUBMITTED_AT:%Y-%m-%d} and now",
                      details=[{"field": field_name, "message": "out of range"}])


def _clean_context(context: dict[str, Any]) -> tuple[dict[str, str], set[str]]:
    """The declared keys only, each value a bounded string with personal data masked; pages keep their path only
    (a query string may carry anything). Returns the context and the kinds of personal data masked."""
    unknown = sorted(str(k) for k in context if k not in CONTEXT_KEYS)
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise Invalid(f"unknown context key(s): {shown}; allowed: {', '.join(CONTEXT_KEYS)}",
                      details=[{"field": f"context.{k}", "message": "unknown key"} for k in unknown[:20]])
    cleaned: dict[str, str] = {}
    found: set[str] = set()
    for key, raw in context.items():
        value = str(raw if raw is not None else "").strip()
        if len(value) > CONTEXT_VALUE_MAX_CHARS:
            raise Invalid(f"context.{key} is longer than {CONTEXT_VALUE_MAX_CHARS} characters",
                          details=[{"field": f"context.{key}", "message": "too long"}])
        if key in ("page", "referrer"):
            value = value.split("?", 1)[0].split("#", 1)[0]
        masked = pii.mask_pii(value)
        found.update(masked.kinds)
        if masked.text:
            cleaned[key] = masked.text
    if sum(len(v.encode()) for v in cleaned.values()) > CONTEXT_MAX_BYTES:
        raise Invalid(f"the context is larger than {CONTEXT_MAX_BYTES} bytes", details=[{"field": "context"}])
    return cleaned, found


def prepare_submission(
    survey: Survey, versions: dict[int | None, SurveyVersion], submission: Submission
) -> PreparedResponse:
    key = (submission.idempotency_key or "").strip()
    if not 8 <= len(key) <= 64:
        raise Invalid("idempotency_key must be 8 to 64 characters", details=[{"field": "idempotency_key"}])
    if submission.channel not in CHANNELS:
        raise Invalid(f"unknown channel {submission.channel!r}", details=[{"field": "channel"}])
    _check_moment(submission.submitted_at, "submitted_at")
    _check_moment(submission.claimed_at, "submitted_at")
    version = versions.get(submission.version)
    if version is None:
        version = survey.versions.filter(number=submission.version).first()
        if version is None:
            raise Invalid(f"survey version {submission.version} does not exist", details=[{"field": "version"}])
        versions[submission.version] = version
    _check_life(survey, version, current=versions[None], moment=_moments(submission, timezone.now())[0])
    definition = selectors.parsed_definition(version)
    validation = survey_schema.validate_answers(definition, submission.answers, partial=submission.partial)
    if not validation.ok:
        raise Invalid("the answers do not fit the survey", details=[
            {"field": f"answers.{e.question_key}", "code": e.code, "message": e.message} for e in validation.errors
        ])
    answers = [
        Answer(question_key=row.question_key, measure=row.measure.value, scale_min=row.scale_min,
               scale_max=row.scale_max, value=row.value)
        for row in survey_schema.cleaned_fact_rows(definition, validation.cleaned)
    ]
    if submission.partial and not answers:
        raise Invalid("a partial response carries at least one rating or choice",
                      details=[{"field": "answers", "message": "nothing to store yet"}])
    text_found: set[str] = set()
    texts: list[str] = []
    context = dict(submission.context or {})
    for question in definition.questions:
        value = validation.cleaned.get(question.key)
        if value is None:
            continue
        if isinstance(question, survey_schema.TextQuestion):
            masked = pii.mask_pii(value)
            text_found.update(masked.kinds)
            texts.append(masked.text)
            answers.append(Answer(question_key=question.key, text=masked.text))
        elif isinstance(question, survey_schema.HiddenQuestion):
            context[question.context] = str(value)
        elif isinstance(question, survey_schema.ChoiceQuestion) and isinstance(value, tuple):
            answers.append(Answer(question_key=question.key, text=",".join(value)))
    context, found = _clean_context(context)
    found |= text_found
    submission.context = context
    if context.get("channel") in CHANNELS:
        submission.channel = context["channel"]
    comment = "\n".join(t for t in texts if t)
    verdict = spam.spam_score(comment, honeypot=submission.honeypot, elapsed_seconds=submission.elapsed_seconds,
                              settings=_spam_settings(survey.spam_threshold))
    return PreparedResponse(submission, version, answers, comment, sorted(found), verdict.score,
                     [f"{r.name}: {r.detail}" for r in verdict.reasons], _payload_hash(submission), verdict.is_spam)


def _check_life(survey: Survey, version: SurveyVersion, *, current: SurveyVersion, moment: dt.datetime) -> None:
    """Refuse (422, field submitted_at) a response dated outside the survey's life or its version's."""
    retired_at = None
    if version.number != current.number:
        retired_at = getattr(version, "_retired_at", False)
        if retired_at is False:  # looked up once per version object (a batch or an import reuses it)
            retired_at = (survey.versions.filter(number__gt=version.number).order_by("number")
                          .values_list("created_at", flat=True).first())
            setattr(version, "_retired_at", retired_at)  # noqa: B010 (not a model field)
    refusal = survey_life.life_refusal(survey_life.SurveyLife(
        opened_at=survey.opened_at, closed_at=survey.closed_at, version=version.number,
        version_started_at=version.created_at, version_retired_at=retired_at), moment)
    if refusal is not None:
        raise Invalid(f"outside the survey's life: {refusal.message}", details=[
            {"field": "version" if refusal.code in ("retired_version", "before_version") else "submitted_at",
             "code": refusal.code, "message": refusal.message}])


@functools.lru_cache(maxsize=32)
def _spam_settings(threshold: float) -> spam.SpamSettings:
    return spam.SpamSettings(threshold=threshold)


def _moments(submission: Submission, now: dt.datetime) -> tuple[dt.datetime, dt.datetime | None]:
    """`submitted_at` to store and the client's own time when it was set aside (see Submission.claimed_at)."""
    if submission.claimed_at is not None:
        if abs(submission.claimed_at - now) <= dt.timedelta(seconds=settings.FEEDBACK_CLOCK_SKEW_SECONDS):
            return min(submission.claimed_at, now), None
        return now, submission.claimed_at
    return min(submission.submitted_at or now, now), None


def response_row(survey: Survey, prepared: PreparedResponse, now: dt.datetime) -> Response:
    submission = prepared.submission
    service = survey.service
    submitted_at, client_submitted_at = _moments(submission, now)
    return Response(
        survey=survey,
        survey_version=prepared.version,
        service_id=service.pk,
        organisation_id=service.owner_id,
        idempotency_key=submission.idempotency_key.strip(),
        payload_hash=prepared.payload_hash,
        channel=submission.channel,
        context=submission.context,
        client_category=submission.client_category[:40],
        language=submission.language[:8],
        comment=prepared.comment,
        pii_found=prepared.pii_found,
        spam_score=prepared.spam_score,
        spam_reasons=prepared.spam_reasons,
        is_spam=prepared.is_spam,
        submitted_at=submitted_at,
        client_submitted_at=client_submitted_at,
        is_partial=submission.partial,
    )


def response_replayed(survey: Survey, prepared: PreparedResponse) -> Accepted:
    existing = Response.objects.get(survey=survey, idempotency_key=prepared.submission.idempotency_key.strip())
    outcome = response_settle_stored(existing, prepared, timezone.now())
    if isinstance(outcome, Conflict):
        raise outcome
    return outcome


def response_settle_stored(stored: Response, prepared: PreparedResponse, now: dt.datetime) -> Accepted | Conflict:
    """What a submission whose key is already stored does: a repeated tap, or a tap after the Send, changes
    nothing (the first tap counts); the Send after a tap completes the partial response; a replay of the same
    answers is a duplicate; other answers under the same key are a conflict."""
    if prepared.submission.partial:
        return Accepted(stored, created=False)
    if stored.is_partial:
        return Accepted(_complete(stored, prepared, now), created=False, completed=True)
    if stored.payload_hash != prepared.payload_hash:
        return Conflict("this idempotency_key was already used for different answers",
                        details=[{"field": "idempotency_key"}])
    return Accepted(stored, created=False)


def _complete(stored: Response, prepared: PreparedResponse, now: dt.datetime) -> Response:
    """Add the answers of the Send to the partial response. The answers stored at the tap stay as they were (the
    analytics store may already hold them: changing them would count the person twice), only new questions'
    answers are added. `received_at` moves to now so that the analytics sync lets the new answers settle."""
    with transaction.atomic():
        locked = Response.objects.select_for_update().get(pk=stored.pk)
        if not locked.is_partial:  # completed by a concurrent Send
            return locked
        answered = set(locked.answers.values_list("question_key", flat=True))
        added = [a for a in prepared.answers if a.question_key not in answered]
        for answer in added:
            answer.pk = None
            answer.response = locked
        Answer.objects.bulk_create(added)
        row = response_row(locked.survey, prepared, now)
        for name in ("payload_hash", "channel", "context", "client_category", "language", "comment", "pii_found",
                     "spam_score", "spam_reasons", "is_spam"):
            setattr(locked, name, getattr(row, name))
        locked.is_partial = False
        locked.received_at = now
        locked.save()
    return locked


def accepting(*, survey: Survey) -> None:
    if survey.status != SurveyStatus.LIVE:
        raise Invalid(f"survey {survey.public_key} is not accepting responses ({survey.status})",
                      details=[{"field": "survey"}])


def response_submit(
    *, survey: Survey, submission: Submission, current: SurveyVersion | None = None, now: dt.datetime | None = None
) -> Accepted:
    """Accept one response exactly once: a retry with the same key returns the stored response unchanged."""
    accepting(survey=survey)
    now = now or timezone.now()
    versions: dict[int | None, SurveyVersion] = {None: current or selectors.survey_current_version(survey)}
    prepared = prepare_submission(survey, versions, submission)
    response = response_row(survey, prepared, now)
    try:
        with transaction.atomic():
            response.save()
            for answer in prepared.answers:
                answer.response = response
            Answer.objects.bulk_create(prepared.answers)
    except IntegrityError:
        return response_replayed(survey, prepared)
    return Accepted(response, created=True)


def responses_submit_batch(
    *,
    survey: Survey,
    submissions: list[Submission],
    current: SurveyVersion | None = None,
    now: dt.datetime | None = None,
) -> list[Accepted]:
    """Accept a batch all-or-nothing: every item is validated first; then new ones are stored in one transaction
    and replays return their stored response."""
    accepting(survey=survey)
    if not submissions:
        raise Invalid("the batch is empty", details=[{"field": "responses"}])
    if len(submissions) > MAX_BATCH:
        raise Invalid(f"at most {MAX_BATCH} responses per batch", details=[{"field": "responses"}])
    now = now or timezone.now()
    versions: dict[int | None, SurveyVersion] = {None: current or selectors.survey_current_version(survey)}
    prepared: list[PreparedResponse] = []
    problems: list[dict] = []
    seen: set[str] = set()
    for index, submission in enumerate(submissions):
        try:
            item = prepare_submission(survey, versions, submission)
        except Invalid as exc:
            problems.extend({"row": index, **d, "message": exc.message} for d in (exc.details or [{}]))
            continue
        key = submission.idempotency_key.strip()
        if key in seen:
            problems.append({"row": index, "field": "idempotency_key", "message": "repeated within the batch"})
        seen.add(key)
        prepared.append(item)
    if problems:
        raise Invalid(f"{len(problems)} problem(s) in the batch; nothing was stored", details=problems)
    try:
        return _store_batch(survey, prepared, now)
    except IntegrityError:  # a concurrent writer stored some of these keys first: settle them one by one
        return [response_store_prepared(survey, item, now) for item in prepared]


@dataclass(frozen=True)
class ImportResult:
    created: int
    duplicates: int


def responses_import(*, survey: Survey, rows: list[tuple[int, Submission]], actor: User) -> ImportResult:
    """Historical responses from a file, all or nothing: problems are reported by row and field and nothing is
    stored unless every row is valid. Re-importing the same file stores nothing new (keys are per row)."""
    prepared, problems = responses_check(survey=survey, rows=rows)
    if problems:
        raise Invalid(f"{len(problems)} problem(s); nothing was imported", details=problems)
    return responses_store(survey=survey, prepared=prepared, actor=actor)


def responses_check(
    *, survey: Survey, rows: list[tuple[int, Submission]]
) -> tuple[list[PreparedResponse], list[dict]]:
    """Every row validated, nothing stored: the rows ready to store, and every problem as {row, field, message}."""
    versions: dict[int | None, SurveyVersion] = {None: selectors.survey_current_version(survey)}
    prepared: list[PreparedResponse] = []
    problems: list[dict] = []
    seen: dict[str, int] = {}
    for row, submission in rows:
        try:
            prepared.append(prepare_submission(survey, versions, submission))
        except Invalid as exc:
            problems.extend({"row": row, "field": d.get("field", ""), "message": d.get("message", exc.message)}
                            for d in (exc.details or [{}]))
            continue
        key = submission.idempotency_key.strip()
        if key in seen:
            problems.append({"row": row, "field": "id", "message": f"the same id as row {seen[key]}"})
        seen.setdefault(key, row)
    return prepared, problems


@transaction.atomic
def responses_store(*, survey: Survey, prepared: list[PreparedResponse], actor: User) -> ImportResult:
    """Store checked rows in one transaction; rows whose key is already stored are counted as duplicates."""
    require(actor, Action.MANAGE_SURVEYS)
    if not Survey.objects.for_user(actor, Action.MANAGE_SURVEYS).filter(pk=survey.pk).exists():
        raise NotFound(f"survey {survey.pk} not found")
    now = timezone.now()
    results = []
    for start in range(0, len(prepared), MAX_BATCH):
        results.extend(_store_batch(survey, prepared[start:start + MAX_BATCH], now))
    created = sum(1 for r in results if r.created)
    audit_record(actor=actor, action="response.import", obj=survey, organisation_id=survey.service.owner_id,
                 changes={"created": created, "duplicates": len(results) - created})
    return ImportResult(created, len(results) - created)


def _store_batch(survey: Survey, prepared: list[PreparedResponse], now: dt.datetime) -> list[Accepted]:
    keys = [p.submission.idempotency_key.strip() for p in prepared]
    existing = {r.idempotency_key: r for r in Response.objects.filter(survey=survey, idempotency_key__in=keys)}
    results: list[Accepted | None] = []
    fresh: list[tuple[PreparedResponse, Response]] = []
    for item, key in zip(prepared, keys, strict=True):
        if key in existing:
            outcome = response_settle_stored(existing[key], item, now)
            if isinstance(outcome, Conflict):
                raise Conflict(f"idempotency_key {key} was already used for different answers",
                               details=[{"field": "idempotency_key"}])
            results.append(outcome)
        else:
            response = response_row(survey, item, now)
            fresh.append((item, response))
            results.append(None)
    with transaction.atomic():
        created = Response.objects.bulk_create([r for _, r in fresh])
        answers = []
        for (item, _), response in zip(fresh, created, strict=True):
            for answer in item.answers:
                answer.response = response
                answers.append(answer)
        Answer.objects.bulk_create(answers, batch_size=2000)
    fresh_iter = iter(created)
    return [r if r is not None else Accepted(next(fresh_iter), created=True) for r in results]


def response_store_prepared(survey: Survey, item: PreparedResponse, now: dt.datetime) -> Accepted:
    response = response_row(survey, item, now)
    try:
        with transaction.atomic():
            response.save()
            for answer in item.answers:
                answer.pk = None
                answer.response = response
            Answer.objects.bulk_create(item.answers)
    except IntegrityError:
        return response_replayed(survey, item)
    return Accepted(response, created=True)
