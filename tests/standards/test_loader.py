"""Tests for govcx.standards.loader: shipped packs validate; every kind of broken pack is reported with its
file, line and field path; the `govcx standards validate|load` command."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from govcx.errors import InvalidInput, Problem
from govcx.standards.loader import (
    PACKS_DIR,
    grade_scales,
    parse_pack,
    read_pack,
    shipped_pack_files,
)
from govcx.standards.models import StandardPack
from govcx.standards.schema import Pack, Requirement

# A small valid pack. Tests break it in one place and expect the problem at that place's line.
VALID = """\
id: test-pack
title:
  en: Test pack
version: "1.0"
effective_from: 2024-01-01
source:
  title: Test source
  publisher: Tester
client_categories: [citizens, businesses]
scoring: met_not_met
grade_scale: a-f
groups:
  - id: g1
    title:
      en: Group one
    requirements:
      - id: r1
        title:
          en: Requirement one
        text:
          en: Text one
        weight: 1
        checks:
          - check: passport.deadline_within
            params: {max_days: 10}
      - id: r2
        title:
          en: Requirement two
        text:
          en: Text two
        client_categories: [citizens]
"""

FILE = "broken.yaml"


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based number of the line holding the n-th occurrence of `fragment`."""
    seen = 0
    for number, line in enumerate(text.splitlines(), start=1):
        if fragment in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{fragment!r} not in the text")


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


def insert_after(text: str, anchor: str, new: str) -> str:
    return replace_once(text, anchor, anchor + new)


def problems_of(text: str, file: str = FILE) -> list[Problem]:
    with pytest.raises(InvalidInput) as caught:
        parse_pack(text, file)
    problems = caught.value.problems
    assert problems, "InvalidInput must list at least one problem"
    assert all(p.file == file for p in problems)
    return problems


def only_problem(text: str) -> Problem:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    return problems[0]


# --- shipped packs ----------------------------------------------------------------------------------------


def test_there_are_shipped_packs():
    names = {p.name for p in shipped_pack_files()}
    assert {"uk-service-standard.yaml", "eu-egovernment-benchmark.yaml", "govcx-model-standard.yaml"} <= names


@pytest.mark.parametrize("path", shipped_pack_files(), ids=lambda p: p.name)
def test_every_shipped_pack_validates(path: Path):
    loaded = read_pack(path)
    assert loaded.file == path.name
    assert isinstance(loaded.pack, Pack)
    assert loaded.pack.requirements(), "a pack without requirements is useless"
    assert loaded.pack.grade_scale in grade_scales()
    assert len(loaded.sha256) == 64
    # The stored content is the validated pack and validates again on its own.
    assert Pack.model_validate(loaded.content) == loaded.pack


def test_uk_service_standard_has_14_points():
    pack = read_pack(PACKS_DIR / "uk-service-standard.yaml").pack
    assert pack.id == "uk-service-standard"
    requirements = pack.requirements()
    assert len(requirements) == 14
    assert len({r.id for r in requirements}) == 14
    assert all(isinstance(r, Requirement) for r in requirements)


def test_eu_benchmark_has_14_indicators_in_4_groups():
    pack = read_pack(PACKS_DIR / "eu-egovernment-benchmark.yaml").pack
    assert pack.id == "eu-egovernment-benchmark"
    assert len(pack.groups) == 4
    assert len(pack.requirements()) == 14
    assert all(group.requirements for group in pack.groups)


def test_the_base_pack_of_these_tests_is_valid():
    loaded = parse_pack(VALID, "ok.yaml")
    assert [r.id for r in loaded.pack.requirements()] == ["r1", "r2"]
    assert loaded.file == "ok.yaml"


def test_same_text_same_hash_different_text_different_hash():
    assert parse_pack(VALID).sha256 == parse_pack(VALID).sha256
    assert parse_pack(VALID).sha256 != parse_pack(VALID + "# a comment\n").sha256


# --- broken packs: file, line, field ---------------------------------------------------------------------


def test_invalid_yaml_names_the_line_of_the_syntax_error():
    text = replace_once(VALID, "        weight: 1\n", "        weight: 1: 2\n")
    problem = only_problem(text)
    assert problem.line == line_of(text, "weight: 1: 2")
    assert "not valid YAML" in problem.message
    assert str(problem).startswith(f"{FILE}:{problem.line}:")


def test_unclosed_flow_sequence_is_reported_near_it():
    text = replace_once(VALID, "[citizens, businesses]", "[citizens, businesses")
    problem = only_problem(text)
    opened = line_of(text, "client_categories: [citizens, businesses")
    # PyYAML notices the missing bracket where the next key starts.
    assert opened <= problem.line <= opened + 1
    assert "not valid YAML" in problem.message


@pytest.mark.parametrize("text", ["", "just a string\n", "- a\n- list\n"])
def test_a_document_that_is_not_a_mapping_is_refused(text):
    problem = only_problem(text)
    assert problem.line == 1
    assert "mapping" in problem.message


def test_missing_required_field_title():
    text = replace_once(VALID, "        title:\n          en: Requirement two\n", "")
    problem = only_problem(text)
    assert problem.field == "groups[0].requirements[1].title"
    assert problem.line == line_of(text, "- id: r2")
    assert "required" in problem.message.lower()


def test_missing_pack_title():
    text = replace_once(VALID, "title:\n  en: Test pack\n", "")
    problem = only_problem(text)
    assert problem.field == "title"
    assert "required" in problem.message.lower()


def test_wrong_type_weight_heavy():
    text = replace_once(VALID, "weight: 1", "weight: heavy")
    problem = only_problem(text)
    assert problem.field == "groups[0].requirements[0].weight"
    assert problem.line == line_of(text, "weight: heavy")
    assert "number" in problem.message


def test_unknown_stage():
    text = insert_after(VALID, "        client_categories: [citizens]\n", "        stages: [beta, gamma]\n")
    problem = only_problem(text)
    assert problem.field == "groups[0].requirements[1].stages"
    assert problem.line == line_of(text, "stages: [beta, gamma]")
    assert "gamma" in problem.message


def test_unknown_scoring_scheme():
    text = replace_once(VALID, "scoring: met_not_met", "scoring: out_of_ten")
    problem = only_problem(text)
    assert problem.field == "scoring"
    assert problem.line == line_of(text, "scoring: out_of_ten")
    assert "met_not_met" in problem.message  # lists what is allowed


def test_duplicate_requirement_id():
    text = replace_once(VALID, "- id: r2", "- id: r1")
    problem = only_problem(text)
    assert "'r1'" in problem.message and "twice" in problem.message
    assert problem.field == "groups[0].requirements[1].id"
    assert problem.line == line_of(text, "- id: r1", occurrence=2)


def test_group_and_requirement_sharing_an_id():
    text = replace_once(VALID, "- id: r2", "- id: g1")
    problem = only_problem(text)
    assert "'g1'" in problem.message
    assert problem.line == line_of(text, "- id: g1", occurrence=2)


def test_unknown_check_name():
    text = replace_once(VALID, "check: passport.deadline_within", "check: passport.telepathy")
    problem = only_problem(text)
    assert "passport.telepathy" in problem.message
    assert "passport.deadline_within" in problem.message  # lists the known checks
    assert problem.field.startswith("groups[0].requirements[0].checks[0]")
    assert problem.line == line_of(text, "check: passport.telepathy")


def test_check_parameter_of_the_wrong_type():
    text = replace_once(VALID, "max_days: 10", 'max_days: "ten"')
    problem = only_problem(text)
    assert "max_days" in problem.message and "int" in problem.message and "'ten'" in problem.message
    assert problem.field.startswith("groups[0].requirements[0].checks[0]")
    assert "max_days" in problem.field
    assert problem.line == line_of(text, 'max_days: "ten"')


def test_check_parameter_that_the_check_does_not_take():
    text = replace_once(VALID, "max_days: 10", "max_days: 10, colour: red")
    problem = only_problem(text)
    assert "colour" in problem.message
    assert problem.line == line_of(text, "colour: red")


def test_boolean_is_not_an_int_parameter():
    text = replace_once(VALID, "max_days: 10", "max_days: true")
    problem = only_problem(text)
    assert "max_days" in problem.message


def test_unknown_grade_scale():
    text = replace_once(VALID, "grade_scale: a-f", "grade_scale: stars")
    problem = only_problem(text)
    assert problem.field == "grade_scale"
    assert problem.line == line_of(text, "grade_scale: stars")
    assert "stars" in problem.message and "a-f" in problem.message


def test_group_with_neither_groups_nor_requirements():
    text = VALID + "  - id: g2\n    title:\n      en: Empty group\n"
    problem = only_problem(text)
    assert problem.field == "groups[1]"
    assert problem.line == line_of(text, "- id: g2")
    assert "g2" in problem.message and "neither" in problem.message


def test_effective_to_before_effective_from():
    text = insert_after(VALID, "effective_from: 2024-01-01\n", "effective_to: 2023-12-31\n")
    problem = only_problem(text)
    assert "effective_to" in problem.message
    assert problem.field == "effective_to"
    assert problem.line == line_of(text, "effective_to: 2023-12-31")


def test_requirement_naming_an_undeclared_client_category():
    text = replace_once(VALID, "client_categories: [citizens]\n", "client_categories: [citizens, aliens]\n")
    problem = only_problem(text)
    assert "aliens" in problem.message and "r2" in problem.message
    assert problem.field == "groups[0].requirements[1].client_categories"
    assert problem.line == line_of(text, "client_categories: [citizens, aliens]")


def test_group_naming_an_undeclared_client_category():
    text = insert_after(VALID, "      en: Group one\n", "    client_categories: [robots]\n")
    problem = only_problem(text)
    assert "robots" in problem.message
    assert problem.field == "groups[0].client_categories"
    assert problem.line == line_of(text, "client_categories: [robots]")


def test_several_problems_are_all_reported_each_at_its_line():
    text = replace_once(VALID, "weight: 1", "weight: heavy")
    text = replace_once(text, "scoring: met_not_met", "scoring: out_of_ten")
    problems = problems_of(text)
    by_field = {p.field: p.line for p in problems}
    assert by_field == {
        "scoring": line_of(text, "scoring: out_of_ten"),
        "groups[0].requirements[0].weight": line_of(text, "weight: heavy"),
    }


def test_several_cross_field_problems_are_all_reported():
    text = insert_after(VALID, "effective_from: 2024-01-01\n", "effective_to: 2020-01-01\n")
    text = replace_once(text, "- id: r2", "- id: r1")
    text = replace_once(text, "max_days: 10", 'max_days: "ten"')
    fields = {p.field for p in problems_of(text)}
    assert "effective_to" in fields
    assert "groups[0].requirements[1].id" in fields
    assert any("max_days" in f for f in fields)


def test_pack_invalid_message_lists_file_and_line():
    text = replace_once(VALID, "weight: 1", "weight: heavy")
    with pytest.raises(InvalidInput) as caught:
        parse_pack(text, "mine.yaml")
    where = f"mine.yaml:{line_of(text, 'weight: heavy')}"
    assert f"{where}: groups[0].requirements[0].weight" in str(caught.value)


def test_read_pack_uses_the_file_name_and_reports_unreadable_files(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(VALID, encoding="utf-8")
    assert read_pack(good).file == "good.yaml"

    bad = tmp_path / "bad.yaml"
    bad.write_text(replace_once(VALID, "weight: 1", "weight: heavy"), encoding="utf-8")
    with pytest.raises(InvalidInput) as caught:
        read_pack(bad)
    assert caught.value.problems[0].file == "bad.yaml"

    with pytest.raises(InvalidInput) as caught:
        read_pack(tmp_path / "missing.yaml")
    assert "cannot read" in caught.value.problems[0].message

    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InvalidInput):
        read_pack(binary)


def test_schema_alone_still_refuses_cross_field_problems():
    """Pack.model_validate (used when a stored pack is re-read) keeps refusing inconsistent packs."""
    import yaml
    from pydantic import ValidationError

    data = yaml.safe_load(replace_once(VALID, "- id: r2", "- id: r1"))
    with pytest.raises(ValidationError, match="used twice"):
        Pack.model_validate(data)


# --- the management command ---------------------------------------------------------------------------------


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_validate_command_accepts_a_good_file(tmp_path, capsys):
    path = write(tmp_path, "good.yaml", VALID)
    call_command("standards", "validate", str(path))
    out = capsys.readouterr().out
    assert "test-pack" in out and "2 requirements" in out


def test_validate_command_raises_for_a_bad_file_and_prints_the_line(tmp_path, capsys):
    text = replace_once(VALID, "weight: 1", "weight: heavy")
    good = write(tmp_path, "good.yaml", VALID)
    bad = write(tmp_path, "bad.yaml", text)
    with pytest.raises(CommandError, match="1 problem"):
        call_command("standards", "validate", str(good), str(bad))
    out = capsys.readouterr().out
    assert f"bad.yaml:{line_of(text, 'weight: heavy')}" in out


@pytest.mark.django_db
def test_validate_command_writes_nothing(tmp_path):
    call_command("standards", "validate", str(write(tmp_path, "good.yaml", VALID)))
    assert not StandardPack.objects.exists()


@pytest.mark.django_db
def test_load_command_loads_the_shipped_packs_and_is_idempotent():
    call_command("standards", "load")
    first = {(p.pack_id, p.version): p.pk for p in StandardPack.objects.all()}
    assert len(first) == len(shipped_pack_files())
    assert ("uk-service-standard", "1.1") in first

    call_command("standards", "load")
    second = {(p.pack_id, p.version): p.pk for p in StandardPack.objects.all()}
    assert second == first  # nothing created, nothing replaced


@pytest.mark.django_db
def test_load_command_refuses_different_content_under_the_same_id_and_version(tmp_path):
    call_command("standards", "load", str(write(tmp_path, "v1.yaml", VALID)))
    record = StandardPack.objects.get(pack_id="test-pack", version="1.0")

    changed = replace_once(VALID, "en: Text one", "en: Text one, changed")
    with pytest.raises(CommandError, match="different content"):
        call_command("standards", "load", str(write(tmp_path, "v1-changed.yaml", changed)))
    record.refresh_from_db()
    assert record.content["groups"][0]["requirements"][0]["text"]["en"] == "Text one"
    assert StandardPack.objects.count() == 1

    # A new version of the same pack is fine.
    bumped = replace_once(changed, 'version: "1.0"', 'version: "1.1"')
    call_command("standards", "load", str(write(tmp_path, "v1.1.yaml", bumped)))
    assert set(StandardPack.objects.values_list("version", flat=True)) == {"1.0", "1.1"}


@pytest.mark.django_db
def test_load_command_is_all_or_nothing(tmp_path):
    good = write(tmp_path, "good.yaml", VALID)
    bad = write(tmp_path, "bad.yaml", replace_once(VALID, "grade_scale: a-f", "grade_scale: stars"))
    with pytest.raises(CommandError):
        call_command("standards", "load", str(good), str(bad))
    assert not StandardPack.objects.exists()


@pytest.mark.django_db
def test_load_command_rolls_back_when_a_later_pack_conflicts(tmp_path):
    call_command("standards", "load", str(write(tmp_path, "a.yaml", VALID)))
    other = replace_once(VALID, "id: test-pack", "id: other-pack")
    conflicting = replace_once(VALID, "en: Text two", "en: Something else")
    with pytest.raises(CommandError):
        call_command("standards", "load", str(write(tmp_path, "b.yaml", other)),
                     str(write(tmp_path, "c.yaml", conflicting)))
    assert not StandardPack.objects.filter(pack_id="other-pack").exists()
