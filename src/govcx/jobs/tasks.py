"""The one task the backend carries: run a govcx job. Task code is the same on every django-tasks backend."""

from __future__ import annotations

from django_tasks import TaskContext, task

from govcx.jobs.runner import job_execute


@task(takes_context=True)
def run_job(context: TaskContext, job_id: int) -> None:
    worker_ids = context.task_result.worker_ids
    job_execute(job_id=job_id, worker_id=worker_ids[-1] if worker_ids else "", task_id=str(context.task_result.id))
