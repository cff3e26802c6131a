"""A person signs in, opens a service, runs an assessment and reads its verdict, in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from govcx.standards.models import Assessment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")


def test_assessor_runs_an_assessment_and_reads_the_verdict(
    page, live_server, users, services, packs, password, assert_accessible
):
    page.goto(f"{live_server.url}/login/")
    assert_accessible(page)
    sign_in(page, live_server, "assessor-a", password)
    assert_accessible(page)  # dashboard

    page.get_by_role("link", name="Services", exact=True).click()
    assert_accessible(page)
    page.get_by_role("link", name="Service svc-a", exact=True).click()
    page.wait_for_url(f"{live_server.url}/registry/services/{services['a'].pk}/")
    assert_accessible(page)

    model = packs["govcx-model-standard"]
    page.get_by_label("Standard").select_option(str(model.pk))
    page.get_by_role("button", name="Run assessment").click()
    page.wait_for_url("**/standards/assessments/*/")
    assert_accessible(page)

    assessment = Assessment.objects.get(service=services["a"], pack=model)
    verdict = page.locator("#verdict").inner_text()
    assert verdict == {"ready": "Ready to launch", "launch_with_adjustments": "Launch with adjustments",
                       "not_ready": "Not ready"}[assessment.verdict]
    # Automated checks settled the gates (svc-a asks for no registry-held document and its 10 working days
    # are within the limit); requirements that need an assessor are still open, so: launch with adjustments.
    assert assessment.verdict == "launch_with_adjustments"
    assert not assessment.result["blocking"]
    assert assessment.outcomes.filter(source="check", status="met").exists()

    # Record one manual outcome through the page and see the assessment re-evaluated.
    gap = next(g["requirement_id"] for g in assessment.result["non_blocking"] if g["status"] == "unknown")
    row = page.locator(f"#req-{gap}")
    row.locator("summary").click()
    row.get_by_label("Rating").select_option("100")
    row.get_by_label("Evidence", exact=True).fill("Checked in the lab on 2026-11-20")
    figures_before = page.locator("#figures").inner_text()
    page.evaluate("window.notReloaded = true")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#outcome-status")).to_contain_text("saved")
    assert page.evaluate("window.notReloaded") is True  # the row came back in place, no page reload
    assert page.locator(f"#req-{gap} summary").evaluate("e => e === document.activeElement")
    assert "(100" in page.locator(f"#req-{gap}").inner_text()
    assert page.locator("#figures").inner_text() != figures_before
    assessment.refresh_from_db()
    assert gap not in [g["requirement_id"] for g in assessment.result["non_blocking"]]
    assert assessment.outcomes.get(requirement_id=gap).recorded_by.username == "assessor-a"
    assert_accessible(page)


def test_pages_in_russian_are_accessible(page, live_server, users, services, packs, password, assert_accessible):
    sign_in(page, live_server, "owner-a", password)
    page.get_by_role("button", name="Русский").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "ru"
    for path in ("/", "/registry/services/", f"/registry/services/{services['a'].pk}/edit/", "/standards/packs/",
                 f"/standards/packs/{packs['uk-service-standard'].pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)
