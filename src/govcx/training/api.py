"""Training API: programmes, coverage and forecast, the people still to train, attitude results, and roster,
completion and answer files (all or nothing). Learning platforms send completions to the xAPI endpoint
(/xapi/statements), not here."""

# No `from __future__ import annotations`: ninja reads the annotations of the operations at import.
import datetime as dt
from typing import Literal

from django.utils import timezone
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from govcx.accounts.requests import SignedInRequest
from govcx.accounts.roles import Action
from govcx.common.bounds import Id
from govcx.training import selectors
from govcx.training.forecast import Forecast
from govcx.training.selectors import access_programme
from govcx.training.services.completions import answers_import, completions_import
from govcx.training.services.roster_imports import roster_import_start

router = Router(tags=["training"])


class ProgrammeOut(Schema):
    id: int
    organisation_id: int
    name: str
    starts_on: dt.date
    deadline_on: dt.date
    target_share: float


class ForecastOut(Schema):
    key: str | None = Field(description="organisation id, region code or position category; null for the total")
    people: int
    trained: int
    share: float
    trained_in_last_90_days: int
    rate_per_month: float
    reaches_full_on: dt.date | None = Field(description="the date 100 % is reached at the recent rate")
    on_track: bool
    needed_per_month: float | None


class CoverageOut(Schema):
    by: str
    total: ForecastOut
    groups: list[ForecastOut]


class PersonOut(Schema):
    person_key: str
    organisation_id: int
    position_category: str
    region_code: str


class AttitudeChangeOut(Schema):
    n: int
    mean_before: float
    mean_after: float
    mean_change: float
    d_z: float | None
    d_z_low: float | None
    d_z_high: float | None
    share_improved: float


class AttitudeOut(Schema):
    code: str
    is_scale: bool
    post: AttitudeChangeOut | None = Field(description="null for fewer than 10 paired people")
    follow_up: AttitudeChangeOut | None


class TrainingImportOut(Schema):
    job_id: int | None = None
    roster_import_id: int | None = None
    rows: int | None = None
    joiners: int | None = None
    leavers: int | None = None
    moves: int | None = None


class AddedOut(Schema):
    added: int


def _forecast(key: object, f: Forecast) -> dict:
    return {"key": None if key is None else str(key), "people": f.people, "trained": f.trained, "share": f.share,
            "trained_in_last_90_days": f.trained_in_window, "rate_per_month": f.rate_per_month,
            "reaches_full_on": f.reaches_full_on, "on_track": f.on_track, "needed_per_month": f.needed_per_month}


@router.get("/programmes", response=list[ProgrammeOut])
def programme_list(request: SignedInRequest):
    return list(selectors.programme_list(user=request.user))


@router.get("/programmes/{programme_id}/coverage", response=CoverageOut)
def programme_coverage(request: SignedInRequest, programme_id: Id,
                       by: Literal["organisation", "region", "position_category"] = "organisation"):
    """Share trained and the forecast of the date each group reaches 100 % at the rate of the last 90 days."""
    programme = access_programme(request.user, programme_id)
    today = timezone.localdate()
    rows = selectors.coverage(programme, by=by, today=today)
    return {"by": by, "total": _forecast(None, selectors.total(rows, programme, today)),
            "groups": [_forecast(r.key, r.forecast) for r in rows]}


@router.get("/programmes/{programme_id}/people", response=list[PersonOut])
def programme_people(request: SignedInRequest, programme_id: Id, limit: int = 100, offset: int = 0):
    """The people still to train (pseudonymous ids), 1 000 at most a page."""
    programme = access_programme(request.user, programme_id)
    offset, limit = max(0, offset), min(max(1, limit), 1000)
    return list(selectors.people_to_train(programme)[offset:offset + limit])


@router.get("/programmes/{programme_id}/attitudes", response=list[AttitudeOut])
def programme_attitudes(request: SignedInRequest, programme_id: Id):
    programme = access_programme(request.user, programme_id)
    return [{"code": r.code, "is_scale": r.is_scale, "post": r.post, "follow_up": r.follow_up}
            for r in selectors.attitude_results(programme)]


@router.post("/programmes/{programme_id}/roster", response={200: TrainingImportOut, 202: TrainingImportOut})
def programme_roster_import(request: SignedInRequest, programme_id: Id, file: UploadedFile = File(...)):  # noqa: B008
    """Apply a roster file (all or nothing); a large one is imported by the worker (202 with the job id)."""
    programme = access_programme(request.user, programme_id, Action.MANAGE_TRAINING)
    started = roster_import_start(actor=request.user, programme=programme, data=file.read(),
                                  file_name=file.name or "roster.csv")
    if hasattr(started, "kind"):
        return Status(202, {"job_id": started.pk})
    return Status(200, {"roster_import_id": started.pk, "rows": started.rows, "joiners": started.joiners,
                 "leavers": started.leavers, "moves": started.moves})


@router.post("/programmes/{programme_id}/completions", response=AddedOut)
def programme_completions_import(request: SignedInRequest, programme_id: Id,
                                 file: UploadedFile = File(...)):  # noqa: B008
    """A learning platform's completions file (person_id, course, completed_on), all or nothing."""
    programme = access_programme(request.user, programme_id, Action.MANAGE_TRAINING)
    return {"added": completions_import(actor=request.user, programme=programme, data=file.read(),
                                        file_name=file.name or "completions.csv")}


@router.post("/programmes/{programme_id}/answers", response=AddedOut)
def programme_answers_import(request: SignedInRequest, programme_id: Id,
                             file: UploadedFile = File(...)):  # noqa: B008
    """Questionnaire answers (person_id, item, wave, value, answered_on), all or nothing."""
    programme = access_programme(request.user, programme_id, Action.MANAGE_TRAINING)
    return {"added": answers_import(actor=request.user, programme=programme, data=file.read(),
                                    file_name=file.name or "answers.csv")}
