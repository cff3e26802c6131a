"""Studies, their re-tests, tasks and quotas, and the figures of a study (metrics, re-test comparison)."""

from __future__ import annotations

import dataclasses
from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from govcx.accounts.roles import Action
from govcx.common.bounds import Id
from govcx.errors import NotFound
from govcx.lab import selectors
from govcx.lab.models import Quota
from govcx.lab.schemas import (
    OwnerConsentIn,
    QuotaIn,
    QuotaOut,
    QuotaPatch,
    RetestIn,
    StudyIn,
    StudyOut,
    StudyPatch,
    TaskFields,
    TaskIn,
    TaskOut,
    VersionIn,
)
from govcx.lab.services import study as services

router = Router(tags=["lab"])


# ---- studies ------------------------------------------------------------------------------------------------


@router.get("/studies", response=list[StudyOut], operation_id="govcx_lab_api_study_list")
def study_list(request: HttpRequest, service_id: Id | None = None, status: str | None = None):
    studies = selectors.study_list(user=request.user)
    if service_id is not None:
        studies = studies.filter(service_id=service_id)
    return studies.filter(status=status) if status else studies


@router.post("/studies", response={201: StudyOut}, operation_id="govcx_lab_api_study_create")
def study_create(request: HttpRequest, payload: StudyIn):
    service = selectors.service_to_study(payload.service_id)
    lab = selectors.lab_organisation(request.user, payload.lab_id)
    return Status(201, services.study_create(actor=request.user, service=service, lab=lab,
                                             **payload.model_dump(exclude_unset=True,
                                                                  exclude={"service_id", "lab_id"})))


@router.get("/studies/{study_id}", response=StudyOut, operation_id="govcx_lab_api_study_get")
def study_get(request: HttpRequest, study_id: Id):
    return selectors.access_study(request.user, study_id)


@router.patch("/studies/{study_id}", response=StudyOut, operation_id="govcx_lab_api_study_update")
def study_update(request: HttpRequest, study_id: Id, payload: StudyPatch):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return services.study_update(actor=request.user, study=study, expected_version=payload.version,
                                 **payload.model_dump(exclude_unset=True, exclude={"version"}))


@router.delete("/studies/{study_id}", response={204: None}, operation_id="govcx_lab_api_study_delete")
def study_delete(request: HttpRequest, study_id: Id):
    services.study_delete(actor=request.user, study=selectors.access_study(request.user, study_id, Action.RUN_LAB))
    return Status(204, None)


@router.post("/studies/{study_id}/close", response=StudyOut, operation_id="govcx_lab_api_study_close")
def study_close(request: HttpRequest, study_id: Id, payload: VersionIn):
    """Close the study and compute its launch verdict."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return services.study_close(actor=request.user, study=study, expected_version=payload.version)


@router.post("/studies/{study_id}/owner-consent", response=StudyOut, operation_id="govcx_lab_api_study_owner_consent")
def study_owner_consent(request: HttpRequest, study_id: int, payload: OwnerConsentIn):
    """The service's owning authority (service owner or administrator) consents to, or refuses, a study of its
    service by another authority's lab; until it consents, the study stays a draft."""
    study = selectors.access_study(request.user, study_id)
    return services.study_owner_consent(actor=request.user, study=study, give=payload.give)


@router.post("/studies/{study_id}/reopen", response=StudyOut, operation_id="govcx_lab_api_study_reopen")
def study_reopen(request: HttpRequest, study_id: Id):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return services.study_reopen(actor=request.user, study=study)


@router.post("/studies/{study_id}/retest", response={201: StudyOut}, operation_id="govcx_lab_api_study_retest")
def study_retest(request: HttpRequest, study_id: Id, payload: RetestIn):
    """A re-test of the same tasks (same keys), quotas and screener."""
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return Status(201, services.retest_create(actor=request.user, study=study, title=payload.title,
                                              title_en=payload.title_en))


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
        if hasattr(value, "message"):
            data["message"] = value.message
        return data
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, frozenset | set):
        return sorted(value)
    return value.value if hasattr(value, "value") and not isinstance(value, str | int | float) else value


@router.get("/studies/{study_id}/metrics", response=dict[str, Any], operation_id="govcx_lab_api_study_metrics")
def study_metrics(request: HttpRequest, study_id: Id):
    """Every metric of the study with its interval, the ranked findings, the participant × problem matrix,
    planning figures and the launch verdict with its reasons (the StudyAnalysis of govcx.lab.analysis)."""
    study = selectors.access_study(request.user, study_id)
    return _jsonable(selectors.study_analysis(study))


@router.get("/studies/{study_id}/compare", response=dict[str, Any], operation_id="govcx_lab_api_study_compare")
def study_compare(request: HttpRequest, study_id: Id):
    """A re-test compared with the study it re-tests, task by task (404 for an original study)."""
    study = selectors.access_study(request.user, study_id)
    comparison = selectors.study_comparison(study)
    if comparison is None:
        raise NotFound(f"study {study_id} is not a re-test")
    return _jsonable(comparison)


# ---- tasks --------------------------------------------------------------------------------------------------


@router.get("/studies/{study_id}/tasks", response=list[TaskOut], operation_id="govcx_lab_api_task_list")
def task_list(request: HttpRequest, study_id: Id):
    return selectors.access_study(request.user, study_id).tasks.all()


@router.post("/studies/{study_id}/tasks", response={201: TaskOut}, operation_id="govcx_lab_api_task_create")
def task_create(request: HttpRequest, study_id: Id, payload: TaskIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return Status(201, services.task_create(actor=request.user, study=study,
                                            **payload.model_dump(exclude_unset=True)))


@router.get("/tasks/{task_id}", response=TaskOut, operation_id="govcx_lab_api_task_get")
def task_get(request: HttpRequest, task_id: Id):
    return selectors.access_task(request.user, task_id)


@router.patch("/tasks/{task_id}", response=TaskOut, operation_id="govcx_lab_api_task_update")
def task_update(request: HttpRequest, task_id: Id, payload: TaskFields):
    task = selectors.access_task(request.user, task_id, Action.RUN_LAB)
    return services.task_update(actor=request.user, task=task, **payload.model_dump(exclude_unset=True))


@router.delete("/tasks/{task_id}", response={204: None}, operation_id="govcx_lab_api_task_delete")
def task_delete(request: HttpRequest, task_id: Id):
    services.task_delete(actor=request.user, task=selectors.access_task(request.user, task_id, Action.RUN_LAB))
    return Status(204, None)


# ---- quotas -------------------------------------------------------------------------------------------------


def _quota_out(quota: Quota, recruited: int) -> dict[str, Any]:
    return {f: getattr(quota, f) for f in ("id", "study_id", "dimension", "value", "target")} | {
        "recruited": recruited}


def _quota_filled(quota: Quota) -> dict[str, Any]:
    return _quota_out(quota, dict((q.pk, n) for q, n in selectors.quota_fill(quota.study))[quota.pk])


@router.get("/studies/{study_id}/quotas", response=list[QuotaOut], operation_id="govcx_lab_api_quota_list")
def quota_list(request: HttpRequest, study_id: Id):
    study = selectors.access_study(request.user, study_id)
    return [_quota_out(q, n) for q, n in selectors.quota_fill(study)]


@router.post("/studies/{study_id}/quotas", response={201: QuotaOut}, operation_id="govcx_lab_api_quota_create")
def quota_create(request: HttpRequest, study_id: Id, payload: QuotaIn):
    study = selectors.access_study(request.user, study_id, Action.RUN_LAB)
    return Status(201, _quota_filled(services.quota_create(actor=request.user, study=study, **payload.model_dump())))


@router.patch("/quotas/{quota_id}", response=QuotaOut, operation_id="govcx_lab_api_quota_update")
def quota_update(request: HttpRequest, quota_id: Id, payload: QuotaPatch):
    quota = selectors.access_quota(request.user, quota_id, Action.RUN_LAB)
    return _quota_filled(services.quota_update(actor=request.user, quota=quota, target=payload.target))


@router.delete("/quotas/{quota_id}", response={204: None}, operation_id="govcx_lab_api_quota_delete")
def quota_delete(request: HttpRequest, quota_id: Id):
    services.quota_delete(actor=request.user, quota=selectors.access_quota(request.user, quota_id, Action.RUN_LAB))
    return Status(204, None)
