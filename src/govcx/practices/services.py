"""Use cases of the self-assessment: start one for an authority and quarter, answer (all-or-nothing), submit,
review (accept with the central office's own levels, or return with a comment), delete a draft.

A reviewed assessment is frozen: every write to it is refused (Conflict). Writes re-select the assessment through
the actor's scope inside their transaction and raise its version, so two people cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govcx.accounts.roles import Action
from govcx.accounts.scoping import organisation_in_scope, require
from govcx.accounts.services import audit_record
from govcx.common.locking import bump_version
from govcx.common.weburls import is_web_url
from govcx.errors import Conflict, InvalidInput, NotFound, Problem
from govcx.practices import selectors
from govcx.practices.models import EDITABLE, PracticeAnswer, ReviewerScore, SelfAssessment, Status
from govcx.practices.questionnaire import Questionnaire, current_questionnaire, parse_quarter, questionnaire_for
from govcx.registry.models import Organisation

REVIEW_DECISIONS = (Status.REVIEWED.value, Status.RETURNED.value)
MAX_TEXT = 5000
MAX_LINKS = 20


def _selected(actor: Any, assessment: SelfAssessment, action: Action) -> SelfAssessment:
    require(actor, action)
    found = SelfAssessment.objects.for_user(actor, action).select_for_update().filter(pk=assessment.pk).first()
    if found is None:
        raise NotFound(f"self-assessment {assessment.pk} not found")
    return found


def _refuse_if_frozen(assessment: SelfAssessment) -> None:
    if assessment.status == Status.REVIEWED:
        raise Conflict(_("The self-assessment has been reviewed and can no longer be changed."))


def self_assessment_create(*, actor: Any, organisation_id: int, period: str) -> SelfAssessment:
    require(actor, Action.FILL_SELF_ASSESSMENT)
    quarter = parse_quarter(period)
    if not organisation_in_scope(actor, organisation_id, Action.FILL_SELF_ASSESSMENT) \
            or not Organisation.objects.filter(pk=organisation_id).exists():
        raise NotFound(f"organisation {organisation_id} not found")
    questionnaire = current_questionnaire()
    try:
        with transaction.atomic():
            assessment = SelfAssessment.objects.create(organisation_id=organisation_id, period=str(quarter),
                                                       questionnaire=questionnaire.key, created_by=actor)
            audit_record(actor=actor, action="self_assessment.create", obj=assessment,
                         organisation_id=organisation_id, changes={"period": str(quarter)})
    except IntegrityError:
        if SelfAssessment.objects.filter(organisation_id=organisation_id, period=str(quarter)).exists():
            raise Conflict(_("The authority already has a self-assessment for %(period)s.")
                           % {"period": quarter}) from None
        raise
    return assessment


def _level(value: Any, field: str, problems: list[Problem]) -> int | None:
    text = str(value).strip()
    whole = isinstance(value, int | str) and not isinstance(value, bool) and text.isascii() and text.isdigit()
    if not whole or len(text) > 3 or not 1 <= int(text) <= 5:
        problems.append(Problem(_("A level is a whole number from 1 to 5, not %(value)s.") % {"value": repr(value)},
                                field=field))
        return None
    return int(text)


def _function(value: Any, field: str, questionnaire: Questionnaire, seen: set[str],
              problems: list[Problem]) -> str | None:
    code = str(value or "")
    if questionnaire.function(code) is None:
        problems.append(Problem(_("Unknown function %(code)s; known: %(known)s.")
                                % {"code": repr(code), "known": ", ".join(questionnaire.function_codes)},
                                field=field))
        return None
    if code in seen:
        problems.append(Problem(_("The function %(code)s is given twice.") % {"code": code}, field=field))
        return None
    seen.add(code)
    return code


def _text(value: Any, field: str, problems: list[Problem]) -> str:
    text = "" if value is None else str(value).strip()
    if len(text) > MAX_TEXT:
        problems.append(Problem(_("At most %(n)s characters.") % {"n": MAX_TEXT}, field=field))
    return text


def _links(value: Any, field: str, problems: list[Problem]) -> list[str]:
    if value in (None, ""):
        return []
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list) or len(items) > MAX_LINKS:
        problems.append(Problem(_("Evidence links are a list of at most %(n)s web addresses.") % {"n": MAX_LINKS},
                                field=field))
        return []
    links = [str(item).strip() for item in items if str(item).strip()]
    for i, link in enumerate(links):
        if not is_web_url(link) or len(link) > 500:
            problems.append(Problem(_("%(link)s is not a web address (http or https).") % {"link": link[:80]},
                                    field=f"{field}[{i}]"))
    return links


def _validated_answers(questionnaire: Questionnaire, answers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Every answer checked before anything is stored; every problem named by its field ("answers[2].level")."""
    problems: list[Problem] = []
    seen: set[str] = set()
    valid = []
    for i, answer in enumerate(answers):
        where = f"answers[{i}]"
        if not isinstance(answer, Mapping):
            problems.append(Problem(_("Each answer names a function and a level."), field=where))
            continue
        function = _function(answer.get("function"), f"{where}.function", questionnaire, seen, problems)
        level = _level(answer.get("level"), f"{where}.level", problems)
        justification = _text(answer.get("justification"), f"{where}.justification", problems)
        links = _links(answer.get("evidence_links"), f"{where}.evidence_links", problems)
        if function is not None and level is not None:
            valid.append({"function": function, "level": level, "justification": justification,
                          "evidence_links": links})
    if problems:
        raise InvalidInput(problems)
    return valid


def self_assessment_answer(*, actor: Any, assessment: SelfAssessment, answers: Sequence[Mapping[str, Any]],
                           expected_version: int | None = None) -> SelfAssessment:
    """Record the authority's answers for the functions given (others stay as they were): all or nothing."""
    with transaction.atomic():
        assessment = _selected(actor, assessment, Action.FILL_SELF_ASSESSMENT)
        _refuse_if_frozen(assessment)
        if assessment.status not in EDITABLE:
            raise Conflict(_("The self-assessment has been submitted; it can be changed only if the central "
                             "office returns it."))
        valid = _validated_answers(questionnaire_for(assessment.questionnaire), answers)
        bump_version(assessment, expected=expected_version, what="the self-assessment")
        for answer in valid:
            PracticeAnswer.objects.update_or_create(
                assessment=assessment, function=answer["function"],
                defaults={k: v for k, v in answer.items() if k != "function"})
        audit_record(actor=actor, action="self_assessment.answer", obj=assessment,
                     organisation_id=assessment.organisation_id,
                     changes={a["function"]: a["level"] for a in valid})
    return assessment


def self_assessment_submit(*, actor: Any, assessment: SelfAssessment,
                           expected_version: int | None = None) -> SelfAssessment:
    with transaction.atomic():
        assessment = _selected(actor, assessment, Action.FILL_SELF_ASSESSMENT)
        _refuse_if_frozen(assessment)
        if assessment.status not in EDITABLE:
            raise Conflict(_("The self-assessment has already been submitted."))
        questionnaire = questionnaire_for(assessment.questionnaire)
        answered = selectors.self_levels(assessment)
        language = get_language() or "en"
        missing = [f for f in questionnaire.functions if f.code not in answered]
        if missing:
            raise InvalidInput([Problem(_("Choose a level for %(name)s before submitting.")
                                        % {"name": f.name.in_language(language)}, field=f.code) for f in missing])
        bump_version(assessment, expected=expected_version, what="the self-assessment", status=Status.SUBMITTED,
                     submitted_by=actor, submitted_at=timezone.now())
        audit_record(actor=actor, action="self_assessment.submit", obj=assessment,
                     organisation_id=assessment.organisation_id)
    return assessment


def _validated_scores(questionnaire: Questionnaire, self_scores: Mapping[str, int],
                      scores: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    problems: list[Problem] = []
    seen: set[str] = set()
    valid = []
    for i, score in enumerate(scores):
        where = f"scores[{i}]"
        if not isinstance(score, Mapping):
            problems.append(Problem(_("Each score names a function, a level and a reason."), field=where))
            continue
        function = _function(score.get("function"), f"{where}.function", questionnaire, seen, problems)
        level = _level(score.get("level"), f"{where}.level", problems)
        reason = _text(score.get("reason"), f"{where}.reason", problems)
        if function is None or level is None:
            continue
        if level == self_scores.get(function):
            continue  # the same as the self-score: accepted, nothing of the reviewer's own to keep
        if not reason:
            problems.append(Problem(_("Say why the level differs from the authority's own."),
                                    field=f"{where}.reason"))
            continue
        valid.append({"function": function, "level": level, "reason": reason})
    if problems:
        raise InvalidInput(problems)
    return valid


def self_assessment_review(*, actor: Any, assessment: SelfAssessment, decision: str, comment: str = "",
                           scores: Sequence[Mapping[str, Any]] = (),
                           expected_version: int | None = None) -> SelfAssessment:
    """Accept a submitted assessment (`reviewed`: frozen from then on, with the reviewer's own levels where they
    differ and the contradiction flags as shown), or send it back (`returned`: the comment says what to change)."""
    with transaction.atomic():
        assessment = _selected(actor, assessment, Action.REVIEW_SELF_ASSESSMENT)
        _refuse_if_frozen(assessment)
        if assessment.status != Status.SUBMITTED:
            raise Conflict(_("Only a submitted self-assessment can be reviewed."))
        if decision not in REVIEW_DECISIONS:
            raise InvalidInput([Problem(_("The decision is either reviewed or returned."), field="decision")])
        comment = (comment or "").strip()
        if len(comment) > MAX_TEXT:
            raise InvalidInput([Problem(_("At most %(n)s characters.") % {"n": MAX_TEXT}, field="comment")])
        if decision == Status.RETURNED and not comment:
            raise InvalidInput([Problem(_("Say what the authority should change."), field="comment")])
        questionnaire = questionnaire_for(assessment.questionnaire)
        valid = _validated_scores(questionnaire, selectors.self_levels(assessment), scores) \
            if decision == Status.REVIEWED else []
        flags = selectors.assessment_flags(assessment) if decision == Status.REVIEWED else []
        bump_version(assessment, expected=expected_version, what="the self-assessment", status=decision,
                     reviewed_by=actor, reviewed_at=timezone.now(), review_comment=comment,
                     flags_at_review=[f.as_dict() for f in flags])
        ReviewerScore.objects.filter(assessment=assessment).delete()
        ReviewerScore.objects.bulk_create([ReviewerScore(assessment=assessment, **score) for score in valid])
        audit_record(actor=actor, obj=assessment,
                     action="self_assessment.review" if decision == Status.REVIEWED else "self_assessment.return",
                     organisation_id=assessment.organisation_id,
                     changes={"scores": {s["function"]: s["level"] for s in valid}, "flags": len(flags)})
    return assessment


def self_assessment_delete(*, actor: Any, assessment: SelfAssessment) -> None:
    with transaction.atomic():
        assessment = _selected(actor, assessment, Action.FILL_SELF_ASSESSMENT)
        if assessment.status != Status.DRAFT:
            raise Conflict(_("Only a draft self-assessment can be deleted."))
        audit_record(actor=actor, action="self_assessment.delete", obj=assessment,
                     organisation_id=assessment.organisation_id)
        assessment.delete()
