"""The officers' pages for runs (started from the page, followed to the end), register extract uploads (all or
nothing, each problem with its file, row and field) and a family's what-if (every decision explained)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from govcx.accounts.models import AuditEvent
from govcx.jobs.models import Job
from govcx.proactive import services
from govcx.proactive.models import PackVersion, Run, Snapshot
from govcx.proactive.rules.catalogue import shipped_pack_files

pytestmark = pytest.mark.django_db

PERSONS = ("person_id,household_id,household_role,birth,salary,disabled,disability_group\n"
           "m1,h1,adult,1994-03-01,20000,false,0\nc1,h1,child,2019-05-01,0,false,0\n"
           "p2,h2,adult,1970-01-01,0,true,2\n")
HOUSEHOLDS = "household_id,region,maternity_capital_granted\nh1,RU-LIP,false\nh2,RU-TUL,false\n"


def files(persons: str = PERSONS, households: str = HOUSEHOLDS) -> dict:
    return {"persons": SimpleUploadedFile("persons.csv", persons.encode(), content_type="text/csv"),
            "households": SimpleUploadedFile("households.csv", households.encode(), content_type="text/csv")}


def upload(client, taken_on="2025-03-01", **kwargs):
    return client.post("/proactive/snapshots/", {"taken_on": taken_on, "label": "registers", **files(**kwargs)})


def test_an_officer_uploads_an_extract(client_for, officers):
    client = client_for(officers["b"])
    response = upload(client)
    assert response.status_code == 302
    snapshot = Snapshot.objects.get()
    assert (snapshot.persons, snapshot.households, snapshot.organisation) == (3, 2, officers["b"].organisation)
    page = client.get("/proactive/snapshots/", HTTP_ACCEPT_LANGUAGE="ru")
    assert "Выписки из регистров".encode() in page.content and b"01.03.2025" in page.content  # the reader's format


def test_a_bad_extract_loads_nothing_and_names_row_and_field(client_for, officers):
    bad = PERSONS.replace("c1,h1,child,2019-05-01", "c1,h9,kid,2030-05-01")
    response = upload(client_for(officers["b"]), persons=bad)
    assert response.status_code == 422 and not Snapshot.objects.exists()
    text = response.content.decode()
    for field in ("household_id", "household_role", "birth"):
        assert f"<code>{field}</code>" in text
    assert "<td>3</td>" in text and "persons.csv" in text  # the child's row (the header is row 1)
    missing = upload(client_for(officers["b"]), households="household_id\nh1\nh2\n")
    assert missing.status_code == 422 and "region" in missing.content.decode() and not Snapshot.objects.exists()


def test_viewers_see_extracts_but_cannot_load(client_for, users, officers):
    assert client_for(users["viewer_a"]).get("/proactive/snapshots/").status_code == 200
    assert upload(client_for(users["viewer_a"])).status_code == 403
    assert not Snapshot.objects.exists()


def test_a_run_is_started_from_the_page_and_followed(client_for, officers):
    client = client_for(officers["b"])
    upload(client)
    snapshot = Snapshot.objects.get()
    response = client.post("/proactive/runs/", {"snapshot": snapshot.pk, "period": "2025-03", "full": "on"})
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/proactive/runs/{run.pk}/"
    assert Job.objects.filter(kind="proactive.run").exists()
    run.refresh_from_db()
    if run.status == "queued":  # the worker runs it (in tests the queue may run jobs at once)
        services.run_execute(run=run)
    Run.objects.filter(pk=run.pk).update(status="running")
    running = client.get(f"/proactive/runs/{run.pk}/")
    assert b"Running" in running.content and b"Refresh to follow its progress" in running.content
    Run.objects.filter(pk=run.pk).update(status="done")
    done = client.get(f"/proactive/runs/{run.pk}/")
    assert b"Done" in done.content and b"Refresh to follow" not in done.content
    listed = client.get("/proactive/runs/")
    assert f'href="/proactive/runs/{run.pk}/"'.encode() in listed.content
    assert client.post("/proactive/runs/", {"snapshot": snapshot.pk, "period": "March"}).status_code == 422


def test_another_authoritys_snapshot_cannot_be_run(client_for, officers):
    upload(client_for(officers["b"]))
    snapshot = Snapshot.objects.get()
    assert client_for(officers["a"]).post("/proactive/runs/", {"snapshot": snapshot.pk,
                                                               "period": "2025-03"}).status_code == 404
    assert not Run.objects.exists()


def test_the_whatif_explains_every_decision_and_a_draft(client_for, officers):
    client = client_for(officers["b"])
    upload(client)
    snapshot = Snapshot.objects.get()
    content = next(p for p in shipped_pack_files() if "disability" in p.name).read_text(encoding="utf-8")
    draft = services.pack_version_create(organisation=officers["b"].organisation,
                                         content=content.replace('version: "2026.1"', 'version: "2026.2-draft"', 1))
    assert PackVersion.objects.filter(status="draft").count() == 1
    page = client.get("/proactive/whatif/", {"snapshot": snapshot.pk, "household_id": "h2", "period": "2025-03",
                                             "draft": draft.pk})
    text = page.content.decode()
    assert page.status_code == 200 and "p2" in text and "With the draft:" in text
    assert text.count('<ul class="reasons">') >= 3  # every benefit for the family and its member, and the draft
    assert AuditEvent.objects.filter(action="proactive.household_whatif", actor=officers["b"]).exists()
    assert client_for(officers["a"]).get("/proactive/whatif/", {"snapshot": snapshot.pk, "household_id": "h2",
                                                                 "period": "2025-03"}).status_code == 404
