"""The lab API: scoping (another organisation's study is 404; personal fields only for the lab's researchers),
CRUD, metrics, comparison, export/import and the public personal-link endpoints."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from govcx.lab.models import Attempt, Participant
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services

pytestmark = pytest.mark.django_db

SUS = [4, 2, 4, 2, 4, 2, 4, 2, 4, 2]


class Json:
    def __init__(self, client):
        self.client = client

    def __getattr__(self, method):
        def call(path, body=None):
            kwargs = {} if body is None else {"data": json.dumps(body, default=str), "content_type": "application/json"}
            return getattr(self.client, method)(f"/api/lab{path}", **kwargs)

        return call


@pytest.fixture
def api(client_for, researchers, users):
    clients = {name: Json(client_for(user)) for name, user in researchers.items()}
    clients |= {name: Json(client_for(users[name])) for name in ("admin", "owner_a", "owner_b", "viewer_a")}
    return clients


@pytest.fixture
def person(study, researchers):
    return participant_services.participant_recruit(actor=researchers["lab"], study=study, full_name="Ольга Смирнова",
                                                    email="olga@example.org", screener_answers={"applied_before": "no"})


def test_scope_of_a_study(api, study):
    assert api["lab"].get(f"/studies/{study.pk}").status_code == 200
    assert api["owner_a"].get(f"/studies/{study.pk}").status_code == 200  # owns the service
    assert api["admin"].get(f"/studies/{study.pk}").status_code == 200
    assert api["other"].get(f"/studies/{study.pk}").status_code == 404  # another organisation's researcher
    assert api["owner_b"].get(f"/studies/{study.pk}").status_code == 404
    assert [s["id"] for s in api["other"].get("/studies").json()] == []
    # seeing is not running: the owner may not change it, another lab may not even find it
    assert api["owner_a"].patch(f"/studies/{study.pk}", {"title": "x"}).status_code == 403
    assert api["other"].patch(f"/studies/{study.pk}", {"title": "x"}).status_code == 404


def test_personal_fields_only_for_the_labs_researchers(api, study, person):
    path = f"/studies/{study.pk}/participants"
    mine = api["lab"].get(path).json()[0]
    assert mine["full_name"] == "Ольга Смирнова" and mine["email"] == "olga@example.org"
    for who in ("admin", "owner_a", "viewer_a"):
        body = api[who].get(path).json()[0]
        assert body["code"] == "P01"
        assert not {"full_name", "email", "phone", "screener_answers"} & set(body), who
        single = api[who].get(f"/participants/{person.pk}").json()
        assert "full_name" not in single and "Ольга" not in json.dumps(single)
    assert api["admin"].get(f"/participants/{person.pk}/consent").status_code == 403
    assert api["admin"].get(f"/participants/{person.pk}/incentives").status_code == 403
    assert api["other"].get(f"/participants/{person.pk}").status_code == 404


def test_withdraw_through_the_api(api, person):
    assert api["owner_a"].post(f"/participants/{person.pk}/withdraw").status_code == 403
    response = api["lab"].post(f"/participants/{person.pk}/withdraw")
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    assert response.json()["full_name"] == "" and Participant.objects.get(pk=person.pk).email == ""
    assert api["other"].post(f"/participants/{person.pk}/withdraw").status_code == 404


def test_study_crud_with_optimistic_version(api, study, services, lab_org):
    created = api["lab"].post("/studies", {"service_id": services["b"].pk, "lab_id": lab_org.pk,
                                           "title": "Tula permits", "confidence": "0.95"})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["stage"] == "beta" and body["version"] == 1 and body["confidence"] in ("0.950", 0.95)
    first = api["lab"].patch(f"/studies/{body['id']}", {"title": "Tula permits v2", "version": 1})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api["lab"].patch(f"/studies/{body['id']}", {"title": "lost update", "version": 1})
    assert stale.status_code == 409 and stale.json()["error"] == "conflict"
    assert api["lab"].patch(f"/studies/{body['id']}", {"confidence": "1.5"}).status_code == 422
    assert api["lab"].delete(f"/studies/{body['id']}").status_code == 204


def test_tasks_quotas_findings_crud(api, study):
    task = api["lab"].post(f"/studies/{study.pk}/tasks", {"key": "pay-fee", "title": "Pay the fee",
                                                          "critical_path": True, "target_seconds": 120})
    assert task.status_code == 201, task.content
    task_id = task.json()["id"]
    assert api["lab"].post(f"/studies/{study.pk}/tasks", {"key": "pay-fee", "title": "again"}).status_code == 409
    assert api["lab"].patch(f"/tasks/{task_id}", {"benchmark_completion": "0.9"}).json()["benchmark_completion"] \
        in ("0.900", 0.9)
    quota = api["lab"].post(f"/studies/{study.pk}/quotas", {"dimension": "age_band", "value": "65+", "target": 2})
    assert quota.status_code == 201 and quota.json()["recruited"] == 0
    assert api["lab"].patch(f"/quotas/{quota.json()['id']}", {"target": 3}).json()["target"] == 3
    finding = api["lab"].post(f"/studies/{study.pk}/findings", {"title": "Fee amount unclear", "severity": 3,
                                                                "task_id": task_id})
    assert finding.status_code == 201, finding.content
    fid = finding.json()["id"]
    assert api["lab"].patch(f"/findings/{fid}", {"status": "fixed"}).json()["status"] == "fixed"
    assert api["lab"].patch(f"/findings/{fid}", {"severity": 7}).status_code == 422
    assert api["owner_a"].get(f"/studies/{study.pk}/findings").json()[0]["title"] == "Fee amount unclear"
    assert api["lab"].delete(f"/findings/{fid}").status_code == 204
    assert api["lab"].delete(f"/tasks/{task_id}").status_code == 204


def test_moderated_session_attempts_observations_and_metrics(api, study, person):
    session = api["lab"].post(f"/studies/{study.pk}/sessions", {"participant_id": person.pk})
    assert session.status_code == 201, session.content
    sid = session.json()["id"]
    assert api["lab"].post(f"/sessions/{sid}/start").json()["status"] == "in_progress"
    attempt = api["lab"].post(f"/sessions/{sid}/attempts", {"task_key": "find", "outcome": "success",
                                                            "seconds": 42.5, "seq": 6})
    assert attempt.status_code == 200, attempt.content
    again = api["lab"].post(f"/sessions/{sid}/attempts", {"task_key": "find", "outcome": "failure",
                                                          "seconds": 42.5, "version": 1})
    assert again.json()["version"] == 2 and again.json()["id"] == attempt.json()["id"]
    stale = api["lab"].patch(f"/attempts/{attempt.json()['id']}", {"outcome": "partial", "version": 1})
    assert stale.status_code == 409
    bad = api["lab"].post(f"/sessions/{sid}/attempts", {"task_key": "find", "outcome": "success", "seconds": -3})
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "seconds"
    note = api["lab"].post(f"/sessions/{sid}/observations", {"text": "Searched for 'пособие'", "at_seconds": 12,
                                                             "tags": ["search"]})
    assert note.status_code == 201
    merged = api["lab"].post(f"/studies/{study.pk}/observations/merge", {
        "observation_ids": [note.json()["id"]], "finding": {"title": "Search misses the benefit", "severity": 4}})
    assert merged.status_code == 200, merged.content
    assert api["lab"].put(f"/sessions/{sid}/questionnaires/sus", {"answers": SUS}).status_code == 200
    assert api["lab"].put(f"/sessions/{sid}/questionnaires/sus", {"answers": [9] * 10}).status_code == 422
    assert api["lab"].post(f"/sessions/{sid}/finish", {}).json()["status"] == "completed"

    metrics = api["owner_a"].get(f"/studies/{study.pk}/metrics")
    assert metrics.status_code == 200, metrics.content
    body = metrics.json()
    find = next(t for t in body["tasks"] if t["key"] == "find")
    assert find["attempts"] == 1 and find["successes"] == 0
    assert body["findings"][0]["affected"] == ["P01"] and body["findings"][0]["priority"] == 4.0
    assert body["verdict"]["verdict"] == "not_ready"
    assert {r["code"] for r in body["verdict"]["reasons"]} >= {"critical_task_below_benchmark",
                                                                "critical_task_untested"}
    assert api["other"].get(f"/studies/{study.pk}/metrics").status_code == 404


def test_personal_link_flow_through_public_endpoints(api, study, researchers, client):
    person = participant_services.participant_recruit(actor=researchers["lab"], study=study,
                                                      screener_answers={"applied_before": "no"})
    session = session_services.session_schedule(actor=researchers["lab"], study=study, participant=person,
                                                mode="unmoderated")
    link = api["lab"].post(f"/sessions/{session.pk}/link", {"valid_days": 3})
    assert link.status_code == 201, link.content
    token = link.json()["token"]
    public = Json(client)  # not signed in
    page = public.get(f"/take/{token}")
    assert page.status_code == 200 and [t["key"] for t in page.json()["tasks"]] == ["find", "apply", "track"]
    assert "full_name" not in page.json()
    assert public.post(f"/take/{token}/start").status_code == 200
    for key in ("find", "apply", "track"):
        sent = public.post(f"/take/{token}/attempts", {"task_key": key, "outcome": "success", "seconds": 20.5,
                                                       "seq": 5})
        assert sent.status_code == 200, sent.content
    assert public.post(f"/take/{token}/attempts", {"task_key": "find", "outcome": "failure",
                                                   "seconds": 1}).status_code == 422
    assert public.post(f"/take/{token}/questionnaires", {"kind": "sus", "answers": SUS}).status_code == 200
    assert public.post(f"/take/{token}/finish").json() == {"status": "finished"}
    assert public.get(f"/take/{token}").status_code == 410
    assert public.get("/take/not-a-real-token").status_code == 404
    assert Attempt.objects.filter(session=session).count() == 3


def test_personal_link_is_rate_limited(study, researchers, client, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "lab-throttle-test"}}
    person = participant_services.participant_recruit(actor=researchers["lab"], study=study,
                                                      screener_answers={"applied_before": "no"})
    session = session_services.session_schedule(actor=researchers["lab"], study=study, participant=person,
                                                mode="unmoderated")
    _, token = session_services.session_link_issue(actor=researchers["lab"], session=session)
    statuses = [Json(client).get(f"/take/{token}").status_code for _ in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429


def test_export_and_import_round_trip(api, study, researchers, run_session):
    run_session(study, researchers["lab"], {"find": ("success", 31.0), "apply": ("failure", 80.0)}, sus=SUS,
                full_name="Ivan Petrov", email="ivan@example.org")
    zipped = api["owner_a"].get(f"/studies/{study.pk}/export?fmt=csv")
    assert zipped.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(zipped.getvalue()))
    assert sorted(archive.namelist()) == sorted(f"{t}.csv" for t in (
        "tasks", "participants", "attempts", "questionnaires", "observations", "findings"))
    everything = b"".join(archive.read(n) for n in archive.namelist()).decode("utf-8-sig")
    assert "Ivan" not in everything and "ivan@example.org" not in everything
    attempts_csv = archive.read("attempts.csv")
    workbook = load_workbook(io.BytesIO(api["lab"].get(f"/studies/{study.pk}/export?fmt=xlsx").getvalue()))
    assert workbook.sheetnames == ["tasks", "participants", "attempts", "questionnaires", "observations",
                                   "findings"]

    retest = study_services.retest_create(actor=researchers["lab"], study=study)
    upload = io.BytesIO(attempts_csv)
    upload.name = "attempts.csv"
    response = api["lab"].client.post(f"/api/lab/studies/{retest.pk}/import", {"file": upload})
    assert response.status_code == 200, response.content
    assert response.json() | {} == {"created": 2, "updated": 0, "unchanged": 0, "participants_created": 1,
                                    "sessions_created": 1}
    upload.seek(0)
    again = api["lab"].client.post(f"/api/lab/studies/{retest.pk}/import", {"file": upload})
    assert again.json()["unchanged"] == 2 and again.json()["created"] == 0
    assert Attempt.objects.filter(session__study=retest).count() == 2

    compared = api["owner_a"].get(f"/studies/{retest.pk}/compare")
    assert compared.status_code == 200 and [t["key"] for t in compared.json()["tasks"]] == ["find", "apply",
                                                                                             "track"]
    assert api["owner_a"].get(f"/studies/{study.pk}/compare").status_code == 404


def test_import_reports_every_problem_and_writes_nothing(api, study):
    bad = io.BytesIO(b"participant_code,task_key,outcome,seconds,errors,assists,seq\n"
                     b"P01,find,success,12,0,0,6\n"
                     b"P02,nope,won,-1,0,0,9\n")
    bad.name = "lab-results.csv"
    response = api["lab"].client.post(f"/api/lab/studies/{study.pk}/import", {"file": bad})
    assert response.status_code == 422
    details = response.json()["details"]
    assert {(d["row"], d["field"]) for d in details} == {(3, "outcome"), (3, "seconds"), (3, "seq")}
    assert all(d["file"] == "lab-results.csv" for d in details)
    unknown = io.BytesIO(b"participant_code,task_key,outcome,seconds,errors,assists,seq\nP01,nope,success,1,0,0,\n")
    unknown.name = "r.csv"
    details = api["lab"].client.post(f"/api/lab/studies/{study.pk}/import", {"file": unknown}).json()["details"]
    assert details == [{"file": "r.csv", "row": 2, "field": "task_key", "message": "the study has no task 'nope'"}]
    assert not Attempt.objects.exists() and not Participant.objects.exists()
