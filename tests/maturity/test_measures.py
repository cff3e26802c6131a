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


def test_satisfaction_is_the_mean_rating_with_its_error_per_quarter_in_local_time(services, users):
    """Hand-computed: service a's ratings 5, 4, 3 of 1–5 in 2025Q2 are 1, 0.75, 0.5 (mean 0.75, sample sd 0.25,
    error 0.25/√3); the response at 22:30 UTC on 30 June is 1 July in Moscow, so 2025Q3 (one rating: no error);
    spam, a rating on a degenerate scale and a text answer are left out."""
    import datetime as dt

    from govcx.feedback.models import Answer, Response
    from govcx.feedback.services import survey_create
    from govcx.maturity.measures import compute_measures

    survey = survey_create(service=services["a"], title="Quick", template="quick", actor=users["admin"])
    version = survey.versions.get()

    def respond(key: str, at: str, answers: list[tuple[str, int | None, int | None, float | None]],
                spam: bool = False) -> None:
        response = Response.objects.create(
            survey=survey, survey_version=version, service=services["a"], organisation=services["a"].owner,
            idempotency_key=key, payload_hash=key, is_spam=spam, submitted_at=dt.datetime.fromisoformat(at))
        Answer.objects.bulk_create([Answer(response=response, question_key=f"q{i}", measure=measure, scale_min=low,
                                           scale_max=high, value=value)
                                    for i, (measure, low, high, value) in enumerate(answers)])

    respond("r1", "2025-04-10T09:00+00:00", [("rating", 1, 5, 5.0), ("", None, None, None)])
    respond("r2", "2025-05-10T09:00+00:00", [("rating", 1, 5, 4.0), ("rating", 3, 3, 3.0)])
    respond("r3", "2025-06-10T09:00+00:00", [("rating", 1, 5, 3.0)])
    respond("r4", "2025-06-11T09:00+00:00", [("rating", 1, 5, 1.0)], spam=True)
    respond("r5", "2025-06-30T22:30+00:00", [("rating", 0, 10, 7.0)])

    figures = {f.period: f for f in compute_measures(periods=["2025Q2", "2025Q3"], today=dt.date(2025, 12, 1))[0]
               if f.measure == "satisfaction_mean"}
    assert set(figures) == {"2025Q2", "2025Q3"}
    q2, q3 = figures["2025Q2"], figures["2025Q3"]
    assert (q2.service_id, q2.cases) == (services["a"].pk, 3)
    assert q2.value == pytest.approx(0.75, rel=1e-12)
    assert q2.standard_error == pytest.approx(0.25 / 3 ** 0.5, rel=1e-9)
    assert (q3.value, q3.cases, q3.standard_error) == (pytest.approx(0.7, rel=1e-12), 1, None)
    # quarters asked for with a gap: the quarter between them is not counted into either
    gapped = {f.period for f in compute_measures(periods=["2025Q1", "2025Q3"], today=dt.date(2025, 12, 1))[0]
              if f.measure == "satisfaction_mean"}
    assert gapped == {"2025Q3"}
    earlier = {f.period for f in compute_measures(periods=["2025Q3", "2025Q2"], today=dt.date(2025, 12, 1))[0]
               if f.measure == "satisfaction_mean"}
    assert earlier == {"2025Q2", "2025Q3"}  # in any order
