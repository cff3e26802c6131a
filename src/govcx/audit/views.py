from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from govcx.accounts.roles import Action
from govcx.accounts.scoping import can
from govcx.audit import selectors, services
from govcx.audit.charts import stacked_counts_chart_svg
from govcx.audit.engine import WCAG22_MANUAL
from govcx.audit.models import RunStatus
from govcx.audit.summary import IMPACTS, compare_runs
from govcx.common.refusals import posted_int, refusal_as_message
from govcx.errors import Invalid
from govcx.jobs.selectors import job_for_subject
from govcx.registry.selectors import access_service


@login_required
def service_audits(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service(request.user, service_id)
    runs = list(selectors.audit_run_list(user=request.user).filter(service=service)[:30])
    finished = [r for r in reversed(runs) if r.status == RunStatus.DONE]
    trend = [
        {"run": f"#{r.pk} {r.finished_at:%Y-%m-%d}", "impact": impact, "count": r.summary["violations"].get(impact, 0)}
        for r in finished
        for impact in IMPACTS
    ]
    context = {
        "service": service,
        "runs": runs,
        "chart": stacked_counts_chart_svg(trend, title=_("Accessibility violations by audit"),
                                          x_title=_("Audit"), y_title=_("Violations")),
        "can_audit": can(request.user, Action.ASSESS),
        "impacts": IMPACTS,
    }
    return render(request, "audit/service_audits.html", context)


def _journey(text: str) -> list[dict[str, str]]:
    """One step per line: `goto URL`, `fill SELECTOR = VALUE`, `click SELECTOR`, `expect SELECTOR`, `audit`."""
    steps = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        action, _sep, rest = line.partition(" ")
        if action == "fill":
            selector, eq, value = rest.partition("=")
            if not eq:
                raise Invalid(_("Journey line %(n)d: write fill SELECTOR = VALUE") % {"n": number})
            steps.append({"action": "fill", "selector": selector.strip(), "value": value.strip()})
        elif action == "goto":
            steps.append({"action": "goto", "selector": "", "value": rest.strip()})
        elif action in ("click", "expect"):
            steps.append({"action": action, "selector": rest.strip(), "value": ""})
        elif action == "audit":
            steps.append({"action": "audit", "selector": "", "value": ""})
        else:
            raise Invalid(_("Journey line %(n)d: unknown step %(a)s") % {"n": number, "a": action})
    return steps


@login_required
def audit_start(request: HttpRequest, service_id: int) -> HttpResponse:
    service = access_service(request.user, service_id, Action.ASSESS)
    if request.method == "POST":
        with refusal_as_message(request) as refused:
            mode = request.POST.get("mode", "urls")
            run = services.audit_run_create(
                actor=request.user,
                service=service,
                urls=request.POST.get("urls", "").split() if mode == "urls" else None,
                crawl_from=request.POST.get("crawl_from", "") if mode == "crawl" else "",
                max_depth=posted_int(request.POST, "max_depth", 2),
                max_pages=posted_int(request.POST, "max_pages", 20),
                journey=_journey(request.POST.get("journey", "")) if mode == "journey" else None,
                uploads=request.FILES.getlist("uploads") if mode == "upload" else None,
                parallel=posted_int(request.POST, "parallel", 2),
            )
            services.audit_run_start(actor=request.user, run=run)
        if not refused:
            messages.success(request, _("The audit has started."))
            return redirect("audit:run_detail", run.pk)
    return render(
        request, "audit/audit_start.html",
        {"service": service, "urls": "\n".join(service.page_urls), "posted": request.POST},
    )


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = selectors.access_audit_run(request.user, run_id)
    running = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    if request.GET.get("progress"):
        # the progress fragment polls here; once the run has finished, htmx reloads the page with the results
        if not running:
            return HttpResponse(headers={"HX-Refresh": "true"})
        job = job_for_subject(subject=services.audit_run_subject(run))
        return render(request, "audit/_progress.html", {"run": run, "job": job})
    previous = (
        selectors.audit_run_list(user=request.user)
        .filter(service=run.service, status=RunStatus.DONE, created_at__lt=run.created_at)
        .order_by("-created_at")
        .first()
    )
    pages = list(selectors.run_pages(run)) if run.status == RunStatus.DONE else []
    for page in pages:
        page.found = [issue for issue in page.issues.all() if issue.kind != "manual"]
    context = {
        "run": run,
        "pages": pages,
        "previous": previous,
        "manual_criteria": WCAG22_MANUAL,
        "running": running,
        "job": job_for_subject(subject=services.audit_run_subject(run)),
    }
    return render(request, "audit/run_detail.html", context)


@login_required
def run_compare(request: HttpRequest, run_id: int, other_id: int) -> HttpResponse:
    after = selectors.access_audit_run(request.user, run_id)
    before = selectors.access_audit_run(request.user, other_id)
    comparison = compare_runs(selectors.run_page_dicts(before), selectors.run_page_dicts(after))
    return render(request, "audit/run_compare.html", {"before": before, "after": after, "comparison": comparison})


@login_required
def issue_screenshot(request: HttpRequest, issue_id: int) -> FileResponse:
    issue = selectors.access_issue(request.user, issue_id)
    if not issue.screenshot:
        raise Http404("no screenshot")
    return FileResponse(issue.screenshot.open("rb"), content_type="image/png")
