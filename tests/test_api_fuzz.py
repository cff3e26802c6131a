"""The API under a fuzzer: schemathesis generates valid and invalid requests for every operation of the OpenAPI
document and sends them, authenticated as a central administrator, to the Django app in-process (WSGI), on the
test database (one transaction per operation).

Pass marks: no server error (no status >= 500) and every documented response conforms to its schema. Status
codes are not checked against the document: the error answers (401, 404, 409, 422, 429) are one family for
every operation (govcx.api) and are not listed per operation.

Per operation: schemathesis' coverage phase (boundary and wrong-typed values of every parameter and property,
which the bounds of common.bounds make precise) plus EXAMPLES_PER_OPERATION generated cases in each of its
positive and negative modes, derandomized, so a run is repeatable and its time bounded (about two minutes).
Set GOVCX_FUZZ_REPORT=1 and run with -s to print how many cases each operation was sent.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from govcx.accounts.services import api_token_create
from govcx.api import api
from govcx.complaints.services import complaint_submit
from govcx.feedback.services import survey_create
from govcx.lab.services import participant as participant_services
from govcx.lab.services import session as session_services
from govcx.lab.services import study as study_services
from govcx.practices.services import self_assessment_create

pytestmark = pytest.mark.one_database  # CI runs it on SQLite only: it does not depend on the database

EXAMPLES_PER_OPERATION = 12

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/"))
schema.app = WSGIHandler()

#: Ids of objects the fixture creates, per path parameter name: half of the generated ids are mapped onto them,
#: so operations reach real objects and not only 404s.
KNOWN: dict[str, list] = {}
#: Cases sent, per operation (for the report).
SENT: dict[str, int] = {}


@schema.hook("map_path_parameters")
def onto_known_objects(context, path_parameters):
    for name, value in list((path_parameters or {}).items()):
        known = KNOWN.get(name)
        if known and isinstance(value, int) and not isinstance(value, bool) and value % 2 == 0:
            path_parameters[name] = known[value // 2 % len(known)]
    return path_parameters


@pytest.fixture
def world(db, users, services, packs, settings, tmp_path):
    """A study with a task, a participant and a running session; a survey; a complaint; a token for the admin."""
    from govcx.lab.models import Study
    from govcx.registry.models import Organisation

    settings.MEDIA_ROOT = str(tmp_path)
    cache.clear()
    admin = users["admin"]
    lab = Organisation.objects.get(code="central-office")
    study = study_services.study_create(actor=admin, service=services["a"], lab=lab, title="Fuzzed study")
    study = study_services.study_owner_consent(actor=admin, study=study, give=True)
    task = study_services.task_create(actor=admin, study=study, key="find", title="Find the form", order=1,
                                      critical_path=True)
    person = participant_services.participant_recruit(actor=admin, study=study, screener_answers={})
    session = session_services.session_schedule(actor=admin, study=study, participant=person)
    survey = survey_create(actor=admin, service=services["a"], title="Fuzzed survey", template="csat")
    complaint, status_token = complaint_submit(service=services["a"], text="Lost my papers.", contact="a@example.org",
                                               topic="", received_on=None)
    _, secret = api_token_create(user=admin, name="fuzz")
    self_assessment = self_assessment_create(actor=admin, organisation_id=services["a"].owner_id, period="2026Q3")
    KNOWN.clear()
    KNOWN.update({
        "service_id": [s.pk for s in services.values()], "study_id": [study.pk], "task_id": [task.pk],
        "participant_id": [person.pk], "session_id": [session.pk], "survey_id": [survey.pk],
        "complaint_id": [complaint.pk], "pack_pk": [p.pk for p in packs.values()],
        "organisation_id": [admin.organisation_id], "token": [status_token],
        "self_assessment_id": [self_assessment.pk],
    })
    assert Study.objects.count() == 1
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {secret}"}
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    KNOWN.clear()


@schema.parametrize()
@settings(max_examples=EXAMPLES_PER_OPERATION, derandomize=True, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_api_under_fuzzing(case, world):
    response = case.call(headers=world)
    SENT[case.operation.label] = SENT.get(case.operation.label, 0) + 1
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])


@pytest.fixture(autouse=True, scope="module")
def report_cases():
    yield
    if os.environ.get("GOVCX_FUZZ_REPORT") == "1":
        print(f"\nfuzzed {len(SENT)} operations with {sum(SENT.values())} cases")
        for label, count in sorted(SENT.items()):
            print(f"  {count:5d}  {label}")
