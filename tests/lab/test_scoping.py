"""Scope of the lab: VIEW for the service owner's and the lab's organisations, RUN_LAB and VIEW_PARTICIPANTS for
the lab's organisation (and the organisations above it) only."""

from __future__ import annotations

import pytest

from govcx.accounts.models import User
from govcx.accounts.roles import Action, Role
from govcx.errors import Forbidden, NotFound
from govcx.lab import selectors
from govcx.lab.models import Attempt, Participant, Study
from govcx.lab.services import study as study_services


@pytest.fixture
def agency_study(services, users, reference_data):
    """A study run by Agency A1 (below Ministry A) of the Tula region's service."""
    researcher = User.objects.create_user(username="agency-researcher", role=Role.LAB_RESEARCHER,
                                          organisation=reference_data["agency"])
    study = study_services.study_create(actor=researcher, service=services["b"], lab=reference_data["agency"],
                                        title="Tula")
    return study, researcher


def test_an_ancestor_of_the_lab_runs_the_study_too(agency_study, reference_data):
    study, _ = agency_study
    ministry_researcher = User.objects.create_user(username="ministry-researcher", role=Role.LAB_RESEARCHER,
                                                   organisation=reference_data["ministry"])
    assert selectors.access_study(ministry_researcher, study.pk, Action.VIEW_PARTICIPANTS) == study


def test_the_service_owner_views_but_does_not_run_or_see_people(agency_study, users):
    study, _ = agency_study
    owner = users["owner_b"]  # Tula region owns the service
    assert selectors.access_study(owner, study.pk) == study
    with pytest.raises(Forbidden):
        selectors.access_study(owner, study.pk, Action.RUN_LAB)
    assert not selectors.can_view_participants(owner, study)


def test_unrelated_organisations_get_404(agency_study, researchers, users):
    study, _ = agency_study
    with pytest.raises(NotFound):
        selectors.access_study(researchers["lab"], study.pk)  # another lab
    assert not Study.objects.for_user(researchers["lab"]).filter(pk=study.pk).exists()
    # Ministry A is above the agency that runs it, so its viewer sees it
    assert selectors.access_study(users["viewer_a"], study.pk) == study


def test_admin_sees_and_runs_but_never_sees_personal_data(study, researchers, users, run_session):
    admin = users["admin"]
    session = run_session(study, researchers["lab"], {"find": ("success", 10.0)}, full_name="Анна Иванова")
    assert selectors.access_study(admin, study.pk, Action.RUN_LAB) == study
    with pytest.raises(Forbidden):
        selectors.access_participant(admin, session.participant_id, Action.VIEW_PARTICIPANTS)
    context = selectors.study_report_context(study, admin)
    assert not context["can_view_participants"] and "full_name" not in context["participants"][0]
    mine = selectors.study_report_context(study, researchers["lab"])
    assert mine["can_view_participants"] and mine["participants"][0]["full_name"] == "Анна Иванова"


def test_child_records_follow_the_studys_scope(study, researchers, users, run_session):
    run_session(study, researchers["lab"], {"find": ("success", 10.0)})
    assert Attempt.objects.for_user(users["owner_a"]).count() == 1
    assert Attempt.objects.for_user(researchers["other"]).count() == 0
    assert Participant.objects.for_user(users["admin"], Action.VIEW_PARTICIPANTS).count() == 0
    assert Participant.objects.for_user(researchers["lab"], Action.VIEW_PARTICIPANTS).count() == 1
