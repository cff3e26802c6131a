"""Use cases of pilots: programmes and their participants, pre-registered criteria (frozen once the pilot runs,
changed only by a new version with its reason), the programme's life cycle and the analysis with its decisions."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.accounts.services import audit_record
from govcx.errors import Conflict, Invalid, NotFound
from govcx.maturity import measure_names
from govcx.maturity.selectors import measure_panel
from govcx.pilots.decision import Direction, Rule, Verdict, decide
from govcx.pilots.models import (
    COMPARISON_GROUPS,
    DIRECTIONS,
    PARTICIPANT_ROLES,
    TOOLS,
    EffectivenessCriterion,
    PilotAnalysis,
    PilotParticipant,
    PilotProgramme,
    PilotResult,
)
from govcx.registry.models import Organisation

SEED = 20260301
REPS = 9999
EVENT_REPS = 999
CRITERION_FIELDS = ("tool", "measure", "direction", "minimum_effect", "iterate_threshold", "confidence",
                    "comparison_group")


def _invalid(message: str, field: str) -> Invalid:
    return Invalid(message, details=[{"field": field, "message": message}])


def _managed(actor: Any, programme: PilotProgramme) -> PilotProgramme:
    """The programme re-selected through the actor's scope for managing pilots, inside the transaction."""
    require(actor, Action.MANAGE_PILOTS)
    found = PilotProgramme.objects.for_user(actor, Action.MANAGE_PILOTS).select_for_update().filter(pk=programme.pk)
    selected: PilotProgramme | None = found.first()
    if selected is None:
        raise NotFound(f"programme {programme.pk} not found")
    return selected


def programme_create(*, actor: Any, owner: Organisation, name: str, tools: Sequence[str], starts_on: dt.date,
                     ends_on: dt.date) -> PilotProgramme:
    require(actor, Action.MANAGE_PILOTS)
    name = (name or "").strip()
    if not name:
        raise _invalid(_("the programme needs a name"), "name")
    unknown = [t for t in tools if t not in TOOLS]
    if not tools or unknown:
        raise _invalid(_("tools must be among %(known)s") % {"known": ", ".join(TOOLS)}, "tools")
    if ends_on <= starts_on:
        raise _invalid(_("the pilot must end after it starts"), "ends_on")
    with transaction.atomic():
        programme = PilotProgramme.objects.create(owner=owner, name=name[:200], tools=list(dict.fromkeys(tools)),
                                                  starts_on=starts_on, ends_on=ends_on)
        audit_record(actor=actor, action="pilot.create", obj=programme, organisation_id=owner.pk,
                     changes={"tools": programme.tools, "starts_on": str(starts_on), "ends_on": str(ends_on)})
    return programme


def participant_add(*, actor: Any, programme: PilotProgramme, organisation: Organisation, role: str
                    ) -> PilotParticipant:
    if role not in PARTICIPANT_ROLES:
        raise _invalid(_("the role must be one of %(known)s") % {"known": ", ".join(PARTICIPANT_ROLES)}, "role")
    with transaction.atomic():
        programme = _managed(actor, programme)
        if programme.status != "planned":
            raise Conflict(_("participants are fixed once the pilot has started"))
        if programme.participants.filter(organisation=organisation).exists():
            raise _invalid(_("%(name)s already takes part") % {"name": organisation.name}, "organisation")
        participant = PilotParticipant.objects.create(programme=programme, organisation=organisation, role=role)
        audit_record(actor=actor, action="pilot.participant_add", obj=programme, organisation_id=programme.owner_id,
                     changes={"organisation": organisation.pk, "role": role})
    return participant


def _clean_criterion(programme: PilotProgramme, values: dict[str, Any]) -> dict[str, Any]:
    """The criterion's fields checked one by one, each refusal naming its field."""
    tool = values.get("tool") or ""
    if tool not in programme.tools:
        known = ", ".join(programme.tools)
        raise _invalid(_("the tool must be one the programme pilots: %(known)s") % {"known": known}, "tool")
    measure = values.get("measure") or ""
    if not measure_names.is_known(measure):
        raise _invalid(_("no area provides a measure called %(name)s") % {"name": repr(measure)}, "measure")
    direction = values.get("direction") or "increase"
    if direction not in DIRECTIONS:
        raise _invalid(_("the direction must be one of %(known)s") % {"known": ", ".join(DIRECTIONS)}, "direction")
    group = values.get("comparison_group") or ""
    if not group:
        raise _invalid(_("a criterion needs a comparison group (the kind of authority compared)"),
                       "comparison_group")
    if group not in COMPARISON_GROUPS:
        raise _invalid(_("the comparison group must be one of %(known)s") % {"known": ", ".join(COMPARISON_GROUPS)},
                       "comparison_group")
    numbers: dict[str, float] = {}
    for field, default in (("minimum_effect", None), ("iterate_threshold", None), ("confidence", 0.95)):
        raw = values.get(field, default)
        try:
            number = float(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise _invalid(_("a number is needed"), field) from None
        if not math.isfinite(number):
            raise _invalid(_("a finite number is needed"), field)
        numbers[field] = number
    if not 0.5 <= numbers["confidence"] < 1:
        raise _invalid(_("the confidence level is between 0.5 and 1 (0.95 for 95%)"), "confidence")
    try:
        Rule(direction=Direction(direction), minimum_effect=numbers["minimum_effect"],
             iterate_threshold=numbers["iterate_threshold"])
    except ValueError as error:
        if "iterate" in str(error):
            raise _invalid(_("the iterate threshold cannot exceed the minimum effect worth scaling"),
                           "iterate_threshold") from None
        raise _invalid(_("the minimum effect is given in the expected direction and cannot be negative"),
                       "minimum_effect") from None
    return {"tool": tool, "measure": measure, "direction": direction, "comparison_group": group, **numbers}


def criterion_create(*, actor: Any, programme: PilotProgramme, key: str, values: dict[str, Any]
                     ) -> EffectivenessCriterion:
    """A new criterion, registered before results exist: only while the programme is planned."""
    key = (key or "").strip()
    if not key or not key.replace("-", "").replace("_", "").isalnum() or not key.isascii():
        raise _invalid(_("the key is a short code of letters, digits, - and _"), "key")
    with transaction.atomic():
        programme = _managed(actor, programme)
        if programme.status != "planned":
            raise Conflict(_("criteria are registered before the pilot starts; change one by a new version"))
        if programme.criteria.filter(key=key).exists():
            raise _invalid(_("a criterion %(key)s exists already") % {"key": repr(key)}, "key")
        criterion = EffectivenessCriterion.objects.create(programme=programme, key=key[:64], created_by=_user(actor),
                                                          **_clean_criterion(programme, values))
        audit_record(actor=actor, action="pilot.criterion_create", obj=criterion,
                     organisation_id=programme.owner_id, changes={"key": key})
    return criterion


def criterion_update(*, actor: Any, criterion: EffectivenessCriterion, values: dict[str, Any]
                     ) -> EffectivenessCriterion:
    """Edit a criterion in place: refused once it is frozen (the pilot has started)."""
    with transaction.atomic():
        programme = _managed(actor, criterion.programme)
        current = EffectivenessCriterion.objects.select_for_update().get(pk=criterion.pk)
        if current.frozen_at is not None or programme.status != "planned":
            raise Conflict(_("this criterion is frozen since the pilot started; register a new version with a reason"))
        cleaned = _clean_criterion(programme, {**{f: getattr(current, f) for f in CRITERION_FIELDS}, **values})
        for field, value in cleaned.items():
            setattr(current, field, value)
        current.save()
        audit_record(actor=actor, action="pilot.criterion_update", obj=current, organisation_id=programme.owner_id,
                     changes={k: v for k, v in cleaned.items() if k in values})
    return current


def criterion_revise(*, actor: Any, criterion: EffectivenessCriterion, values: dict[str, Any], reason: str
                     ) -> EffectivenessCriterion:
    """A new version of a frozen criterion, with its reason; the versions before stay and are shown."""
    reason = (reason or "").strip()
    if not reason:
        raise _invalid(_("say why the registered criterion changes"), "reason")
    with transaction.atomic():
        programme = _managed(actor, criterion.programme)
        if programme.status == "planned":
            raise Conflict(_("the pilot has not started: edit the criterion itself"))
        if programme.status == "finished":
            raise Conflict(_("the pilot has finished: its criteria stay as registered"))
        latest = programme.criteria.select_for_update().filter(key=criterion.key, superseded=False).first()
        if latest is None or latest.pk != criterion.pk:
            raise Conflict(_("a newer version of this criterion exists; revise that one"))
        cleaned = _clean_criterion(programme, {**{f: getattr(latest, f) for f in CRITERION_FIELDS}, **values})
        latest.superseded = True
        latest.save(update_fields=["superseded"])
        version = programme.criteria.filter(key=latest.key).aggregate(top=Max("version"))["top"] + 1
        revised = EffectivenessCriterion.objects.create(
            programme=programme, key=latest.key, version=version, reason=reason[:2000], frozen_at=timezone.now(),
            created_by=_user(actor), **cleaned)
        audit_record(actor=actor, action="pilot.criterion_revise", obj=revised, organisation_id=programme.owner_id,
                     changes={"version": version, "reason": reason[:200]})
    return revised


def programme_start(*, actor: Any, programme: PilotProgramme) -> PilotProgramme:
    """planned → running: needs treated participants and at least one criterion; freezes every criterion."""
    with transaction.atomic():
        programme = _managed(actor, programme)
        if programme.status != "planned":
            raise Conflict(_("only a planned pilot can start"))
        if not programme.participants.filter(role="treated").exists():
            raise _invalid(_("a pilot needs treated participants before it starts"), "participants")
        if not programme.criteria.exists():
            raise _invalid(_("register the effectiveness criteria before the pilot starts"), "criteria")
        programme.criteria.update(frozen_at=timezone.now())
        programme.status = "running"
        programme.save(update_fields=["status"])
        audit_record(actor=actor, action="pilot.start", obj=programme, organisation_id=programme.owner_id)
    return programme


def programme_finish(*, actor: Any, programme: PilotProgramme) -> PilotProgramme:
    with transaction.atomic():
        programme = _managed(actor, programme)
        if programme.status != "running":
            raise Conflict(_("only a running pilot can finish"))
        programme.status = "finished"
        programme.save(update_fields=["status"])
        audit_record(actor=actor, action="pilot.finish", obj=programme, organisation_id=programme.owner_id)
    return programme


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _estimate(programme: PilotProgramme, criterion: EffectivenessCriterion, participants: list[tuple[int, str, str]],
              *, reps: int, event_reps: int, seed: int) -> dict[str, Any]:
    """The fields of one result: the estimator's figures and the registered rule's decision, or the problem."""
    from govcx.pilots import did  # NumPy: the estimate runs in the worker, the URL map does not load it

    group = criterion.comparison_group  # participants and comparison authorities of this kind (or all)
    treated = [org for org, role, level in participants if role == "treated" and group in ("all", level)]
    comparison = [org for org, role, level in participants if role == "comparison" and group in ("all", level)]
    rows = measure_panel(measures=[criterion.measure], organisation_ids=treated + comparison, periods=None)
    try:
        panel = did.panel_from_rows(rows, treated=treated, start_period=programme.start_period)
        analysis = did.analyse(panel, reps=reps, event_reps=event_reps, draws=reps, seed=seed,
                               confidence=criterion.confidence)
    except did.PanelError as error:
        return {"decision": Verdict.UNDECIDED.value, "problem": error.reason}
    rule = Rule(direction=Direction(criterion.direction), minimum_effect=criterion.minimum_effect,
                iterate_threshold=criterion.iterate_threshold)
    verdict = decide(rule, estimate=analysis.estimate, low=analysis.low, high=analysis.high)
    return {
        "estimate": analysis.estimate, "low": _finite(analysis.low), "high": _finite(analysis.high),
        "p_value": analysis.p_value, "method": analysis.method, "se_cr1": _finite(analysis.se_cr1),
        "ri_p_value": analysis.randomisation.p_value, "ri_low": _finite(analysis.randomisation.low),
        "ri_high": _finite(analysis.randomisation.high),
        "events": [{"relative_period": e.relative_period, "period": str(e.period), "estimate": e.estimate,
                    "low": _finite(e.low), "high": _finite(e.high)} for e in analysis.events],
        "leave_one_out": [{"organisation_id": org, "estimate": value} for org, value in analysis.leave_one_out],
        "n_clusters": analysis.n_clusters, "n_treated": analysis.n_treated, "n_obs": analysis.n_obs,
        "decision": verdict.value,
    }


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def analysis_run(*, actor: Any, programme: PilotProgramme, reps: int = REPS, event_reps: int = EVENT_REPS,
                 seed: int = SEED) -> PilotAnalysis:
    """Estimate every current criterion from the KPI panel and store the results with their decisions."""
    require(actor, Action.MANAGE_PILOTS)
    found = PilotProgramme.objects.for_user(actor, Action.MANAGE_PILOTS).filter(pk=programme.pk).first()
    if found is None:
        raise NotFound(f"programme {programme.pk} not found")
    programme = found
    if programme.status == "planned":
        raise Conflict(_("the pilot has not started: there is nothing to compare yet"))
    participants = [(p.organisation_id, p.role, p.organisation.level)
                    for p in programme.participants.select_related("organisation")]
    criteria = list(programme.criteria.filter(superseded=False).order_by("key"))
    results = [(c, _estimate(programme, c, participants, reps=reps, event_reps=event_reps, seed=seed))
               for c in criteria]
    with transaction.atomic():
        analysis = PilotAnalysis.objects.create(programme=programme, created_by=_user(actor), seed=seed, reps=reps)
        PilotResult.objects.bulk_create(
            [PilotResult(analysis=analysis, criterion=c, **fields) for c, fields in results])
        audit_record(actor=actor, action="pilot.analyse", obj=analysis, organisation_id=programme.owner_id,
                     changes={"criteria": len(results)})
    return analysis
