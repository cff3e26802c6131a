"""The demo data: content, verdict mix, re-assessments, users, determinism and idempotence.

The demo is built once per module inside a transaction that is rolled back at the end; each test runs in a
savepoint on top of it.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlparse

import pytest
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.test import override_settings

from govcx.accounts.models import AuditEvent, User
from govcx.accounts.roles import CENTRAL_ROLES, Role
from govcx.demo import DEMO_PASSWORD, build_demo, demo_present
from govcx.demo.data import CENTRAL_OFFICE
from govcx.registry.models import ClientCategory, LifeSituation, Organisation, RequestedDocument, Service, ServiceStep
from govcx.registry.vocabulary import Channel, Stage
from govcx.standards.models import Adjustment, AdjustmentStatus, Assessment
from govcx.standards.selectors import assessment_comparison

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    calls: list[tuple[str, int, int]] = []
    # 2,000 feedback responses instead of 200,000: the same code paths, a fraction of the time
    small = override_settings(DEMO_FEEDBACK_RESPONSES=2000, DEMO_TRAINING_SCALE=0.05)
    with django_db_blocker.unblock(), transaction.atomic(), small:
        summary = build_demo(progress=lambda step, done, total: calls.append((step, done, total)))
        yield {"summary": summary, "progress": calls}
        transaction.set_rollback(True)


def fingerprint() -> dict:
    return {
        "services": list(Service.objects.order_by("code").values_list("code", "owner__code", "stage", "version")),
        "assessments": list(
            Assessment.objects.order_by("id").values_list("service__code", "pack__pack_id", "verdict", "score")
        ),
        "adjustments": list(
            Adjustment.objects.order_by("id").values_list("requirement_id", "action", "owner", "due_date", "status")
        ),
        "users": list(User.objects.order_by("username").values_list("username", "role", "organisation__code")),
    }


def test_organisations(demo):
    assert Organisation.objects.count() >= 12
    central = Organisation.objects.get(code=CENTRAL_OFFICE)
    assert central.is_central_office and central.level == "federal"
    for code in ("RU-MOW", "RU-LIP", "RU-TUL"):
        region = Organisation.objects.filter(region_code=code, level="regional", parent__isnull=True)
        assert region.exists(), code
        assert Organisation.objects.filter(region_code=code, parent__in=region).exists(), code
    municipal = Organisation.objects.filter(level="municipal")
    assert municipal.count() >= 2
    assert all(o.parent and o.parent.level == "regional" and o.region_code == o.parent.region_code for o in municipal)
    for org in Organisation.objects.all():
        assert org.name_en and org.name_ru
        org.full_clean()  # includes the ISO 3166-2 check of region codes


def test_reference_data_and_services(demo):
    assert set(ClientCategory.objects.values_list("code", flat=True)) >= {"citizens", "businesses", "civil_servants"}
    assert LifeSituation.objects.count() >= 10
    services = list(Service.objects.prefetch_related("client_categories", "life_situations"))
    assert len(services) >= 60
    assert Service.objects.values("owner").distinct().count() >= 12
    for record in [*ClientCategory.objects.all(), *LifeSituation.objects.all(), *services]:
        assert record.name_en.strip() and record.name_ru.strip(), record.code
    for service in services:
        assert service.client_categories.exists(), service.code
        for url in [*service.page_urls, *([service.feedback_url] if service.feedback_url else [])]:
            assert urlparse(url).hostname.endswith(".example.gov.ru"), url
    assert {c for s in services for c in s.channels} == {c.value for c in Channel}
    assert {s.stage for s in services} == {s.value for s in Stage}
    assert {s.deadline_kind for s in services} == {"working", "calendar"}
    assert any(s.fee > 0 for s in services) and any(s.fee == 0 for s in services)
    assert sum(bool(s.feedback_url) for s in services) > len(services) / 2
    assert all("ФЗ" in s.legal_basis or "кодекс" in s.legal_basis.lower() or "Закон" in s.legal_basis
               or "Постановление" in s.legal_basis for s in services)
    assert RequestedDocument.objects.filter(held_in_registry=True).exclude(registry_name="").exists()
    assert RequestedDocument.objects.filter(held_in_registry=False).exists()
    assert ServiceStep.objects.filter(requires_visit=True).exists()
    assert all(st.title_en and st.title_ru for st in ServiceStep.objects.all())
    situations_used = LifeSituation.objects.filter(services__isnull=False).distinct().count()
    assert situations_used == LifeSituation.objects.count()


def test_summary_matches_the_database(demo):
    summary = demo["summary"]
    assert summary.organisations == Organisation.objects.count()
    assert summary.services == Service.objects.count()
    assert summary.life_situations == LifeSituation.objects.count()
    assert summary.assessments == Assessment.objects.count()
    assert summary.adjustments == Adjustment.objects.count()
    assert sum(summary.verdicts.values()) == summary.assessments
    steps = {step for step, _, _ in demo["progress"]}
    assert {"services", "assessments", "re-assessments"} <= steps
    assert all(0 <= done <= total for _, done, total in demo["progress"])


def test_assessments_show_all_three_verdicts(demo):
    verdicts = demo["summary"].verdicts
    assert set(verdicts) == {"ready", "launch_with_adjustments", "not_ready"}
    assert all(count >= 5 for count in verdicts.values()), verdicts
    assert Assessment.objects.values("service").distinct().count() >= 45
    packs = set(Assessment.objects.values_list("pack__pack_id", flat=True))
    assert {"govcx-model-standard", "uk-service-standard", "eu-egovernment-benchmark"} <= packs
    model = Assessment.objects.filter(pack__pack_id="govcx-model-standard").count()
    assert model > Assessment.objects.count() / 2
    for assessment in Assessment.objects.select_related("pack", "service"):
        assert assessment.created_by is not None and assessment.evaluated_at is not None
        # Every applicable requirement has an outcome: from a check or from an assessor.
        recorded = set(assessment.outcomes.values_list("requirement_id", flat=True))
        applicable = {n["id"] for n in assessment.result["nodes"] if n["kind"] == "requirement"}
        assert applicable <= recorded, assessment
    assessor_outcomes = [o for a in Assessment.objects.all() for o in a.outcomes.filter(source="assessor")]
    assert assessor_outcomes and all(o.evidence_text for o in assessor_outcomes)
    assert AuditEvent.objects.filter(action="assessment.create").count() == Assessment.objects.count()
    assert AuditEvent.objects.filter(action="service.create").count() == Service.objects.count()


def test_adjustments(demo):
    today = dt.date.today()
    adjustments = Adjustment.objects.all()
    assert adjustments.count() >= 20
    overdue = adjustments.filter(due_date__lt=today).exclude(status=AdjustmentStatus.DONE)
    assert overdue.filter(status=AdjustmentStatus.OPEN).exists()
    assert adjustments.filter(status=AdjustmentStatus.DONE).exists()
    assert adjustments.filter(due_date__gte=today).exclude(status=AdjustmentStatus.DONE).exists()
    for adjustment in adjustments.select_related("assessment"):
        assert adjustment.action and adjustment.owner
        gaps = {g["requirement_id"] for g in adjustment.assessment.result["non_blocking"]}
        assert adjustment.requirement_id in gaps
        assert " / " not in adjustment.action and re.search("[а-я]", adjustment.action)  # its team's Russian text


def test_reassessments_improve(demo):
    reassessed = list(Assessment.objects.filter(previous__isnull=False).select_related("previous", "pack"))
    assert len(reassessed) >= 5
    for assessment in reassessed:
        assert assessment.previous.service_id == assessment.service_id
        assert assessment.previous.pack.pack_id == assessment.pack.pack_id
        comparison = assessment_comparison(assessment)
        assert comparison.score_after > comparison.score_before, assessment
        assert comparison.fixed_gaps and not comparison.new_gaps, assessment
        # The adjustments planned for the gaps that are now closed are done.
        for adjustment in assessment.previous.adjustments.filter(requirement_id__in=comparison.fixed_gaps):
            assert adjustment.status == AdjustmentStatus.DONE


def test_users(demo):
    users = User.objects.filter(is_demo=True).select_related("organisation")
    assert {u.role for u in users} == {r.value for r in Role}
    assert User.objects.filter(is_demo=False).count() == 0
    for user in users.filter(proactive_link__isnull=True):  # officials; the citizen belongs to no authority
        assert user.organisation is not None and user.is_active
        assert user.organisation.is_central_office == (user.role in CENTRAL_ROLES)
    admin = users.get(username="admin")
    assert admin.is_staff and admin.is_superuser and admin.role == Role.ADMIN
    assert admin.check_password(DEMO_PASSWORD)
    assert len(DEMO_PASSWORD) >= 12
    validate_password(DEMO_PASSWORD, user=admin)
    logins = demo["summary"].logins
    assert [login.username for login in logins][:2] == ["admin", "analyst"]
    with_login = {u.username for u in users if u.has_usable_password()}
    assert {login.username for login in logins} == with_login
    assert all(login.password == DEMO_PASSWORD for login in logins)
    # the authorities' named staff (adjustment owners where an authority has no demo login) cannot sign in
    staff = users.exclude(username__in=with_login)
    assert staff.exists() and all(u.role == Role.VIEWER and u.organisation for u in staff)


def test_proactive_demo_has_offers_in_every_state_and_a_citizen(demo, client):
    from govcx.proactive.models import OFFER_STATES, LifeEvent, Offer, Snapshot

    assert set(Offer.objects.values_list("state", flat=True)) == set(OFFER_STATES)
    regions = {"moscow-dtszn", "lipetsk-social", "tula-social"}
    assert set(Offer.objects.values_list("organisation__code", flat=True)) == regions
    for code in regions:
        assert Snapshot.objects.filter(organisation__code=code).count() == 2
    assert {"birth_registered", "disability_granted", "age_reached"} <= set(
        LifeEvent.objects.values_list("kind", flat=True))
    citizen = next(login for login in demo["summary"].logins if login.username == "citizen.tula")
    user = User.objects.get(username=citizen.username)
    assert user.check_password(citizen.password)
    client.force_login(user)
    inbox = client.get("/proactive/inbox/")
    assert inbox.status_code == 200 and b'value="accept"' in inbox.content


def test_build_without_reset_keeps_the_demo(demo):
    assert demo_present()
    before = fingerprint()
    summary = build_demo(reset=False)
    assert fingerprint() == before
    assert summary == demo["summary"]


def test_rebuild_with_reset_is_deterministic(demo):
    before = fingerprint()
    first_ids = set(Service.objects.values_list("id", flat=True))
    summary = build_demo(reset=True)
    assert not first_ids & set(Service.objects.values_list("id", flat=True))  # really rebuilt
    after = fingerprint()
    assert after["services"] == before["services"]
    assert after["assessments"] == before["assessments"]
    assert after["adjustments"] == before["adjustments"]
    assert after["users"] == before["users"]
    assert summary == demo["summary"]


def test_reset_also_removes_other_data(demo, make_passport):
    admin = User.objects.get(username="admin")
    extra = Organisation.objects.create(code="extra-body", name_en="Extra", name_ru="Лишний", level="federal",
                                        parent=Organisation.objects.get(code="mvd"))
    from govcx.registry.services import service_create

    service_create(actor=admin, passport=make_passport("extra-service", extra.code))
    summary = build_demo(reset=True)
    assert not Organisation.objects.filter(code="extra-body").exists()
    assert not Service.objects.filter(code="extra-service").exists()
    assert summary == demo["summary"]


def test_feedback_demo_tells_its_stories(demo):
    from django.db.models import Avg

    from govcx.complaints.models import Complaint
    from govcx.demo.feedback import IMPROVING_SERVICE, QUARTERS, WORSENING_SERVICE, _quarter_starts
    from govcx.feedback.models import Answer, Response, Survey, SurveyStatus

    assert Survey.objects.filter(status=SurveyStatus.LIVE).count() == Service.objects.count()
    assert 1900 <= Response.objects.count() <= 2600
    assert Response.objects.exclude(comment="").exists()
    assert not Response.objects.filter(comment__contains="916 123").exists()  # phone numbers were masked
    starts = _quarter_starts(dt.date.today())
    assert len(starts) == QUARTERS

    def mean(code: str, first: dt.date, last: dt.date) -> float:
        return Answer.objects.filter(response__service__code=code, question_key="overall",
                                     response__submitted_at__date__gte=first,
                                     response__submitted_at__date__lt=last).aggregate(m=Avg("value"))["m"]

    end = starts[-1] + dt.timedelta(days=92)
    assert mean(IMPROVING_SERVICE, starts[-2], end) > mean(IMPROVING_SERVICE, starts[0], starts[2]) + 0.4
    assert mean(WORSENING_SERVICE, starts[-2], end) < mean(WORSENING_SERVICE, starts[0], starts[2]) - 0.4
    assert Complaint.objects.filter(status="answered").exists()
    assert Complaint.objects.exclude(status="answered").filter(due_on__lt=dt.date.today()).exists()  # overdue


def test_feedback_demo_has_cases_in_every_state(demo):
    from govcx.complaints.case_selectors import case_owner_candidates
    from govcx.complaints.models import Case

    assert set(Case.objects.values_list("status", flat=True)) == {"open", "in_progress", "closed"}
    assert set(Case.objects.values_list("reason", flat=True)) == {"low_rating", "flagged_comment"}
    # an owner from the team wherever the organisation has staff who handle cases
    for case in Case.objects.filter(owner__isnull=True):
        assert not case_owner_candidates(organisation_id=case.organisation_id).exists()
    assert Case.objects.filter(owner__isnull=False).exists()


def test_demo_services_have_audit_runs(demo):
    from govcx.audit.models import AuditIssue, AuditRun

    with_pages = [s for s in Service.objects.all() if s.page_urls]
    runs = AuditRun.objects.filter(status="done")
    assert with_pages and runs.count() == 2 * len(with_pages)
    assert {run.service_id for run in runs} == {s.pk for s in with_pages}
    latest = runs.order_by("-finished_at").first()
    assert latest.summary["pages"] == len(latest.service.page_urls)
    assert AuditIssue.objects.filter(kind="violation").exists()
    # recorded, so the demo stays fast: no run waits for a browser
    assert not AuditRun.objects.exclude(status="done").exists()


#: Queries per main page with the demo data, measured, plus a little room: a loop that queries per row (N+1)
#: on any of these pages breaks its bound at once, since the demo has dozens of rows for each of them.
PAGE_QUERY_BOUNDS = {"home": 12, "registry": 10, "assessment": 14, "lab study": 20, "audit run": 14,
                     "dashboard": 10, "complaints": 12, "quarterly report": 12, "comments (filtered)": 8}


def test_main_pages_run_a_bounded_number_of_queries(demo, client, django_assert_max_num_queries):
    from django.urls import reverse

    from govcx.audit.models import AuditRun
    from govcx.lab.models import Study

    client.force_login(User.objects.filter(role=Role.ADMIN, is_demo=True).order_by("pk").first())
    service = Service.objects.filter(surveys__isnull=False).order_by("pk").first()
    pages = {
        "home": reverse("home"),
        "registry": reverse("registry:service_list"),
        "assessment": reverse("standards:assessment_detail", args=[Assessment.objects.order_by("pk").first().pk]),
        "lab study": reverse("lab:study_detail", args=[Study.objects.order_by("pk").first().pk]),
        "dashboard": reverse("feedback:dashboard"),
        "complaints": reverse("complaints:list"),
        "quarterly report": reverse("feedback:service_report", args=[service.pk]),
        "comments (filtered)": reverse("feedback:comments") + "?sentiment=negative",
    }
    pages["audit run"] = reverse("audit:run_detail", args=[AuditRun.objects.order_by("pk").first().pk])
    for name, path in pages.items():
        client.get(path)  # caches that live for the process (templates, parsed packs) are not the page's queries
        with django_assert_max_num_queries(PAGE_QUERY_BOUNDS[name], info=name):
            assert client.get(path).status_code == 200, name


def test_demo_publishes_the_index(demo):
    from govcx.maturity.models import IndexPublication, MeasureValue

    assert MeasureValue.objects.filter(measure="standards_met").exists()
    published = IndexPublication.objects.filter(status="published", model_id="govcx")
    assert published.count() == 2 and all(p.values.exists() for p in published)
    assert IndexPublication.objects.filter(status="draft", model_id="mineconomy-shaped").exists()


def test_practices_demo_has_a_reviewed_assessment_with_flags_one_awaiting_review_and_a_draft(demo):
    from govcx.practices.models import SelfAssessment
    from govcx.practices.selectors import practice_scores

    found = {a.organisation.code: a for a in SelfAssessment.objects.select_related("organisation")}
    assert {code: a.status for code, a in found.items()} == {
        "tula-gov": "reviewed", "moscow-gov": "submitted", "lipetsk-gov": "draft"}
    tula = found["tula-gov"]
    assert tula.flags_at_review and tula.reviewer_scores.exists()
    assert set(practice_scores(period=tula.period)) == {tula.organisation_id}
