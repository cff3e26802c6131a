"""Forms of the lab's pages: they parse what people type; `govcx.lab.services` decides and writes."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from govcx import labels
from govcx.common.forms import CheckedForm, SearchableSelect
from govcx.lab.models import AgeBand, FindingStatus, Outcome, QuotaDimension, SessionMode, StudyStatus
from govcx.lab.templatetags.lab import severity_choices
from govcx.registry.regions import region_choices
from govcx.registry.vocabulary import Stage

TIME_PATTERN = re.compile(r"^\s*(?:(\d+):)?(\d+(?:[.,]\d+)?)\s*$")


def parse_seconds(value: str) -> float | None:
    """Seconds from "75", "75.5", "1:15" or "1:15.5" (minutes:seconds); None when blank."""
    if not value or not value.strip():
        return None
    match = TIME_PATTERN.match(value)
    if not match:
        raise forms.ValidationError(_("Give the time as seconds (75) or minutes:seconds (1:15)."))
    minutes, seconds = match.groups()
    return int(minutes or 0) * 60 + float(seconds.replace(",", "."))


class DurationField(forms.CharField):
    """A time typed as seconds or minutes:seconds."""

    def to_python(self, value: Any) -> float | None:  # type: ignore[override]
        return parse_seconds(super().to_python(value))


def _lines(text: str) -> list[str]:
    return list(dict.fromkeys(line.strip() for line in (text or "").splitlines() if line.strip()))


class ScreenerRowForm(CheckedForm):
    """One screener question: what is asked, the answers offered, and which of them let a person take part."""

    question = forms.CharField(label=_("Question"), max_length=300)
    options = forms.CharField(label=_("Answers offered, one per line"), widget=forms.Textarea(attrs={"rows": 3}))
    accept = forms.CharField(label=_("Answers that let a person take part, one per line"), required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=_("Left empty, every answer lets a person take part."))
    key = forms.SlugField(label=_("Short name (for quotas and exports)"), max_length=64, required=False,
                          help_text=_("Latin letters, digits and dashes; left empty, one is made up."))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        options, accept = _lines(cleaned.get("options", "")), _lines(cleaned.get("accept", ""))
        unknown = [a for a in accept if a not in options]
        if unknown:
            self.add_error("accept", _("These are not among the answers offered: %(bad)s.")
                           % {"bad": ", ".join(unknown)})
        cleaned["options"], cleaned["accept"] = options, accept or list(options)
        return cleaned


class BaseScreenerFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        seen: set[str] = set()
        for form in self.forms:
            key = form.cleaned_data.get("key") if hasattr(form, "cleaned_data") else None
            if key and not self._should_delete_form(form):
                if key in seen:
                    form.add_error("key", _("Another question has this short name."))
                seen.add(key)

    def questions(self) -> list[dict[str, Any]]:
        """The study's screener as stored: [{"key", "question", "options", "accept"}], rows left empty skipped."""
        rows = [f.cleaned_data for f in self.forms
                if f.has_changed() and f.cleaned_data and not self._should_delete_form(f)]
        taken = {row["key"] for row in rows if row.get("key")}
        questions, number = [], 0
        for row in rows:
            key = row.get("key")
            while not key:
                number += 1
                key = f"q{number}" if f"q{number}" not in taken else ""
            questions.append({"key": key, "question": row["question"], "options": row["options"],
                              "accept": row["accept"]})
        return questions


ScreenerFormSet = forms.formset_factory(ScreenerRowForm, formset=BaseScreenerFormSet, extra=1, can_delete=True,
                                        max_num=30, validate_max=True)
#: The button that adds a row without JavaScript (the page comes back with one more empty row).
ADD_SCREENER_ROW = "screener-add-row"


def screener_formset(data: Any = None, questions: list[dict[str, Any]] | None = None) -> BaseScreenerFormSet:
    """The screener's rows, bound to `data` or filled from the stored `questions`; "Add a question" without
    JavaScript posts the page with ADD_SCREENER_ROW and gets it back with one more empty row."""
    if data is not None and ADD_SCREENER_ROW in data:
        data = data.copy()
        total = "screener-TOTAL_FORMS"
        data[total] = str(int(data.get(total) or 0) + 1)
    initial = [{"key": q["key"], "question": q.get("question", ""), "options": "\n".join(q.get("options") or []),
                "accept": "" if q.get("accept") == q.get("options") else "\n".join(q.get("accept") or [])}
               for q in questions or []]
    return ScreenerFormSet(data, initial=initial or None, prefix="screener")


class StudyForm(CheckedForm):
    service = forms.TypedChoiceField(label=_("Service"), coerce=int, widget=SearchableSelect)
    lab = forms.TypedChoiceField(label=_("Lab organisation"), coerce=int, widget=SearchableSelect)
    title = forms.CharField(label=_("Title (in Russian)"), max_length=300)
    title_en = forms.CharField(label=_("Title (in English)"), max_length=300, required=False,
                               help_text=_("Shown to English readers; without it they see the Russian title."))
    stage = forms.ChoiceField(label=_("Service stage at test time"),
                              choices=[(s.value, labels.STAGES[s.value]) for s in Stage])
    status = forms.ChoiceField(label=_("Status"),
                               choices=[(s.value, labels.STUDY_STATUSES[s.value]) for s in StudyStatus])
    research_questions = forms.CharField(
        label=_("Research questions"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    use_sus = forms.BooleanField(label=_("Ask the SUS questionnaire"), required=False, initial=True)
    use_umux_lite = forms.BooleanField(label=_("Ask the UMUX-Lite questionnaire"), required=False)
    use_seq = forms.BooleanField(label=_("Ask the single ease question after each task"), required=False,
                                 initial=True)
    include_failed_times = forms.BooleanField(
        label=_("Include failed attempts in task times"), required=False,
        help_text=_("By default only successful attempts are timed."),
    )
    confidence = forms.DecimalField(label=_("Confidence for benchmark comparisons"), min_value=Decimal("0.5"),
                                    max_value=Decimal("0.999"), decimal_places=3, initial=Decimal("0.90"))
    discovery_p = forms.DecimalField(
        label=_("Problem occurrence to plan for (p)"), min_value=Decimal("0.001"), max_value=Decimal("0.999"),
        decimal_places=3, initial=Decimal("0.31"),
    )
    discovery_goal = forms.DecimalField(
        label=_("Discovery goal"), min_value=Decimal("0.001"), max_value=Decimal("0.999"), decimal_places=3,
        initial=Decimal("0.85"),
    )
    retest_of = forms.TypedChoiceField(label=_("Re-test of"), coerce=int, required=False, empty_value=None)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, services=(), labs=(), studies=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [(s.pk, f"{s.name} ({s.code})") for s in services]
        self.fields["lab"].choices = [(o.pk, o.name) for o in labs]
        self.fields["retest_of"].choices = [("", _("Not a re-test"))] + [(s.pk, s.display_title) for s in studies]

    @staticmethod
    def initial_from(study) -> dict[str, Any]:
        return {
            "service": study.service_id, "lab": study.lab_id, "title": study.title, "title_en": study.title_en,
            "stage": study.stage,
            "status": study.status, "research_questions": study.research_questions, "use_sus": study.use_sus,
            "use_umux_lite": study.use_umux_lite, "use_seq": study.use_seq,
            "include_failed_times": study.include_failed_times, "confidence": study.confidence,
            "discovery_p": study.discovery_p, "discovery_goal": study.discovery_goal,
            "retest_of": study.retest_of_id, "version": study.version,
        }


class TaskForm(CheckedForm):
    key = forms.SlugField(label=_("Key"), max_length=64,
                          help_text=_("Stays the same in a re-test, so the two studies can be compared."))
    order = forms.IntegerField(label=_("Order"), min_value=1, initial=1)
    title = forms.CharField(label=_("Title"), max_length=300)
    scenario = forms.CharField(label=_("Scenario"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                               help_text=_("What the participant reads."))
    success_criteria = forms.CharField(label=_("Success criteria"), required=False,
                                       widget=forms.Textarea(attrs={"rows": 2}))
    critical_path = forms.BooleanField(label=_("On the service's critical path"), required=False)
    benchmark_completion = forms.DecimalField(label=_("Benchmark completion rate (0–1)"), min_value=0, max_value=1,
                                              decimal_places=3, initial=Decimal("0.78"))
    target_seconds = forms.IntegerField(label=_("Target time (seconds)"), min_value=1, required=False)

    @staticmethod
    def initial_from(task) -> dict[str, Any]:
        return {name: getattr(task, name) for name in TaskForm.base_fields}


class QuotaForm(CheckedForm):
    """A quota: whom (picked by name from one list grouped by dimension: a region, a client category, an age
    band ...) and how many. `clean` gives the service the stored pair, e.g. ("region", "RU-TUL")."""

    who = forms.ChoiceField(label=_("Participants who are"), widget=SearchableSelect(attrs={"id": "quota-who"}))
    target = forms.IntegerField(label=_("Target"), min_value=0)

    def __init__(self, *args: Any, categories=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        yes_no = [("true", _("yes")), ("false", _("no"))]
        values = {
            QuotaDimension.CLIENT_CATEGORY: [(c.code, c.name) for c in categories],
            QuotaDimension.AGE_BAND: [(a.value, labels.AGE_BANDS[a.value]) for a in AgeBand],
            QuotaDimension.REGION: region_choices(get_language() or "en"),
            QuotaDimension.DIGITAL_CONFIDENCE: [(str(n), str(n)) for n in range(1, 6)],
            QuotaDimension.DISABILITY: yes_no,
            QuotaDimension.ASSISTED_DIGITAL: yes_no,
        }
        self.fields["who"].choices = [("", _("Choose"))] + [
            (labels.QUOTA_DIMENSIONS[d.value], [(f"{d.value}={code}", name) for code, name in values[d]])
            for d in QuotaDimension]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        dimension, _sep, value = cleaned.pop("who", "").partition("=")
        if dimension:
            cleaned.update(dimension=dimension, value=value)
        return cleaned


class ParticipantForm(CheckedForm):
    code = forms.CharField(label=_("Code"), max_length=16, required=False,
                           help_text=_("Pseudonymous, e.g. P07; left blank, the next free code is used."))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    client_category = forms.ChoiceField(label=_("Client category"), required=False)
    age_band = forms.ChoiceField(label=_("Age band"), required=False,
                                 choices=[("", "—")] + [(a.value, labels.AGE_BANDS[a.value]) for a in AgeBand])
    region = forms.ChoiceField(label=_("Region"), required=False, widget=SearchableSelect)
    digital_confidence = forms.TypedChoiceField(
        label=_("Digital confidence (1–5)"), required=False, coerce=int, empty_value=None,
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 6)],
    )
    disability = forms.BooleanField(label=_("Has a disability"), required=False)
    assisted_digital = forms.BooleanField(label=_("Needs assisted digital support"), required=False)

    PERSONAL = ("full_name", "email", "phone")

    def __init__(self, *args: Any, categories=(), screener=(), show_personal: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_category"].choices = [("", "—")] + [(c.code, c.name) for c in categories]
        self.fields["region"].choices = [("", "—")] + region_choices(get_language() or "en")
        self.screener_keys = []
        for question in screener or []:
            name = f"screener_{question['key']}"
            self.fields[name] = forms.ChoiceField(
                label=question["question"], required=False,
                choices=[("", "—")] + [(o, o) for o in question.get("options", [])],
            )
            self.screener_keys.append((name, question["key"]))
        if not show_personal:
            for name in (*self.PERSONAL, *(n for n, _ in self.screener_keys)):
                del self.fields[name]

    def screener_answers(self) -> dict[str, str]:
        return {key: self.cleaned_data[name] for name, key in self.screener_keys if self.cleaned_data.get(name)}


class ConsentForm(CheckedForm):
    given_at = forms.DateTimeField(label=_("Given at"), initial=timezone.now,
                                   widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    text_version = forms.CharField(label=_("Consent text version"), max_length=40, initial="v1")
    recording_allowed = forms.BooleanField(label=_("Recording allowed"), required=False)


class IncentiveForm(CheckedForm):
    amount = forms.DecimalField(label=_("Amount"), min_value=0, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="RUB")
    method = forms.CharField(label=_("Method"), max_length=40, help_text=_('e.g. "voucher", "bank transfer"'))
    paid_at = forms.DateTimeField(label=_("Paid at"), required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class SessionForm(CheckedForm):
    participant = forms.TypedChoiceField(label=_("Participant"), coerce=int)
    mode = forms.ChoiceField(label=_("Mode"), choices=[(m.value, labels.SESSION_MODES[m.value]) for m in SessionMode])
    scheduled_at = forms.DateTimeField(label=_("Scheduled at"), required=False,
                                       widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args: Any, participants=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participant"].choices = [(p.pk, p.code) for p in participants]


class LinkForm(CheckedForm):
    valid_days = forms.IntegerField(label=_("Link valid for (days)"), min_value=1, max_value=60, initial=7)


class AttemptForm(CheckedForm):
    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect,
                                choices=[(o.value, labels.TASK_OUTCOMES[o.value]) for o in Outcome])
    seconds = DurationField(label=_("Time on task"), help_text=_("Seconds (75) or minutes:seconds (1:15)."),
                            error_messages={"required": _("Give the time on task.")})
    errors = forms.IntegerField(label=_("Errors"), min_value=0, initial=0)
    assists = forms.IntegerField(label=_("Assists"), min_value=0, initial=0)
    seq = forms.TypedChoiceField(label=_("Ease rating (SEQ 1–7)"), required=False, coerce=int, empty_value=None,
                                 choices=[("", "—")] + [(n, str(n)) for n in range(1, 8)])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def problems(self) -> list[str]:
        """Every error as text (a template cannot reach `self.errors`: the field named "errors" hides it)."""
        return [message for messages in self.errors.values() for message in messages]


def parse_tags(text: str) -> list[str]:
    """Comma-separated tags, trimmed, lower-cased, without repeats, in the order typed."""
    return list(dict.fromkeys(t.strip().lower() for t in text.split(",") if t.strip()))


class ObservationForm(CheckedForm):
    text = forms.CharField(label=_("Observation"), max_length=2000)
    tags = forms.CharField(label=_("Tags"), required=False, help_text=_("Comma-separated."))
    at = DurationField(label=_("At (from the session start)"), required=False,
                       help_text=_("Seconds or minutes:seconds; left blank, the time now is used."))
    task = forms.TypedChoiceField(label=_("Task"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, tasks=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", "—")] + [(t.pk, t.title) for t in tasks]

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data.get("tags", ""))


class RecordingForm(CheckedForm):
    recording = forms.FileField(label=_("Video file"))
    recording_started_at = DurationField(
        label=_("Recording started (after the session start)"), required=False,
        help_text=_("Seconds or minutes:seconds; blank if the recording began with the session."),
    )


class ImportForm(CheckedForm):
    file = forms.FileField(label=_("File of attempts (CSV or XLSX)"), help_text=_(
        "Columns: participant_code, task_key, outcome, seconds, errors, assists, seq and, optionally, mode."))


class FindingForm(CheckedForm):
    title = forms.CharField(label=_("Problem"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    severity = forms.TypedChoiceField(label=_("Severity"), coerce=int, choices=severity_choices, initial=2)
    task = forms.TypedChoiceField(label=_("Task"), required=False, coerce=int, empty_value=None)
    screen = forms.CharField(label=_("Screen"), max_length=300, required=False)
    recommendation = forms.CharField(label=_("Recommendation"), required=False,
                                     widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("Status"),
                               choices=[(s.value, labels.FINDING_STATUSES[s.value]) for s in FindingStatus])
    participants = forms.TypedMultipleChoiceField(
        label=_("Also affected (without an observation)"), required=False, coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, tasks=(), participants=(), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["task"].choices = [("", "—")] + [(t.pk, t.title) for t in tasks]
        self.fields["participants"].choices = [(p.pk, p.code) for p in participants]

    @staticmethod
    def initial_from(finding) -> dict[str, Any]:
        return {
            "title": finding.title, "description": finding.description, "severity": finding.severity,
            "task": finding.task_id, "screen": finding.screen, "recommendation": finding.recommendation,
            "status": finding.status, "participants": [p.pk for p in finding.participants.all()],
        }


# ---- The participant's own pages (unmoderated sessions) ----------------------------------------------------

class TakeConsentForm(CheckedForm):
    agree = forms.BooleanField(label=_("I have read the above and agree to take part"))


SEQ_CHOICES = [(n, str(n)) for n in range(1, 8)]


class SeqForm(CheckedForm):
    seq = forms.TypedChoiceField(
        label=_("Overall, how difficult or easy was the task to complete?"), coerce=int,
        choices=SEQ_CHOICES, widget=forms.RadioSelect,
    )


#: The System Usability Scale, Brooke (1996), in its standard English wording.
SUS_ITEMS = (
    _("I think that I would like to use this system frequently."),
    _("I found the system unnecessarily complex."),
    _("I thought the system was easy to use."),
    _("I think that I would need the support of a technical person to be able to use this system."),
    _("I found the various functions in this system were well integrated."),
    _("I thought there was too much inconsistency in this system."),
    _("I would imagine that most people would learn to use this system very quickly."),
    _("I found the system very cumbersome to use."),
    _("I felt very confident using the system."),
    _("I needed to learn a lot of things before I could get going with this system."),
)
#: UMUX-Lite, Lewis, Utesch & Maher (2013): the two positive items of UMUX.
UMUX_LITE_ITEMS = (
    _("This system's capabilities meet my requirements."),
    _("This system is easy to use."),
)


class QuestionnaireForm(CheckedForm):
    """SUS (10 items, 1–5) and/or UMUX-Lite (2 items, 1–7), each item a group of radio buttons."""

    def __init__(self, *args: Any, use_sus: bool, use_umux_lite: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if use_sus:
            for number, item in enumerate(SUS_ITEMS, start=1):
                self.fields[f"sus_{number}"] = forms.TypedChoiceField(
                    label=item, coerce=int, widget=forms.RadioSelect, choices=[(n, str(n)) for n in range(1, 6)]
                )
        if use_umux_lite:
            for number, item in enumerate(UMUX_LITE_ITEMS, start=1):
                self.fields[f"umux_{number}"] = forms.TypedChoiceField(
                    label=item, coerce=int, widget=forms.RadioSelect, choices=[(n, str(n)) for n in range(1, 8)]
                )

    def answers(self, prefix: str) -> list[int]:
        return [value for name, value in self.cleaned_data.items() if name.startswith(prefix)]
