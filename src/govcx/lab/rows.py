"""The study page's participants and sessions tables, formatted in Python: the template took a millisecond a dozen
rows to format them cell by cell, the busiest page of the lab."""

from __future__ import annotations

from typing import Any

from django.template.defaultfilters import date
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from govcx import labels
from govcx.lab.models import Participant, Session
from govcx.lab.templatetags.lab import client_category
from govcx.labels import label_of
from govcx.registry.regions import region_name

__all__ = ["participant_rows", "session_rows"]


def participant_rows(participants: list[Participant], *, personal: bool) -> list[dict[str, Any]]:
    """One row of cells per participant; the name and e-mail only when `personal` (the lab's own researchers)."""
    language = get_language() or "en"
    yes, no = _("yes"), _("no")
    rows = []
    for p in participants:
        row = {"id": p.pk, "url": reverse("lab:participant_detail", args=[p.pk]), "code": p.code,
               "client_category": client_category(p.client_category),
               "age_band": label_of(labels.AGE_BANDS, p.age_band),
               "region": region_name(p.region, language) if p.region else "—",
               "digital_confidence": "—" if p.digital_confidence is None else p.digital_confidence,
               "disability": yes if p.disability else no, "assisted_digital": yes if p.assisted_digital else no,
               "status": label_of(labels.PARTICIPANT_STATUSES, p.status)}
        if personal:
            row |= {"full_name": p.full_name or "—", "email": p.email or "—"}
        rows.append(row)
    return rows


def session_rows(sessions: list[Session], participants: list[Participant]) -> list[dict[str, Any]]:
    """One row of cells per session; the participant by code only."""
    codes = {p.pk: p.code for p in participants}
    return [{"url": reverse("lab:session_detail", args=[s.pk]), "title": _("Session %(n)s") % {"n": s.pk},
             "participant": codes.get(s.participant_id, "—"), "mode": label_of(labels.SESSION_MODES, s.mode),
             "scheduled": date(s.scheduled_at, "SHORT_DATETIME_FORMAT") if s.scheduled_at else "—",
             "status": label_of(labels.SESSION_STATUSES, s.status), "recording": _("yes") if s.recording else "—"}
            for s in sessions]
