"""Reads of audit runs, through the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from govcx.accounts.roles import Action
from govcx.accounts.scoping import access
from govcx.audit.models import AuditIssue, AuditRun, PageAudit
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
