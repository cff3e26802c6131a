"""The job record: queue, progress, cancel, failure, recovery of a dead worker's jobs, schedule, scope."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from govcx.errors import Conflict, Forbidden
from govcx.jobs import schedule
from govcx.jobs.models import Job, JobState
from govcx.jobs.registry import job_handler
from govcx.jobs.runner import JobContext, job_execute
from govcx.jobs.services import (
    WORKER_STOPPED,
    job_cancel,
    job_enqueue,
    job_recover_stale,
    schedule_enqueue_due,
    worker_beat,
)

pytestmark = pytest.mark.django_db


@job_handler("test.count")
def count(context: JobContext) -> dict:
    total = int(context.payload.get("total", 3))
    for number in range(1, total + 1):
        context.check_cancelled()
        context.progress(number, total, f"item {number}")
    return {"counted": total}


@job_handler("test.fail")
def fail(context: JobContext) -> None:
    raise ValueError("the input file has no header row")


@job_handler("test.cancelled_midway")
def cancelled_midway(context: JobContext) -> None:
    context.progress(1, 10, "first item")
    Job.objects.filter(pk=context.job.pk).update(cancel_requested=True)  # someone presses Cancel
    context.check_cancelled()
    raise AssertionError("unreachable: the handler stops at its check")


@pytest.fixture
def queued_only(settings):
    """A backend that keeps tasks without running them, so jobs stay queued (as before a worker takes them)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_a_job_runs_reports_progress_and_keeps_a_small_result(users, reference_data):
    job = job_enqueue(kind="test.count", actor=users["assessor_a"], organisation=reference_data["ministry"],
                      payload={"total": 3})
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.result == {"counted": 3}
    assert (job.progress_done, job.progress_total, job.step) == (3, 3, "item 3")
    assert job.attempts == 1 and job.started_at and job.finished_at and job.heartbeat_at and job.task_id
    assert job.started_by == users["assessor_a"]


def test_a_retried_submission_queues_once(users, reference_data, queued_only, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as sent:
        first = job_enqueue(kind="test.count", actor=users["assessor_a"], organisation=reference_data["ministry"],
                            idempotency_key="import:42")
        again = job_enqueue(kind="test.count", actor=users["assessor_a"], organisation=reference_data["ministry"],
                            idempotency_key="import:42")
    assert again.pk == first.pk and Job.objects.count() == 1 and len(sent) == 1
    first.refresh_from_db()
    assert first.state == JobState.QUEUED and first.task_id
    job_execute(job_id=first.pk)  # what the worker does
    assert job_enqueue(kind="test.count", actor=None, organisation=None, idempotency_key="import:42").pk != first.pk


def test_progress_writes_at_most_once_a_second_but_always_the_last(users, reference_data, queued_only):
    job = job_enqueue(kind="test.count", actor=None, organisation=None)
    context = JobContext(job)
    with CaptureQueriesContext(connection) as queries:
        for number in range(1, 201):
            context.progress(number, 200, "row")
    assert len([q for q in queries if q["sql"].startswith("UPDATE")]) == 2
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total) == (200, 200)


def test_a_failing_job_records_why(users):
    job = job_enqueue(kind="test.fail", actor=users["admin"], organisation=None)
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == "the input file has no header row" and job.finished_at


def test_a_running_job_stops_cleanly_when_cancelled(users):
    job = job_enqueue(kind="test.cancelled_midway", actor=users["admin"], organisation=None)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.progress_done == 1 and job.finished_at


def test_a_queued_job_is_cancelled_at_once_and_never_runs(users, reference_data, queued_only):
    job = job_enqueue(kind="test.count", actor=users["assessor_a"], organisation=reference_data["ministry"])
    with pytest.raises(Forbidden):
        job_cancel(actor=users["assessor_a2"], job=job)  # a colleague may see it, not stop it
    job = job_cancel(actor=users["assessor_a"], job=job)
    assert job.state == JobState.CANCELLED and job.cancel_requested
    job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED and job.attempts == 0
    with pytest.raises(Conflict):
        job_cancel(actor=users["admin"], job=job)


def _running(job: Job, *, attempts: int, beat_seconds_ago: float) -> Job:
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, attempts=attempts, worker_id="dead-worker",
                                         heartbeat_at=timezone.now() - dt.timedelta(seconds=beat_seconds_ago))
    job.refresh_from_db()
    return job


def test_a_dead_workers_job_is_retried_then_runs(users, queued_only, django_capture_on_commit_callbacks):
    job = _running(job_enqueue(kind="test.count", actor=users["admin"], organisation=None),
                   attempts=1, beat_seconds_ago=300)
    alive = _running(job_enqueue(kind="test.count", actor=users["admin"], organisation=None),
                     attempts=1, beat_seconds_ago=5)
    with django_capture_on_commit_callbacks(execute=True) as sent:
        assert job_recover_stale(stale_after=60) == {"retried": 1, "failed": 0, "redispatched": 0}
    assert len(sent) == 1
    job.refresh_from_db()
    alive.refresh_from_db()
    assert job.state == JobState.QUEUED and job.task_id and "worker stopped" in job.step
    assert alive.state == JobState.RUNNING
    job_execute(job_id=job.pk, worker_id="next-worker")
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and job.attempts == 2 and job.worker_id == "next-worker"


def test_a_job_whose_worker_died_on_its_last_attempt_fails_with_the_reason(users, queued_only):
    job = _running(job_enqueue(kind="test.count", actor=users["admin"], organisation=None), attempts=3,
                   beat_seconds_ago=300)
    assert job_recover_stale(stale_after=60)["failed"] == 1
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.error == WORKER_STOPPED and job.finished_at


def test_the_worker_beats_for_its_own_running_jobs(users, queued_only):
    mine = _running(job_enqueue(kind="test.count", actor=None, organisation=None), attempts=1, beat_seconds_ago=50)
    Job.objects.filter(pk=mine.pk).update(worker_id="w1")
    worker_beat(worker_id="w1")
    mine.refresh_from_db()
    assert timezone.now() - mine.heartbeat_at < dt.timedelta(seconds=5)
    assert job_recover_stale(stale_after=30) == {"retried": 0, "failed": 0, "redispatched": 0}


def test_a_queued_job_never_handed_to_the_backend_is_handed_again(users, queued_only,
                                                                 django_capture_on_commit_callbacks):
    job = job_enqueue(kind="test.count", actor=None, organisation=None)  # its on-commit dispatch never ran
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        assert job_recover_stale(stale_after=60)["redispatched"] == 1
    job.refresh_from_db()
    assert job.task_id


# ---- schedule ---------------------------------------------------------------------------------------------

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


def test_latest_slot_of_an_interval_and_a_daily_entry():
    every = schedule.Entry("x", every=dt.timedelta(minutes=5))
    daily = schedule.Entry("y", daily_at=dt.time(2, 0))
    now = dt.datetime(2026, 3, 10, 14, 7, 30, tzinfo=MOSCOW)
    assert schedule.latest_slot(every, now) == dt.datetime(2026, 3, 10, 14, 5, tzinfo=MOSCOW)
    assert schedule.latest_slot(daily, now) == dt.datetime(2026, 3, 10, 2, 0, tzinfo=MOSCOW)
    assert schedule.latest_slot(daily, now.replace(hour=1)) == dt.datetime(2026, 3, 9, 2, 0, tzinfo=MOSCOW)
    assert schedule.slot_key(daily, dt.datetime(2026, 3, 10, 2, 0, tzinfo=MOSCOW)) == \
        "schedule:y:2026-03-10T02:00+03:00"
    with pytest.raises(ValueError):
        schedule.Entry("z")


def test_a_daily_slot_missed_by_more_than_its_grace_is_skipped():
    daily = schedule.Entry("y", daily_at=dt.time(2, 0), grace=dt.timedelta(hours=1))
    every = schedule.Entry("x", every=dt.timedelta(minutes=5))
    at = dt.datetime(2026, 3, 10, 2, 40, tzinfo=MOSCOW)
    assert [e.kind for e, _, _ in schedule.due_slots(at, (daily, every))] == ["y", "x"]
    assert [e.kind for e, _, _ in schedule.due_slots(at.replace(hour=10), (daily, every))] == ["x"]


def test_the_schedule_queues_each_slot_once(db, queued_only, django_capture_on_commit_callbacks):
    entries = (schedule.Entry("test.count", every=dt.timedelta(minutes=5), payload={"total": 2}),)
    now = dt.datetime(2026, 3, 10, 14, 7, tzinfo=MOSCOW)
    with django_capture_on_commit_callbacks(execute=True):
        first = schedule_enqueue_due(now=now, entries=entries)
        assert schedule_enqueue_due(now=now + dt.timedelta(minutes=1), entries=entries) == []
    assert len(first) == 1 and first[0].idempotency_key == "schedule:test.count:2026-03-10T14:05+03:00"
    assert first[0].organisation is None and first[0].started_by is None
    job_execute(job_id=first[0].pk)
    assert schedule_enqueue_due(now=now, entries=entries) == []  # a finished slot is not run again
    assert len(schedule_enqueue_due(now=now + dt.timedelta(minutes=5), entries=entries)) == 1


def test_every_scheduled_kind_has_a_handler():
    from govcx.jobs.registry import handler_for

    assert [e.kind for e in schedule.SCHEDULE if handler_for(e.kind) is None] == []


# ---- scope: pages and API ---------------------------------------------------------------------------------


@pytest.fixture
def scoped_jobs(users, reference_data, queued_only):
    return {
        "ministry": job_enqueue(kind="test.count", actor=users["assessor_a"], organisation=reference_data["ministry"]),
        "region": job_enqueue(kind="test.count", actor=users["assessor_b"], organisation=reference_data["region"]),
        "system": job_enqueue(kind="test.count", actor=None, organisation=None),
    }


def test_jobs_are_seen_only_in_scope(scoped_jobs, users, client_for):
    viewer = client_for(users["viewer_a"])
    page = viewer.get("/jobs/").content.decode()
    assert f'href="/jobs/{scoped_jobs["ministry"].pk}/"' in page
    assert f'href="/jobs/{scoped_jobs["region"].pk}/"' not in page
    assert f'href="/jobs/{scoped_jobs["system"].pk}/"' not in page
    assert viewer.get(f"/jobs/{scoped_jobs['ministry'].pk}/").status_code == 200
    for other in ("region", "system"):
        assert viewer.get(f"/jobs/{scoped_jobs[other].pk}/").status_code == 404
        assert viewer.get(f"/api/jobs/{scoped_jobs[other].pk}").status_code == 404
        assert viewer.post(f"/api/jobs/{scoped_jobs[other].pk}/cancel").status_code == 404
        assert viewer.post(f"/jobs/{scoped_jobs[other].pk}/cancel/").status_code == 404
    admin = client_for(users["analyst"])
    assert {j["id"] for j in admin.get("/api/jobs/").json()} == {j.pk for j in scoped_jobs.values()}
    assert client_for(users["viewer_a"]).get("/api/jobs/").json()[0]["id"] == scoped_jobs["ministry"].pk


def test_the_api_shows_progress_and_cancels(scoped_jobs, users, client_for):
    job = scoped_jobs["ministry"]
    client = client_for(users["assessor_a"])
    body = client.get(f"/api/jobs/{job.pk}").json()
    assert body["state"] == "queued" and body["kind"] == "test.count" and body["progress_total"] == 0
    assert client_for(users["viewer_a"]).post(f"/api/jobs/{job.pk}/cancel").status_code == 403
    response = client.post(f"/api/jobs/{job.pk}/cancel")
    assert response.status_code == 200 and response.json()["state"] == "cancelled"
    assert client.post(f"/api/jobs/{job.pk}/cancel").status_code == 409


def test_the_status_fragment_polls_until_the_job_finishes(scoped_jobs, users, client_for):
    job = scoped_jobs["ministry"]
    client = client_for(users["assessor_a"])
    Job.objects.filter(pk=job.pk).update(state=JobState.RUNNING, progress_done=2, progress_total=5, step="page 2")
    fragment = client.get(f"/jobs/{job.pk}/?poll=1", headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 2s"' in fragment and '<progress max="5" value="2"' in fragment
    assert "aria-label=" in fragment and "page 2" in fragment and "Cancel</button>" in fragment
    Job.objects.filter(pk=job.pk).update(state=JobState.SUCCEEDED)
    done = client.get(f"/jobs/{job.pk}/?poll=1", headers={"HX-Request": "true"})
    assert done.status_code == 204 and done["HX-Refresh"] == "true"
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "hx-trigger" not in page and "Succeeded" in page


def test_cancel_from_the_page_returns_to_where_it_was_pressed(scoped_jobs, users, client_for):
    job = scoped_jobs["ministry"]
    response = client_for(users["assessor_a"]).post(f"/jobs/{job.pk}/cancel/", {"next": "/audit/runs/1/"})
    assert response.status_code == 302 and response["Location"] == "/audit/runs/1/"
    job.refresh_from_db()
    assert job.state == JobState.CANCELLED
    evil = client_for(users["admin"]).post(f"/jobs/{scoped_jobs['system'].pk}/cancel/",
                                           {"next": "https://evil.example/"})
    assert evil["Location"] == f"/jobs/{scoped_jobs['system'].pk}/"


def test_an_audit_is_queued_as_a_job_and_its_page_shows_the_job(users, services, queued_only, client_for, settings,
                                                                 tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govcx.audit.services import audit_run_create, audit_run_start

    settings.MEDIA_ROOT = tmp_path
    page = SimpleUploadedFile("draft.html", b"<!doctype html><html lang=en><title>t</title><p>hi</p></html>")
    run = audit_run_create(actor=users["assessor_a"], service=services["a"], uploads=[page])
    job = audit_run_start(actor=users["assessor_a"], run=run)
    assert audit_run_start(actor=users["assessor_a"], run=run).pk == job.pk  # a double click queues it once
    assert (job.kind, job.subject, job.payload, job.organisation_id) == (
        "audit.run", f"audit.run:{run.pk}", {"run_id": run.pk}, services["a"].owner_id)
    page = client_for(users["viewer_a"]).get(f"/audit/runs/{run.pk}/").content.decode()
    assert f'hx-get="/jobs/{job.pk}/?poll=1"' in page and "<progress" in page
