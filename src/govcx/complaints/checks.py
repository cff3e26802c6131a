"""The complaints check this app contributes to the standards' check registry: complaints about the service are
answered in time (59-FZ)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from govcx.complaints.models import Complaint, ComplaintStatus
from govcx.complaints.selectors import OVERDUE
from govcx.standards.checks import CheckContext, CheckResult, register
from govcx.standards.scoring import OutcomeStatus


@register(
    "feedback.no_overdue_complaints",
    title="Complaints about the service are answered by their deadline: at most a number overdue now",
    params={"max_overdue": int},
)
def no_overdue_complaints(ctx: CheckContext) -> CheckResult:
    maximum = ctx.params.get("max_overdue", 0)
    unanswered = Complaint.objects.filter(service_id=ctx.service.id).exclude(status=ComplaintStatus.ANSWERED)
    overdue = unanswered.filter(due_on__lt=timezone.localdate()).count()
    query = urlencode({"service": ctx.service.id, "status": OVERDUE})
    return CheckResult(
        OutcomeStatus.MET if overdue <= maximum else OutcomeStatus.NOT_MET,
        value=f"{overdue} overdue of {unanswered.count()} unanswered (at most {maximum})",
        evidence_url=f"{reverse('complaints:list')}?{query}",
    )
