"""Pages of proactive services: officials' runs (started here, their progress followed), register extract uploads,
offers by state, people not entitled with their reasons, one person's decisions, a family's what-if, payment
batches (totals by benefit and region, the treasury's files) and a draft's what-if totals; the citizen's
inbox (works without JavaScript, on a phone), where offers are accepted."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, require
from govcx.errors import Conflict, Invalid, InvalidInput, Problem
from govcx.jobs.selectors import job_for_subject
from govcx.proactive import selectors, services
from govcx.proactive.models import OFFER_STATES, Offer, PackVersion, Snapshot
from govcx.proactive.rules.periods import parse_period

RUN_IN_PROGRESS = ("queued", "running")


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW)
    counts = selectors.offer_counts(user=request.user)
    states = [{"state": s, "label": labels.OFFER_STATES[s], "count": counts.get(s, 0)} for s in OFFER_STATES]
    return render(request, "proactive/overview.html", {
        "runs": selectors.run_list(user=request.user)[:20], "states": states,
        "figures": selectors.figures(user=request.user), "run_statuses": labels.RUN_STATUSES,
        "can_look_up": can(request.user, Action.VIEW_BENEFICIARIES),
    })


@login_required
def offer_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state not in (None, *OFFER_STATES):
        state = None
    offers = selectors.offer_list(user=request.user, state=state)[:200]
    return render(request, "proactive/offers.html", {
        "offers": [{"offer": o, "benefit": labels.BENEFITS.get(o.benefit, o.benefit),
                    "state": labels.OFFER_STATES[o.state]} for o in offers],
        "state_label": labels.OFFER_STATES.get(state or "", ""),
    })


def _posted_snapshot_and_period(request: HttpRequest) -> tuple[Snapshot, str]:
    """The snapshot and the month chosen on a run or what-if form; ValueError or Invalid when either is wrong."""
    snapshot = selectors.access_snapshot(request.user, int(request.POST.get("snapshot") or 0))
    period = (request.POST.get("period") or "").strip()[:16]
    parse_period(period)
    return snapshot, period


def _snapshot_choices(request: HttpRequest) -> list[Snapshot]:
    return list(Snapshot.objects.for_user(request.user, Action.RUN_PROACTIVE).order_by("-taken_on")[:50])


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """The authority's runs with their progress, and (for proactive officers) a form to start one."""
    require(request.user, Action.VIEW)
    may_run = can(request.user, Action.RUN_PROACTIVE)
    problem = ""
    if request.method == "POST":
        require(request.user, Action.RUN_PROACTIVE)
        try:
            snapshot, period = _posted_snapshot_and_period(request)
        except (ValueError, Invalid):
            problem = _("Choose a snapshot and give the period as a month (2025-03).")
        else:
            run = services.run_create(organisation=snapshot.organisation, snapshot=snapshot, period=period,
                                      full=request.POST.get("full") == "on", actor=request.user)
            services.run_start(run=run, actor=request.user)
            messages.success(request, _("The run is queued; this page shows its progress."))
            return redirect("proactive:run", run.pk)
    runs = selectors.run_list(user=request.user).select_related("snapshot")[:100]
    return render(request, "proactive/runs.html", {
        "runs": [{"run": r, "status": labels.RUN_STATUSES.get(r.status, r.status)} for r in runs],
        "may_run": may_run, "problem": problem, "snapshots": _snapshot_choices(request) if may_run else [],
    }, status=422 if problem else 200)


@login_required
def run_detail(request: HttpRequest, proactive_run_id: int) -> HttpResponse:
    run = selectors.access_run(request.user, proactive_run_id)
    refusals = selectors.not_entitled(user=request.user, run=run)[:200]
    return render(request, "proactive/run.html", {
        "run": run, "status": labels.RUN_STATUSES.get(run.status, run.status),
        "in_progress": run.status in RUN_IN_PROGRESS,
        "refusals": [{"decision": d, "benefit": labels.BENEFITS.get(d.benefit, d.benefit)} for d in refusals],
    })


@login_required
def snapshot_list(request: HttpRequest) -> HttpResponse:
    """Register extracts loaded, and the upload of a new one: both files checked whole, nothing kept on a problem."""
    require(request.user, Action.VIEW)
    may_load = can(request.user, Action.RUN_PROACTIVE)
    problems: list[Problem] = []
    if request.method == "POST":
        require(request.user, Action.RUN_PROACTIVE)
        problems = _snapshot_upload(request)
        if not problems:
            return redirect("proactive:snapshots")
    return render(request, "proactive/snapshots.html", {
        "snapshots": Snapshot.objects.for_user(request.user).order_by("-taken_on", "-pk")[:100],
        "may_load": may_load, "problems": problems[:200], "total": len(problems),
    }, status=422 if problems else 200)


def _snapshot_upload(request: HttpRequest) -> list[Problem]:
    persons, households = request.FILES.get("persons"), request.FILES.get("households")
    try:
        taken_on = dt.date.fromisoformat(request.POST.get("taken_on") or "")
    except ValueError:
        return [Problem(_("give the day the extract was taken (YYYY-MM-DD)"), field="taken_on")]
    if persons is None or households is None:
        return [Problem(_("choose both files: persons and households"), field="persons")]
    organisation = getattr(request.user, "organisation", None)
    if organisation is None:
        return [Problem(_("your account belongs to no authority"), field="taken_on")]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for upload in (persons, households):
            name = Path(upload.name or "extract").name
            path = Path(folder) / name
            if path.suffix.lower() not in (".csv", ".parquet"):
                return [Problem(_("a file must be CSV or Parquet"), file=name)]
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            paths.append(path)
        try:
            snapshot = services.snapshot_load(organisation=organisation, taken_on=taken_on, persons_file=paths[0],
                                              households_file=paths[1], actor=request.user,
                                              label=(request.POST.get("label") or "").strip()[:200])
        except InvalidInput as exc:
            return exc.problems
        except Conflict as exc:
            return [Problem(exc.message, field="taken_on")]
    messages.success(request, _("The extract is loaded: %(persons)d persons in %(households)d households.")
                     % {"persons": snapshot.persons, "households": snapshot.households})
    return []


@login_required
def whatif(request: HttpRequest) -> HttpResponse:
    """One family of a snapshot under the rules in force (and a draft version): every decision with every
    condition checked. Personal data: the authority's proactive officers only, every look audited."""
    require(request.user, Action.VIEW_BENEFICIARIES)
    snapshots = Snapshot.objects.for_user(request.user, Action.VIEW_BENEFICIARIES).order_by("-taken_on")[:50]
    drafts = PackVersion.objects.for_user(request.user).filter(status="draft").order_by("pack", "version")
    household_id = (request.GET.get("household_id") or "").strip()[:64]
    period = (request.GET.get("period") or "").strip()[:16]
    rows: list = []
    problem = ""
    if household_id:
        try:
            snapshot = selectors.access_snapshot(request.user, int(request.GET.get("snapshot") or 0))
            parse_period(period)
            draft_id = request.GET.get("draft") or ""
            version = drafts.get(pk=int(draft_id)) if draft_id else None
        except (ValueError, Invalid, PackVersion.DoesNotExist):
            problem = _("Choose a snapshot and give the period as a month (2025-03).")
        else:
            rows = services.household_whatif(snapshot=snapshot, household_id=household_id, period=period,
                                             version=version, language=get_language() or "en", actor=request.user)
    return render(request, "proactive/whatif.html", {
        "snapshots": snapshots, "household_id": household_id, "period": period,
        "drafts": [{"draft": d, "pack": labels.BENEFITS.get(d.pack, d.pack)} for d in drafts],
        "chosen_snapshot": request.GET.get("snapshot") or "", "chosen_draft": request.GET.get("draft") or "",
        "problem": problem, "searched": bool(household_id) and not problem,
        "rows": [{**r, "label": labels.BENEFITS.get(r["benefit"], r["benefit"])} for r in rows],
    })


@login_required
def person_lookup(request: HttpRequest) -> HttpResponse:
    require(request.user, Action.VIEW_BENEFICIARIES)
    person_id = (request.GET.get("person_id") or "").strip()[:64]
    decisions = selectors.person_decisions(user=request.user, person_id=person_id) if person_id else []
    return render(request, "proactive/person.html", {
        "person_id": person_id,
        "decisions": [{"decision": d, "benefit": labels.BENEFITS.get(d.benefit, d.benefit)} for d in decisions],
    })


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    offers = [o for o in selectors.citizen_offers(user=request.user) if o.state != "proposed"]
    return render(request, "proactive/inbox.html", {
        "offers": [{"offer": o, "benefit": labels.BENEFITS.get(o.benefit, o.benefit),
                    "state": labels.OFFER_STATES[o.state], "open": o.state == "notified"} for o in offers],
    })


@login_required
@require_POST
def inbox_answer(request: HttpRequest, offer_id: int) -> HttpResponse:
    offer = get_object_or_404(Offer, pk=offer_id)
    try:
        services.offer_citizen_answer(offer=offer, user=request.user, accept=request.POST.get("answer") == "accept")
    except Conflict as exc:  # answered before; someone else's offer is a 404, as if it did not exist
        messages.error(request, exc.message)
        return redirect("proactive:inbox")
    messages.success(request, _("Thank you: your answer is recorded."))
    return redirect("proactive:inbox")


@login_required
def payment_batch_list(request: HttpRequest) -> HttpResponse:
    """The authority's payment batches; proactive officers put every accepted offer not yet paid into a new one."""
    require(request.user, Action.VIEW)
    may_pay = can(request.user, Action.RUN_PROACTIVE) and getattr(request.user, "organisation", None) is not None
    problem = ""
    if request.method == "POST":
        require(request.user, Action.RUN_PROACTIVE)
        organisation = getattr(request.user, "organisation", None)
        batch = services.payment_batch_create(organisation=organisation, actor=request.user) if organisation \
            else None
        if batch is not None:
            messages.success(request, _("The batch is made: %(n)d offers.") % {"n": batch.offers_count})
            return redirect("proactive:payment_batch", batch.pk)
        problem = _("No accepted offers of your authority wait for payment: no batch was made.")
    return render(request, "proactive/payments.html", {
        "batches": selectors.payment_batch_list(user=request.user)[:200], "may_pay": may_pay, "problem": problem,
        "payable": selectors.payable_count(user=request.user) if may_pay else 0,
    }, status=409 if problem else 200)


@login_required
def payment_batch_detail(request: HttpRequest, payment_batch_id: int) -> HttpResponse:
    batch = selectors.access_payment_batch(request.user, payment_batch_id)
    totals = selectors.payment_batch_totals(batch=batch)
    for rows in totals.values():
        for row in rows:
            if "benefit" in row:
                row["benefit_label"] = labels.BENEFITS.get(row["benefit"], row["benefit"])
    return render(request, "proactive/payment_batch.html", {
        "batch": batch, "totals": totals, "may_export": can(request.user, Action.RUN_PROACTIVE),
    })


@login_required
def payment_batch_export(request: HttpRequest, payment_batch_id: int, fmt: str) -> HttpResponse:
    """The treasury's file (each offer once, with its beneficiary): proactive officers only, every export audited."""
    if fmt not in ("csv", "xml"):
        raise Http404
    batch = selectors.access_payment_batch(request.user, payment_batch_id, Action.RUN_PROACTIVE)
    services.payment_batch_exported(batch=batch, fmt=fmt, actor=request.user)
    response = HttpResponse(batch.csv if fmt == "csv" else batch.xml,
                            content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/xml")
    response["Content-Disposition"] = f'attachment; filename="payment-batch-{batch.pk}.{fmt}"'
    return response


@login_required
def draft_list(request: HttpRequest) -> HttpResponse:
    """Draft rule pack versions and their what-ifs over a whole snapshot; proactive officers start one (a
    background job, followed on its page)."""
    require(request.user, Action.VIEW)
    may_run = can(request.user, Action.RUN_PROACTIVE)
    problem = ""
    if request.method == "POST":
        require(request.user, Action.RUN_PROACTIVE)
        try:
            version = selectors.access_draft(request.user, int(request.POST.get("draft") or 0), Action.RUN_PROACTIVE)
            snapshot, period = _posted_snapshot_and_period(request)
        except (ValueError, Invalid):
            problem = _("Choose a draft, a snapshot and give the period as a month (2025-03).")
        else:
            try:
                whatif = services.draft_whatif_create(version=version, snapshot=snapshot, period=period,
                                                      actor=request.user)
            except Invalid:
                problem = _("The draft and the snapshot must belong to the same authority.")
            else:
                messages.success(request, _("The what-if is queued; this page shows its progress."))
                return redirect("proactive:draft_whatif", whatif.pk)
    drafts = list(selectors.draft_list(user=request.user)[:100])
    return render(request, "proactive/drafts.html", {
        "drafts": [{"draft": d, "pack": labels.BENEFITS.get(d.pack, d.pack)} for d in drafts],
        "whatifs": [{"whatif": w, "status": labels.RUN_STATUSES.get(w.status, w.status),
                     "pack": labels.BENEFITS.get(w.version.pack, w.version.pack)}
                    for w in selectors.whatif_list(user=request.user)[:100]],
        "may_run": may_run, "problem": problem, "snapshots": _snapshot_choices(request) if may_run else [],
    }, status=422 if problem else 200)


@login_required
def draft_whatif(request: HttpRequest, draft_whatif_id: int) -> HttpResponse:
    whatif = selectors.access_whatif(request.user, draft_whatif_id)
    totals = dict(whatif.totals or {})
    totals["benefits"] = [{**row, "label": labels.BENEFITS.get(row["benefit"], row["benefit"])}
                          for row in totals.get("benefits", [])]
    return render(request, "proactive/draft_whatif.html", {
        "whatif": whatif, "status": labels.RUN_STATUSES.get(whatif.status, whatif.status), "totals": totals,
        "pack": labels.BENEFITS.get(whatif.version.pack, whatif.version.pack),
        "in_progress": whatif.status in RUN_IN_PROGRESS,
        "job": job_for_subject(subject=services.draft_whatif_subject(whatif)),
    })
