"""The audit area end to end: runs from the page, the API and the CLI; stored results; scope; checks."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from govcx.audit.models import AuditIssue, AuditRun
from govcx.audit.services import audit_run_create, audit_run_execute
from govcx.errors import Invalid
from govcx.registry.services import service_update
from govcx.standards.services import assessment_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def audits_of_the_test_site(settings, tmp_path, site):
    settings.MEDIA_ROOT = tmp_path
    settings.AUDIT_ALLOWED_HOSTS = list(site.allowed_hosts)  # the loopback test site, as an administrator would


@pytest.fixture
def barrier_run(users, services, site):
    run = audit_run_create(
        actor=users["assessor_a"], service=services["a"],
        urls=[site.url("no-alt.html"), site.url("unlabelled.html"), site.url("registry-form.html")],
    )
    return audit_run_execute(run=run)


def test_a_run_stores_pages_issues_screenshots_and_a_summary(barrier_run):
    assert barrier_run.status == "done", barrier_run.error
    assert barrier_run.pages.count() == 3 and all(p.ok for p in barrier_run.pages.all())
    rules = set(AuditIssue.objects.filter(page__run=barrier_run, kind="violation").values_list("rule", flat=True))
    assert {"image-alt", "label"} <= rules
    assert AuditIssue.objects.filter(page__run=barrier_run, kind="manual").count() == 3 * 5  # WCAG 2.2 manual
    shot = AuditIssue.objects.filter(page__run=barrier_run, rule="image-alt").exclude(screenshot="").first()
    assert shot is not None and shot.screenshot.read(8) == b"\x89PNG\r\n\x1a\n"
    assert barrier_run.summary["violations"]["critical"] >= 1


def test_run_from_the_page_and_scope(client_for, users, services, site):
    client = client_for(users["assessor_a"])
    response = client.post(f"/audit/services/{services['a'].pk}/new/",
                           {"mode": "urls", "urls": site.url("clean-en.html"), "parallel": "1"})
    run = AuditRun.objects.get(service=services["a"])
    assert response.status_code == 302 and response["Location"] == f"/audit/runs/{run.pk}/"
    page = client.get(response["Location"]).content.decode()
    run.refresh_from_db()
    assert run.status == "done", run.error
    assert "No violations found by axe-core." in page and "3.3.8" in page
    assert client_for(users["owner_b"]).get(f"/audit/runs/{run.pk}/").status_code == 404
    assert client_for(users["viewer_a"]).post(f"/audit/services/{services['a'].pk}/new/", {}).status_code == 403


def test_screenshot_is_served_only_in_scope(client_for, users, barrier_run):
    issue = AuditIssue.objects.filter(page__run=barrier_run).exclude(screenshot="").first()
    url = f"/audit/issues/{issue.pk}/screenshot.png"
    response = client_for(users["viewer_a"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client_for(users["owner_b"]).get(url).status_code == 404


def test_comparison_lists_fixed_and_remaining(client_for, users, services, site, barrier_run):
    after = audit_run_execute(run=audit_run_create(actor=users["assessor_a"], service=services["a"],
                                               urls=[site.url("no-alt.html")]))
    response = client_for(users["viewer_a"]).get(f"/api/audit/runs/{after.pk}/compare/{barrier_run.pk}")
    body = response.json()
    assert response.status_code == 200
    assert not body["new"] and any(rule == "label" for _, rule, _ in body["fixed"])
    assert any(rule == "image-alt" for _, rule, _ in body["remaining"])


def test_registry_held_fields_come_from_the_passport(users, services, site, make_passport):
    service = services["a"]
    documents = [{"name_en": "SNILS", "name_ru": "СНИЛС", "held_in_registry": True, "registry_name": "SFR"}]
    service = service_update(actor=users["admin"], service_id=service.pk, expected_version=service.version,
                             passport=make_passport("svc-a", "min-a", documents=documents))
    run = audit_run_execute(run=audit_run_create(actor=users["assessor_a"], service=service,
                                             urls=[site.url("registry-form.html")]))
    assert run.summary["registry_held_fields"] >= 1


def test_audit_feeds_the_uk_accessibility_point(users, services, packs, barrier_run):
    assessment = assessment_create(actor=users["assessor_a"], service=services["a"], pack=packs["uk-service-standard"])
    outcome = assessment.outcomes.get(requirement_id="p05-everyone-can-use")
    assert outcome.status == "not_met" and "critical" in outcome.measured_value
    assert outcome.evidence_url == f"/audit/runs/{barrier_run.pk}/"
    assert "p05-everyone-can-use" in [g["requirement_id"] for g in assessment.result["blocking"]]


def test_bad_targets_are_refused(users, services):
    with pytest.raises(Invalid, match="not an http"):
        audit_run_create(actor=users["assessor_a"], service=services["a"], urls=["ftp://example.org/"])
    with pytest.raises(Invalid, match="starts with a goto"):
        audit_run_create(actor=users["assessor_a"], service=services["a"], journey=[{"action": "click"}])


def test_cli_exit_status_and_json(site, capsys):
    with pytest.raises(SystemExit) as failed:
        call_command("audit", site.url("no-alt.html"), "--json", "--parallel", "1")
    assert failed.value.code == 1
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["violations"]["critical"] >= 1
    # one count, in elements, in the JSON and the text output alike
    total = report["summary"]["violations_total"]
    assert report["summary"]["violations_counted"] == "elements"
    assert total == sum(report["summary"]["violations"].values())
    call_command("audit", site.url("no-alt.html"), "--parallel", "1", "--fail-on", "none")  # no exit
    assert f"violations: {total} elements" in capsys.readouterr().out
    call_command("audit", site.url("clean-en.html"), "--json", "--parallel", "1")  # no exit: clean page
    assert json.loads(capsys.readouterr().out)["summary"]["pages"] == 1


def test_reaudit_runs_services_that_are_due(users, services, site, make_passport, capsys):
    service = services["a"]
    service_update(actor=users["admin"], service_id=service.pk, expected_version=service.version,
                   passport=make_passport("svc-a", "min-a", page_urls=[site.url("clean-ru.html")]))
    call_command("reaudit", "--service", "svc-a", "--as", "admin")
    assert AuditRun.objects.filter(service=service, status="done").count() == 1
    call_command("reaudit", "--service", "svc-a", "--as", "admin")  # not due again yet
    assert AuditRun.objects.filter(service=service).count() == 1


def test_uploaded_html_for_a_service_not_yet_public(client_for, users, services):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = (b"<!doctype html><html lang='en'><head><title>Draft form</title></head><body><main><h1>Apply</h1>"
            b"<form><input id='q' name='q'><button>Send</button></form></main></body></html>")
    response = client_for(users["assessor_a"]).post(
        f"/audit/services/{services['a'].pk}/new/",
        {"mode": "upload", "uploads": [SimpleUploadedFile("draft.html", page, content_type="text/html")]},
    )
    assert response.status_code == 302
    run = AuditRun.objects.get(service=services["a"])
    assert run.source == "upload" and run.status == "done", run.error
    audited = run.pages.get()
    assert audited.ok and audited.url.startswith("file://") and audited.title == "Draft form"
    assert "label" in set(audited.issues.filter(kind="violation").values_list("rule", flat=True))
    assert audited.forms["unlabelled"] == 1


@pytest.mark.parametrize("address", ["http://127.0.0.1:8000/", "http://[::1]/", "http://169.254.169.254/latest/",
                                     "http://10.0.0.1/", "http://2130706433/", "http://localhost:8000/"])
def test_internal_start_addresses_are_refused_before_a_run(users, services, address):
    for arguments in ({"urls": [address]}, {"crawl_from": address},
                      {"journey": [{"action": "goto", "value": address}, {"action": "audit"}]}):
        with pytest.raises(Invalid, match="the audit cannot open .*(loopback|link-local|private)"):
            audit_run_create(actor=users["assessor_a"], service=services["a"], **arguments)
    assert AuditRun.objects.count() == 0


def test_api_page_and_cli_refuse_a_loopback_address_with_a_clear_message(client_for, users, services, capsys):
    client = client_for(users["assessor_a"])
    response = client.post("/api/audit/runs", {"service_id": services["a"].pk, "urls": ["http://127.0.0.1:8000/"]},
                           content_type="application/json")
    assert response.status_code == 422
    assert "127.0.0.1 is a loopback address" in response.content.decode()
    response = client.post(f"/audit/services/{services['a'].pk}/new/",
                           {"mode": "urls", "urls": "http://127.0.0.1:8000/admin/"}, follow=True)
    assert "127.0.0.1 is a loopback address" in response.content.decode()
    with pytest.raises(CommandError, match="refused by the audit network guard: .*loopback") as refused:
        call_command("audit", "http://127.0.0.1:8000/")
    assert refused.value.returncode == 2
    assert AuditRun.objects.count() == 0


def test_a_hostile_upload_is_served_in_isolation_and_its_blocked_requests_shown(client_for, users, services):
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = (b"<!doctype html><html lang='en'><head><title>Hostile</title></head><body><main><h1>Apply</h1>"
            b"<iframe src='file:///etc/passwd' title='x'></iframe><script>fetch('http://127.0.0.1:9/x');"
            b"setTimeout(() => { location = 'file:///etc/passwd'; }, 50);</script></main></body></html>")
    client = client_for(users["assessor_a"])
    client.post(f"/audit/services/{services['a'].pk}/new/",
                {"mode": "upload", "uploads": [SimpleUploadedFile("hostile.html", page, content_type="text/html")]})
    run = AuditRun.objects.get(service=services["a"])
    audited = run.pages.get()
    assert run.status == "done" and audited.ok and audited.title == "Hostile", (run.error, audited.error)
    stored = json.dumps([audited.language, audited.forms, audited.weight, audited.title])
    assert "root:x:0:0" not in stored
    assert {entry["url"] for entry in audited.blocked_requests} >= {"file:///etc/passwd", "http://127.0.0.1:9/x"}
    english = client.get(f"/audit/runs/{run.pk}/").content.decode()
    assert "Blocked requests" in english and "file:///etc/passwd" in english
    russian = client.get(f"/audit/runs/{run.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Заблокированные запросы" in russian
    api = client.get(f"/api/audit/runs/{run.pk}").json()
    assert api["pages"][0]["blocked_requests"] == audited.blocked_requests
