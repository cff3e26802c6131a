"""The service page's "Latest figures": each area's newest result for the service, linked to where it comes from
(the current assessments, the latest audit, the latest lab study, satisfaction, complaint timeliness, delivery);
an area without one offers its next step to those who may take it (start an audit, plan a study, create a
survey). Registered as a service-page section by reports.apps, since the registry may not import these apps.
Everything is read through the apps' own selectors, within the user's scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, F, Q
from django.http import HttpRequest
from django.utils import timezone

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.audit.models import RunStatus
from govcx.audit.selectors import audit_run_list
from govcx.complaints.models import ComplaintStatus
from govcx.complaints.selectors import complaint_list
from govcx.delivery.models import DeliverySummary
from govcx.feedback.selectors import response_list, survey_list
from govcx.lab.selectors import study_analysis, study_list
from govcx.lab.summary import plain_summary
from govcx.registry.models import Service
from govcx.standards.selectors import latest_assessments

SATISFACTION_DAYS = 90
COMPLAINT_DAYS = 365


def _assessments(user: Any, service: Service) -> list[Any]:
    return list(latest_assessments(user=user).filter(service=service).select_related("pack")
                .order_by("pack__pack_id"))


def _audit(user: Any, service: Service) -> dict[str, Any] | None:
    run = (audit_run_list(user=user).filter(service=service, status=RunStatus.DONE)
           .order_by("-finished_at", "-id").first())
    if run is None:
        return None
    violations = (run.summary or {}).get("violations", {})
    return {"run": run, "pages": (run.summary or {}).get("pages", 0), "critical": violations.get("critical", 0),
            "serious": violations.get("serious", 0), "violations": sum(violations.values())}


def _lab(user: Any, service: Service) -> dict[str, Any] | None:
    study = study_list(user=user).filter(service=service).order_by("-created_at", "-id").first()
    if study is None:
        return None
    summary = plain_summary(study_analysis(study)) if study.sessions.exists() else None
    return {"study": study, "summary": summary,
            "status_label": labels.STUDY_STATUSES.get(study.status, study.status)}


def _satisfaction(user: Any, service: Service, today: dt.date) -> dict[str, Any]:
    since = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=SATISFACTION_DAYS), dt.time(0)))
    figures = (response_list(user=user).filter(service=service, submitted_at__gte=since, is_spam=False)
               .aggregate(n=Count("id", distinct=True),
                          mean=Avg("answers__value", filter=Q(answers__question_key="overall"))))
    return {**figures, "days": SATISFACTION_DAYS,
            "surveys": survey_list(user=user).filter(service=service).count()}


def _complaints(user: Any, service: Service, today: dt.date) -> dict[str, Any]:
    """Of the complaints whose deadline fell in the last year: how many were answered by it."""
    due = complaint_list(user=user).filter(service=service, due_on__gt=today - dt.timedelta(days=COMPLAINT_DAYS),
                                           due_on__lt=today)
    answered = Q(status=ComplaintStatus.ANSWERED)
    figures = due.aggregate(n=Count("id"), on_time=Count("id", filter=answered & Q(answered_at__date__lte=F("due_on"))))
    open_now = complaint_list(user=user).filter(service=service).exclude(status=ComplaintStatus.ANSWERED).count()
    return {**figures, "open": open_now, "days": COMPLAINT_DAYS}


def _delivery(user: Any, service: Service) -> DeliverySummary | None:
    summary = DeliverySummary.objects.filter(service=service).first()
    if summary is None or not summary.cases:
        return None
    summary.median_days = None if summary.median_seconds is None else summary.median_seconds / 86400
    summary.on_time_percent = None if summary.on_time is None else round(100 * summary.on_time / summary.cases)
    return summary


def service_figures_section(request: HttpRequest, service: Service) -> dict[str, Any]:
    user = request.user
    today = timezone.localdate()
    return {
        "figures_assessments": _assessments(user, service),
        "figures_audit": _audit(user, service),
        "figures_lab": _lab(user, service),
        "figures_satisfaction": _satisfaction(user, service, today),
        "figures_complaints": _complaints(user, service, today),
        "figures_delivery": _delivery(user, service),
        "can_assess": can(user, Action.ASSESS),
        "can_run_lab": can(user, Action.RUN_LAB),
        "can_manage_surveys": can(user, Action.MANAGE_SURVEYS),
        "can_import_logs": can(user, Action.IMPORT_EVENT_LOGS),
    }
