"""Pages of proactive services: officials' runs, offers by state, people not entitled with their reasons, one
person's decisions; the citizen's inbox (works without JavaScript, on a phone), where offers are accepted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from govcx import labels
from govcx.accounts.roles import Action
from govcx.accounts.scoping import can, require
from govcx.errors import Conflict
from govcx.proactive import selectors, services
from govcx.proactive.models import OFFER_STATES, Offer


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


@login_required
def run_detail(request: HttpRequest, proactive_run_id: int) -> HttpResponse:
    run = selectors.access_run(request.user, proactive_run_id)
    refusals = selectors.not_entitled(user=request.user, run=run)[:200]
    return render(request, "proactive/run.html", {
        "run": run, "status": labels.RUN_STATUSES.get(run.status, run.status),
        "refusals": [{"decision": d, "benefit": labels.BENEFITS.get(d.benefit, d.benefit)} for d in refusals],
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
