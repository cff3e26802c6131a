"""Use cases of the audit app: start an audit, execute it in a real browser, store results, compare runs.

The only writers of AuditRun, PageAudit and AuditIssue.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import require
from govcx.accounts.services import audit_record
from govcx.audit import engine, selectors
from govcx.audit.engine import AuditOptions, JourneyStep, PageResult, Target
from govcx.audit.engine.netguard import Blocked, check_start_urls
from govcx.audit.models import AuditIssue, AuditRun, PageAudit, RunSource, RunStatus
from govcx.audit.summary import page_dict, summarise
from govcx.errors import Invalid, NotFound
from govcx.jobs.models import Job
from govcx.jobs.services import job_enqueue
from govcx.registry.models import Service
from govcx.standards.services import assessments_recheck

Progress = Callable[[int, int, str], None]
CANCELLED = "The audit was cancelled."

ALLOWED_SCHEMES = ("http://", "https://")
UPLOAD_MAX_BYTES = 2 * 1024 * 1024


def _options(service: Service, raw: dict[str, Any]) -> AuditOptions:
    return AuditOptions(
        parallel=max(1, min(int(raw.get("parallel", 2)), 8)),
        timeout_ms=max(1000, min(int(raw.get("timeout_ms", 20000)), 120000)),
        registry_held=selectors.registry_held_names(service),
        allowed_hosts=tuple(settings.AUDIT_ALLOWED_HOSTS),
    )


def _check_reachable(url: str, field: str) -> None:
    """Refuse a start address the engine's network guard would refuse (local files, internal addresses not
    allowed by GOVCX_AUDIT_ALLOWED_HOSTS), before the run is queued."""
    try:
        check_start_urls([url], settings.AUDIT_ALLOWED_HOSTS)
    except Blocked as exc:
        raise Invalid(f"the audit cannot open {exc}", details=[{"field": field}]) from exc


@transaction.atomic
def audit_run_create(
    *,
    actor: User,
    service: Service,
    urls: list[str] | None = None,
    crawl_from: str = "",
    max_depth: int = 2,
    max_pages: int = 20,
    journey: list[dict[str, str]] | None = None,
    uploads: list[Any] | None = None,
    parallel: int = 2,
) -> AuditRun:
    """Queue an audit of a service: a list of URLs (default: the passport's pages), a same-site crawl from a
    start URL, a scripted journey, or uploaded HTML files for a service not yet public."""
    require(actor, Action.ASSESS)
    if not Service.objects.for_user(actor, Action.ASSESS).filter(pk=service.pk).exists():
        raise NotFound(f"service {service.pk} not found")
    options = {"parallel": parallel, "max_depth": max_depth, "max_pages": max_pages}
    if journey:
        source, targets = RunSource.JOURNEY, [journey[0].get("value", "")]
        _validate_journey(journey)
    elif uploads:
        source, targets = RunSource.UPLOAD, []
    elif crawl_from:
        source, targets = RunSource.CRAWL, [crawl_from.strip()]
    else:
        source, targets = RunSource.URLS, [u.strip() for u in (urls or service.page_urls) if u.strip()]
        if not targets:
            raise Invalid("give at least one page URL (the passport lists none)", details=[{"field": "urls"}])
    for index, url in enumerate(targets):
        if not url.startswith(ALLOWED_SCHEMES):
            raise Invalid(f"{url!r} is not an http(s) address", details=[{"field": f"urls[{index}]"}])
        _check_reachable(url, "crawl_from" if source == RunSource.CRAWL else f"urls[{index}]")
    run = AuditRun.objects.create(
        service=service, source=source, targets=targets, journey=journey or [], options=options,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if uploads:
        run.targets = _store_uploads(run, uploads)
        run.save(update_fields=["targets"])
    audit_record(actor=actor, action="audit.create", obj=run, organisation_id=service.owner_id,
                 changes={"source": source, "targets": run.targets})
    return run


@transaction.atomic
def audit_run_record(*, actor: User, service: Service, results: list[PageResult], finished_at: Any) -> AuditRun:
    """Store results the engine recorded elsewhere as a finished run of ``service`` (the demo's recorded audits:
    no browser is started); dated ``finished_at``."""
    require(actor, Action.ASSESS)
    run = AuditRun.objects.create(
        service=service, source=RunSource.URLS, targets=[result.url for result in results],
        options={"recorded": True}, created_by=actor, status=RunStatus.RUNNING, pages_total=len(results),
    )
    _store(run, results)
    AuditRun.objects.filter(pk=run.pk).update(created_at=finished_at, started_at=finished_at, finished_at=finished_at)
    run.refresh_from_db()
    return run


def _validate_journey(steps: list[dict[str, str]]) -> None:
    for index, step in enumerate(steps):
        if step.get("action") not in ("goto", "fill", "click", "expect", "audit"):
            raise Invalid(f"journey step {index + 1}: unknown action {step.get('action')!r}",
                          details=[{"field": f"journey[{index}].action"}])
        if step["action"] == "goto" and not str(step.get("value", "")).startswith(ALLOWED_SCHEMES):
            raise Invalid(f"journey step {index + 1}: go to an http(s) address",
                          details=[{"field": f"journey[{index}].value"}])
        if step["action"] == "goto":
            _check_reachable(str(step["value"]), f"journey[{index}].value")
    if steps[0].get("action") != "goto":
        raise Invalid("a journey starts with a goto step", details=[{"field": "journey[0].action"}])


def _store_uploads(run: AuditRun, uploads: list[Any]) -> list[str]:
    folder = Path(settings.MEDIA_ROOT) / "audit-uploads" / str(run.pk)
    folder.mkdir(parents=True, exist_ok=True)
    urls = []
    for index, upload in enumerate(uploads):
        if upload.size > UPLOAD_MAX_BYTES:
            raise Invalid(f"{upload.name} is larger than 2 MB", details=[{"field": f"uploads[{index}]"}])
        if not upload.name.lower().endswith((".html", ".htm")):
            raise Invalid(f"{upload.name} is not an HTML file", details=[{"field": f"uploads[{index}]"}])
        path = folder / f"{index + 1}-{Path(upload.name).name}"
        path.write_bytes(upload.read())
        urls.append(path.resolve().as_uri())
    return urls


def _targets(run: AuditRun, options: AuditOptions) -> list[Target]:
    if run.source == RunSource.CRAWL:
        found = engine.crawl(run.targets[0], max_depth=run.options.get("max_depth", 2),
                             max_pages=run.options.get("max_pages", 20), options=options)
        return [Target(url) for url in found]
    return [Target(url) for url in run.targets]


def _audit_reporting_progress(run: AuditRun, targets: list[Target], options: AuditOptions,
                              progress: Progress | None, cancelled: Callable[[], bool] | None) -> list[PageResult]:
    """The browser works in its own thread (its event loop must not touch the ORM); this thread records the
    progress it reports, on the run and on its job, so their pages can show it, and asks the job whether it was
    cancelled: the browser then stops before its next page."""
    updates: queue.Queue[tuple[int, int, str]] = queue.Queue()
    stop = threading.Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"audit-{run.pk}") as pool:
        future = pool.submit(engine.audit, targets, options,
                             progress=lambda done, total, url: updates.put((done, total, url)), cancelled=stop.is_set)
        while True:
            try:
                future.result(timeout=0.5)
                break
            except FutureTimeout:
                if cancelled is not None and not stop.is_set() and cancelled():
                    stop.set()
            finally:
                latest = None
                while not updates.empty():
                    latest = updates.get_nowait()
                if latest:
                    AuditRun.objects.filter(pk=run.pk).update(pages_done=latest[0], pages_total=latest[1])
                    if progress is not None:
                        progress(latest[0], latest[1], latest[2])
        return future.result()


def audit_run_execute(*, run: AuditRun, progress: Progress | None = None,
                      cancelled: Callable[[], bool] | None = None) -> AuditRun:
    """Run the audit in the browser and store every page's results at once (all or nothing). `progress` and
    `cancelled` come from the run's job: a cancel is honoured before the browser starts and before storing."""
    service = run.service
    options = _options(service, run.options)
    AuditRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, started_at=timezone.now())
    report = progress or (lambda done, total, step: None)
    try:
        if run.source == RunSource.JOURNEY:
            steps = [JourneyStep(s["action"], s.get("selector", ""), s.get("value", "")) for s in run.journey]
            total = sum(s.action == "audit" for s in steps) or 1
            AuditRun.objects.filter(pk=run.pk).update(pages_total=total)
            report(0, total, "following the journey")
            results = engine.audit_journey(steps[0].value, steps, options)
        else:
            if run.source == RunSource.CRAWL:
                report(0, 0, f"crawling from {run.targets[0]}")
            targets = _targets(run, options)
            AuditRun.objects.filter(pk=run.pk).update(pages_total=len(targets))
            report(0, len(targets), "opening the browser")
            if cancelled is not None and cancelled():
                raise InterruptedError(CANCELLED)
            try:
                results = _audit_reporting_progress(run, targets, options, progress, cancelled)
            except engine.Cancelled as exc:
                raise InterruptedError(CANCELLED) from exc
        if cancelled is not None and cancelled():
            raise InterruptedError(CANCELLED)
        report(len(results), len(results), "storing the results")
        _store(run, results)
    except Exception as exc:  # noqa: BLE001 - the run records why it failed; a page's failure is in its result
        AuditRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
    run.refresh_from_db()
    return run


@transaction.atomic
def _store(run: AuditRun, results: list[PageResult]) -> None:
    for result in results:
        page = PageAudit.objects.create(
            run=run, url=result.url[:2000], final_url=result.final_url[:2000], ok=result.ok, error=result.error,
            status=result.status, title=result.title[:500], lang_attr=result.lang_attr[:20],
            language=result.language, forms=result.forms, weight=result.weight, mobile=result.mobile,
            duration_ms=result.duration_ms, blocked_requests=list(result.blocked_requests),
        )
        for number, issue in enumerate(result.issues, start=1):
            record = AuditIssue(
                page=page, rule=issue.rule, kind=issue.kind, impact=issue.impact or "", help=issue.help,
                help_url=issue.help_url, wcag=list(issue.wcag), targets=list(issue.targets), html=list(issue.html),
            )
            if issue.screenshot_png:
                record.screenshot.save(f"run{run.pk}-p{page.pk}-{number}.png", ContentFile(issue.screenshot_png),
                                       save=False)
            record.save()
    AuditRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), pages_done=len(results), pages_total=len(results),
        summary=summarise([page_dict(r) for r in results]),
    )
    # New evidence: the service's current assessments re-run their audit checks once the results are saved.
    service = run.service
    transaction.on_commit(lambda: assessments_recheck(service=service, check_prefix="audit."), robust=True)


def audit_run_subject(run: AuditRun) -> str:
    """How the run's job names it (its page shows that job's progress)."""
    return f"audit.run:{run.pk}"


def audit_run_start(*, actor: Any, run: AuditRun) -> Job:
    """Queue the run as a background job (`govcx worker` runs it; see jobs/). Queuing it twice queues it once."""
    subject = audit_run_subject(run)
    return job_enqueue(kind="audit.run", actor=actor, organisation=run.service.owner, payload={"run_id": run.pk},
                       idempotency_key=subject, subject=subject)
