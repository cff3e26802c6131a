"""Scoping matrix of the cross-service quarterly report: everyone signed in reads it over the services they may
see; naming another authority is a 404; the PDF and the spreadsheet follow the page."""

from __future__ import annotations

from typing import Any

import pytest
from tests.accounts.conftest import IN_A, IN_B, answers_read_by, everyone, read_matrix_test, row, sees

pytestmark = [pytest.mark.django_db]


def build(base: dict[str, Any]) -> dict[str, Any]:
    return {}


@pytest.fixture(scope="module")
def world(module_world):
    return module_world(build)


READS = [
    row("page", "quarterly report", "/reports/quarterly/", everyone()),
    row("page", "quarterly report as PDF", "/reports/quarterly/report.pdf", everyone()),
    row("page", "quarterly report as XLSX", "/reports/quarterly/report.xlsx", everyone()),
    *[row("page", f"quarterly report of {side}", f"/reports/quarterly/?organisation={{org_{side}}}", sees(scope))
      for side, scope in (("a", IN_A), ("b", IN_B))],
    row("page", "quarterly spreadsheet of b", "/reports/quarterly/report.xlsx?organisation={org_b}", sees(IN_B)),
]

test_read_matrix = read_matrix_test(READS)


@pytest.mark.parametrize("actor", ["owner_a", "owner_b", "viewer_a"])
def test_the_report_lists_only_the_services_the_reader_may_see(world, actor):
    for call, text in answers_read_by(world, actor, READS[:1]):
        assert ("svc-a" in text or "Service svc-a" in text) == (actor in IN_A), call.name
        assert ("Service svc-b" in text) == (actor in IN_B), call.name
