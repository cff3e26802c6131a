"""The analysis board: observations noted during sessions, and the findings they are merged into."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from govcx.accounts.roles import Action
from govcx.common.bounds import Id
from govcx.errors import Invalid
from govcx.lab import selectors
from govcx.lab.models import Finding, Observation
from govcx.lab.schemas import (
    FindingFields,
    FindingIn,
    FindingOut,
    MergeIn,
    ObservationIn,
    ObservationOut,
    ObservationPatch,
)
from govcx.lab.services import finding as services

router = Router(tags=["lab"])


def _observation_out(observation: Observation) -> dict[str, Any]:
    return {
        **{f: getattr(observation, f) for f in ("id", "session_id", "task_id", "at_seconds", "text", "tags",
                                                "finding_id", "created_at")},
        "participant_code": observation.session.participant.code,
    }


def _finding_out(finding: Finding) -> dict[str, Any]:
    return {
        **{f: getattr(finding, f) for f in ("id", "study_id", "title", "description", "severity", "task_id",
                                            "screen", "recommendation", "status")},
        "participant_ids": sorted(p.pk for p in finding.participants.all()),
        "observation_ids": sorted(o.pk for o in finding.observations.all()),
    }


def _finding_values(request: HttpRequest, study_id: int, payload: FindingFields) -> dict[str, Any]:
    """The finding's fields as sent, with the task and participants named by id fetched from the study."""
    values = payload.model_dump(exclude_unset=True, exclude={"task_id", "participant_ids"})
    if "task_id" in payload.model_fields_set:
        values["task"] = selectors.task_in_study(request.user, study_id, payload.task_id)
    if payload.participant_ids is not None:
        values["participants"] = selectors.participants_in_study(request.user, study_id, payload.participant_ids)
    return values


# ---- observations -------------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/observations", response=list[ObservationOut],
            operation_id="govcx_lab_api_observation_list")
def observation_list(request: HttpRequest, study_id: Id, tag: str | None = None):
    study = selectors.access_study(request.user, study_id)
    return [_observation_out(o) for o in selectors.observation_list(request.user, study, tag=tag)]


@router.post("/sessions/{session_id}/observations", response={201: ObservationOut},
             operation_id="govcx_lab_api_observation_add")
def observation_add(request: HttpRequest, session_id: Id, payload: ObservationIn):
    session = selectors.access_session(request.user, session_id, Action.RUN_LAB)
    observation = services.observation_add(
        actor=request.user, session=session, text=payload.text, at_seconds=payload.at_seconds, tags=payload.tags,
        task=selectors.task_in_study(request.user, session.study_id, payload.task_id),
    )
    return Status(201, _observation_out(observation))


@router.patch("/observations/{observation_id}", response=ObservationOut,
              operation_id="govcx_lab_api_observation_update")
def observation_update(request: HttpRequest, observation_id: Id, payload: ObservationPatch):
    observation = selectors.access_observation(request.user, observation_id, Action.RUN_LAB)
    values = payload.model_dump(exclude_unset=True, exclude={"task_id"})
    if "task_id" in payload.model_fields_set:
        values["task"] = selectors.task_in_study(request.user, observation.session.study_id, payload.task_id)
    return _observation_out(services.observation_update(actor=request.user, observation=observation, **values))


@router.delete("/observations/{observation_id}", response={204: None},
               operation_id="govcx_lab_api_observation_delete")
def observation_delete(request: HttpRequest, observation_id: Id):
    observation = selectors.access_observation(request.user, observation_id, Action.RUN_LAB)
    services.observation_delete(actor=request.user, observation=observation)
    return Status(204, None)


@router.post("/studies/{study_id}/observations/merge", response=FindingOut,
             operation_id="govcx_lab_api_observation_merge")
def observation_merge(request: HttpRequest, study_id: Id, payload: MergeIn):
    """Merge observations into an existing finding (finding_id) or a new one (finding)."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    observations = selectors.observations_in_study(request.user, study, payload.observation_ids)
    if payload.finding_id is not None:
        finding = selectors.access_finding(request.user, payload.finding_id, Action.RUN_LAB)
        merged = services.observation_merge(actor=request.user, observations=observations, finding=finding)
    elif payload.finding is not None:
        merged = services.observation_merge(actor=request.user, observations=observations,
                                            **_finding_values(request, study.pk, payload.finding))
    else:
        raise Invalid("give finding_id or a new finding", details=[{"field": "finding"}])
    return _finding_out(merged)


# ---- findings -----------------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/findings", response=list[FindingOut], operation_id="govcx_lab_api_finding_list")
def finding_list(request: HttpRequest, study_id: Id):
    study = selectors.access_study(request.user, study_id)
    return [_finding_out(f) for f in study.findings.prefetch_related("participants", "observations")]


@router.post("/studies/{study_id}/findings", response={201: FindingOut}, operation_id="govcx_lab_api_finding_create")
def finding_create(request: HttpRequest, study_id: Id, payload: FindingIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return Status(201, _finding_out(services.finding_create(actor=request.user, study=study,
                                                            **_finding_values(request, study.pk, payload))))


@router.get("/findings/{finding_id}", response=FindingOut, operation_id="govcx_lab_api_finding_get")
def finding_get(request: HttpRequest, finding_id: Id):
    return _finding_out(selectors.access_finding(request.user, finding_id))


@router.patch("/findings/{finding_id}", response=FindingOut, operation_id="govcx_lab_api_finding_update")
def finding_update(request: HttpRequest, finding_id: Id, payload: FindingFields):
    finding = selectors.access_finding(request.user, finding_id, Action.RUN_LAB)
    return _finding_out(services.finding_update(actor=request.user, finding=finding,
                                                **_finding_values(request, finding.study_id, payload)))


@router.delete("/findings/{finding_id}", response={204: None}, operation_id="govcx_lab_api_finding_delete")
def finding_delete(request: HttpRequest, finding_id: Id):
    services.finding_delete(actor=request.user,
                            finding=selectors.access_finding(request.user, finding_id, Action.RUN_LAB))
    return Status(204, None)
