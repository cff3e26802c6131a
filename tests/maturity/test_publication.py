"""Index publications: compute a draft from the measures, publish it, and it stays frozen."""

from __future__ import annotations

import pytest

from govcx.errors import Conflict, Forbidden, InvalidInput
from govcx.maturity.index_services import index_compute, index_publish, index_value_edit
from govcx.maturity.models import IndexPublication, IndexValue, MeasureValue
from govcx.maturity.services import measures_recompute

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(evidence, users):
    measures_recompute(periods=["2025Q1", "2025Q2"])
    return index_compute(actor=users["analyst"], model_id="mineconomy-shaped", period="2025Q2")


def test_draft_ranks_authorities_among_their_peers(draft, reference_data):
    values = {v.organisation_id: v for v in draft.values.all()}
    ministry, agency, region = (values[reference_data[k].pk] for k in ("ministry", "agency", "region"))
    # standards 0.8 and complaints 0.5 (weights 0.2 and 0.15 of a model needing coverage 0.5): coverage 0.35 only
    assert ministry.coverage == pytest.approx(0.35) and ministry.value is None and ministry.grade == ""
    assert {d["measure"]: d["value"] for d in ministry.dimensions}["standards_met"] == pytest.approx(0.8)
    assert ministry.peer_group == agency.peer_group == "federal" and region.peer_group == "regional"
    assert draft.status == "draft" and draft.model_version == "0.1" and "minimum_coverage" in draft.model_content


def test_govcx_model_computes_with_renormalised_weights(evidence, users, reference_data):
    measures_recompute(periods=["2025Q2"])
    MeasureValue.objects.filter(measure="tested_with_users").delete()  # keep two dimensions of the model
    publication = index_compute(actor=users["analyst"], model_id="govcx", period="2025Q2")
    region = publication.values.get(organisation=reference_data["region"])
    assert region.coverage == pytest.approx(0.25)  # standards 0.15 + complaints 0.10: below 0.6
    assert region.value is None


def test_publish_freezes_and_a_recompute_makes_a_new_draft(draft, users):
    published = index_publish(actor=users["analyst"], publication=draft)
    assert published.is_frozen and published.published_by == users["analyst"]
    frozen = sorted(IndexValue.objects.filter(publication=published).values_list("organisation_id", "coverage"))
    with pytest.raises(Conflict):
        index_publish(actor=users["analyst"], publication=published)
    value = published.values.first()
    with pytest.raises(Conflict):
        index_value_edit(actor=users["analyst"], index_value=value, value=50, grade="", note="fix", version=1)
    MeasureValue.objects.update(value=0.1)
    again = index_compute(actor=users["analyst"], model_id="mineconomy-shaped", period="2025Q2")
    assert again.pk != published.pk and again.status == "draft"
    assert sorted(IndexValue.objects.filter(publication=published).values_list("organisation_id", "coverage")) == frozen
    assert IndexPublication.objects.filter(status="draft").count() == 1  # the newer draft replaces the older one


def test_draft_value_can_be_corrected_with_a_reason(draft, users):
    value = draft.values.first()
    with pytest.raises(InvalidInput) as caught:
        index_value_edit(actor=users["analyst"], index_value=value, value=150, grade="top", note="", version=1)
    assert {p.field for p in caught.value.problems} == {"value", "grade", "note"}
    edited = index_value_edit(actor=users["analyst"], index_value=value, value=55, grade="medium",
                              note="late evidence", version=1)
    assert (edited.value, edited.grade, edited.version) == (55, "medium", 2)
    with pytest.raises(Conflict):
        index_value_edit(actor=users["analyst"], index_value=value, value=56, grade="", note="x", version=1)


def test_only_the_central_office_computes_and_publishes(evidence, users):
    with pytest.raises(Forbidden):
        index_compute(actor=users["owner_a"], model_id="govcx", period="2025Q2")
    with pytest.raises(InvalidInput):
        index_compute(actor=users["analyst"], model_id="govcx", period="2025-06")
