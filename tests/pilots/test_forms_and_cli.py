"""The pilot's page forms (a new programme, a participant, a new criterion, and the criterion form: an edit while
the pilot is planned, a new version with its reason once it runs) and the `govcx pilots` command: list, show,
start, analyse, decide (console, JSON, PDF) and revise-criterion."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from govcx.pilots.models import EffectivenessCriterion, PilotProgramme
from govcx.pilots.services import analysis_run, programme_start

pytestmark = pytest.mark.django_db

FORM = {"tool": "feedback", "measure": "satisfaction_mean", "direction": "increase", "minimum_effect": "2",
        "iterate_threshold": "0.5", "confidence": "90", "comparison_group": "federal"}


def test_a_programme_is_set_up_from_pages(users, reference_data, comparison_orgs, client_for):
    client = client_for(users["analyst"])
    assert "/pilots/new/" in client.get("/pilots/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    form = {"name": "Quarterly pilot", "owner": reference_data["central"].pk, "tools": ["feedback", "delivery"],
            "starts_on": "2026-01-01", "ends_on": "2025-12-31"}
    page = client.post("/pilots/new/", form, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "the pilot must end after it starts" in page and not PilotProgramme.objects.exists()
    response = client.post("/pilots/new/", {**form, "ends_on": "2027-01-01"})
    programme = PilotProgramme.objects.get()
    assert response.status_code == 302 and programme.status == "planned" and programme.tools == ["feedback", "delivery"]

    participants = f"/pilots/{programme.pk}/participants/"
    ministry = reference_data["ministry"]
    assert client.post(participants, {"organisation": ministry.pk, "role": "treated"}).status_code == 302
    assert client.post(participants, {"organisation": comparison_orgs[0].pk, "role": "comparison"}).status_code == 302
    page = client.get(participants).content.decode()
    assert f'value="{ministry.pk}"' not in page  # who takes part already is not offered again
    assert [(p.organisation_id, p.role) for p in programme.participants.order_by("role")] == [
        (comparison_orgs[0].pk, "comparison"), (ministry.pk, "treated")]

    criteria = f"/pilots/{programme.pk}/criteria/new/"
    page = client.post(criteria, {**FORM, "key": "satisfaction", "iterate_threshold": "5"},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot exceed the minimum effect" in page and not programme.criteria.exists()
    assert client.post(criteria, {**FORM, "key": "satisfaction"}).status_code == 302
    criterion = programme.criteria.get()
    assert (criterion.key, criterion.minimum_effect, criterion.confidence) == ("satisfaction", 0.02, 0.9)
    detail = client.get(f"/pilots/{programme.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Ministry A" in detail and "Satisfaction" in detail and "Start the pilot" in detail


def test_only_who_manages_pilots_sets_one_up(pilot, users, client_for, reference_data):
    viewer = client_for(users["viewer_a"])
    assert viewer.get("/pilots/new/").status_code == 403
    assert "/pilots/new/" not in viewer.get("/pilots/").content.decode()
    assert viewer.post(f"/pilots/{pilot.pk}/participants/",
                       {"organisation": reference_data["central"].pk, "role": "treated"}).status_code in (403, 404)
    assert viewer.post(f"/pilots/{pilot.pk}/criteria/new/", {**FORM, "key": "x"}).status_code in (403, 404)
    assert pilot.participants.count() == 9 and pilot.criteria.count() == 1


def test_a_started_pilot_takes_no_new_participant_or_criterion(pilot, users, client_for, reference_data):
    programme_start(actor=users["admin"], programme=pilot)
    client = client_for(users["admin"])
    page = client.post(f"/pilots/{pilot.pk}/participants/", {"organisation": reference_data["central"].pk,
                                                             "role": "comparison"},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "participants are fixed once the pilot has started" in page
    page = client.post(f"/pilots/{pilot.pk}/criteria/new/", {**FORM, "key": "other"},
                       HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "criteria are registered before the pilot starts" in page
    assert pilot.participants.count() == 9 and pilot.criteria.count() == 1


def _url(pilot) -> str:
    return f"/pilots/{pilot.pk}/criteria/{pilot.criteria.get().pk}/"


def test_the_form_registers_a_new_version_with_its_reason_once_the_pilot_runs(pilot, users, client_for):
    programme_start(actor=users["admin"], programme=pilot)
    client = client_for(users["analyst"])
    page = client.get(_url(pilot), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "New version of a criterion" in page and 'name="reason"' in page
    assert 'value="3.0"' in page  # the registered minimum effect, 0.03, shown in percentage points

    response = client.post(_url(pilot), {**FORM, "reason": "agreed with the committee"})
    assert response.status_code == 302
    versions = list(EffectivenessCriterion.objects.filter(programme=pilot).order_by("version"))
    assert [(c.version, c.superseded) for c in versions] == [(1, True), (2, False)]
    revised = versions[1]
    assert revised.minimum_effect == pytest.approx(0.02) and revised.iterate_threshold == pytest.approx(0.005)
    assert revised.confidence == pytest.approx(0.9) and revised.frozen_at is not None
    assert revised.reason == "agreed with the committee"
    detail = client.get(f"/pilots/{pilot.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "agreed with the committee" in detail and "Version 1, replaced" in detail
    assert f"/pilots/{pilot.pk}/criteria/{revised.pk}/" in detail  # only the current version is offered


def test_a_new_version_without_a_reason_or_with_crossed_thresholds_stores_nothing(pilot, users, client_for):
    programme_start(actor=users["admin"], programme=pilot)
    client = client_for(users["admin"])
    page = client.post(_url(pilot), FORM, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "error-summary" in page and "Обязательное поле" in page
    page = client.post(_url(pilot), {**FORM, "iterate_threshold": "5", "reason": "why not"},
                       HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "не может превышать минимальный эффект" in page
    assert pilot.criteria.count() == 1


def test_before_the_start_the_form_edits_the_criterion_itself(pilot, users, client_for):
    client = client_for(users["admin"])
    page = client.get(_url(pilot), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Edit a criterion" in page and 'name="reason"' not in page
    assert client.post(_url(pilot), {**FORM, "minimum_effect": "4"}).status_code == 302
    criterion = pilot.criteria.get()
    assert criterion.version == 1 and criterion.minimum_effect == pytest.approx(0.04)


def test_only_who_manages_pilots_reaches_the_form(pilot, users, client_for):
    assert client_for(users["viewer_a"]).get(_url(pilot)).status_code in (403, 404)
    assert client_for(users["owner_a"]).post(_url(pilot), {**FORM, "reason": "x"}).status_code in (403, 404)
    assert pilot.criteria.get().minimum_effect == pytest.approx(0.03)


def test_cli_lists_shows_starts_revises_and_analyses(pilot, users, evidence, capsys):
    call_command("pilots", "list")
    call_command("pilots", "show", str(pilot.pk))
    printed = capsys.readouterr().out
    assert "Pilot" in printed and "planned" in printed and "satisfaction" in printed and "3.00 pp" in printed

    call_command("pilots", "start", str(pilot.pk), "--as", "analyst")
    criterion = pilot.criteria.get()
    with pytest.raises(CommandError, match="reason"):
        call_command("pilots", "revise-criterion", str(criterion.pk), "--minimum-effect", "2")
    call_command("pilots", "revise-criterion", str(criterion.pk), "--minimum-effect", "2", "--reason",
                 "re-agreed with the committee")
    assert [(c.version, c.minimum_effect) for c in pilot.criteria.order_by("version")] == [(1, 0.03), (2, 0.02)]

    call_command("pilots", "analyse", str(pilot.pk), "--reps", "199")
    printed = capsys.readouterr().out
    assert "Scale up" in printed and "satisfaction v2" in printed
    out = io.StringIO()
    call_command("pilots", "decide", str(pilot.pk), "--json", "--language", "ru", stdout=out)
    decisions = json.loads(out.getvalue())
    assert decisions[0]["decision"] == "scale" and decisions[0]["version"] == 2
    assert decisions[0]["verdict"].startswith("Масштабировать")


def test_cli_decide_writes_the_report_pdf(pilot, users, evidence, tmp_path, pdf_text):
    programme_start(actor=users["admin"], programme=pilot)
    with pytest.raises(CommandError, match="no analysis yet"):
        call_command("pilots", "decide", str(pilot.pk))
    analysis_run(actor=users["admin"], programme=pilot, reps=199, event_reps=99)
    target = tmp_path / "report.pdf"
    call_command("pilots", "decide", str(pilot.pk), "--pdf", str(target))
    text = pdf_text(target.read_bytes())
    assert "Scale up" in text and "Satisfaction" in text


def test_cli_refuses_an_unknown_user_or_programme_and_names_the_field(pilot, users):
    with pytest.raises(CommandError, match="no active user"):
        call_command("pilots", "start", str(pilot.pk), "--as", "nobody")
    with pytest.raises(CommandError, match="no pilot programme"):
        call_command("pilots", "show", "999999")
    with pytest.raises(CommandError, match="measure"):
        call_command("pilots", "revise-criterion", str(pilot.criteria.get().pk), "--measure", "no_such_measure")
    with pytest.raises(CommandError, match="may not manage pilots"):
        call_command("pilots", "start", str(pilot.pk), "--as", "owner-a")
