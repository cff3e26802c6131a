from __future__ import annotations

import pytest

from govcx.errors import InvalidInput
from govcx.maturity.models import MeasureSource, MeasureValue, ServiceMeasureValue
from govcx.maturity.selectors import measure_panel
from govcx.maturity.services import measures_recompute

pytestmark = pytest.mark.django_db


def _value(organisation, period, measure):
    return MeasureValue.objects.get(organisation=organisation, period=period, measure=measure)


def test_recompute_rolls_services_up_to_their_authority(evidence, reference_data):
    report = measures_recompute(periods=["2025Q1", "2025Q2"])
    assert report.periods == ["2025Q1", "2025Q2"]
    ministry, agency, region = reference_data["ministry"], reference_data["agency"], reference_data["region"]
    assert _value(ministry, "2025Q1", "standards_met").value == pytest.approx(0.6)
    assert _value(ministry, "2025Q2", "standards_met").value == pytest.approx(0.8)  # the latest by the quarter's end
    assert _value(agency, "2025Q2", "standards_met").value == pytest.approx(0.4)
    assert not MeasureValue.objects.filter(organisation=agency, period="2025Q1", measure="standards_met").exists()
    complaints = _value(ministry, "2025Q2", "complaints_on_time")
    assert complaints.value == pytest.approx(0.5) and complaints.n_services == 1
    assert complaints.standard_error == pytest.approx((0.5 * 0.5 / 2) ** 0.5)  # binomial, one service
    assert _value(region, "2025Q2", "complaints_on_time").value == 1.0
    assert _value(ministry, "2025Q2", "tested_with_users").value == 0.0  # no study: a counted zero, not missing
    assert not MeasureValue.objects.filter(measure="ready_at_launch").exists()  # no verdict: missing
    drill = ServiceMeasureValue.objects.get(service=evidence["a"], period="2025Q2", measure="standards_met")
    assert drill.evidence["kind"] == "assessment"


def test_recompute_is_idempotent_and_keeps_imported_values(evidence, reference_data):
    measures_recompute(periods=["2025Q2"])
    first = sorted(MeasureValue.objects.values_list("organisation_id", "measure", "value"))
    MeasureValue.objects.filter(measure="standards_met", organisation=reference_data["region"]).update(
        source=MeasureSource.IMPORTED, value=0.33)
    measures_recompute(periods=["2025Q2"])
    second = sorted(MeasureValue.objects.values_list("organisation_id", "measure", "value"))
    assert len(first) == len(second)
    assert _value(reference_data["region"], "2025Q2", "standards_met").value == 0.33


def test_bad_period_is_refused_and_nothing_changes(evidence):
    measures_recompute(periods=["2025Q2"])
    before = MeasureValue.objects.count()
    with pytest.raises(InvalidInput) as caught:
        measures_recompute(periods=["2025Q2", "2025-05"])
    assert caught.value.problems[0].field == "periods"
    assert MeasureValue.objects.count() == before


def test_an_empty_list_of_quarters_is_refused_not_a_crash(evidence):
    with pytest.raises(InvalidInput) as caught:
        measures_recompute(periods=[])
    assert caught.value.problems[0].field == "periods"


def test_measure_panel_rows(evidence, reference_data):
    measures_recompute(periods=["2025Q1", "2025Q2"])
    rows = measure_panel(measures=["standards_met"], organisation_ids=[reference_data["ministry"].pk], periods=None)
    assert [(r["period"], r["value"], r["n_services"]) for r in rows] == [("2025Q1", 0.6, 1), ("2025Q2", 0.8, 1)]
    assert set(rows[0]) == {"organisation_id", "period", "measure", "value", "n_services", "se"}
