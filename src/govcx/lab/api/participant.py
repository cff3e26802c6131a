"""A study's participants: recruitment, corrections, withdrawal, consent and incentives. Personal fields are sent
only to the lab's own researchers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from govcx.accounts.roles import Action
from govcx.common.bounds import Id
from govcx.lab import selectors
from govcx.lab.models import Participant
from govcx.lab.schemas import (
    ConsentIn,
    ConsentOut,
    IncentiveIn,
    IncentiveOut,
    ParticipantFields,
    ParticipantIn,
    ParticipantOut,
)
from govcx.lab.services import participant as services

router = Router(tags=["lab"])


def _participant_out(request: HttpRequest, participant: Participant) -> dict[str, Any]:
    personal = selectors.can_view_participants(request.user, participant.study)
    return selectors.participant_dict(participant, personal=personal)


@router.get("/studies/{study_id}/participants", response=list[ParticipantOut], exclude_unset=True,
            operation_id="govcx_lab_api_participant_list")
def participant_list(request: HttpRequest, study_id: Id):
    study = selectors.access_study(request.user, study_id)
    personal = selectors.can_view_participants(request.user, study)
    return [selectors.participant_dict(p, personal=personal) for p in study.participants.all()]


@router.post("/studies/{study_id}/participants", response={201: ParticipantOut}, exclude_unset=True,
             operation_id="govcx_lab_api_participant_recruit")
def participant_recruit(request: HttpRequest, study_id: Id, payload: ParticipantIn):
    """Recruit a candidate: the screener's accepted answers and full quotas are checked; code P01... assigned."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    participant = services.participant_recruit(actor=request.user, study=study,
                                               **payload.model_dump(exclude_unset=True))
    return Status(201, _participant_out(request, participant))


@router.get("/participants/{participant_id}", response=ParticipantOut, exclude_unset=True,
            operation_id="govcx_lab_api_participant_get")
def participant_get(request: HttpRequest, participant_id: Id):
    return _participant_out(request, selectors.access_participant(request.user, participant_id))


@router.patch("/participants/{participant_id}", response=ParticipantOut, exclude_unset=True,
              operation_id="govcx_lab_api_participant_update")
def participant_update(request: HttpRequest, participant_id: Id, payload: ParticipantFields):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    participant = services.participant_update(actor=request.user, participant=participant,
                                              **payload.model_dump(exclude_unset=True))
    return _participant_out(request, participant)


@router.delete("/participants/{participant_id}", response={204: None},
               operation_id="govcx_lab_api_participant_delete")
def participant_delete(request: HttpRequest, participant_id: Id):
    participant = selectors.access_participant(request.user, participant_id, Action.RUN_LAB)
    services.participant_delete(actor=request.user, participant=participant)
    return Status(204, None)


@router.post("/participants/{participant_id}/withdraw", response=ParticipantOut, exclude_unset=True,
             operation_id="govcx_lab_api_participant_withdraw")
def participant_withdraw(request: HttpRequest, participant_id: Id):
    """Withdraw: personal data and recordings are deleted; anonymised results stay under the code."""
    participant = selectors.access_participant(request.user, participant_id, Action.RUN_LAB)
    return _participant_out(request, services.participant_withdraw(actor=request.user, participant=participant))


@router.get("/participants/{participant_id}/consent", response=ConsentOut, operation_id="govcx_lab_api_consent_get")
def consent_get(request: HttpRequest, participant_id: Id):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    return selectors.participant_consent(request.user, participant)


@router.put("/participants/{participant_id}/consent", response=ConsentOut,
            operation_id="govcx_lab_api_consent_record")
def consent_record(request: HttpRequest, participant_id: Id, payload: ConsentIn):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    return services.consent_record(actor=request.user, participant=participant, **payload.model_dump())


@router.get("/participants/{participant_id}/incentives", response=list[IncentiveOut],
            operation_id="govcx_lab_api_incentive_list")
def incentive_list(request: HttpRequest, participant_id: Id):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    return participant.incentives.all()


@router.post("/participants/{participant_id}/incentives", response={201: IncentiveOut},
             operation_id="govcx_lab_api_incentive_record")
def incentive_record(request: HttpRequest, participant_id: Id, payload: IncentiveIn):
    participant = selectors.access_participant(request.user, participant_id, Action.VIEW_PARTICIPANTS)
    return Status(201, services.incentive_record(actor=request.user, participant=participant,
                                                 **payload.model_dump()))
