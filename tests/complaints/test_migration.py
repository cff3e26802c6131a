"""Complaints moved from `feedback` to their own app with their tables: a database at the schema before the move,
holding a complaint, a routing rule and the complaint's audit history, migrates forward with every row intact (and
the complaint gets a number on the way)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from govcx.accounts.services import audit_history
from govcx.complaints import numbers
from govcx.complaints.models import Complaint, RoutingRule

LAST_BEFORE_THE_MOVE = ("feedback", "0001_initial")
BEFORE_THE_MOVE = [LAST_BEFORE_THE_MOVE, ("complaints", None)]


def _migrate(targets) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return executor


@pytest.mark.django_db(transaction=True)
def test_complaints_and_routing_rules_keep_their_rows_and_history(services, users, reference_data):
    service, ministry, region = services["a"], reference_data["ministry"], reference_data["region"]
    try:
        executor = _migrate(BEFORE_THE_MOVE)
        old = executor.loader.project_state(LAST_BEFORE_THE_MOVE).apps
        old_complaint = old.get_model("feedback", "Complaint").objects.create(
            service_id=service.pk, organisation_id=region.pk, topic="queues", text="Waited three hours.",
            contact="anna@example.org", status="in_work", received_on=dt.date(2025, 5, 2), day_kind="working",
            due_on=dt.date(2025, 6, 16), extended=True, extension_reason="Archive request",
            assignee_id=users["owner_a"].pk, status_token_hash="a" * 64, version=3,
        )
        old_rule = old.get_model("feedback", "RoutingRule").objects.create(
            owner_id=ministry.pk, service_id=service.pk, topic="queues", handler_id=region.pk
        )
        old.get_model("accounts", "AuditEvent").objects.create(
            action="complaint.take", object_type="feedback.complaint", object_id=str(old_complaint.pk),
            object_repr="complaint", organisation_id=region.pk, changes={"status": ["received", "in_work"]},
        )
    finally:
        _migrate(None)  # whatever happened, leave the database at the latest schema for the tests after this one

    complaint = Complaint.objects.select_related("service", "organisation", "assignee").get(pk=old_complaint.pk)
    assert (complaint.service, complaint.organisation, complaint.assignee) == (service, region, users["owner_a"])
    assert (complaint.topic, complaint.text, complaint.contact, complaint.status) == (
        "queues", "Waited three hours.", "anna@example.org", "in_work")
    assert (complaint.received_on, complaint.due_on, complaint.day_kind) == (
        dt.date(2025, 5, 2), dt.date(2025, 6, 16), "working")
    assert (complaint.extended, complaint.extension_reason, complaint.version) == (True, "Archive request", 3)
    assert complaint.status_token_hash == "a" * 64
    assert numbers.normalised(complaint.number) == complaint.number and complaint.number.startswith("2025-")
    assert (complaint.author_name, complaint.email, complaint.consent_at) == ("", "", None)  # never asked then
    rule = RoutingRule.objects.get(pk=old_rule.pk)
    assert (rule.owner, rule.service, rule.topic, rule.handler) == (ministry, service, "queues", region)
    assert [(e.action, e.changes) for e in audit_history(obj=complaint)] == [
        ("complaint.take", {"status": ["received", "in_work"]})]
    complaint.version += 1
    complaint.save()  # the moved model writes to the same table
    assert Complaint.objects.get(pk=complaint.pk).version == 4
