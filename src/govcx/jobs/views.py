from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx.accounts.requests import SignedInRequest
from govcx.errors import DomainError
from govcx.jobs import selectors, services

LIST_LIMIT = 100


@login_required
def job_list(request: SignedInRequest) -> HttpResponse:
    jobs = list(selectors.job_list(user=request.user)[:LIST_LIMIT])
    return render(request, "jobs/job_list.html", {"jobs": jobs, "worker_alive": selectors.worker_alive()})


@login_required
def job_detail(request: SignedInRequest, job_id: int) -> HttpResponse:
    """The job's page, or (htmx) its status fragment; a finished job tells the polling page to reload, so a page
    that shows the job's results (an audit run) shows them."""
    job = selectors.access_job(request.user, job_id)
    if request.htmx:
        if job.finished and request.GET.get("poll"):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "jobs/_status.html", {"job": job})
    return render(request, "jobs/job_detail.html", {"job": job})


@login_required
@require_POST
def job_cancel(request: SignedInRequest, job_id: int) -> HttpResponse:
    job = selectors.access_job(request.user, job_id)
    try:
        services.job_cancel(actor=request.user, job=job)
        messages.success(request, _("Cancellation requested."))
    except DomainError as exc:
        messages.error(request, exc.message)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()},
                                                require_https=request.is_secure()):
        return redirect(back)
    return redirect("jobs:detail", job.pk)
