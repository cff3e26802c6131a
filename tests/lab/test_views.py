"""The lab's staff pages: scoping (another authority's study is a 404), personal data only for the lab's own
researchers, forms with their errors, and the moderated session's saves (plain form and in the background)."""

from __future__ import annotations

import re

import pytest

from govcx.lab.models import Attempt, Observation, Participant, ParticipantStatus, Study, StudyStatus
from govcx.lab.services import finding as finding_services
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services

pytestmark = pytest.mark.django_db

SUS = [4, 2, 4, 2, 4, 2, 4, 2, 4, 2]
NAME, EMAIL = "Anna Ivanova", "anna.ivanova@example.org"


@pytest.fixture
def person(study, researchers):
    return participant_services.participant_recruit(actor=researchers["lab"], study=study, full_name=NAME, email=EMAIL,
                                                    phone="+7 900 000-00-00", screener_answers={"applied_before": "no"})


@pytest.fixture
def moderated(study, researchers, person):
    return session_services.session_schedule(actor=researchers["lab"], study=study, participant=person)


def html(response) -> str:
    return response.content.decode()


# ---- scope --------------------------------------------------------------------------------------------------


def test_study_list_shows_studies_in_scope_only(client_for, study, researchers, users):
    assert study.title in html(client_for(researchers["lab"]).get("/lab/"))
    assert study.title in html(client_for(users["owner_a"]).get("/lab/"))  # the service's owner
    assert study.title in html(client_for(users["admin"]).get("/lab/"))
    assert study.title not in html(client_for(users["owner_b"]).get("/lab/"))
    assert study.title not in html(client_for(researchers["other"]).get("/lab/"))


def test_study_list_filters_by_status_and_answers_htmx_with_the_table_only(client_for, study, researchers):
    client = client_for(researchers["lab"])
    assert study.title not in html(client.get("/lab/", {"status": "closed"}))
    fragment = client.get("/lab/", {"status": "draft", "service": study.service_id}, HTTP_HX_REQUEST="true")
    assert study.title in html(fragment) and "<html" not in html(fragment)


@pytest.mark.parametrize("path", [
    "/lab/studies/{study}/", "/lab/studies/{study}/report/", "/lab/studies/{study}/findings/",
    "/lab/participants/{participant}/", "/lab/sessions/{session}/",
])
def test_another_authority_gets_404(client_for, users, researchers, study, person, moderated, path):
    url = path.format(study=study.pk, participant=person.pk, session=moderated.pk)
    assert client_for(users["owner_b"]).get(url).status_code == 404
    assert client_for(researchers["other"]).get(url).status_code == 404
    assert client_for(users["owner_a"]).get(url).status_code == 200


def test_running_a_study_is_for_its_lab_only(client_for, users, researchers, study, moderated):
    # The owner's organisation sees the study but may not change it; another lab's researcher does not see it.
    assert client_for(users["owner_a"]).get(f"/lab/studies/{study.pk}/edit/").status_code == 403
    assert client_for(researchers["other"]).get(f"/lab/studies/{study.pk}/edit/").status_code == 404
    other = client_for(researchers["other"])
    task = study.tasks.first()
    response = other.post(f"/lab/sessions/{moderated.pk}/tasks/{task.pk}/attempt/",
                          {"outcome": "success", "seconds": "30", "errors": 0, "assists": 0})
    assert response.status_code == 404
    assert not Attempt.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, study):
    response = client.get(f"/lab/studies/{study.pk}/")
    assert response.status_code == 302 and "/login/" in response["Location"]


# ---- personal data ------------------------------------------------------------------------------------------


def test_personal_data_is_shown_to_the_labs_researchers_only(client_for, users, researchers, study, person):
    pages_with_people = [f"/lab/studies/{study.pk}/", f"/lab/participants/{person.pk}/"]
    report = f"/lab/studies/{study.pk}/report/"
    for page in pages_with_people:
        assert NAME in html(client_for(researchers["lab"]).get(page))
    assert NAME not in html(client_for(researchers["lab"]).get(report))  # the report is anonymised for everyone
    for page in [*pages_with_people, report]:
        for viewer in (users["admin"], users["owner_a"], users["viewer_a"]):
            body = html(client_for(viewer).get(page))
            if page != report:
                assert person.code in body, (viewer.username, page)
            assert NAME not in body and EMAIL not in body, (viewer.username, page)


def test_incentives_are_for_the_labs_researchers_only(client_for, users, researchers, person):
    participant_services.incentive_record(actor=researchers["lab"], participant=person, amount="1500", method="voucher")
    assert "1500" in html(client_for(researchers["lab"]).get(f"/lab/participants/{person.pk}/"))
    assert "1500" not in html(client_for(users["admin"]).get(f"/lab/participants/{person.pk}/"))
    assert client_for(users["admin"]).get(f"/lab/participants/{person.pk}/incentives/").status_code == 403
    assert client_for(researchers["other"]).get(f"/lab/participants/{person.pk}/incentives/").status_code == 404


def test_admin_editing_a_participant_never_sees_or_blanks_personal_fields(client_for, users, study, person):
    client = client_for(users["admin"])
    form = client.get(f"/lab/participants/{person.pk}/edit/")
    assert form.status_code == 200 and NAME not in html(form) and 'name="full_name"' not in html(form)
    response = client.post(f"/lab/participants/{person.pk}/edit/", {"age_band": "25-34", "digital_confidence": "3"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.full_name, person.email, person.age_band) == (NAME, EMAIL, "25-34")


def test_withdrawal_asks_first_then_erases_personal_data(client_for, researchers, person):
    client = client_for(researchers["lab"])
    confirm = client.get(f"/lab/participants/{person.pk}/withdraw/")
    assert "cannot be undone" in html(confirm)
    person.refresh_from_db()
    assert person.full_name == NAME  # a GET changes nothing
    response = client.post(f"/lab/participants/{person.pk}/withdraw/", follow=True)
    person.refresh_from_db()
    assert person.status == ParticipantStatus.WITHDRAWN and person.full_name == "" and person.email == ""
    assert NAME not in html(response) and "personal data and recordings were deleted" in html(response)


# ---- planning forms -----------------------------------------------------------------------------------------


def test_researcher_plans_a_study_with_its_screener(client_for, researchers, services, lab_org):
    client = client_for(researchers["lab"])
    response = client.post("/lab/studies/new/", {
        "service": services["b"].pk, "lab": lab_org.pk, "title": "Business start, alpha", "stage": "alpha",
        "status": "draft", "use_sus": "on", "use_seq": "on", "confidence": "0.90", "discovery_p": "0.31",
        "discovery_goal": "0.85", "research_questions": "Can owners find the form?",
        **screener_rows({"question": "Do you own a business?", "options": "yes\nno", "accept": "yes",
                         "key": "owner"}),
    })
    study = Study.objects.get(title="Business start, alpha")
    assert response.status_code == 302 and response["Location"] == f"/lab/studies/{study.pk}/"
    assert study.lab == lab_org and study.screener == [
        {"key": "owner", "question": "Do you own a business?", "options": ["yes", "no"], "accept": ["yes"]}]


def screener_rows(*rows: dict) -> dict:
    """The screener's rows as the study form posts them (a Django formset with the prefix "screener")."""
    data = {"screener-TOTAL_FORMS": str(len(rows)), "screener-INITIAL_FORMS": "0"}
    for number, row in enumerate(rows):
        data.update({f"screener-{number}-{name}": value for name, value in row.items()})
    return data


STUDY = {"stage": "beta", "status": "draft", "confidence": "0.9", "discovery_p": "0.31", "discovery_goal": "0.85"}


def test_screener_rows_are_checked(client_for, researchers, services, lab_org):
    response = client_for(researchers["lab"]).post("/lab/studies/new/", {
        "service": services["a"].pk, "lab": lab_org.pk, "title": "T", **STUDY,
        **screener_rows({"question": "How old are you?", "options": "under 18\n18+", "accept": "adult"}),
    })
    assert response.status_code == 200 and "not among the answers offered: adult" in html(response)
    assert not Study.objects.filter(title="T").exists()


def test_a_screener_row_is_added_without_javascript_and_empty_rows_are_skipped(client_for, researchers, services,
                                                                               lab_org):
    client = client_for(researchers["lab"])
    posted = {"service": services["a"].pk, "lab": lab_org.pk, "title": "Rows", **STUDY,
              **screener_rows({"question": "Do you drive?", "options": "yes\nno"})}
    response = client.post("/lab/studies/new/", {**posted, "screener-add-row": "1"})
    body = html(response)
    assert response.status_code == 200 and 'name="screener-1-question"' in body and "Do you drive?" in body
    assert not Study.objects.filter(title="Rows").exists()
    posted["screener-TOTAL_FORMS"] = "2"  # the second row left empty
    response = client.post("/lab/studies/new/", posted)
    study = Study.objects.get(title="Rows")
    assert study.screener == [{"key": "q1", "question": "Do you drive?", "options": ["yes", "no"],
                               "accept": ["yes", "no"]}]
    edit = html(client.get(f"/lab/studies/{study.pk}/edit/"))
    assert 'name="screener-0-question"' in edit and "Do you drive?" in edit
    response = client.post(f"/lab/studies/{study.pk}/edit/", {
        "title": "Rows", **STUDY, "version": study.version, "screener-TOTAL_FORMS": "1", "screener-INITIAL_FORMS": "1",
        "screener-0-question": "Do you drive?", "screener-0-options": "yes\nno", "screener-0-key": "q1",
        "screener-0-DELETE": "on"})
    study.refresh_from_db()
    assert response.status_code == 302 and study.screener == []


def test_study_page_shows_the_planning_figures(client_for, researchers, study, person):
    body = html(client_for(researchers["lab"]).get(f"/lab/studies/{study.pk}/"))
    # One participant, p = 0.31: 1 − 0.69¹ = 31 %; 85 % of such problems need 6 participants (0.69⁵ > 0.15).
    assert "with 1 participants" in body and ">31 %<" in body
    assert re.search(r'class="big">6<', body)


def test_task_form_shows_a_refused_key_next_to_the_field(client_for, researchers, study):
    client = client_for(researchers["lab"])
    response = client.post(f"/lab/studies/{study.pk}/tasks/new/", {
        "key": "find", "order": 4, "title": "Again", "benchmark_completion": "0.78"})
    assert response.status_code == 200 and "already has a task" in html(response)
    response = client.post(f"/lab/studies/{study.pk}/tasks/new/", {
        "key": "pay", "order": 4, "title": "Pay the fee", "benchmark_completion": "0.8", "critical_path": "on",
        "target_seconds": "90"})
    assert response.status_code == 302 and study.tasks.get(key="pay").critical_path


def test_quota_and_participant_forms(client_for, researchers, study):
    client = client_for(researchers["lab"])
    client.post(f"/lab/studies/{study.pk}/quotas/", {"who": "age_band=65+", "target": 1})
    refused = client.post(f"/lab/studies/{study.pk}/participants/new/",
                          {"screener_applied_before": "yes", "full_name": "X"})
    assert refused.status_code == 200 and "not an accepted answer" in html(refused)
    client.post(f"/lab/studies/{study.pk}/participants/new/",
                {"screener_applied_before": "no", "age_band": "65+", "full_name": "Пётр Петров"})
    full = client.post(f"/lab/studies/{study.pk}/participants/new/",
                       {"screener_applied_before": "no", "age_band": "65+"})
    assert "quota full" in html(full)
    assert "1</td><td class=\"number\">1<" in html(client.get(f"/lab/studies/{study.pk}/")).replace(" quota-full", "")
    assert Participant.objects.get().full_name == "Пётр Петров"


def test_consent_and_incentive_are_recorded_on_separate_forms(client_for, researchers, person):
    client = client_for(researchers["lab"])
    client.post(f"/lab/participants/{person.pk}/consent/",
                {"given_at": "2026-03-01T10:00", "text_version": "v2", "recording_allowed": "on"})
    client.post(f"/lab/participants/{person.pk}/incentives/", {"amount": "1000", "currency": "RUB",
                                                               "method": "voucher"})
    person.refresh_from_db()
    assert person.consent.recording_allowed and person.consent.text_version == "v2"
    assert person.incentives.get().amount == 1000


# ---- the moderated session ----------------------------------------------------------------------------------


def test_session_page_documents_the_shortcuts_and_loads_its_script(client_for, researchers, moderated):
    body = html(client_for(researchers["lab"]).get(f"/lab/sessions/{moderated.pk}/"))
    assert 'src="/static/govcx/lab-session.js"' in body
    for key in ("Space", "E", "A", "N", "P", "O"):
        assert f"<kbd>{key}</kbd>" in body
    assert "<script>" not in body and " style=" not in body  # the CSP allows neither


def test_attempt_saved_in_the_background_is_idempotent(client_for, researchers, moderated, study):
    client = client_for(researchers["lab"])
    task = study.tasks.get(key="find")
    url = f"/lab/sessions/{moderated.pk}/tasks/{task.pk}/attempt/"
    data = {"outcome": "success", "seconds": "1:15", "errors": 1, "assists": 0, "expected_version": 0}
    first = client.post(url, data, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and 'data-version="1"' in html(first)
    again = client.post(url, {**data, "expected_version": 1}, HTTP_HX_REQUEST="true")
    assert again.status_code == 200
    attempt = Attempt.objects.get()
    assert (attempt.seconds, attempt.errors, attempt.version) == (75.0, 1, 1)
    stale = client.post(url, {**data, "errors": 2, "expected_version": 0}, HTTP_HX_REQUEST="true")
    assert stale.status_code == 422 and "changed by someone else" in html(stale)


def test_attempt_without_javascript_posts_and_redirects_or_shows_errors(client_for, researchers, moderated, study):
    client = client_for(researchers["lab"])
    task = study.tasks.get(key="apply")
    url = f"/lab/sessions/{moderated.pk}/tasks/{task.pk}/attempt/"
    missing = client.post(url, {"outcome": "failure", "seconds": "", "errors": 0, "assists": 0})
    assert missing.status_code == 422 and "Give the time on task." in html(missing)
    typed = client.post(url, {"outcome": "failure", "seconds": "95,5", "errors": 0, "assists": 2})
    assert typed.status_code == 302 and typed["Location"].endswith(f"?task={task.pk}")
    assert Attempt.objects.get().seconds == 95.5


def test_observation_is_stamped_with_the_time_since_the_start(client_for, researchers, moderated, study):
    client = client_for(researchers["lab"])
    session_services.session_start(actor=researchers["lab"], session=moderated)
    typed = client.post(f"/lab/sessions/{moderated.pk}/observations/",
                        {"text": "Looked for the button", "tags": "Navigation, search, navigation", "at": "2:05"},
                        HTTP_HX_REQUEST="true")
    assert typed.status_code == 200 and "<li" in html(typed)
    blank = client.post(f"/lab/sessions/{moderated.pk}/observations/", {"text": "Sighed"})
    assert blank.status_code == 302
    first, second = Observation.objects.order_by("id")
    assert first.at_seconds == 125.0 and first.tags == ["navigation", "search"]
    assert second.at_seconds is not None and 0 <= second.at_seconds < 60


def test_unmoderated_link_is_shown_once_and_not_kept(client_for, researchers, study, person):
    session = session_services.session_schedule(actor=researchers["lab"], study=study, participant=person,
                                                mode="unmoderated")
    client = client_for(researchers["lab"])
    response = client.post(f"/lab/sessions/{session.pk}/link/", {"valid_days": 3})
    url = re.search(r'value="(http://testserver/lab/take/[^"]+/)"', html(response)).group(1)
    assert response["Cache-Control"] == "no-store"
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert token not in html(client.get(f"/lab/sessions/{session.pk}/"))
    assert client.get(url).status_code == 200  # the link opens the participant's page


# ---- findings and recordings --------------------------------------------------------------------------------


def test_observations_are_merged_into_a_finding_with_clips_for_researchers_only(
        client_for, researchers, users, study, moderated, settings, tmp_path, video):
    settings.MEDIA_ROOT = tmp_path
    researcher = researchers["lab"]
    participant_services.consent_record(actor=researcher, participant=moderated.participant, text_version="v1",
                                        recording_allowed=True)
    session_services.session_start(actor=researcher, session=moderated)
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(researcher)
    upload = SimpleUploadedFile("session.mp4", video("mp4", 4096), content_type="video/mp4")
    assert client.post(f"/lab/sessions/{moderated.pk}/recording/", {"recording": upload}).status_code == 302
    moderated.refresh_from_db()
    assert moderated.recording
    task = study.tasks.get(key="apply")
    notes = [finding_services.observation_add(actor=researcher, session=moderated, text=text, task=task, at_seconds=at,
                                              tags=["form"]) for text, at in (("Missed the date field", 62.0),
                                                                              ("Gave up", 140.0))]
    response = client.post(f"/lab/studies/{study.pk}/findings/merge/", {
        "observation": [o.pk for o in notes], "title": "Date field is hard to find", "severity": 3,
        "status": "open", "recommendation": "Move the date field up",
    })
    finding = study.findings.get()
    assert response.status_code == 302 and response["Location"] == f"/lab/findings/{finding.pk}/"
    assert set(finding.observations.all()) == set(notes) and finding.task == task
    page = html(client.get(f"/lab/findings/{finding.pk}/"))
    assert f"/lab/sessions/{moderated.pk}/recording/video#t=57" in page  # 62 s less a 5 s lead-in
    for viewer in (users["admin"], users["owner_a"]):
        other = html(client_for(viewer).get(f"/lab/findings/{finding.pk}/"))
        assert "Missed the date field" in other and "<video" not in other
    report = html(client.get(f"/lab/studies/{study.pk}/report/"))
    assert "Date field is hard to find" in report and "#t=135" in report


def test_recording_is_served_in_ranges_to_the_labs_researchers_only(
        client_for, researchers, users, moderated, settings, tmp_path, video):
    settings.MEDIA_ROOT = tmp_path
    researcher = researchers["lab"]
    participant_services.consent_record(actor=researcher, participant=moderated.participant, text_version="v1",
                                        recording_allowed=True)
    from django.core.files.uploadedfile import SimpleUploadedFile

    session_services.recording_upload(actor=researcher, session=moderated,
                                      upload=SimpleUploadedFile("s.webm", video("webm", 256) + bytes(range(256)) * 3,
                                                                content_type="video/webm"))
    url = f"/lab/sessions/{moderated.pk}/recording/video"
    part = client_for(researcher).get(url, HTTP_RANGE="bytes=256-511")
    assert part.status_code == 206 and part["Content-Range"] == "bytes 256-511/1024"
    assert b"".join(part.streaming_content) == bytes(range(256))
    assert client_for(researcher).get(url, HTTP_RANGE="bytes=5000-").status_code == 416
    assert client_for(users["admin"]).get(url).status_code == 403
    assert client_for(users["owner_a"]).get(url).status_code == 403
    assert client_for(researchers["other"]).get(url).status_code == 404


def test_tags_can_be_edited_without_javascript(client_for, researchers, moderated, study):
    observation = finding_services.observation_add(actor=researchers["lab"], session=moderated, text="Scrolled past")
    response = client_for(researchers["lab"]).post(f"/lab/observations/{observation.pk}/tags/",
                                                   {"tags": "scroll, Layout"})
    observation.refresh_from_db()
    assert response.status_code == 302 and observation.tags == ["scroll", "layout"]


# ---- the report ---------------------------------------------------------------------------------------------


def test_report_shows_metrics_verdict_and_charts(client_for, researchers, users, study, run_session):
    researcher = researchers["lab"]
    for seconds in (30.0, 45.0, 60.0):
        run_session(study, researcher, {"find": ("success", seconds), "apply": ("failure", seconds * 2),
                                        "track": ("success", 20.0)}, sus=SUS)
    body = html(client_for(users["owner_a"]).get(f"/lab/studies/{study.pk}/report/"))
    assert 'id="verdict-label">Not ready<' in body
    assert "the lower bound of its completion rate" in body and "Task apply" in body
    assert body.count('<svg role="img"') >= 3  # completion, time, SUS
    assert "3/3" in body and "0/3" in body
    assert "Sauro–Lewis curved grading scale" in body


def test_report_opens_with_plain_words_before_the_statistics(client_for, researchers, users, study, run_session):
    researcher = researchers["lab"]
    for seconds in (30.0, 45.0, 60.0):
        run_session(study, researcher, {"find": ("success", seconds), "apply": ("failure", seconds * 2)}, sus=SUS)
    body = html(client_for(users["owner_a"]).get(f"/lab/studies/{study.pk}/report/"))
    summary = body.index('id="summary"')
    assert summary < body.index('id="verdict"') and summary < body.index('id="tasks-h"')
    # 3 of 3: the one-sided 95 % lower bound is the 90 % adjusted-Wald interval's lower end, 47 %.
    assert "3 of 3 participants completed the task “Task find”; we are 95 % confident that the true rate is at " \
           "least 47 %." in " ".join(body.split())
    assert "0 of 3 participants completed the task “Task apply”" in body
    ru = html(client_for(users["owner_a"]).get(f"/lab/studies/{study.pk}/report/", HTTP_ACCEPT_LANGUAGE="ru"))
    assert "3 из 3 участников выполнили задачу «Task find»" in " ".join(ru.split())


def test_report_pdf_and_closed_study(client_for, researchers, study, run_session, pdf_text):
    researcher = researchers["lab"]
    run_session(study, researcher, {"find": ("success", 30.0)}, sus=SUS)
    run_session(study, researcher, {"find": ("success", 50.0)}, sus=SUS)
    study_services.study_close(actor=researcher, study=study)
    client = client_for(researcher)
    pdf = client.get(f"/lab/studies/{study.pk}/report.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.getvalue())
    assert "Study report: Birth allowance, beta" in text and "Service svc-a" in text
    assert "Launch verdict: Not ready" in text
    assert "Task find critical path 2/2 75.0 %" in text and "36.9 %" in text  # successes, Laplace, lower bound
    assert pdf["Content-Disposition"].endswith('.pdf"')
    assert Study.objects.get(pk=study.pk).status == StudyStatus.CLOSED
    # A closed study's session page is read-only: no forms to record results.
    session = study.sessions.first()
    assert "attempt-form" not in html(client.get(f"/lab/sessions/{session.pk}/"))


def test_retest_report_compares_task_by_task(client_for, researchers, study, run_session):
    researcher = researchers["lab"]
    run_session(study, researcher, {"find": ("failure", 90.0), "apply": ("success", 60.0)})
    response = client_for(researcher).post(f"/lab/studies/{study.pk}/retest/")
    retest = Study.objects.get(retest_of=study)
    assert response["Location"] == f"/lab/studies/{retest.pk}/"
    run_session(retest, researcher, {"find": ("success", 40.0), "apply": ("success", 50.0)})
    body = html(client_for(researcher).get(f"/lab/studies/{retest.pk}/report/"))
    assert "Compared with the original study" in body and "+100.0 points" in body


def test_raw_data_export_and_all_or_nothing_import(client_for, researchers, users, study, run_session):
    researcher = researchers["lab"]
    run_session(study, researcher, {"find": ("success", 30.0)}, full_name=NAME)
    export = client_for(users["owner_a"]).get(f"/lab/studies/{study.pk}/results.xlsx")
    body = export.getvalue()
    assert export.status_code == 200 and body[:2] == b"PK" and NAME.encode() not in body
    assert client_for(users["owner_b"]).get(f"/lab/studies/{study.pk}/results.csv").status_code == 404
    assert client_for(users["owner_a"]).get(f"/lab/studies/{study.pk}/results.pdf").status_code == 404
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(researcher)
    bad = SimpleUploadedFile("elsewhere.csv", b"participant_code,task_key,outcome,seconds,errors,assists,seq\n"
                             b"P07,find,success,12,0,0,6\nP08,nope,won,-1,0,0,9\n", content_type="text/csv")
    refused = client.post(f"/lab/studies/{study.pk}/import/", {"file": bad})
    assert refused.status_code == 422 and "nothing was imported" in html(refused)
    assert "elsewhere.csv" in html(refused) and not study.participants.filter(code="P07").exists()
    good = SimpleUploadedFile("elsewhere.csv", b"participant_code,task_key,outcome,seconds,errors,assists,seq\n"
                              b"P07,find,success,12,0,0,6\n", content_type="text/csv")
    assert client.post(f"/lab/studies/{study.pk}/import/", {"file": good}).status_code == 302
    assert Attempt.objects.filter(session__participant__code="P07").count() == 1


def test_a_region_quota_is_picked_by_name_not_typed_as_a_code(client_for, researchers, study):
    client = client_for(researchers["lab"])
    page = html(client.get(f"/lab/studies/{study.pk}/"))
    assert '<option value="region=RU-TUL">Tula Oblast</option>' in page or 'value="region=RU-TUL">Tul' in page
    client.post(f"/lab/studies/{study.pk}/quotas/", {"who": "region=RU-TUL", "target": 2})
    quota = study.quotas.get()
    assert (quota.dimension, quota.value, quota.target) == ("region", "RU-TUL", 2)
    refused = client.post(f"/lab/studies/{study.pk}/quotas/", {"who": "region=XX-NOPE", "target": 2}, follow=True)
    assert study.quotas.count() == 1 and "valid choice" in html(refused)


def test_starting_a_session_without_consent_warns_and_needs_a_confirmation(client_for, researchers, moderated):
    client = client_for(researchers["lab"])
    page = html(client.get(f"/lab/sessions/{moderated.pk}/"))
    assert "has no consent recorded" in page and 'name="without_consent"' in page
    warned = client.post(f"/lab/sessions/{moderated.pk}/start/", follow=True)
    moderated.refresh_from_db()
    assert moderated.status == "planned" and "confirm that you start without it" in html(warned)
    client.post(f"/lab/sessions/{moderated.pk}/start/", {"without_consent": "yes"})
    moderated.refresh_from_db()
    assert moderated.status == "in_progress"


def test_a_session_with_consent_starts_without_a_warning(client_for, researchers, moderated):
    participant_services.consent_record(actor=researchers["lab"], participant=moderated.participant,
                                        text_version="v1", recording_allowed=False)
    client = client_for(researchers["lab"])
    assert "has no consent recorded" not in html(client.get(f"/lab/sessions/{moderated.pk}/"))
    client.post(f"/lab/sessions/{moderated.pk}/start/")
    moderated.refresh_from_db()
    assert moderated.status == "in_progress"
