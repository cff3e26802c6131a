"""The lab's demo data: three closed studies with the three verdicts and a re-test that improved."""

from __future__ import annotations

import pytest

from govcx.accounts.models import User
from govcx.accounts.roles import Role
from govcx.demo.lab import build_lab_demo
from govcx.lab.models import Attempt, Participant, QuestionnaireResponse, Session, Study
from govcx.lab.selectors import study_analysis, study_comparison
from govcx.registry.models import Organisation
from govcx.registry.services import service_create


@pytest.fixture
def studies(users, make_passport):
    centre = Organisation.objects.create(code="analytical-centre", name_en="Analytical Centre", level="federal")
    User.objects.create_user(username="researcher.ac", role=Role.LAB_RESEARCHER, organisation=centre)
    for code, stage in (("first-grade-tula", "beta"), ("unified-allowance", "live"), ("retirement-online", "alpha")):
        service_create(actor=users["admin"], passport=make_passport(code, "min-a", stage=stage))
    return build_lab_demo()


def test_three_verdicts_and_an_improved_retest(studies):
    assert {key: s.verdict for key, s in studies.items()} == {
        "first-grade": "ready", "allowance": "launch_with_adjustments", "retirement": "not_ready",
        "retirement-retest": "ready"}
    assert all(s.status == "closed" for s in studies.values())
    comparison = study_comparison(studies["retirement-retest"])
    apply = next(t for t in comparison.tasks if t.key == "apply")
    assert apply.completion_after > apply.completion_before and apply.time_ratio < 1
    assert comparison.sus_change > 0
    assert "Подтверждение через СМС истекает за 60 секунд" in comparison.findings_fixed


def test_realistic_participants_and_answers(studies):
    for study in studies.values():
        people = list(study.participants.all())
        assert 5 <= len(people) <= 12 and 5 <= study.tasks.count() <= 8
        assert [p.code for p in people] == [f"P{i:02d}" for i in range(1, len(people) + 1)]
        assert all(p.full_name for p in people)
        assert Session.objects.filter(study=study, mode="unmoderated").exists()
        assert QuestionnaireResponse.objects.filter(session__study=study, kind="sus").count() == len(people)
    names = " ".join(Participant.objects.values_list("full_name", flat=True))
    assert any("а" <= c <= "я" for c in names) and any("a" <= c <= "z" for c in names)
    assert study_analysis(studies["retirement"]).sus_flagged == ("P03",)


def test_demo_is_deterministic(studies):
    def results():
        return sorted(Attempt.objects.values_list("session__study__title", "session__participant__code",
                                                  "task__key", "outcome", "seconds"))

    first = results()
    Study.objects.filter(retest_of__isnull=False).delete()
    Study.objects.all().delete()
    build_lab_demo()
    assert results() == first and len(first) > 150
