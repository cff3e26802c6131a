"""What one completion statement costs the LRS in queries (the xAPI stream's budget, issue 15)."""

from __future__ import annotations

import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.training.conftest import HOME

from govcx.training.models import Completion


def test_a_completion_statement_takes_few_queries(lrs, staff):
    def statement(person: str) -> dict:
        return {"id": str(uuid.uuid4()), "actor": {"account": {"homePage": HOME, "name": person}},
                "verb": {"id": "http://adlnet.gov/expapi/verbs/completed"},
                "object": {"id": "https://lms.example.gov/course/basics"}}

    assert lrs.post(statement("p004")).status_code == 200  # warms the caches a worker keeps
    with CaptureQueriesContext(connection) as queries:
        assert lrs.post(statement("p005")).status_code == 200
    assert Completion.objects.filter(person__person_key="p005").exists()
    assert len(queries) <= 11, len(queries)
