"""Index models: the shipped ones load; each bad input is refused with its file, line and field."""

from __future__ import annotations

import pytest

from govcx.errors import InvalidInput
from govcx.maturity.index_model import model_from_text, shipped_models


def problems(text: str) -> list:
    with pytest.raises(InvalidInput) as caught:
        model_from_text(text, "bad.yaml")
    return caught.value.problems


def test_shipped_models_load():
    models = {m.id: m for m in shipped_models()}
    assert set(models) == {"govcx", "mineconomy-shaped"}
    for model in models.values():
        assert sum(d.weight for d in model.dimensions) == pytest.approx(1)


def test_good_model(good):
    model = model_from_text(good, "good.yaml")
    assert model.measures == ["standards_met", "complaints_on_time"]
    assert model.dimensions[1].target == 0.9 and model.dimensions[1].scale_min is None
    assert [g.grade for g in model.grades] == ["A", "B"] and model.sha256


def test_weights_not_adding_up(good):
    [problem] = problems(good.replace("weight: 0.4", "weight: 0.3"))
    assert (problem.file, problem.line, problem.field) == ("bad.yaml", 6, "dimensions")
    assert "0.9, not 1" in problem.message


def test_unknown_measure(good):
    [problem] = problems(good.replace("measure: standards_met", "measure: happiness"))
    assert (problem.line, problem.field) == (7, "dimensions.0.measure")
    assert "happiness" in problem.message


@pytest.mark.parametrize(("change", "line", "field"), [
    (("min_score: 0, title_en: Fair", "min_score: 10, title_en: Fair"), 15, "grades.1.min_score"),
    (("min_score: 70", "min_score: 0"), 15, "grades.1.min_score"),  # not best first
    (("min_score: 70", "min_score: 170"), 14, "grades.0.min_score"),
    (("grade: B", "grade: A"), 15, "grades.1.grade"),
])
def test_bad_bands(change, line, field, good):
    found = problems(good.replace(*change))
    assert (found[0].line, found[0].field) == (line, field)


@pytest.mark.parametrize(("change", "field"), [
    (("scale: {min: 0, max: 1}", "scale: {min: 1, max: 0}"), "dimensions.0.scale.min"),
    (("scale: {target: 0.9}", "scale: {target: 0.9, min: 0}"), "dimensions.1.scale"),
    (("scale: {target: 0.9}", "scale: {target: -1}"), "dimensions.1.scale.target"),
    (("weight: 0.6", "weight: many"), "dimensions.0.weight"),
    (("minimum_coverage: 0.5", "minimum_coverage: 1.5"), "minimum_coverage"),
    (("version: \"1\"\n", ""), "version"),
    (("measure: complaints_on_time", "measure: standards_met"), "dimensions.1.measure"),
    (("title_ru: Малый", "title_ru: Малый\ncolour: red"), "colour"),
])
def test_each_bad_field_is_named(change, field, good):
    assert field in [p.field for p in problems(good.replace(*change))]


def test_not_yaml():
    [problem] = problems("id: [unclosed\n")
    assert problem.file == "bad.yaml" and problem.line is not None
