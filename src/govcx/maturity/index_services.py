"""Use cases of the index: compute a draft publication for a period from the measures catalogue, publish
(freeze) it, correct a draft value by hand. A published publication is never changed again."""

from __future__ import annotations

import math
from typing import Any

from django.db import transaction
from django.utils import timezone

from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.errors import Conflict, InvalidInput, NotFound, Problem
from govcx.maturity.index_model import IndexModel, model_from_text, shipped_models
from govcx.maturity.models import IndexPublication, IndexValue, MeasureValue, PublicationStatus
from govcx.maturity.periods import valid_period

#: How many quarters before the period the engine also computes (for the change from the previous one).
HISTORY = 1


def shipped_model(model_id: str) -> tuple[IndexModel, str]:
    """The shipped index model `model_id` and its YAML text."""
    from govcx.maturity.index_model import MODELS_DIR

    for model in shipped_models():
        if model.id == model_id:
            return model, (MODELS_DIR / f"{model_id}.yaml").read_text(encoding="utf-8")
    raise NotFound(f"index model {model_id} not found")


def peer_group(level: str) -> str:
    """Federal bodies are ranked among themselves; regional and municipal authorities among the regions."""
    return "federal" if level == "federal" else "regional"


def _none(x: float) -> float | None:
    return None if x is None or math.isnan(x) else float(x)


def _measure_arrays(model: IndexModel, periods: list[str]) -> tuple[list[int], Any, Any, Any]:
    import numpy as np  # the index is computed on demand: the URL map does not load NumPy

    rows = MeasureValue.objects.filter(period__in=periods, measure__in=model.measures).values_list(
        "organisation_id", "period", "measure", "value", "standard_error", "n_services")
    organisations = sorted({r[0] for r in rows})
    where = {o: i for i, o in enumerate(organisations)}
    column = {m: i for i, m in enumerate(model.measures)}
    step = {p: i for i, p in enumerate(periods)}
    shape = (len(organisations), len(periods), len(model.measures))
    values, errors, services = np.full(shape, np.nan), np.full(shape, np.nan), np.zeros(shape, np.int64)
    for organisation_id, period, measure, value, se, n in rows:
        at = (where[organisation_id], step[period], column[measure])
        values[at] = value
        errors[at] = np.nan if se is None else se
        services[at] = n
    return organisations, values, errors, services


def _previous(period: str) -> str:
    year, quarter = int(period[:4]), int(period[5])
    return f"{year - 1}Q4" if quarter == 1 else f"{year}Q{quarter - 1}"


def index_compute(*, actor: Any, model_id: str, period: str) -> IndexPublication:
    """A new draft publication of `model_id` for `period` from the current measures (an older draft of the same
    model and period is replaced; published ones are never touched)."""
    import numpy as np

    from govcx.maturity.index_engine import compute_index
    from govcx.registry.models import Organisation

    require(actor, Action.PUBLISH_INDEX)
    if not valid_period(period):
        raise InvalidInput([Problem(f"{period!r} is not a quarter like 2026Q3", field="period")])
    model, text = shipped_model(model_id)
    periods = [_previous(period), period]
    organisations, values, errors, services = _measure_arrays(model, periods)
    levels = dict(Organisation.objects.filter(pk__in=organisations).values_list("id", "level"))
    groups = [peer_group(levels[o]) for o in organisations]
    result = compute_index(model, values, errors, groups)
    t = len(periods) - 1
    records = []
    for i, organisation_id in enumerate(organisations):
        if np.isnan(values[i, t]).all():
            continue  # no evidence at all in the period: not listed
        grade = int(result.grade[i, t])
        dimensions = [{"measure": d.measure, "value": _none(values[i, t, k]), "se": _none(errors[i, t, k]),
                       "score": _none(result.scores[i, t, k]), "n_services": int(services[i, t, k]),
                       "weight": d.weight} for k, d in enumerate(model.dimensions)]
        records.append(IndexValue(
            organisation_id=organisation_id, peer_group=groups[i], value=_none(result.value[i, t]),
            standard_error=_none(result.standard_error[i, t]), low=_none(result.low[i, t]),
            high=_none(result.high[i, t]), coverage=float(result.coverage[i, t]),
            grade=model.grades[grade].grade if grade >= 0 else "", change=_none(result.change[i, t]),
            rank=int(result.rank[i, t]) or None, rank_low=int(result.rank_low[i, t]) or None,
            rank_high=int(result.rank_high[i, t]) or None, peers=int(result.peers[i, t]), dimensions=dimensions))
    with transaction.atomic():
        IndexPublication.objects.filter(model_id=model.id, period=period, status=PublicationStatus.DRAFT).delete()
        publication = IndexPublication.objects.create(
            model_id=model.id, model_version=model.version, model_sha256=model.sha256, model_content=text,
            period=period, computed_at=timezone.now(), computed_by=actor if getattr(actor, "pk", None) else None)
        for record in records:
            record.publication = publication
        IndexValue.objects.bulk_create(records)
    return publication


def index_publish(*, actor: Any, publication: IndexPublication) -> IndexPublication:
    """Freeze a draft: from now on its values are the published index of the period."""
    require(actor, Action.PUBLISH_INDEX)
    with transaction.atomic():
        locked = IndexPublication.objects.select_for_update().get(pk=publication.pk)
        if locked.is_frozen:
            raise Conflict("this index is already published: it is frozen")
        locked.status = PublicationStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.published_by = actor if getattr(actor, "pk", None) else None
        locked.save(update_fields=["status", "published_at", "published_by"])
    return locked


def index_value_edit(*, actor: Any, index_value: IndexValue, value: float | None, grade: str, note: str,
                     version: int) -> IndexValue:
    """Correct a draft value by hand (with the reason). A published value is frozen: Conflict."""
    require(actor, Action.PUBLISH_INDEX)
    with transaction.atomic():
        locked = IndexValue.objects.select_for_update().select_related("publication").get(pk=index_value.pk)
        if locked.publication.is_frozen:
            raise Conflict("a published index value is frozen; recompute to make a new draft")
        if locked.version != version:
            raise Conflict("someone changed this value since you read it")
        problems = []
        if value is not None and not 0 <= value <= 100:
            problems.append(Problem("the index is on 0–100", field="value"))
        model = model_from_text(locked.publication.model_content, f"{locked.publication.model_id}.yaml")
        if grade and grade not in {g.grade for g in model.grades}:
            problems.append(Problem(f"the model has no grade {grade!r}", field="grade"))
        if not note.strip():
            problems.append(Problem("say why the value is corrected", field="note"))
        if problems:
            raise InvalidInput(problems)
        locked.value, locked.grade, locked.note = value, grade, note.strip()
        locked.version += 1
        locked.save(update_fields=["value", "grade", "note", "version"])
    return locked
