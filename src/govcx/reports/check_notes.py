"""The automated checks' notes (a measured value, a detail) in the reader's language.

The checks store their notes in English, with the figures they measured, because an assessment keeps them as
evidence whatever language its reader uses. Each known form is matched here and said again through the
catalogue with the same figures; a note of an unknown form (a check added later) is shown as it is, marked as
English for screen readers."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.translation import gettext_lazy

from govcx import labels

_N = r"(\d+(?:[.,]\d+)?)"
_PCT = r"(\d+(?:\.\d+)?%)"

#: (pattern, message): the pattern's groups fill the message's %(1)s, %(2)s ... in order.
NOTES: list[tuple[str, object]] = [
    (r"(\d+) ratings", gettext_lazy("%(1)s ratings")),
    (r"fewer than (\d+) ratings of '([^']+)' in the last (\d+) days",
     gettext_lazy("fewer than %(1)s ratings of “%(2)s” in the last %(3)s days")),
    (r"(\d+%) interval; minimum " + _N, gettext_lazy("%(1)s interval; minimum %(2)s")),
    (r"the service's pages have not been audited yet", gettext_lazy("the service's pages have not been audited yet")),
    (r"no readable text on the audited pages", gettext_lazy("no readable text on the audited pages")),
    (r"reading ease " + _N + r" \(minimum " + _N + r"\)", gettext_lazy("reading ease %(1)s (minimum %(2)s)")),
    (r"(\d+) WCAG 2\.2 criteria need manual review", gettext_lazy("%(1)s WCAG 2.2 criteria need manual review")),
    (r"the service has no closed usability study yet",
     gettext_lazy("the service has no closed usability study yet")),
    (r"the study has no critical-path task", gettext_lazy("the study has no critical-path task")),
    (r"the study has fewer than two SUS answers", gettext_lazy("the study has fewer than two SUS answers")),
    (r"SUS " + _N + r" \(grade (\S+), minimum " + _N + r"\)", gettext_lazy("SUS %(1)s (grade %(2)s, minimum %(3)s)")),
    (r"(\d+) open finding\(s\) of severity ≥ (\d+)", gettext_lazy("open findings of severity ≥ %(2)s: %(1)s")),
    (r"the pack gives no max_days", gettext_lazy("the standard gives no maximum number of days")),
    (r"the passport has no regulated deadline", gettext_lazy("the passport has no regulated deadline")),
    (r"(\d+) of (\d+) documents held in registries", gettext_lazy("%(1)s of %(2)s documents held in registries")),
    (r"(\d+) overdue of (\d+) unanswered \(at most (\d+)\)",
     gettext_lazy("%(1)s overdue of %(2)s unanswered (at most %(3)s)")),
    (r"no training programme covers the service's owner",
     gettext_lazy("no training programme covers the service's owner")),
    (r"(\d+) of (\d+) trained \(" + _PCT + r"; at least " + _PCT + r"\)",
     gettext_lazy("%(1)s of %(2)s trained (%(3)s; at least %(4)s)")),
    (r"(\d+) cases in the event log \(at least (\d+) needed\)",
     gettext_lazy("%(1)s cases in the event log (at least %(2)s needed)")),
    (_PCT + r" of (\d+) cases on time \(95% CI " + _PCT + "–" + _PCT + "; at least " + _PCT + r"\)",
     gettext_lazy("%(1)s of %(2)s cases on time (95%% CI %(3)s–%(4)s; at least %(5)s)")),
    (_PCT + r" of (\d+) cases repeat an activity \(at most " + _PCT + r"\)",
     gettext_lazy("%(1)s of %(2)s cases repeat an activity (at most %(3)s)")),
    (r"no proactive offers notified yet", gettext_lazy("no proactive offers notified yet")),
    (r"(\d+) of (\d+) notified offers taken up \(" + _PCT + r"; at least " + _PCT + r"\)",
     gettext_lazy("%(1)s of %(2)s notified offers taken up (%(3)s; at least %(4)s)")),
    (r"no offers triggered by a life event yet", gettext_lazy("no offers triggered by a life event yet")),
    (_N + r" days from event to offer on average \(at most " + _N + r"\)",
     gettext_lazy("%(1)s days from event to offer on average (at most %(2)s)")),
]
_COMPILED = [(re.compile(pattern + r"\Z"), message) for pattern, message in NOTES]
_IMPACTS = re.compile(r"(?:(critical|serious|moderate|minor): (\d+)(?:, |\Z))+")
_VERDICT_WORDS = {value.replace("_", " "): value for value in labels.VERDICTS}


def _impacts(note: str) -> str | None:
    """"critical: 0, serious: 2, …" (the accessibility check's value) with the impact levels named."""
    if not _IMPACTS.fullmatch(note):
        return None
    return ", ".join(f"{labels.AUDIT_IMPACTS[name]}: {count}"
                     for name, count in re.findall(r"(critical|serious|moderate|minor): (\d+)", note))


def _verdict(note: str) -> str | None:
    code = _VERDICT_WORDS.get(note)
    return str(labels.VERDICTS[code]) if code else None


_SPECIAL: list[Callable[[str], str | None]] = [_impacts, _verdict]


def _named(figure: str) -> str:
    """A question key among the figures (the satisfaction check names the question it counted) by its label."""
    return str(labels.QUESTIONS[figure]) if figure in labels.QUESTIONS else figure


def check_note(note: str) -> tuple[str, bool]:
    """(the note in the reader's language, whether it was translated); an unknown form comes back as it is."""
    note = (note or "").strip()
    if not note:
        return "", True
    for special in _SPECIAL:
        said = special(note)
        if said is not None:
            return said, True
    for pattern, message in _COMPILED:
        match = pattern.match(note)
        if match:
            return str(message) % {str(i): _named(group) for i, group in enumerate(match.groups(), start=1)}, True
    return note, False
