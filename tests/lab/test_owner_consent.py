"""A lab studies another authority's service only with that authority's consent (docs/lab.md): the study starts
awaiting it, may be planned but recruits, runs and closes nothing until the owner's service owner (or an
administrator) consents; a lab of the owning authority itself (or above it) needs no consent."""

from __future__ import annotations

import pytest

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.errors import Conflict, Forbidden, NotFound
from govcx.lab.models import OwnerConsent, StudyStatus
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def awaiting(services, researchers, lab_org):
    return study_services.study_create(actor=researchers["lab"], service=services["a"], lab=lab_org,
                                       title="Birth allowance, alpha")


def recruit(study, researcher):
    return participant_services.participant_recruit(actor=researcher, study=study, full_name="Анна",
                                                    screener_answers={"applied_before": "no"})


def test_a_study_of_another_authoritys_service_awaits_consent_and_collects_nothing(awaiting, researchers):
    researcher = researchers["lab"]
    assert awaiting.owner_consent == OwnerConsent.AWAITING and awaiting.status == StudyStatus.DRAFT
    study_services.task_create(actor=researcher, study=awaiting, key="find", title="Find the service")  # planning
    study_services.study_update(actor=researcher, study=awaiting, title="Renamed")
    with pytest.raises(Conflict, match="awaiting the consent"):
        recruit(awaiting, researcher)
    for status in (StudyStatus.RECRUITING, StudyStatus.RUNNING):
        with pytest.raises(Conflict, match="awaiting the consent"):
            study_services.study_update(actor=researcher, study=awaiting, status=status)
    with pytest.raises(Conflict, match="awaiting the consent"):
        study_services.study_close(actor=researcher, study=awaiting)
    with pytest.raises(Conflict, match="starts as a draft"):
        study_services.study_create(actor=researcher, service=awaiting.service, lab=awaiting.lab, title="x",
                                    status=StudyStatus.RUNNING)


def test_the_owning_authority_consents_through_the_api_and_the_study_runs(awaiting, researchers, client_for, users):
    url = f"/api/lab/studies/{awaiting.pk}/owner-consent"
    # the lab cannot consent for the owner; another authority's owner does not even see the study
    assert client_for(researchers["lab"]).post(url, {"give": True}, content_type="application/json").status_code == 403
    assert client_for(users["owner_b"]).post(url, {"give": True}, content_type="application/json").status_code == 404
    assert client_for(users["viewer_a"]).post(url, {"give": True}, content_type="application/json").status_code == 403
    response = client_for(users["owner_a"]).post(url, {"give": True}, content_type="application/json")
    assert response.status_code == 200 and response.json()["owner_consent"] == "given"
    awaiting.refresh_from_db()
    assert awaiting.owner_consent_by == users["owner_a"] and awaiting.owner_consent_at is not None
    person = recruit(awaiting, researchers["lab"])
    session_services.session_schedule(actor=researchers["lab"], study=awaiting, participant=person)
    study_services.study_update(actor=researchers["lab"], study=awaiting, status=StudyStatus.RUNNING)
    # once it runs, consent is no longer the owner's to take back
    refused = client_for(users["owner_a"]).post(url, {"give": False}, content_type="application/json")
    assert refused.status_code == 409


def test_the_owner_refuses_on_the_study_page_and_an_administrator_may_decide_too(awaiting, researchers, client_for,
                                                                                users):
    owner = client_for(users["owner_a"])
    page = owner.get(f"/lab/studies/{awaiting.pk}/").content.decode()
    assert "Consent to this study" in page and "awaiting" in page
    lab_page = client_for(researchers["lab"]).get(f"/lab/studies/{awaiting.pk}/").content.decode()
    assert "Consent to this study" not in lab_page and "awaiting" in lab_page
    response = owner.post(f"/lab/studies/{awaiting.pk}/owner-consent/", {"decision": "refuse"})
    assert response.status_code == 302
    awaiting.refresh_from_db()
    assert awaiting.owner_consent == OwnerConsent.REFUSED
    with pytest.raises(Conflict, match="refused"):
        recruit(awaiting, researchers["lab"])
    assert "refused" in owner.get(f"/lab/studies/{awaiting.pk}/").content.decode()
    study_services.study_owner_consent(actor=users["admin"], study=awaiting, give=True)
    awaiting.refresh_from_db()
    assert awaiting.owner_consent == OwnerConsent.GIVEN
    recruit(awaiting, researchers["lab"])


def test_a_lab_of_the_owning_authority_needs_no_consent(services, users, reference_data):
    ministry_lab = User.objects.create_user(username="researcher-a", password="x" * 20, role=Role.LAB_RESEARCHER,
                                            organisation=reference_data["ministry"])
    # min-a's own lab studying its own service and its agency's service
    for service in (services["a"], services["a1"]):
        study = study_services.study_create(actor=ministry_lab, service=service, lab=reference_data["ministry"],
                                            title="Own service")
        assert study.owner_consent == OwnerConsent.NOT_NEEDED
        recruit(study, ministry_lab)
        with pytest.raises(Conflict, match="no consent is needed"):
            study_services.study_owner_consent(actor=users["owner_a"], study=study, give=True)
    # the agency is below the ministry, not above it: a study of the ministry's service by the agency's lab waits
    agency_lab = User.objects.create_user(username="researcher-a1", password="x" * 20, role=Role.LAB_RESEARCHER,
                                          organisation=reference_data["agency"])
    upward = study_services.study_create(actor=agency_lab, service=services["a"], lab=reference_data["agency"],
                                         title="The ministry's service")
    assert upward.owner_consent == OwnerConsent.AWAITING


def test_a_retest_keeps_the_owners_answer(study, researchers):
    retest = study_services.retest_create(actor=researchers["lab"], study=study)
    assert retest.owner_consent == OwnerConsent.GIVEN == study.owner_consent
    recruit(retest, researchers["lab"])


def test_only_the_owning_authority_may_decide(awaiting, users, researchers):
    with pytest.raises(Forbidden):
        study_services.study_owner_consent(actor=researchers["lab"], study=awaiting, give=True)
    with pytest.raises(NotFound):
        study_services.study_owner_consent(actor=users["owner_b"], study=awaiting, give=True)
