"""Every page of the site rendered in Russian and in English, from the URL patterns, on the demo data: no pattern is
left uncovered, no page fails, a Russian page shows no English, and no page shows a raw code from the enums.

The demo is built once per module inside a transaction rolled back at the end (as in tests/test_demo.py).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from govcx.accounts.models import User
from govcx.audit.models import AuditIssue, AuditRun, PageAudit, RunStatus
from govcx.complaints.models import Complaint, RoutingRule
from govcx.complaints.services import complaint_submit
from govcx.demo import build_demo
from govcx.feedback.models import Survey
from govcx.jobs.models import Job, JobState
from govcx.lab.models import Finding, Observation, Participant, Quota, Session, Study, Task
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.registry.models import Organisation, Service
from govcx.standards.models import Adjustment, Assessment, StandardPack
from tests import pages
from tests.test_translations import entries

pytestmark = pytest.mark.django_db(transaction=False)


def extra_records(admin: User) -> dict[str, object]:
    """What the demo lacks for some pages (a finished audit run, a job, a routing rule), and the raw tokens of a
    lab link and a complaint that only their holders know."""
    service = Service.objects.filter(audit_runs__isnull=True).order_by("code").first()
    assert service is not None
    runs = []
    for days in (30, 2):
        run = AuditRun.objects.create(service=service, status=RunStatus.DONE, targets=[service.page_urls[0]],
                                      pages_total=1, pages_done=1, created_by=admin,
                                      finished_at=timezone.now() - dt.timedelta(days=days),
                                      summary={"pages": 1, "violations": 1})
        audit = PageAudit.objects.create(run=run, url=service.page_urls[0], ok=True, status=200, title="Услуга",
                                         lang_attr="ru")
        AuditIssue.objects.create(page=audit, rule="image-alt", kind="violation", impact="serious",
                                  help="Images must have alternative text", wcag=["1.1.1"], targets=["img"])
        runs.append(run)
    job = Job.objects.create(kind="audit.run", state=JobState.SUCCEEDED, subject=f"audit.run:{runs[1].pk}",
                             progress_done=1, progress_total=1, step="storing the results", started_by=admin,
                             organisation=service.owner, result={"run": runs[1].pk})
    owner = service.owner
    rule = RoutingRule.objects.filter(owner=owner).first() or RoutingRule.objects.create(
        owner=owner, handler=owner, service=service, topic="")
    _, complaint_token = complaint_submit(service=service, text="Не могу записаться на приём уже неделю.",
                                          contact="citizen@example.ru")
    study = Study.objects.order_by("pk").last()
    if study.status == "closed":
        study = study_services.study_reopen(actor=admin, study=study)
    participant = participant_services.participant_recruit(
        actor=admin, study=study, full_name="Ирина Петрова", email="irina@example.org", phone="+7 900 000-00-00",
        client_category="citizens", age_band="35-44", region="RU-TUL", digital_confidence=3, disability=False,
        assisted_digital=False, screener_answers={"used_portal": "yes", "works_in_it": "no"})
    participant_services.consent_record(actor=admin, participant=participant, text_version="2026-01",
                                        recording_allowed=True)
    session = session_services.session_schedule(actor=admin, study=study, participant=participant,
                                                mode="unmoderated", moderator=None, scheduled_at=timezone.now())
    _, take_token = session_services.session_link_issue(actor=admin, session=session)
    return {"run_id": runs[0].pk, "other_id": runs[1].pk, "issue_id": AuditIssue.objects.first().pk,
            "job_id": job.pk, "rule_id": rule.pk, "token": complaint_token, "take_token": take_token}


@pytest.fixture(scope="module")
def site(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(DEMO_FEEDBACK_RESPONSES=300):
        build_demo()
        admin = User.objects.get(username="admin")
        values = extra_records(admin)
        study = Study.objects.filter(findings__isnull=False, tasks__isnull=False).order_by("pk").first()
        assessment = Assessment.objects.filter(adjustments__isnull=False).order_by("pk").first()
        values.update({
            "service_id": assessment.service_id,
            "pack_pk": StandardPack.objects.order_by("pk").first().pk,
            "assessment_id": assessment.pk,
            "requirement_id": assessment.outcomes.order_by("pk").first().requirement_id,
            "adjustment_id": Adjustment.objects.filter(assessment=assessment).first().pk,
            "study_id": study.pk,
            "task_id": Task.objects.filter(study=study).first().pk,
            "quota_id": (Quota.objects.filter(study=study).first() or Quota.objects.first()).pk,
            "participant_id": Participant.objects.filter(study=study).first().pk,
            "session_id": Session.objects.filter(study=study).first().pk,
            "observation_id": Observation.objects.filter(session__study=study).first().pk,
            "finding_id": Finding.objects.filter(study=study).first().pk,
            "survey_id": Survey.objects.order_by("pk").first().pk,
            "public_key": Survey.objects.order_by("pk").first().public_key,
            "complaint_id": Complaint.objects.order_by("pk").first().pk,
            "fmt": "csv",
        })
        yield {"values": values, "admin": admin}
        transaction.set_rollback(True)


def urls(site) -> list[tuple[str, str]]:
    values = dict(site["values"])
    found, missing = pages.page_urls(values)
    assert missing == []
    # the lab's personal link and the complaint's status link both take a `token`
    return [(name, url.replace(str(values["token"]), str(values["take_token"])) if name == "lab:take" else url)
            for name, url in found]


def test_every_url_pattern_is_rendered_or_skipped_with_a_reason(site):
    names = {p.name for p in pages.url_patterns()}
    assert all(name for name in names), "every page pattern has a name, so this test can list it"
    assert set(pages.SKIPPED) <= names, "a skipped pattern that no longer exists"
    covered = {name for name, _ in urls(site)} | set(pages.SKIPPED)
    assert names - covered == set()


def data_words() -> set[str]:
    """Latin-script words that come from the data rather than from the page: people's usernames, codes of
    organisations and services shown as identifiers, page addresses and titles of audited pages."""
    words: set[str] = set()
    for value in [*User.objects.values_list("username", flat=True),
                  *Service.objects.values_list("code", flat=True),
                  *Organisation.objects.values_list("code", flat=True)]:
        words.update(re.findall(r"[A-Za-z][A-Za-z'-]+", value))
    return words


def render(client: Client, url: str, language: str) -> tuple[int, str]:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    return response.status_code, response.content.decode() if response.status_code == 200 else ""


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_page_renders_with_names_not_codes_and_russian_pages_show_no_english(site, language):
    client = Client()
    client.force_login(site["admin"])
    codes = pages.enum_codes()
    allowed = data_words()
    msgids = [m for m, _, _ in entries() if " " in m.strip() and re.search(r"[a-z]{3}", m) and "%" not in m
              and "{" not in m and "<" not in m]
    problems: dict[str, list[str]] = {}
    for name, url in urls(site):
        status, html = render(client, url, language)
        if status == 405:
            continue  # an action answering POST only: not a page
        if status != 200:
            problems[url] = [f"status {status}"]
            continue
        if 'lang="' + language not in html[:300]:
            problems[url] = [f"<html lang> is not {language}"]
        text = pages.visible_text(html)
        found = [f"code {c}" for c in pages.raw_codes(text, codes, allowed=lambda w: w in allowed)]
        if language == "ru":
            found += [f"english {w}" for w in pages.latin_words(text, allowed)]
            found += [f"message {m!r}" for m in pages.untranslated_messages(text, msgids)]
        if found:
            problems[f"{name} {url}"] = found
    assert problems == {}, "\n".join(f"{url}: {found}" for url, found in problems.items())


def test_the_checks_see_what_they_look_for():
    """Guard against checks that find nothing."""
    html = ('<html lang="ru"><head><title>x</title></head><body><p>Статус: not_met, RU-TUL, overall=4 trust=3</p>'
            '<script>var not_seen = 1;</script><code>svc_code</code><p title="Open the report">Отчёт</p></body>')
    text = pages.visible_text(html)
    assert "not_seen" not in text and "svc_code" not in text and "Open the report" in text
    assert pages.raw_codes(text, {"not_met"}) == ["not_met", "RU-TUL", "overall=4", "trust=3"]
    assert pages.latin_words(text, set()) == ["Open", "RU-TUL", "overall", "report", "the", "trust"]
    assert pages.untranslated_messages(text, ["Open the report"]) == ["Open the report"]
