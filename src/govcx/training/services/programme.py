"""The programme, its courses, requirements, equivalences and learning platforms."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from govcx.accounts.roles import Action
from govcx.accounts.scoping import organisation_in_scope, require
from govcx.accounts.services import audit_record
from govcx.common.tokens import new_token, token_hash
from govcx.errors import Conflict, Invalid, NotFound
from govcx.training import xapi
from govcx.training.forecast import deadline_for
from govcx.training.models import (
    COURSE_KINDS,
    POSITION_CATEGORIES,
    Course,
    Equivalence,
    LearningPlatform,
    Programme,
    Requirement,
)
from govcx.training.services.trained import trained_refresh


def _managed(actor: Any, programme: Programme) -> Programme:
    """The programme re-selected through the actor's scope for managing training, inside the transaction."""
    found = Programme.objects.for_user(actor, Action.MANAGE_TRAINING).select_for_update().filter(pk=programme.pk)
    selected: Programme | None = found.first()
    if selected is None:
        raise NotFound("programme not found")
    return selected


def programme_create(*, actor: Any, organisation: Any, name: str, starts_on: dt.date,
                     deadline_on: dt.date | None = None) -> Programme:
    require(actor, Action.MANAGE_TRAINING)
    if not organisation_in_scope(actor, organisation.pk, Action.MANAGE_TRAINING):
        raise NotFound(f"organisation {organisation.pk} not found")
    name = (name or "").strip()
    if not name:
        raise Invalid("the programme needs a name", details=[{"field": "name"}])
    deadline_on = deadline_on or deadline_for(starts_on)
    if deadline_on <= starts_on:
        raise Invalid("the deadline must come after the start", details=[{"field": "deadline_on"}])
    with transaction.atomic():
        programme = Programme.objects.create(organisation=organisation, name=name[:200], starts_on=starts_on,
                                             deadline_on=deadline_on)
        audit_record(actor=actor, action="programme.create", obj=programme, organisation_id=organisation.pk,
                     changes={"starts_on": str(starts_on), "deadline_on": str(deadline_on)})
    return programme


def course_create(*, actor: Any, programme: Programme, code: str, name: str, kind: str, activity_id: str,
                  position_categories: list[str] | None = None) -> Course:
    if kind not in COURSE_KINDS:
        raise Invalid(f"the kind of course must be one of {', '.join(COURSE_KINDS)}", details=[{"field": "kind"}])
    xapi.iri(activity_id, "activity_id")
    for category in position_categories or []:
        if category not in POSITION_CATEGORIES:
            raise Invalid(f"unknown position category {category!r}", details=[{"field": "position_categories"}])
    with transaction.atomic():
        programme = _managed(actor, programme)
        try:
            with transaction.atomic():
                course = Course.objects.create(programme=programme, code=code, name=name[:200], kind=kind,
                                               activity_id=activity_id)
        except IntegrityError:
            raise Conflict("the programme already has a course with this code or activity id") from None
        for category in position_categories or []:
            Requirement.objects.create(programme=programme, position_category=category, course=course)
        if position_categories:
            trained_refresh(programme=programme)  # people trained before now have one more course to take
        audit_record(actor=actor, action="course.create", obj=course, organisation_id=programme.organisation_id,
                     changes={"code": code, "requirements": position_categories or []})
    return course


def equivalence_add(*, actor: Any, course: Course, identifier: str, note: str = "") -> Equivalence:
    identifier = (identifier or "").strip()
    if not identifier:
        raise Invalid("give the activity id or course code that counts", details=[{"field": "identifier"}])
    with transaction.atomic():
        programme = _managed(actor, course.programme)
        equivalence, _created = Equivalence.objects.get_or_create(course=course, identifier=identifier[:500],
                                                                  defaults={"note": note[:200]})
        audit_record(actor=actor, action="equivalence.add", obj=equivalence,
                     organisation_id=programme.organisation_id, changes={"identifier": identifier})
    return equivalence


def platform_create(*, actor: Any, programme: Programme, name: str, home_page: str) -> tuple[LearningPlatform, str]:
    """A learning platform and its xAPI credentials; the secret is returned once and stored only as its SHA-256
    (a random 256-bit secret needs no slow hash, and the LRS checks it on every request)."""
    xapi.iri(home_page, "home_page")
    username = "lms-" + secrets.token_hex(6)
    secret = new_token()
    with transaction.atomic():
        programme = _managed(actor, programme)
        platform = LearningPlatform.objects.create(programme=programme, name=(name or username)[:200],
                                                   username=username, secret_hash=token_hash(secret),
                                                   home_page=home_page)
        audit_record(actor=actor, action="platform.create", obj=platform, organisation_id=programme.organisation_id,
                     changes={"username": username})
    return platform, secret


def questionnaire_seed(*, actor: Any, programme: Programme) -> int:
    """Give the programme the shipped questionnaire (`instrument.ITEMS`); items it already has are kept."""
    from govcx.training.instrument import ITEMS
    from govcx.training.models import AttitudeItem

    with transaction.atomic():
        programme = _managed(actor, programme)
        created = 0
        for order, item in enumerate(ITEMS):
            _item, made = AttitudeItem.objects.get_or_create(
                programme=programme, code=item.code,
                defaults={"scale": item.scale, "text_en": item.text_en, "text_ru": item.text_ru,
                          "reverse": item.reverse, "order": order})
            created += made
        audit_record(actor=actor, action="questionnaire.seed", obj=programme,
                     organisation_id=programme.organisation_id, changes={"items": created})
    return created
