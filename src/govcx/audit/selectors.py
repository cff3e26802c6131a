"""Reads of audit runs, through the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Max, Prefetch, Q, QuerySet
from django.utils import timezone

from govcx.accounts.models import User
from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.audit.models import AuditIssue, AuditRun, PageAudit, RunStatus
from govcx.errors import NotFound
from govcx.registry.models import Service


def audit_run_list(*, user: Any) -> QuerySet[AuditRun]:
    return AuditRun.objects.for_user(user).select_related("service", "service__owner")


def access_audit_run(user: Any, run_id: Any, action: Action = Action.VIEW) -> AuditRun:
    return access(audit_run_list(user=user), user, run_id, action, what="audit run")


def run_pages(run: AuditRun) -> QuerySet[PageAudit]:
    return run.pages.prefetch_related(Prefetch("issues", queryset=AuditIssue.objects.order_by("kind", "id")))


def run_page_dicts(run: AuditRun) -> list[dict[str, Any]]:
    """Pages with their issues as plain data (the shape `summary.compare_runs` reads)."""
    return [
        {
            "url": page.url,
            "ok": page.ok,
            "issues": [
                {"rule": i.rule, "kind": i.kind, "impact": i.impact, "targets": i.targets} for i in page.issues.all()
            ],
        }
        for page in run_pages(run)
    ]


def access_issue(user: Any, issue_id: Any) -> AuditIssue:
    visible_runs = audit_run_list(user=user)
    issue = AuditIssue.objects.filter(pk=issue_id, page__run__in=visible_runs).select_related("page").first()
    if issue is None:
        raise NotFound(f"issue {issue_id} not found")
    return issue


def services_due_for_reaudit(*, older_than_hours: float, codes: list[str] | None = None) -> list[Any]:
    """Services with page URLs whose last finished audit is older than `older_than_hours` (or never audited)."""
    cutoff = timezone.now() - dt.timedelta(hours=older_than_hours)
    queryset = Service.objects.exclude(page_urls=[]).annotate(
        last_audit=Max("audit_runs__finished_at", filter=Q(audit_runs__status=RunStatus.DONE))
    ).select_related("owner")
    if codes:
        queryset = queryset.filter(code__in=codes)
    return [s for s in queryset.order_by("code") if s.page_urls and (s.last_audit is None or s.last_audit < cutoff)]


def reaudit_actor(username: str | None = None) -> Any:
    """Who scheduled re-audits run as: the named user, else the first active administrator."""
    if username:
        return User.objects.filter(username=username).first()
    return User.objects.filter(role="admin", is_active=True).order_by("id").first()


def registry_held_names(service: Service) -> tuple[str, ...]:
    """Names of the documents the passport says a state registry already holds, in both languages."""
    names: list[str] = []
    for document in service.documents.filter(held_in_registry=True):
        names += [n for n in (document.name_en, document.name_ru) if n]
    return tuple(names)


def stored_results(run: AuditRun) -> list[dict[str, Any]]:
    """A stored run's pages in the engine's result shape (without screenshots)."""
    return [
        {
            "url": p.url, "final_url": p.final_url, "ok": p.ok, "error": p.error, "status": p.status,
            "title": p.title, "lang_attr": p.lang_attr, "language": p.language, "forms": p.forms,
            "weight": p.weight, "mobile": p.mobile, "duration_ms": p.duration_ms,
            "blocked_requests": p.blocked_requests,
            "issues": [
                {"rule": i.rule, "impact": i.impact or None, "kind": i.kind, "help": i.help, "help_url": i.help_url,
                 "wcag": i.wcag, "targets": i.targets, "html": i.html}
                for i in p.issues.all()
            ],
        }
        for p in run.pages.prefetch_related("issues")
    ]
