"""The passport checks (govcx.standards.passport_checks) on hand-built facts, and the check registry's plumbing
(govcx.standards.checks: param_errors, run_check, register)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest

import govcx.standards.passport_checks  # noqa: F401  (registers the passport checks)
from govcx.standards.checks import (
    CHECKS,
    CheckContext,
    CheckResult,
    DocumentFact,
    ServiceFacts,
    StepFact,
    param_errors,
    register,
    run_check,
)
from govcx.standards.scoring import OutcomeStatus

MET, NOT_MET, UNKNOWN = OutcomeStatus.MET, OutcomeStatus.NOT_MET, OutcomeStatus.UNKNOWN

PASSPORT_CHECKS = {
    "passport.once_only",
    "passport.fully_online",
    "passport.deadline_within",
    "passport.feedback_channel",
    "passport.has_public_page",
    "passport.legal_basis",
    "passport.multichannel",
    "passport.proactive",
    "passport.mobile_channel",
}

GOOD = ServiceFacts(
    id=1,
    code="svc",
    stage="beta",
    channels=("portal", "office"),
    client_categories=("citizens",),
    deadline_days=10,
    deadline_kind="working",
    fee=Decimal(0),
    legal_basis="Federal Law 210-FZ",
    page_urls=("https://example.gov/service",),
    feedback_url="https://example.gov/feedback",
    documents=(DocumentFact("Passport", False),),
    steps=(StepFact("Apply online", False),),
    passport_url="/registry/services/1/",
)


def run(name: str, facts: ServiceFacts = GOOD, **params) -> CheckResult:
    return run_check(name, CheckContext(service=facts, params=params))


def test_every_passport_check_is_registered_with_a_title():
    assert PASSPORT_CHECKS <= set(CHECKS)
    for name in PASSPORT_CHECKS:
        assert CHECKS[name].title
        assert CHECKS[name].name == name


# --- once only ------------------------------------------------------------------------------------


def test_once_only_met_when_no_document_is_held_in_a_registry():
    result = run("passport.once_only")
    assert result.status is MET
    assert result.value == "0 of 1 documents held in registries"
    assert result.evidence_url == GOOD.passport_url


def test_once_only_not_met_names_the_documents_and_registries():
    facts = replace(GOOD, documents=(
        DocumentFact("Passport", False),
        DocumentFact("Birth certificate", True, "Civil registry"),
        DocumentFact("Tax number", True),
    ))
    result = run("passport.once_only", facts)
    assert result.status is NOT_MET
    assert result.value == "2 of 3 documents held in registries"
    assert "Birth certificate (Civil registry)" in result.detail
    assert "Tax number" in result.detail
    assert "Passport" not in result.detail


def test_once_only_met_when_no_documents_at_all():
    assert run("passport.once_only", replace(GOOD, documents=())).status is MET


# --- fully online ---------------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [("portal",), ("mobile_app",), ("proactive",), ("office", "portal")])
def test_fully_online_met_with_an_online_channel_and_no_visit(channels):
    assert run("passport.fully_online", replace(GOOD, channels=channels)).status is MET


@pytest.mark.parametrize("channels", [(), ("office",), ("office", "phone")])
def test_fully_online_not_met_without_an_online_channel(channels):
    result = run("passport.fully_online", replace(GOOD, channels=channels))
    assert result.status is NOT_MET
    assert "online channels: none" in result.value


def test_fully_online_not_met_when_a_step_needs_a_visit():
    facts = replace(GOOD, steps=(StepFact("Apply online", False), StepFact("Bring originals", True)))
    result = run("passport.fully_online", facts)
    assert result.status is NOT_MET
    assert "Bring originals" in result.detail
    assert "in-person steps: 1" in result.value


# --- deadline -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "own_kind", "limit", "limit_kind", "expected"),
    [
        (10, "working", 15, "working", MET),
        (15, "working", 15, "working", MET),  # the limit itself is within the limit
        (16, "working", 15, "working", NOT_MET),
        (30, "calendar", 30, "calendar", MET),
        # working → calendar: 10 working days ≈ 14 calendar days
        (10, "working", 14, "calendar", MET),
        (10, "working", 13, "calendar", NOT_MET),
        # calendar → working: 21 calendar days ≈ 15 working days
        (21, "calendar", 15, "working", MET),
        (21, "calendar", 14, "working", NOT_MET),
        (0, "working", 0, "working", MET),
    ],
)
def test_deadline_within(days, own_kind, limit, limit_kind, expected):
    facts = replace(GOOD, deadline_days=days, deadline_kind=own_kind)
    result = run("passport.deadline_within", facts, max_days=limit, kind=limit_kind)
    assert result.status is expected
    assert f"{days} {own_kind} days" in result.value
    assert f"limit {limit} {limit_kind}" in result.value


def test_deadline_kind_defaults_to_working_days():
    facts = replace(GOOD, deadline_days=10, deadline_kind="calendar")  # ≈ 7.1 working days
    assert run("passport.deadline_within", facts, max_days=8).status is MET
    assert run("passport.deadline_within", facts, max_days=7).status is NOT_MET


def test_deadline_unknown_when_the_passport_has_no_deadline():
    result = run("passport.deadline_within", replace(GOOD, deadline_days=None), max_days=15)
    assert result.status is UNKNOWN
    assert "no regulated deadline" in result.detail


def test_deadline_unknown_when_the_pack_gives_no_limit():
    result = run("passport.deadline_within")
    assert result.status is UNKNOWN
    assert "max_days" in result.detail


# --- simple presence checks -----------------------------------------------------------------------


def test_feedback_channel():
    assert run("passport.feedback_channel").status is MET
    result = run("passport.feedback_channel", replace(GOOD, feedback_url=""))
    assert result.status is NOT_MET
    assert result.value == "none"


def test_has_public_page():
    assert run("passport.has_public_page").status is MET
    assert run("passport.has_public_page", replace(GOOD, page_urls=())).status is NOT_MET


def test_legal_basis():
    assert run("passport.legal_basis").status is MET
    assert run("passport.legal_basis", replace(GOOD, legal_basis="")).status is NOT_MET
    assert run("passport.legal_basis", replace(GOOD, legal_basis="   \n ")).status is NOT_MET


def test_multichannel_defaults_to_two_channels():
    assert run("passport.multichannel").status is MET
    assert run("passport.multichannel", replace(GOOD, channels=("portal",))).status is NOT_MET
    # Duplicates count once.
    assert run("passport.multichannel", replace(GOOD, channels=("portal", "portal"))).status is NOT_MET


def test_multichannel_with_a_parameter():
    assert run("passport.multichannel", min_channels=3).status is NOT_MET
    facts = replace(GOOD, channels=("portal", "office", "phone"))
    result = run("passport.multichannel", facts, min_channels=3)
    assert result.status is MET
    assert result.value == "3 channel(s), need 3"


def test_proactive():
    assert run("passport.proactive").status is NOT_MET
    assert run("passport.proactive", replace(GOOD, channels=("proactive",))).status is MET


def test_mobile_channel():
    assert run("passport.mobile_channel").status is MET  # portal
    assert run("passport.mobile_channel", replace(GOOD, channels=("mobile_app",))).status is MET
    assert run("passport.mobile_channel", replace(GOOD, channels=("office", "phone"))).status is NOT_MET


@pytest.mark.parametrize("name", sorted(PASSPORT_CHECKS - {"passport.deadline_within"}))
def test_met_or_not_met_results_link_to_the_passport(name):
    result = run(name)
    assert result.status in (MET, NOT_MET)
    assert result.evidence_url == GOOD.passport_url


# --- the registry's plumbing ----------------------------------------------------------------------


def test_param_errors_accepts_valid_parameters():
    assert param_errors("passport.deadline_within", {"max_days": 10, "kind": "working"}) == []
    assert param_errors("passport.once_only", {}) == []


def test_param_errors_unknown_check():
    [error] = param_errors("passport.nope", {})
    assert "unknown check 'passport.nope'" in error
    assert "passport.once_only" in error


def test_param_errors_unknown_parameter():
    [error] = param_errors("passport.once_only", {"strict": True})
    assert "'strict'" in error


@pytest.mark.parametrize("value", ["ten", 10.5, True, None])
def test_param_errors_wrong_type(value):
    [error] = param_errors("passport.deadline_within", {"max_days": value})
    assert "max_days" in error and "int" in error


def test_param_errors_lists_every_problem():
    errors = param_errors("passport.deadline_within", {"max_days": "ten", "kind": 5, "colour": "red"})
    assert len(errors) == 3


def test_run_check_of_an_uninstalled_check_is_unknown():
    result = run("passport.not-installed")
    assert result.status is UNKNOWN
    assert "not installed" in result.detail


@pytest.fixture
def temporary_checks():
    before = dict(CHECKS)
    yield
    CHECKS.clear()
    CHECKS.update(before)


def test_a_check_that_raises_is_unknown_with_the_reason(temporary_checks):
    @register("test.explodes", title="Always raises")
    def explodes(ctx: CheckContext) -> CheckResult:
        raise RuntimeError("the registry is offline")

    result = run("test.explodes")
    assert result.status is UNKNOWN
    assert "test.explodes" in result.detail
    assert "the registry is offline" in result.detail


def test_a_check_that_raises_on_bad_facts_is_unknown():
    # A pack that bypassed validation passes a string limit: the comparison raises TypeError.
    result = run("passport.deadline_within", max_days="ten")
    assert result.status is UNKNOWN
    assert "failed" in result.detail


def test_register_refuses_a_second_check_under_the_same_name(temporary_checks):
    @register("test.once", title="First")
    def first(ctx: CheckContext) -> CheckResult:
        return CheckResult(MET)

    register("test.once", title="First again")(first)  # re-registering the same function is harmless
    with pytest.raises(ValueError, match="registered twice"):
        @register("test.once", title="Second")
        def second(ctx: CheckContext) -> CheckResult:
            return CheckResult(MET)


def test_register_records_parameters(temporary_checks):
    @register("test.params", title="With parameters", params={"limit": int})
    def with_params(ctx: CheckContext) -> CheckResult:
        return CheckResult(MET if ctx.params["limit"] > 0 else NOT_MET, value=str(ctx.params["limit"]))

    assert param_errors("test.params", {"limit": 3}) == []
    assert param_errors("test.params", {"limit": "3"})
    assert run("test.params", limit=3) == CheckResult(MET, value="3")
