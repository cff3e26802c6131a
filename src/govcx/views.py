"""The home dashboard: services by stage and verdict, what blocks launches, overdue adjustments."""

from __future__ import annotations

from collections import Counter

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from govcx.registry.selectors import service_list
from govcx.standards.models import Adjustment, AdjustmentStatus
from govcx.standards.presentation import localized_gaps
from govcx.standards.selectors import assessment_list


@login_required
def home(request: HttpRequest) -> HttpResponse:
    services = service_list(user=request.user)
    assessments = assessment_list(user=request.user)
    latest: dict[int, object] = {}
    for assessment in assessments.order_by("service_id", "-created_at", "-id"):
        latest.setdefault(assessment.service_id, assessment)
    verdicts = Counter(a.verdict for a in latest.values())
    by_stage = Counter(services.values_list("stage", flat=True))
    blocked = [
        (a, list(dict.fromkeys(g["title"] for g in localized_gaps(a, "blocking"))))
        for a in sorted((a for a in latest.values() if a.verdict == "not_ready"), key=lambda a: a.service.code)[:15]
    ]
    overdue = (
        Adjustment.objects.for_user(request.user)
        .filter(due_date__lt=timezone.localdate())
        .exclude(status=AdjustmentStatus.DONE)
        .select_related("assessment__service")
        .order_by("due_date")[:15]
    )
    context = {
        "service_count": services.count(),
        "assessed_count": len(latest),
        "by_stage": [(stage, by_stage.get(stage, 0)) for stage in ("design", "alpha", "beta", "live")],
        "verdicts": [(v, verdicts.get(v, 0)) for v in ("ready", "launch_with_adjustments", "not_ready")],
        "blocked": blocked,
        "overdue": overdue,
    }
    return render(request, "home.html", context)
