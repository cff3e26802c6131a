"""The home dashboard: services by stage and verdict, what blocks launches, overdue adjustments."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from govcx.accounts.roles import Role
from govcx.registry.selectors import service_list
from govcx.role_home import role_home
from govcx.standards.models import Adjustment, AdjustmentStatus
from govcx.standards.presentation import localized_gaps
from govcx.standards.selectors import latest_assessments


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if getattr(request.user, "role", None) == Role.CITIZEN:  # a citizen's only page is their inbox of offers
        return redirect("proactive:inbox")
    services = service_list(user=request.user)
    latest = latest_assessments(user=request.user)
    verdicts = dict(latest.order_by().values_list("verdict").annotate(n=Count("id")))
    by_stage = dict(services.order_by().values_list("stage").annotate(n=Count("id")))
    blocked = [
        (a, list(dict.fromkeys(g["title"] for g in localized_gaps(a, "blocking"))))
        for a in latest.filter(verdict="not_ready").order_by("service__code")[:15]
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
        "assessed_count": sum(verdicts.values()),
        "by_stage": [(stage, by_stage.get(stage, 0)) for stage in ("design", "alpha", "beta", "live")],
        "verdicts": [(v, verdicts.get(v, 0)) for v in ("ready", "launch_with_adjustments", "not_ready")],
        "blocked": blocked,
        "overdue": overdue,
        "role_home": role_home(request.user),
    }
    return render(request, "home.html", context)
