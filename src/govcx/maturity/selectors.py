"""Reads of the maturity area: the measures catalogue (also read by the pilots), publications and index values."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, organisation_in_scope
from govcx.errors import NotFound
from govcx.maturity.index_model import IndexModel, model_from_text
from govcx.maturity.models import IndexPublication, IndexValue, MeasureValue, ServiceMeasureValue
from govcx.registry.models import Organisation


def measure_panel(*, measures: list[str], organisation_ids: list[int] | None,
                  periods: list[str] | None) -> list[dict[str, Any]]:
    """The authorities' measures as long rows (organisation_id, period, measure, value, n_services, se), ordered
    by organisation, period and measure; None for `organisation_ids` or `periods` means all of them. A measure
    with no evidence for an authority and period has no row (missing is never zero)."""
    rows = MeasureValue.objects.filter(measure__in=measures)
    if organisation_ids is not None:
        rows = rows.filter(organisation_id__in=organisation_ids)
    if periods is not None:
        rows = rows.filter(period__in=periods)
    return [{"organisation_id": o, "period": p, "measure": m, "value": v, "n_services": n, "se": se}
            for o, p, m, v, n, se in rows.order_by("organisation_id", "period", "measure")
            .values_list("organisation_id", "period", "measure", "value", "n_services", "standard_error")]


def publication_list(*, user: Any, model_id: str | None = None) -> QuerySet[IndexPublication]:
    found = IndexPublication.objects.for_user(user)
    return found.filter(model_id=model_id) if model_id else found


def access_publication(user: Any, publication_id: Any) -> IndexPublication:
    try:
        return IndexPublication.objects.for_user(user).get(pk=publication_id)
    except (IndexPublication.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"index publication {publication_id} not found") from None


def access_index_value(user: Any, value_id: Any) -> IndexValue:
    try:
        return IndexValue.objects.for_user(user).select_related("publication", "organisation").get(pk=value_id)
    except (IndexValue.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"index value {value_id} not found") from None


def access_authority(user: Any, organisation_id: Any) -> Organisation:
    """An authority whose index page the user may open: any for the central office, otherwise the user's own
    organisation tree (another authority's page is a 404; its place in the published ranking stays visible)."""
    try:
        organisation = Organisation.objects.get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise NotFound(f"authority {organisation_id} not found") from None
    if not can(user, Action.VIEW) or not organisation_in_scope(user, organisation.pk):
        raise NotFound(f"authority {organisation_id} not found")
    return organisation


def current_publication(*, user: Any, model_id: str, period: str | None = None) -> IndexPublication | None:
    """The publication a ranking shows: of the period asked (or the latest period), the latest the user may see —
    the newest published one, or for the central office a newer draft."""
    found = publication_list(user=user, model_id=model_id)
    if period:
        found = found.filter(period=period)
    return found.order_by("-period", "-computed_at", "-id").first()


def ranking(publication: IndexPublication) -> dict[str, list[IndexValue]]:
    """The publication's values by peer group (federal first), ranked; authorities not computed last."""
    groups: dict[str, list[IndexValue]] = {"federal": [], "regional": []}
    for value in publication.values.select_related("organisation").order_by("peer_group", F("rank").asc(
            nulls_last=True), "organisation__code"):
        groups.setdefault(value.peer_group, []).append(value)
    return groups


def authority_trend(*, user: Any, model_id: str, organisation: Organisation) -> list[IndexValue]:
    """The authority's index in each period, from the latest publication of that period the user may see."""
    seen: dict[str, IndexValue] = {}
    for value in (IndexValue.objects.for_user(user).filter(organisation=organisation, publication__model_id=model_id)
                  .select_related("publication").order_by("publication__period", "publication__computed_at",
                                                          "publication_id")):
        seen[value.publication.period] = value
    return list(seen.values())


def dimension_services(*, user: Any, organisation: Organisation, period: str,
                       measure: str) -> QuerySet[ServiceMeasureValue]:
    """The services an authority's dimension rests on in the period, each with its value and evidence (only the
    services the user's scope reaches)."""
    return (ServiceMeasureValue.objects.for_user(user)
            .filter(service__owner=organisation, period=period, measure=measure)
            .select_related("service").order_by("value", "service__code"))


def unmet_requirements(assessment_ids: list[int]) -> dict[int, list[dict[str, str]]]:
    """The drill-down's requirement level: per assessment, the requirements it found not met (id and title in the
    active language), in the pack's order of ids."""
    from govcx.standards.models import Assessment
    from govcx.standards.presentation import requirement_titles

    out: dict[int, list[dict[str, str]]] = {}
    for assessment in Assessment.objects.filter(pk__in=assessment_ids).select_related("pack"):
        missed = list(assessment.outcomes.filter(status="not_met").order_by("requirement_id")
                      .values_list("requirement_id", flat=True))
        if missed:
            titles = requirement_titles(assessment)
            out[assessment.pk] = [{"id": r, "title": titles.get(r, r)} for r in missed]
    return out


_MODELS: dict[str, IndexModel] = {}


def publication_model(publication: IndexPublication) -> IndexModel:
    """The index model a publication was computed with, from the YAML it keeps (parsed once per process)."""
    model = _MODELS.get(publication.model_sha256)
    if model is None:
        model = _MODELS[publication.model_sha256] = model_from_text(publication.model_content,
                                                                    f"{publication.model_id}.yaml")
    return model


def latest_measure_period(*, organisation: Organisation, measure: str) -> str | None:
    """The latest quarter in which the authority has a value of the measure."""
    return (MeasureValue.objects.filter(organisation=organisation, measure=measure).order_by("-period")
            .values_list("period", flat=True).first())
