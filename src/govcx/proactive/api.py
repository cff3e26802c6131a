"""Proactive services API: calculate and trace a situation in the style of OpenFisca's web API (with reasons),
receive life events (idempotent by event id), list runs and offers, move an offer, one person's decisions."""

# No `from __future__ import annotations`: ninja reads the schemas' annotations at import.
import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Body, Field, Query, Router, Schema

from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.errors import Invalid, NotFound
from govcx.proactive import selectors, services
from govcx.proactive.rules.catalogue import shipped_packs

router = Router(tags=["proactive"])


class PackQuery(Schema):
    pack: str = Field(description="a shipped pack: maternity_capital, unified_allowance, disability_pension")
    language: str = Field("en", description="the language of reasons: en or ru")


def _pack(name: str) -> Any:
    packs = shipped_packs()
    if name not in packs:
        raise NotFound(f"no pack {name!r}; known: {', '.join(sorted(packs))}")
    return packs[name]


def _situation(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Invalid("the situation is a JSON object of entities (persons, households)")
    return body


@router.post("/calculate", response=dict[str, Any], summary="Compute the variables given as null in a situation")
def calculate(request: HttpRequest, situation: Body[dict[str, Any]], query: Query[PackQuery]) -> dict[str, Any]:
    from govcx.proactive.rules import webapi  # NumPy: loaded by the workers' warm-up, not by the URL map
    from govcx.proactive.rules.simulation import EvaluationError
    from govcx.proactive.rules.yaml_tests import TestFileError

    require(request.user, Action.VIEW)
    try:
        return webapi.calculate(_pack(query.pack), _situation(situation))
    except (TestFileError, EvaluationError, ValueError) as exc:
        raise Invalid(str(exc)) from None


@router.post("/trace", response=dict[str, Any], summary="Compute, with the named conditions and laws behind each value")
def trace(request: HttpRequest, situation: Body[dict[str, Any]], query: Query[PackQuery]) -> dict[str, Any]:
    from govcx.proactive.rules import webapi
    from govcx.proactive.rules.simulation import EvaluationError
    from govcx.proactive.rules.yaml_tests import TestFileError

    require(request.user, Action.VIEW)
    try:
        return webapi.trace(_pack(query.pack), _situation(situation), "ru" if query.language == "ru" else "en")
    except (TestFileError, EvaluationError, ValueError) as exc:
        raise Invalid(str(exc)) from None


class EventIn(Schema):
    event_id: str = Field(max_length=200, description="the sender's id: the same id again is the same event")
    kind: str = Field(description="birth_registered | death | disability_granted | age_reached | income_change")
    person_id: str = Field(max_length=64)
    household_id: str = Field("", max_length=64)
    occurred_on: dt.date
    payload: dict[str, Any] = Field(default_factory=dict)


class EventOut(Schema):
    id: int
    event_id: str
    kind: str
    person_id: str
    occurred_on: dt.date
    created: bool


@router.post("/events", response={200: EventOut, 201: EventOut}, summary="Receive a life event (idempotent)")
def event_push(request: HttpRequest, payload: EventIn) -> tuple[int, dict[str, Any]]:
    require(request.user, Action.RUN_PROACTIVE)
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        raise Invalid("events are received for the sender's own authority; this account has none")
    event, created = services.event_push(organisation=organisation, actor=request.user, **payload.dict())
    return (201 if created else 200), {"id": event.pk, "event_id": event.event_id, "kind": event.kind,
                                       "person_id": event.person_id, "occurred_on": event.occurred_on,
                                       "created": created}


class OfferOut(Schema):
    id: int
    benefit: str
    beneficiary_id: str
    entitlement_key: str
    amount: float
    state: str
    reasons: list[dict[str, Any]]
    reference: str
    pack_version: str
    respond_by: dt.date | None = Field(None, description="the last day to answer a notified offer; unanswered, it "
                                                         "expires the day after")


class OfferFilter(Schema):
    state: str | None = None


@router.get("/offers", response=list[OfferOut], summary="Offers, optionally in one state")
def offer_list(request: HttpRequest, filters: Query[OfferFilter]) -> Any:
    return list(selectors.offer_list(user=request.user, state=filters.state)[:500])


class MoveIn(Schema):
    state: str = Field(description="notified | accepted | declined | expired | paid")


@router.post("/offers/{offer_id}/move", response=OfferOut, summary="Move an offer one step of its lifecycle")
def offer_move(request: HttpRequest, offer_id: int, payload: MoveIn) -> Any:
    offer = selectors.access_offer(request.user, offer_id, Action.RUN_PROACTIVE)
    if payload.state == "notified":
        return services.offer_notify(offer=offer, actor=request.user)
    return services.offer_move(offer=offer, state=payload.state, actor=request.user)


class DecisionOut(Schema):
    run_id: int
    benefit: str
    beneficiary_id: str
    entitled: bool
    amount: float
    reasons: list[dict[str, Any]]


@router.get("/people/{person_id}/decisions", response=list[DecisionOut],
            summary="One person's decisions (proactive officers of the authority; audited)")
def person_decisions(request: HttpRequest, person_id: str) -> Any:
    require(request.user, Action.VIEW_BENEFICIARIES)
    return selectors.person_decisions(user=request.user, person_id=person_id)


