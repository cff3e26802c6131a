"""Pilot use cases: bad input names its field, criteria freeze when the pilot starts and change only by a new
version with a reason, and the analysis stores the estimate and the decision its registered rule gives."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.pilots.conftest import CRITERION

from govcx.errors import Conflict, Forbidden, Invalid
from govcx.pilots import selectors
from govcx.pilots.models import EffectivenessCriterion, PilotResult
from govcx.pilots.services import (
    analysis_run,
    criterion_create,
    criterion_revise,
    criterion_update,
    participant_add,
    programme_create,
    programme_finish,
    programme_start,
)

pytestmark = pytest.mark.django_db


def field_of(error: Invalid) -> str:
    return error.details[0]["field"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"comparison_group": ""}, "comparison_group"),
        ({"comparison_group": "planets"}, "comparison_group"),
        ({"measure": "happiness_index"}, "measure"),
        ({"tool": "lab"}, "tool"),  # not piloted by this programme
        ({"minimum_effect": "lots"}, "minimum_effect"),
        ({"iterate_threshold": 0.5}, "iterate_threshold"),
        ({"confidence": 1.5}, "confidence"),
    ],
)
def test_a_bad_criterion_is_refused_with_its_field_and_nothing_stored(pilot, users, change, field):
    with pytest.raises(Invalid) as caught:
        criterion_create(actor=users["admin"], programme=pilot, key="other", values={**CRITERION, **change})
    assert field_of(caught.value) == field
    assert not EffectivenessCriterion.objects.filter(key="other").exists()


def test_a_programme_without_treated_participants_cannot_start(users, reference_data):
    programme = programme_create(actor=users["admin"], owner=reference_data["central"], name="Empty",
                                 tools=["feedback"], starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 1))
    participant_add(actor=users["admin"], programme=programme, organisation=reference_data["region"],
                    role="comparison")
    with pytest.raises(Invalid) as caught:
        programme_start(actor=users["admin"], programme=programme)
    assert field_of(caught.value) == "participants"
    programme.refresh_from_db()
    assert programme.status == "planned"


def test_programme_input_is_checked(users, reference_data):
    with pytest.raises(Invalid) as caught:
        programme_create(actor=users["admin"], owner=reference_data["central"], name="X", tools=["magic"],
                         starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2026, 12, 1))
    assert field_of(caught.value) == "tools"
    with pytest.raises(Invalid) as caught:
        programme_create(actor=users["admin"], owner=reference_data["central"], name="X", tools=["lab"],
                         starts_on=dt.date(2026, 1, 1), ends_on=dt.date(2025, 12, 1))
    assert field_of(caught.value) == "ends_on"


def test_criteria_are_edited_while_planned_and_frozen_once_running(pilot, users):
    admin = users["admin"]
    criterion = pilot.criteria.get()
    criterion = criterion_update(actor=admin, criterion=criterion, values={"minimum_effect": 0.04})
    assert criterion.version == 1 and criterion.minimum_effect == 0.04
    programme_start(actor=admin, programme=pilot)
    criterion.refresh_from_db()
    assert criterion.frozen_at is not None
    with pytest.raises(Conflict):
        criterion_update(actor=admin, criterion=criterion, values={"minimum_effect": 0.01})
    with pytest.raises(Conflict):
        criterion_create(actor=admin, programme=pilot, key="late", values=CRITERION)
    with pytest.raises(Invalid) as caught:
        criterion_revise(actor=admin, criterion=criterion, values={"minimum_effect": 0.02}, reason=" ")
    assert field_of(caught.value) == "reason"
    revised = criterion_revise(actor=admin, criterion=criterion, values={"minimum_effect": 0.02},
                               reason="the survey's scale changed")
    assert (revised.version, revised.minimum_effect, revised.reason) == (2, 0.02, "the survey's scale changed")
    criterion.refresh_from_db()
    assert criterion.superseded and criterion.minimum_effect == 0.04  # the registered version is kept as it was
    with pytest.raises(Conflict):
        criterion_revise(actor=admin, criterion=criterion, values={}, reason="again")  # not the latest version
    history = selectors.criteria_history(pilot)
    assert [[c.version for c in versions] for versions in history] == [[1, 2]]


def test_only_central_roles_manage_pilots(pilot, users):
    with pytest.raises(Forbidden):
        programme_start(actor=users["owner_a"], programme=pilot)  # sees it as a participant, may not manage
    assert selectors.programme_list(user=users["viewer_a"]).count() == 1
    assert selectors.programme_list(user=users["owner_b"]).count() == 1  # the Tula region is a comparison


def test_analysis_estimates_and_decides(pilot, users, evidence):
    admin = users["admin"]
    with pytest.raises(Conflict):
        analysis_run(actor=admin, programme=pilot)  # nothing to compare before the start
    criterion_create(actor=admin, programme=pilot, key="deadlines",
                     values={**CRITERION, "tool": "delivery", "measure": "deadlines_met"})
    programme_start(actor=admin, programme=pilot)
    analysis = analysis_run(actor=admin, programme=pilot, reps=999, event_reps=199)
    results = {r.criterion.key: r for r in PilotResult.objects.filter(analysis=analysis)}
    satisfaction = results["satisfaction"]
    assert satisfaction.estimate == pytest.approx(0.08, abs=0.01)
    assert satisfaction.low < satisfaction.estimate < satisfaction.high
    assert satisfaction.method == "wcr-webb"  # 8 clusters: two treated, six federal comparison bodies
    assert satisfaction.n_clusters == 8 and satisfaction.n_treated == 2  # the region is not of the federal kind
    assert satisfaction.decision == "scale"
    assert [e["relative_period"] for e in satisfaction.events] == [-4, -3, -2, -1, 0, 1, 2, 3]
    assert len(satisfaction.leave_one_out) == 2
    assert results["deadlines"].decision == "stop"
    programme_finish(actor=admin, programme=pilot)
    assert analysis_run(actor=admin, programme=pilot, reps=99, event_reps=99).results.count() == 2


def test_a_criterion_without_evidence_is_undecided_not_stopped(pilot, users):
    programme_start(actor=users["admin"], programme=pilot)
    result = analysis_run(actor=users["admin"], programme=pilot, reps=99, event_reps=99).results.get()
    assert (result.decision, result.problem, result.estimate) == ("undecided", "no_treated", None)
